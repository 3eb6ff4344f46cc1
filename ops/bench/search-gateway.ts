import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Db, databaseUrl, demoId, demoPlan, metricsUrl, seedSizes } from '@cloudlab/kit';
import { SUBGRAPHS } from '@cloudlab/kit/topology';
import { benchStack } from './bench-stack';
import { cpuMs, gatewayClient, postgresPids, processTree } from './measure';
import { measureEngine, queryMix, untilSearchable, type Run } from './search-load';

/**
 * `pnpm bench search --gateway [--products N] [--rate R] [--seconds S] [--quick]`: the search mix
 * as a storefront sends it — the contract's `Search` operation (facets with category and vendor
 * names, each product's name, price, rating, stock and vendor) through a whole stack's gateway,
 * every subgraph on its own process, seeded with N demo products (default 100,000). The engine is
 * the stack's: Postgres, or OpenSearch when OPENSEARCH_URL is set. Then a burst of 1,000 price
 * changes made by a vendor through the gateway (updateProduct, 20 at a time): the time until all
 * are found by price, through catalog's outbox, the event log and search's consumer. The last
 * line is JSON.
 */
const ROOT = path.join(__dirname, '..', '..');
const operations = (file: string) => readFileSync(path.join(ROOT, 'clients', 'operations', file), 'utf8');

export async function main(arg: (name: string, fallback: number) => number): Promise<void> {
  const quick = process.argv.includes('--quick');
  const products = arg('products', quick ? 5_000 : 100_000);
  const rate = arg('rate', 100);
  const seconds = arg('seconds', quick ? 5 : 20);
  const engine = process.env.OPENSEARCH_URL ? 'opensearch' : 'postgres';
  let t = performance.now();
  const stack = await benchStack({ env: { SEED_PRODUCTS: String(products) } });
  console.log(`stack with ${products} products up in ${((performance.now() - t) / 1000).toFixed(1)} s (engine: ${engine})`);
  try {
    // Steady state, not the minutes after a bulk load: autovacuum would vacuum and analyze every
    // freshly seeded table during the run (CPU counted as PostgreSQL's) and plans before it use no statistics.
    t = performance.now();
    for (const { name } of SUBGRAPHS) {
      const db = new Db(databaseUrl(stack.databaseUrl, `${stack.dbPrefix}${name}`), 1, null);
      try {
        await db.query('VACUUM ANALYZE');
      } finally {
        await db.close();
      }
    }
    console.log(`VACUUM ANALYZE of every subgraph database: ${((performance.now() - t) / 1000).toFixed(1)} s`);
    const { call, login } = gatewayClient(stack.gatewayUrl);
    const search = operations('search.graphql');
    const run: Run = async (variables) => (await call({ query: search, operationName: 'Search', variables })).search;
    const plan = demoPlan(seedSizes({ SEED_PRODUCTS: String(products) }));
    // Where the time goes: CPU per answered query of each process (its tree) and of PostgreSQL.
    const groups = () => ({
      ...Object.fromEntries([...stack.processes].map(([name, child]) => [name, child.pid ? processTree(child.pid) : []])),
      postgres: postgresPids(),
    });
    const cpu = () => Object.fromEntries(Object.entries(groups()).map(([name, pids]) => [name, pids.reduce((n, pid) => n + cpuMs(pid), 0)]));
    // The Postgres engine's answer cache, as search's /metrics counts it (hits and misses).
    const lookups = async () => {
      const text = await (await fetch(metricsUrl(stack.subgraphUrls.search!))).text();
      const count = (outcome: string) => Number(text.match(new RegExp(`cloudlab_read_model_cache_lookups_total\\{[^}]*outcome="${outcome}"[^}]*\\} (\\d+)`))?.[1] ?? 0);
      return { hit: count('hit'), miss: count('miss') };
    };
    const cacheBefore = await lookups();
    const before = cpu();
    const out = await measureEngine(`${engine} via the gateway`, run, queryMix(plan, products), { rate, seconds, closedMs: quick ? 3_000 : 8_000 });
    const after = cpu();
    const perQuery = Object.fromEntries(Object.keys(after)
      .map((name) => [name, Math.round(((after[name]! - (before[name] ?? 0)) / (out.queries as number)) * 100) / 100] as const)
      .filter(([, ms]) => ms >= 0.05)
      .sort((a, b) => b[1] - a[1]));
    out.cpu_ms_per_query = perQuery;
    const cacheAfter = await lookups();
    const hits = cacheAfter.hit - cacheBefore.hit;
    const misses = cacheAfter.miss - cacheBefore.miss;
    if (engine === 'postgres') {
      out.cache_hit_ratio = Math.round((hits / (hits + misses || 1)) * 1000) / 1000;
      console.log(`  search's answer cache: ${hits} hits, ${misses} misses (hit ratio ${out.cache_hit_ratio}; SEARCH_CACHE_ENTRIES=0 turns it off)`);
    }
    console.log(`  CPU ms per query: ${JSON.stringify(perQuery)} (total ${Object.values(perQuery).reduce((a, b) => a + b, 0).toFixed(1)})`);

    // The burst: 1,000 of the demo vendor's products get one new price, through the gateway.
    const burst = quick ? 200 : 1_000;
    const price = '9876.54';
    const token = await login('vendor@cloudlab.dev');
    const ids: string[] = [];
    for (let i = 0; ids.length < burst && i < products; i++) {
      const p = plan.product(i);
      if (p.vendorId === demoId('vendor', 0)) ids.push(p.id);
    }
    const update = operations('marketplace.graphql');
    t = performance.now();
    for (let i = 0; i < ids.length; i += 20) {
      await Promise.all(ids.slice(i, i + 20).map((id) =>
        call({ query: update, operationName: 'UpdateProduct', variables: { id, patch: { price } } }, token)));
    }
    const applied = Math.round(performance.now() - t);
    const searchable = await untilSearchable(run, price, ids.length, t, engine);
    console.log(`burst of ${ids.length} price changes through the gateway: sent in ${applied} ms; all searchable ${searchable} ms after the first was sent`);
    console.log(JSON.stringify({ bench: 'search', mode: 'gateway', engine, products, [engine]: out, burst_updates: { updates: ids.length, sent_ms: applied, searchable_ms: searchable } }));
  } finally {
    await stack.stop();
  }
}
