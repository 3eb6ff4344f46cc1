import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import type { Supervised } from '../supervise';
import { ROOT, startLoneProcess } from '../stack';
import { benchStack, extraPort } from './bench-stack';
import { cannedSubgraphs, pointSupergraphAt, saveRecording } from './canned-subgraphs';
import { alternatingRounds, bareGatewayEnv, benchQueries, fmt, meanByKey, productionGatewayEnv, summarizeRounds, type RoundsSummary } from './gateway-runs';
import { load, peakRssMb, post, spanSink, withCoreBusy, withCpu } from './measure';

/**
 * `pnpm bench gateway --pin [--seconds N] [--rounds N] [--quick] [--edge]`: the gateway's own
 * speed. Each gateway runs alone on CPU 0 (taskset); the load generator and the subgraphs share
 * CPU 1, and the subgraphs are canned (canned-subgraphs.ts): answers recorded once from the real
 * subgraphs, then served from memory, so they cost next to nothing, as in the Guild's
 * gateways-benchmark. Peers in the same run, over the same supergraph: stock @apollo/gateway,
 * Hive Gateway (its CLI, as shipped on npm) and Hive Gateway with the Rust query planner
 * (`--hive-router-runtime`, @graphql-hive/router-runtime). Every gateway must answer every query
 * with the same JSON, from the real subgraphs and again from the recording, before anything is
 * timed. Then, per query and connection count, alternating rounds. Prints a table, and last one
 * JSON array with an object per query and connection count.
 */

/** A gateway under test: how it is started (on PORT and HOST), and what it runs with. */
interface Peer {
  label: string;
  entry: string;
  args?: string[];
  env: Record<string, string>;
  upPath: string;
  up?: (status: number) => boolean;
}

export const PEER_ORDER = ['cloudlab', 'stock', 'hive', 'hive_rust', 'edge_off'] as const;
export type PeerName = (typeof PEER_ORDER)[number];

export async function main() {
  const argv = process.argv;
  const option = (name: string) => (argv.includes(name) ? Number(argv[argv.indexOf(name) + 1]) : undefined);
  const quick = argv.includes('--quick');
  const seconds = option('--seconds') ?? (quick ? 3 : 10);
  const rounds = option('--rounds') ?? (quick ? 1 : 3);
  const warmSeconds = Math.min(3, Math.max(1, Math.round(seconds / 3)));
  const connectionsList = [10, 100];
  if (availableParallelism() < 2) throw new Error('--pin needs 2 CPUs: one for the gateway, one for the load generator and the subgraphs');
  execFileSync('taskset', ['-V']); // util-linux's taskset, or a clear failure here

  const queries = benchQueries();
  const errorsOnly = (name: string, line: string) => /error|ERR|Could not load/.test(line) && console.error(`[${name}] ${line}`);
  const sink = await spanSink();
  // The real subgraphs, only to record their answers.
  const stack = await benchStack({ gateway: false, output: errorsOnly, env: { NODE_ENV: 'production' } });
  const canned = await cannedSubgraphs({ upstream: stack.subgraphUrls });
  const dir = mkdtempSync(path.join(tmpdir(), 'cloudlab-gateway-pin-'));
  const supergraph = path.join(dir, 'supergraph.graphql');
  writeFileSync(supergraph, pointSupergraphAt(readFileSync(path.join(ROOT, 'schema', 'supergraph.graphql'), 'utf8'), canned.url));

  const hiveBin = require.resolve('@graphql-hive/gateway/package.json').replace(/package\.json$/, path.join('dist', 'bin.js'));
  const hive = (rust: boolean): Peer => ({
    label: `Hive Gateway ${version('@graphql-hive/gateway')}${rust ? ` + Rust query planner (@graphql-hive/router-runtime ${version('@graphql-hive/router-runtime')})` : ''}, CLI defaults (in-flight subgraph request de-duplication on)`,
    entry: hiveBin,
    // Port and host from PORT and HOST, as the CLI reads them.
    args: ['supergraph', supergraph, ...(rust ? ['--hive-router-runtime'] : [])],
    env: { NODE_ENV: 'production' },
    upPath: '/healthcheck',
  });
  const dedupe = process.env.SUBGRAPH_FETCH_DEDUPE ?? 'inflight';
  const peers: Partial<Record<PeerName, Peer>> = {
    cloudlab: {
      label: `Cloud Lab: production settings less the response cache (JWT auth, operation limits, rate limits on but out of reach, OpenTelemetry exporting every span to a local sink, subgraph fetch de-duplication ${dedupe})`,
      entry: path.join(ROOT, 'gateway', 'src', 'main.ts'),
      env: productionGatewayEnv(sink.url),
      upPath: '/healthz',
      up: (status) => status === 200,
    },
    stock: {
      label: `stock @apollo/gateway ${version('@apollo/gateway')} in @apollo/server's standalone server, default options`,
      entry: path.join(ROOT, 'ops', 'bench', 'stock-gateway.ts'),
      env: { NODE_ENV: 'production' },
      upPath: '/graphql',
    },
    hive: hive(false),
    hive_rust: hive(true),
    ...(argv.includes('--edge') ? { edge_off: { label: 'Cloud Lab with every edge feature off (no telemetry, rate limits, operation limits; response cache off)', entry: path.join(ROOT, 'gateway', 'src', 'main.ts'), env: bareGatewayEnv, upPath: '/healthz', up: (s: number) => s === 200 } } : {}),
  };
  const names = PEER_ORDER.filter((n) => peers[n]);
  const ports = Object.fromEntries(names.map((n, i) => [n, extraPort(stack, i)])) as Record<PeerName, number>;
  const url = (g: PeerName) => `http://127.0.0.1:${ports[g]}/graphql`;
  const running = new Map<PeerName, Supervised>();
  let stackStopped = false;
  // The Hive CLI falls back to its JavaScript planner, with a warning, when the Rust one fails to load.
  let rustPlannerMissing = false;
  try {
    for (const g of names) {
      const p = peers[g]!;
      const port = ports[g];
      const service = await startLoneProcess(g, p.entry, {
        args: p.args,
        env: { ...process.env, APOLLO_TELEMETRY_DISABLED: '1', HIVE_ROUTER_RUNTIME: '', ...p.env, HOST: '127.0.0.1', PORT: String(port), SUPERGRAPH_PATH: supergraph },
        cpus: '0',
        upUrl: `http://127.0.0.1:${port}${p.upPath}`,
        up: p.up ?? ((status) => status < 500),
        output: (name, line) => {
          rustPlannerMissing ||= /Could not load the @graphql-hive\/router-runtime/.test(line);
          errorsOnly(name, line);
        },
      });
      running.set(g, service);
    }
    if (rustPlannerMissing) throw new Error('hive_rust: @graphql-hive/router-runtime did not load (Hive Gateway fell back to its JavaScript planner)');

    // The same JSON from every gateway, from the real subgraphs; and how many subgraph requests
    // each sends for one query (the second time: the first also plans it).
    const expected: Record<string, string> = {};
    const fetches: Record<string, Record<string, number>> = {};
    for (const [query, body] of Object.entries(queries)) {
      const answers: Record<string, string> = {};
      fetches[query] = {};
      for (const g of names) {
        await post(url(g), body);
        const before = canned.counts.requests;
        answers[g] = JSON.stringify(JSON.parse(await post(url(g), body)));
        fetches[query]![g] = canned.counts.requests - before;
      }
      const first = answers[names[0]!]!;
      if (names.some((g) => answers[g] !== first)) throw new Error(`${query}: the gateways answer differently:\n${names.map((g) => `${g}: ${answers[g]!.slice(0, 300)}`).join('\n')}`);
      if (first.includes('"errors"')) throw new Error(`${query} fails: ${first.slice(0, 500)}`);
      expected[query] = first;
    }

    canned.replay();
    await stack.stop();
    stackStopped = true;
    // One file, overwritten by the next run: what the subgraphs answered, to look at.
    const recordingFile = path.join(tmpdir(), 'cloudlab-gateway-pin-recording.json');
    saveRecording(recordingFile, canned.recording);
    // This process (the canned subgraphs, the span sink) and the load generators it starts: CPU 1.
    execFileSync('taskset', ['-a', '-p', '-c', '1', String(process.pid)], { stdio: 'ignore' });

    // The same answers again, now from the recording alone.
    for (const [query, body] of Object.entries(queries)) {
      for (const g of names) {
        const answer = JSON.stringify(JSON.parse(await post(url(g), body)));
        if (answer !== expected[query]) throw new Error(`${g} answers ${query} differently from the recording: ${answer.slice(0, 300)}`);
      }
    }
    if (canned.counts.misses) throw new Error(`${canned.counts.misses} subgraph requests had no recorded answer`);

    console.log(`gateways, each alone on CPU 0 (load generator, canned subgraphs and span sink on CPU 1; ${Object.keys(canned.recording).length} recorded subgraph answers in ${recordingFile}):`);
    for (const g of names) console.log(`  ${g.padEnd(9)} ${peers[g]!.label}`);
    console.log(`subgraph requests per operation: ${Object.entries(fetches).map(([q, f]) => `${q} ${names.map((g) => `${g} ${f[g]}`).join(', ')}`).join(' | ')}`);
    console.log(`load average at start: ${loadavg().map((l) => l.toFixed(2)).join(' ')}; ${seconds} s × ${rounds} round(s) per gateway and scenario`);

    const scenarios: PinScenario[] = [];
    for (const [query, body] of Object.entries(queries)) {
      for (const connections of connectionsList) {
        const results = await alternatingRounds(
          [...names],
          rounds,
          (g) => load(url(g as PeerName), body, connections, warmSeconds),
          async (g) => {
            // Subgraph requests per answered operation under load: in-flight de-duplication shows here.
            const before = canned.counts.requests;
            const r = await withCoreBusy(() => withCpu({ gateway: [running.get(g as PeerName)!.child.pid!] }, () => load(url(g as PeerName), body, connections, seconds)));
            return { ...r, fetches: { per_op: r.requests ? (canned.counts.requests - before) / r.requests : 0 } };
          },
        );
        const summaries = Object.fromEntries(
          Object.entries(results).map(([g, list]) => [g, { ...summarizeRounds(list), core_busy: meanByKey(list.map((r) => r.core_busy)), subgraph_requests: meanByKey(list.map((r) => r.fetches)).per_op! }]),
        ) as PinScenario['results'];
        const scenario: PinScenario = { query, connections, results: summaries, loadavg: Number(loadavg()[0]!.toFixed(2)) };
        scenarios.push(scenario);
        console.log(`${query} c=${connections} (load average ${scenario.loadavg})`);
        for (const g of names) {
          const s = summaries[g]!;
          console.log(`  ${g.padEnd(9)} ${fmt(s)} | subgraph requests/op ${s.subgraph_requests} | CPU busy: 0 ${pct(s.core_busy.cpu0)} 1 ${pct(s.core_busy.cpu1)}`);
        }
      }
    }
    const rss = Object.fromEntries(names.map((g) => [g, peakRssMb(running.get(g)!.child.pid!)])) as Record<PeerName, number>;
    console.log(`peak RSS MB: ${JSON.stringify(rss)}; CPUs: ${cpus().length}`);
    if (canned.counts.misses) throw new Error(`${canned.counts.misses} subgraph requests had no recorded answer: the figures above are not the gateways' own`);
    console.log(JSON.stringify(pinRows(scenarios, { rss, fetches })));
  } finally {
    await Promise.all([...running.values()].map((s) => s.stop()));
    if (!stackStopped) await stack.stop();
    await canned.close();
    await sink.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One gateway in one scenario: its rounds summarized, each CPU's busy share, subgraph requests per operation under load. */
export type PinSummary = RoundsSummary & { core_busy: Record<string, number>; subgraph_requests: number };

export interface PinScenario {
  query: string;
  connections: number;
  results: Partial<Record<PeerName, PinSummary>>;
  loadavg: number;
}

/**
 * The last line's objects, one per query and connection count: the issue's fields first
 * (requests/s of all four, p99 of Cloud Lab, stock and Hive + Rust planner), then the rest.
 */
export function pinRows(scenarios: PinScenario[], extra: { rss: Partial<Record<PeerName, number>>; fetches: Record<string, Partial<Record<PeerName, number>>> }) {
  return scenarios.map(({ query, connections, results, loadavg }) => {
    const r = results;
    const ratio = (a?: RoundsSummary, b?: RoundsSummary) => (a && b && b.rps ? Math.round((a.rps / b.rps) * 100) / 100 : null);
    const each = <T>(f: (s: PinSummary) => T) =>
      Object.fromEntries(Object.entries(r).map(([g, s]) => [g, f(s!)])) as Partial<Record<PeerName, T>>;
    return {
      query,
      connections,
      cloudlab_rps: r.cloudlab?.rps ?? null,
      stock_rps: r.stock?.rps ?? null,
      hive_rps: r.hive?.rps ?? null,
      hive_rust_rps: r.hive_rust?.rps ?? null,
      cloudlab_p99_ms: r.cloudlab?.latency_ms.p99 ?? null,
      stock_p99_ms: r.stock?.latency_ms.p99 ?? null,
      hive_rust_p99_ms: r.hive_rust?.latency_ms.p99 ?? null,
      hive_p99_ms: r.hive?.latency_ms.p99 ?? null,
      ...(r.edge_off ? { edge_off_rps: r.edge_off.rps, edge_off_p99_ms: r.edge_off.latency_ms.p99 } : {}),
      cloudlab_vs_stock: ratio(r.cloudlab, r.stock),
      cloudlab_vs_hive_rust: ratio(r.cloudlab, r.hive_rust),
      p50_ms: each((s) => s.latency_ms.p50),
      gateway_cpu_ms_per_req: each((s) => s.cpu_ms),
      cpu_busy: each((s) => s.core_busy),
      errors: each((s) => s.errors),
      subgraph_requests_per_op: extra.fetches[query] ?? {},
      subgraph_requests_per_op_under_load: each((s) => s.subgraph_requests),
      peak_rss_mb: extra.rss,
      loadavg_1m: loadavg,
    };
  });
}

const pct = (share?: number) => (share === undefined ? '?' : `${Math.round(share * 100)}%`);
const version = (pkg: string) => (require(`${pkg}/package.json`) as { version: string }).version;
