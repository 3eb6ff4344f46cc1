import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SUBGRAPHS } from '@cloudlab/kit/topology';
import { ROOT } from '../stack';
import { benchStack, extraPort } from './bench-stack';
import { alternatingRounds, bareGatewayEnv, benchQueries, fmt, productionGatewayEnv, summarizeRounds } from './gateway-runs';
import { load, peakRssMb, post, processTree, spanSink, withCpu, type CpuPerRequest } from './measure';

/**
 * `pnpm bench gateway [--quick] [--edge] [--workers] [--profile]`: Cloud Lab's gateway (production features
 * on, response cache off), stock @apollo/gateway with default options, and Cloud Lab's gateway
 * with the response cache on — over the same subgraphs and supergraph, alternating rounds so drift
 * shows, load from a separate process. Prints a table, where the CPU goes per request (gateway,
 * each subgraph, PostgreSQL), then one JSON line.
 * --edge: also Cloud Lab's gateway with every edge feature off. --workers: also Cloud Lab's
 * gateway as two processes (GATEWAY_WORKERS=2). --profile: every process writes
 * V8 CPU profiles (open them in Chrome DevTools or speedscope) to a folder it names.
 * --pin: the gateway-bound mode instead (gateway-pin.ts).
 */
async function main() {
  if (process.argv.includes('--pin')) return (await import('./gateway-pin')).main();
  const quick = process.argv.includes('--quick');
  const seconds = quick ? 3 : 10;
  const rounds = quick ? 1 : 3;
  const connectionsList = [10, 100];
  const profileDir = process.argv.includes('--profile') ? mkdtempSync(path.join(tmpdir(), 'cloudlab-profile-')) : undefined;
  const sink = await spanSink(); // an OTLP endpoint that accepts and drops every span
  const stack = await benchStack({
    gateway: false,
    output: (name, line) => /error|Error/.test(line) && console.error(`[${name}] ${line}`),
    // Every process in production mode, the stock gateway included (graphql-js, for one, runs
    // slower development-time checks otherwise).
    env: { NODE_ENV: 'production', ...(profileDir ? { CLOUDLAB_CPU_PROFILE_DIR: profileDir } : {}) },
  });
  const production = productionGatewayEnv(sink.url);
  // --edge adds Cloud Lab's gateway with every edge feature off, to price the features themselves.
  const bare = bareGatewayEnv;
  const gateways: Record<string, { port: number; env: Record<string, string>; entry?: string }> = {
    cloudlab: { port: extraPort(stack, 0), env: production },
    stock: { port: extraPort(stack, 1), env: {}, entry: path.join(ROOT, 'ops', 'bench', 'stock-gateway.ts') },
    cached: { port: extraPort(stack, 2), env: { ...production, RESPONSE_CACHE_ENABLED: 'true' } },
    ...(process.argv.includes('--edge') ? { bare: { port: extraPort(stack, 3), env: bare } } : {}),
    // --workers: Cloud Lab's gateway as 2 processes sharing the port (GATEWAY_WORKERS), to see
    // what running on every core buys when the subgraphs share the same cores.
    ...(process.argv.includes('--workers') ? { workers: { port: extraPort(stack, 4), env: { ...production, GATEWAY_WORKERS: '2' } } } : {}),
  };
  try {
    const pids: Record<string, number> = {};
    for (const [name, g] of Object.entries(gateways)) pids[name] = (await stack.startGateway(name, g.port, g.env, g.entry)).pid!;
    const url = (name: string) => `http://127.0.0.1:${gateways[name]!.port}/graphql`;
    const queries = benchQueries();

    // The same JSON from every gateway before anything is timed (stock pretty-prints it, Cloud Lab
    // sends it compact: the same values, keys in the same order).
    for (const [name, body] of Object.entries(queries)) {
      const answers = (await Promise.all(Object.keys(gateways).map((g) => post(url(g), body)))).map((a) => JSON.stringify(JSON.parse(a)));
      if (answers.some((a) => a !== answers[0])) throw new Error(`${name}: the gateways answer differently:\n${answers.map((a) => a.slice(0, 300)).join('\n')}`);
      if (answers[0]!.includes('"errors"')) throw new Error(`${name} fails: ${answers[0]!.slice(0, 500)}`);
    }
    // Where the CPU goes, per request: the gateway under test, each subgraph it reaches, PostgreSQL.
    const subgraphPids = Object.fromEntries(SUBGRAPHS.map(({ name }) => [name, [stack.processes.get(name)!.pid!]]));
    const groups = (g: string) => ({ gateway: () => processTree(pids[g]!), ...subgraphPids, postgres: 'postgres' as const });

    const scenarios = [];
    for (const [query, body] of Object.entries(queries)) {
      for (const connections of connectionsList) {
        const results = await alternatingRounds(
          Object.keys(gateways),
          rounds,
          (g) => load(url(g), body, connections, quick ? 1 : 3),
          (g) => withCpu(groups(g), () => load(url(g), body, connections, seconds)),
        );
        const s = summarize(results);
        scenarios.push({ query, connections, ...s });
        console.log(
          `${query.padEnd(15)} c=${String(connections).padEnd(4)} cloudlab ${fmt(s.cloudlab)} | stock ${fmt(s.stock)} | cached ${fmt(s.cached)}${s.bare ? ` | edge off ${fmt(s.bare)}` : ''}${s.workers ? ` | 2 workers ${fmt(s.workers)}` : ''} | cloudlab/stock ×${s.ratio} (gateway CPU per request: stock/cloudlab ×${s.cpuRatio})`,
        );
        console.log(`${''.padEnd(21)} CPU ms per request: cloudlab ${where(s.cloudlab.cpu)} | stock ${where(s.stock.cpu)}`);
      }
    }
    const rss = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, processTree(pid).reduce((sum, p) => sum + peakRssMb(p), 0)]));
    console.log(`peak RSS MB: ${JSON.stringify(rss)}; cores: ${require('node:os').cpus().length}`);
    console.log(
      JSON.stringify(
        scenarios.map((s) => ({
          query: s.query,
          connections: s.connections,
          cloudlab_rps: s.cloudlab.rps,
          stock_rps: s.stock.rps,
          ratio: s.ratio,
          cloudlab_p99_ms: s.cloudlab.latency_ms.p99,
          stock_p99_ms: s.stock.latency_ms.p99,
          cached_rps: s.cached.rps,
          cached_p95_ms: s.cached.latency_ms.p95,
          cloudlab_p95_ms: s.cloudlab.latency_ms.p95,
          ...(s.bare ? { edge_off_rps: s.bare.rps, edge_off_p95_ms: s.bare.latency_ms.p95 } : {}),
          ...(s.workers ? { workers2_rps: s.workers.rps, workers2_p99_ms: s.workers.latency_ms.p99 } : {}),
          cloudlab_p50_ms: s.cloudlab.latency_ms.p50,
          stock_p50_ms: s.stock.latency_ms.p50,
          cloudlab_cpu_ms_per_req: s.cloudlab.cpu_ms,
          stock_cpu_ms_per_req: s.stock.cpu_ms,
          cpu_ms_per_req_by_process: { cloudlab: s.cloudlab.cpu, stock: s.stock.cpu },
          cpu_ratio: s.cpuRatio,
          errors: s.cloudlab.errors + s.stock.errors + s.cached.errors,
          peak_rss_mb: rss,
        })),
      ),
    );
  } finally {
    await stack.stop();
    await sink.close();
    if (profileDir) console.error(`CPU profiles (one folder per process): ${profileDir}`);
  }
}

/** Each gateway's rounds summarized, and Cloud Lab against stock. */
function summarize(results: Record<string, (Awaited<ReturnType<typeof withCpu>>)[]>) {
  const cloudlab = summarizeRounds(results.cloudlab!);
  const stock = summarizeRounds(results.stock!);
  const cached = summarizeRounds(results.cached!);
  const bare = results.bare ? summarizeRounds(results.bare) : undefined;
  const workers = results.workers ? summarizeRounds(results.workers) : undefined;
  return { cloudlab, stock, cached, bare, workers, ratio: Math.round((cloudlab.rps / stock.rps) * 100) / 100, cpuRatio: Math.round((stock.cpu_ms / cloudlab.cpu_ms) * 100) / 100 };
}

/** "gateway 3.1 + subgraphs 9.2 (accounts 2 …) + postgres 3 = 15.3" */
function where(cpu: CpuPerRequest): string {
  const subgraphs = SUBGRAPHS.map(({ name }) => name).filter((n) => (cpu[n] ?? 0) >= 0.05);
  const sub = subgraphs.reduce((sum, n) => sum + cpu[n]!, 0);
  const total = (cpu.gateway ?? 0) + sub + (cpu.postgres ?? 0);
  const r = (x: number) => Math.round(x * 100) / 100;
  return `gateway ${cpu.gateway} + subgraphs ${r(sub)} (${subgraphs.map((n) => `${n} ${cpu[n]}`).join(', ')}) + postgres ${cpu.postgres} = ${r(total)}`;
}

void main();
