import { benchStack } from './bench-stack';
import { load, post, withCpu } from './measure';

/**
 * `pnpm bench floor [--quick]`: the same load as `pnpm bench gateway`, straight at one subgraph's
 * simplest field (`{ __typename }`: HTTP, GraphQL parse/validate/execute, no database), at 10 and
 * 100 connections — what one hop costs on this machine, the floor under every subgraph fetch a
 * gateway makes. Measured for an Apollo Server subgraph (catalog) and the mercurius one (reviews).
 * Prints a table, then one JSON line.
 */
async function main() {
  const quick = process.argv.includes('--quick');
  const seconds = quick ? 3 : 10;
  const stack = await benchStack({ gateway: false, env: { NODE_ENV: 'production' } });
  const body = JSON.stringify({ query: '{ __typename }' });
  const rows = [];
  try {
    for (const subgraph of ['catalog', 'reviews']) {
      const url = stack.subgraphUrls[subgraph]!;
      const answer = await post(url, body);
      if (!answer.includes('"__typename":"Query"')) throw new Error(`${subgraph} answers ${answer}`);
      const pid = stack.processes.get(subgraph)!.pid!;
      for (const connections of [10, 100]) {
        await load(url, body, connections, quick ? 1 : 3); // warm-up
        const r = await withCpu({ [subgraph]: [pid] }, () => load(url, body, connections, seconds));
        const row = { subgraph, connections, rps: r.rps, p50_ms: r.latency_ms.p50, p95_ms: r.latency_ms.p95, p99_ms: r.latency_ms.p99, errors: r.errors, cpu_ms_per_req: r.cpu_ms[subgraph] };
        rows.push(row);
        console.log(`${subgraph.padEnd(8)} c=${String(connections).padEnd(4)} ${String(r.rps).padStart(7)} rps  p50 ${r.latency_ms.p50} p95 ${r.latency_ms.p95} p99 ${r.latency_ms.p99} ms  subgraph CPU ${row.cpu_ms_per_req} ms/req${r.errors ? `  errors ${r.errors}` : ''}`);
      }
    }
    console.log(`cores: ${require('node:os').cpus().length}`);
    console.log(JSON.stringify(rows));
  } finally {
    await stack.stop();
  }
}

void main();
