import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../stack';
import { benchStack } from './bench-stack';
import { metric } from './measure';
import { percentiles } from './stats';

/**
 * `pnpm bench storefront`: the contract StorefrontHome query, one request at a time, through the
 * gateway of a freshly started stack (embedded Postgres unless DATABASE_URL is set). Reports
 * per-request latency percentiles and the SQL statements each subgraph issued per request.
 */
async function main() {
  const quick = process.argv.includes('--quick');
  const requests = quick ? 100 : 1000;
  const stack = await benchStack();
  try {
    const query = readFileSync(path.join(ROOT, 'clients', 'operations', 'storefront.graphql'), 'utf8');
    const body = JSON.stringify({ query, operationName: 'StorefrontHome', variables: {} });
    const send = async () => {
      const res = await fetch(stack.gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      const json = (await res.json()) as { errors?: unknown };
      if (json.errors) throw new Error(JSON.stringify(json.errors));
    };
    for (let i = 0; i < 50; i++) await send(); // warm-up: JIT, plan cache, connection pools
    const before = await statements(stack.subgraphUrls);
    const samples: number[] = [];
    for (let i = 0; i < requests; i++) {
      const t = performance.now();
      await send();
      samples.push(performance.now() - t);
    }
    const after = await statements(stack.subgraphUrls);
    const perRequest = Object.fromEntries(Object.keys(after).map((k) => [k, (after[k]! - before[k]!) / requests]));
    const p = percentiles(samples);
    console.log(`StorefrontHome (12 products), ${requests} sequential requests through the gateway`);
    console.log(`  latency ms: p50 ${p.p50}  p95 ${p.p95}  p99 ${p.p99}`);
    console.log(`  SQL statements per request: ${Object.entries(perRequest).map(([k, v]) => `${k} ${v}`).join(', ')}`);
    console.log(JSON.stringify({ bench: 'storefront', requests, latency_ms: p, sql_per_request: perRequest }));
  } finally {
    await stack.stop();
  }
}

async function statements(urls: Record<string, string>) {
  const out: Record<string, number> = {};
  for (const [name, url] of Object.entries(urls)) {
    out[name] = await metric(url, 'cloudlab_db_statements_total', 'source="graphql"');
  }
  return out;
}

void main();
