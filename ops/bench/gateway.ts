import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import path from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from '../stack';
import { benchStack, extraPort } from './bench-stack';
import type { LoadResult } from './load';
import { HEAVY_QUERY } from './queries';

const run = promisify(execFile);


/**
 * `pnpm bench gateway [--quick]`: Cloud Lab's gateway (production features on, response cache
 * off), stock @apollo/gateway with default options, and Cloud Lab's gateway with the response
 * cache on — over the same subgraphs and supergraph, alternating rounds so drift shows, load from
 * a separate process. Prints a table, then one JSON line.
 */
async function main() {
  const quick = process.argv.includes('--quick');
  const seconds = quick ? 3 : 10;
  const rounds = quick ? 1 : 3;
  const connectionsList = [10, 100];
  const sink = await spanSink(); // an OTLP endpoint that accepts and drops every span
  const stack = await benchStack({ gateway: false, output: (name, line) => /error|Error/.test(line) && console.error(`[${name}] ${line}`) });
  const production = {
    NODE_ENV: 'production',
    OTEL_EXPORTER_OTLP_ENDPOINT: sink.url,
    RESPONSE_CACHE_ENABLED: 'false',
    // Limits on, but high enough never to trigger under benchmark load.
    RATE_LIMIT_ANON_PER_MIN: '100000000',
    RATE_LIMIT_USER_PER_MIN: '100000000',
  };
  // --edge adds Cloud Lab's gateway with every edge feature off, to price the features themselves.
  const bare = {
    NODE_ENV: 'production',
    OTEL_SDK_DISABLED: 'true',
    RESPONSE_CACHE_ENABLED: 'false',
    RATE_LIMIT_ENABLED: 'false',
    OPERATION_MAX_DEPTH: '1000',
    OPERATION_MAX_ALIASES: '100000',
    OPERATION_MAX_COST: '100000000',
  };
  const gateways: Record<string, { port: number; env: Record<string, string>; entry?: string }> = {
    cloudlab: { port: extraPort(stack, 0), env: production },
    stock: { port: extraPort(stack, 1), env: {}, entry: path.join(ROOT, 'ops', 'bench', 'stock-gateway.ts') },
    cached: { port: extraPort(stack, 2), env: { ...production, RESPONSE_CACHE_ENABLED: 'true' } },
    ...(process.argv.includes('--edge') ? { bare: { port: extraPort(stack, 3), env: bare } } : {}),
  };
  try {
    const pids: Record<string, number> = {};
    for (const [name, g] of Object.entries(gateways)) pids[name] = (await stack.startGateway(name, g.port, g.env, g.entry)).pid!;
    const url = (name: string) => `http://127.0.0.1:${gateways[name]!.port}/graphql`;
    const storefront = readFileSync(path.join(ROOT, 'clients', 'operations', 'storefront.graphql'), 'utf8');
    const queries = {
      StorefrontHome: JSON.stringify({ query: storefront, operationName: 'StorefrontHome', variables: {} }),
      Heavy: JSON.stringify({ query: HEAVY_QUERY, operationName: 'Heavy' }),
    };

    // Same answers from all three before anything is timed.
    for (const [name, body] of Object.entries(queries)) {
      const answers = await Promise.all(Object.keys(gateways).map((g) => post(url(g), body)));
      if (answers.some((a) => a !== answers[0])) throw new Error(`${name}: the gateways answer differently:\n${answers.map((a) => a.slice(0, 300)).join('\n')}`);
      if (answers[0]!.includes('"errors"')) throw new Error(`${name} fails: ${answers[0]!.slice(0, 500)}`);
    }

    const scenarios = [];
    for (const [query, body] of Object.entries(queries)) {
      for (const connections of connectionsList) {
        const results: Record<string, LoadResult[]> = Object.fromEntries(Object.keys(gateways).map((g) => [g, []]));
        for (const g of Object.keys(gateways)) await load(url(g), body, connections, quick ? 1 : 3); // warm-up
        for (let r = 0; r < rounds; r++) {
          for (const g of Object.keys(gateways)) results[g]!.push(await withCpu(pids[g]!, () => load(url(g), body, connections, seconds)));
        }
        const s = summarize(results);
        scenarios.push({ query, connections, ...s });
        console.log(
          `${query.padEnd(15)} c=${String(connections).padEnd(4)} cloudlab ${fmt(s.cloudlab)} | stock ${fmt(s.stock)} | cached ${fmt(s.cached)}${s.bare ? ` | edge off ${fmt(s.bare)}` : ''} | cloudlab/stock ×${s.ratio} (gateway CPU per request: stock/cloudlab ×${s.cpuRatio})`,
        );
      }
    }
    const rss = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, peakRssMb(pid)]));
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
          cloudlab_p50_ms: s.cloudlab.latency_ms.p50,
          stock_p50_ms: s.stock.latency_ms.p50,
          cloudlab_cpu_ms_per_req: s.cloudlab.cpu_ms,
          stock_cpu_ms_per_req: s.stock.cpu_ms,
          cpu_ratio: s.cpuRatio,
          errors: s.cloudlab.errors + s.stock.errors + s.cached.errors,
          peak_rss_mb: rss,
        })),
      ),
    );
  } finally {
    await stack.stop();
    await sink.close();
  }
}

async function load(url: string, body: string, connections: number, seconds: number): Promise<LoadResult> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', path.join(__dirname, 'load.ts'), url, body, String(connections), String(seconds)], { cwd: ROOT });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as LoadResult;
}

/** A load run, with the gateway process's CPU time (user + system) per answered request: steadier than requests/s on a shared machine. */
async function withCpu(pid: number, run: () => Promise<LoadResult>): Promise<LoadResult & { cpu_ms: number }> {
  const cpuMs = () => {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // clock ticks (USER_HZ 100) → ms
  };
  const before = cpuMs();
  const result = await run();
  return { ...result, cpu_ms: result.requests ? (cpuMs() - before) / result.requests : 0 };
}

/** Mean requests/s over the rounds; the median round's latency percentiles. */
function summarize(results: Record<string, LoadResult[]>) {
  const pick = (list: LoadResult[]) => {
    const byRps = [...list].sort((a, b) => a.rps - b.rps);
    const median = byRps[Math.floor(byRps.length / 2)]!;
    return {
      rps: Math.round(list.reduce((sum, r) => sum + r.rps, 0) / list.length),
      latency_ms: median.latency_ms,
      errors: list.reduce((sum, r) => sum + r.errors, 0),
      rounds: list.map((r) => r.rps),
      cpu_ms: Math.round((list.reduce((sum, r) => sum + ((r as { cpu_ms?: number }).cpu_ms ?? 0), 0) / list.length) * 100) / 100,
    };
  };
  const cloudlab = pick(results.cloudlab!);
  const stock = pick(results.stock!);
  const cached = pick(results.cached!);
  const bare = results.bare ? pick(results.bare) : undefined;
  return { cloudlab, stock, cached, bare, ratio: Math.round((cloudlab.rps / stock.rps) * 100) / 100, cpuRatio: Math.round((stock.cpu_ms / cloudlab.cpu_ms) * 100) / 100 };
}

const fmt = (r: { rps: number; latency_ms: Record<string, number>; errors: number; cpu_ms: number }) =>
  `${String(r.rps).padStart(6)} rps p50 ${r.latency_ms.p50} p95 ${r.latency_ms.p95} p99 ${r.latency_ms.p99} ms cpu ${r.cpu_ms} ms/req${r.errors ? ` errors ${r.errors}` : ''}`;

function peakRssMb(pid: number): number {
  try {
    const kb = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    return Math.round(kb / 1024);
  } catch {
    return 0;
  }
}

async function post(url: string, body: string): Promise<string> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  return res.text();
}

async function spanSink() {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise<void>((r) => server.close(() => r())) };
}

void main();
