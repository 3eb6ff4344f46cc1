import { benchPostgres } from './bench-stack';
import { Db, createLogger, databaseUrl, demoPlan, ensureDatabase, registry, seedSizes } from '@cloudlab/kit';
import { migrate } from '@cloudlab/kit/db/migrate';
import { dropDatabases } from '@cloudlab/kit/db/pool';
import { createEnvelope } from '@cloudlab/kit/events';
import { GenerationDb, ensureReadModel } from '@cloudlab/kit/read-model';
import { measureEngine, queryMix, untilSearchable, type Run, type SearchArgs } from './search-load';

/**
 * `pnpm bench search [--products N] [--rate R] [--seconds S] [--quick]`: search's two engines side
 * by side in one run, over the same read model. Loads N demo products (default 20,000; the issue's
 * figure is --products 100000) into a fresh database (embedded PostgreSQL unless DATABASE_URL) and,
 * when OPENSEARCH_URL is set, into an index of their own. Then for each engine:
 *   - latency p50/p95/p99 of a mix of queries (one word, two words, a typo, a prefix, filters and
 *     a sort, browsing with a filter), each with the contract's facets, sent at a fixed rate
 *     (open loop: a slow answer does not delay the next request; latency counts from the
 *     scheduled time);
 *   - the most queries/s with 50 concurrent callers;
 *   - a burst of 1,000 price changes (ProductUpdated through the projection's own handlers, in
 *     batches of 50 as the consumer applies them) and the time until all 1,000 are found by price.
 * The Postgres engine runs twice: as it serves (answers cached until the read model changes; the
 * hit ratio is printed) and computing every answer ("postgres, no cache").
 * In-process (the engines' functions, not the gateway): what is measured is the engine. The last
 * line is JSON. `--gateway`: the same mix through a whole stack's gateway instead (search-gateway.ts).
 */
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};

async function main() {
  if (process.argv.includes('--gateway')) return (await import('./search-gateway')).main(arg);
  const quick = process.argv.includes('--quick');
  const products = arg('products', quick ? 5_000 : 20_000);
  const rate = arg('rate', 100);
  const seconds = arg('seconds', quick ? 5 : 20);
  const stamp = Date.now().toString(36);
  const name = `bench_search_${stamp}`;
  // The engine's index names derive from DB_PREFIX (src/opensearch/engine.ts): this run's own.
  process.env.DB_PREFIX = `${name}_`;
  const { definition } = await import('../../subgraphs/search/src/server');
  const { search, searchCache } = await import('../../subgraphs/search/src/search');
  const { openSearchEngine, searchOpenSearch } = await import('../../subgraphs/search/src/opensearch/engine');
  const { Indexer } = await import('../../subgraphs/search/src/opensearch/indexer');

  const { serverUrl, stop: stopPg } = await benchPostgres('search');
  await ensureDatabase(serverUrl, `${name}_search`);
  const plain = new Db(databaseUrl(serverUrl, `${name}_search`), 8, null);
  const os = openSearchEngine();
  const log = { info: () => undefined, error: (o: unknown, m: string) => console.error(m, JSON.stringify(o)) } as never;
  const indexer = os ? new Indexer(os, log) : null;
  let indexing: NodeJS.Timeout | undefined;
  const results: Record<string, unknown> = {};
  try {
    await migrate(plain, definition.migrations);
    await ensureReadModel(plain, 'search', definition.readModel!);
    const db = new GenerationDb(plain, { readModel: 'search' });
    const sizes = { ...seedSizes({}), products, reviews: products * 2 };
    const plan = demoPlan(sizes);
    let t = performance.now();
    await db.tx((q) => definition.seed(q, plan));
    // Steady state, as the gateway mode measures it: the seed's updates leave a dead row per
    // product and a GIN pending list, and autovacuum would otherwise vacuum and analyze every
    // freshly loaded table during the first engine's run.
    await plain.query('VACUUM ANALYZE');
    // The load's dirty pages written now, not by a checkpoint in the middle of the first engine's run.
    await plain.query('CHECKPOINT').catch(() => undefined);
    console.log(`read model: ${products} products in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    if (indexer) {
      t = performance.now();
      while ((await indexer.tick(db)) > 0);
      const s = (performance.now() - t) / 1000;
      console.log(`opensearch index: ${products} documents in ${s.toFixed(1)} s (${Math.round(products / s)} docs/s)`);
      results.index_docs_per_s = Math.round(products / s);
      let running = false;
      indexing = setInterval(() => {
        if (running) return;
        running = true;
        indexer.tick(db).catch((err) => console.error('indexer', err)).finally(() => (running = false));
      }, 100);
    }

    const mix = queryMix(plan, products);
    // The first failure of the OpenSearch engine in full (timeout, 429 queue full, …), then a count.
    let osFailures = 0;
    const osLog = { error: (o: { err?: { message?: string; meta?: { statusCode?: number } } }) => {
      if (osFailures++ === 0) console.error('opensearch:', o.err?.meta?.statusCode ?? '', o.err?.message);
    } } as never;
    const lookups = async () => Object.fromEntries(((await registry.getSingleMetric('cloudlab_read_model_cache_lookups_total')?.get())?.values ?? [])
      .map((v) => [String(v.labels.outcome), v.value]));
    const engines: { name: string; run: Run }[] = [
      { name: 'postgres', run: (a) => search(db, { first: 24, ...a }) },
      ...(os ? [{ name: 'opensearch', run: (a: SearchArgs) => searchOpenSearch(os, { first: 24, ...a }, osLog) }] : []),
    ];
    // The Postgres engine computing every answer first: what a query costs when it is new, or
    // when the read model keeps changing. Then as it serves: answers cached until the read model
    // changes (SEARCH_CACHE_ENTRIES).
    // Warm (JIT, the connections' catalog and plan caches) before either is measured: the first
    // run measured otherwise pays for it.
    for (let i = 0; i < (quick ? 60 : 300); i++) await engines[0]!.run(mix[i % mix.length]!.args());
    results.postgres_uncached = await measureEngine('postgres, no cache', engines[0]!.run, mix, { rate, seconds, closedMs: quick ? 3_000 : 8_000 });
    searchCache.start(databaseUrl(serverUrl, `${name}_search`), createLogger('bench', 'warn'));
    // Until its listener is up (a lookup counted as a miss, not a bypass).
    while (!(await lookups()).miss) await search(db, { first: 1 }).then(() => new Promise((r) => setTimeout(r, 20)));
    const before = await lookups();
    for (const e of engines) results[e.name] = await measureEngine(e.name, e.run, mix, { rate, seconds, closedMs: quick ? 3_000 : 8_000 });
    const after = await lookups();
    const hits = (after.hit ?? 0) - (before.hit ?? 0);
    const misses = (after.miss ?? 0) - (before.miss ?? 0);
    const hitRatio = Math.round((hits / (hits + misses || 1)) * 1000) / 1000;
    (results.postgres as Record<string, unknown>).cache_hit_ratio = hitRatio;
    console.log(`postgres: ${hits} cache hits, ${misses} misses (hit ratio ${hitRatio})`);

    // A burst of 1,000 price changes, applied as the consumer applies events; then until searchable.
    const burst = 1_000;
    const price = '9876.54';
    const events = Array.from({ length: burst }, (_, i) => {
      const p = plan.product(Math.floor((i * products) / burst));
      return createEnvelope('catalog', {
        type: 'ProductUpdated', aggregateId: p.id,
        data: { productId: p.id, vendorId: p.vendorId, version: 2, price, currency: p.currency },
      });
    });
    const consumer = definition.consumes!;
    t = performance.now();
    for (let i = 0; i < events.length; i += 50) {
      await db.tx(async (q) => {
        for (const ev of events.slice(i, i + 50)) await consumer.handle(ev, q);
      });
    }
    const applied = performance.now() - t;
    const burstOut: Record<string, number> = { applied_ms: Math.round(applied) };
    for (const e of engines) burstOut[`${e.name}_searchable_ms`] = await untilSearchable(e.run, price, burst, t, e.name);
    results.burst_1000_updates = burstOut;
    console.log(`burst of ${burst} price changes: applied to the read model in ${burstOut.applied_ms} ms; all searchable: ${engines.map((e) => `${e.name} ${burstOut[`${e.name}_searchable_ms`]} ms`).join(', ')} after the first event`);
    console.log(JSON.stringify({ bench: 'search', products, ...results }));
  } finally {
    await searchCache.close();
    clearInterval(indexing);
    if (os) await os.client.indices.delete({ index: `${os.alias}_g*` }).catch(() => undefined);
    await plain.close();
    if (process.env.DATABASE_URL) await dropDatabases(serverUrl, `${name}_`);
    await stopPg();
  }
}

void main().then(() => process.exit(0), (err) => {
  console.error(err);
  process.exit(1);
});
