import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Db, createLogger, databaseUrl, ensureDatabase, type Queryable } from '@cloudlab/kit';
import { dropDatabases } from '@cloudlab/kit/db/pool';
import { migrate } from '@cloudlab/kit/db/migrate';
import { consumeEvents, createEnvelope, createPgLogBus, envelopeToMessage, Topics, type EventBus, type EventEnvelope } from '@cloudlab/kit/events';
import { GenerationDb, ensureReadModel } from '@cloudlab/kit/read-model';
import { definition } from '../subgraphs/search/src/server';
import { until } from './support/poll';
import { parseRequest } from '../subgraphs/search/src/request';
import { countsServe, facetStatement, readFacets } from '../subgraphs/search/src/sql';
import * as store from '../subgraphs/search/src/store';

/**
 * Search's read model under at-least-once, unordered delivery, through the real consumer path
 * (embedded event log + inbox) on databases of its own beside the stack: the same events, in
 * opposite orders and with duplicates, leave the same document; with OPENSEARCH_URL the index has
 * the newest document and refuses an older copy sent late (external versions).
 */
const server = () => inject('databaseUrl');
const prefix = `${inject('dbPrefix')}ooo_`;
let plain: Db;
let db: GenerationDb;
let bus: EventBus;
let stop: () => Promise<void>;
const log = createLogger('search-ooo');

beforeAll(async () => {
  await ensureDatabase(server(), `${prefix}search`);
  plain = new Db(databaseUrl(server(), `${prefix}search`), 4, null);
  await migrate(plain, definition.migrations);
  await ensureReadModel(plain, 'search', definition.readModel!);
  db = new GenerationDb(plain, { readModel: 'search' });
  bus = await createPgLogBus({ serverUrl: server(), dbPrefix: prefix, log, pollIntervalMs: 100 });
  const c = definition.consumes!;
  const sub = await consumeEvents({ db, bus, consumer: 'search', topics: c.topics, handle: c.handle, prepare: c.prepare, finish: c.finish, log });
  stop = async () => {
    await sub.close();
    await bus.close();
  };
});
afterAll(async () => {
  await stop?.();
  await plain?.close();
  await dropDatabases(server(), prefix);
});

const vendorId = randomUUID();
const categoryId = randomUUID();

/** The life of one product as its owners announce it (catalog versions, stock by time, one review). */
function history(productId: string): { topic: string; event: EventEnvelope }[] {
  const at = (iso: string, e: EventEnvelope) => ({ ...e, time: iso });
  const catalog = (type: string, data: Record<string, unknown>) => ({ topic: Topics.catalog, event: createEnvelope('catalog', { type, aggregateId: productId, data }) });
  const base = { productId, vendorId, currency: 'EUR' };
  return [
    catalog('ProductCreated', { ...base, version: 1, sku: `OOO-${productId.slice(0, 6)}`, name: 'Quokka Ledger', description: 'Stitched by hand.', price: '10.00', categoryId }),
    catalog('ProductUpdated', { ...base, version: 2, price: '20.00' }),
    catalog('ProductUpdated', { ...base, version: 3, name: 'Quokka Ledger Deluxe', price: '30.00' }),
    { topic: Topics.inventory, event: at('2026-11-30T10:00:00.000Z', createEnvelope('inventory', { type: 'StockChanged', aggregateId: productId, data: { productId, available: 0, reserved: 0 } })) },
    { topic: Topics.inventory, event: at('2026-11-30T11:00:00.000Z', createEnvelope('inventory', { type: 'StockChanged', aggregateId: productId, data: { productId, available: 7, reserved: 1 } })) },
    { topic: Topics.reviews, event: createEnvelope('reviews', { type: 'ReviewPosted', aggregateId: productId, data: { reviewId: randomUUID(), productId, authorId: randomUUID(), rating: 4, verifiedPurchase: true } }) },
  ];
}

async function publish(events: { topic: string; event: EventEnvelope }[]) {
  // One at a time, each on its own: the order given is the order delivered.
  for (const { topic, event } of events) await bus.publish(topic, [envelopeToMessage(event)]);
}

const document = (q: Queryable, id: string) =>
  q.query(
    `SELECT listed, archived, name, description, category_id, vendor_id, price::text, available, in_stock, rating::text, review_count
     FROM search_products WHERE id = $1`,
    [id],
  ).then((r) => r.rows[0]);

describe('search read model: out-of-order and redelivered events', () => {
  it('leaves the same document whatever the order, and counts a redelivered review once', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    const inOrder = history(a);
    const shuffled = history(b);
    // b: newest first, then the oldest, every event twice (a redelivery after a lost acknowledgement).
    const backwards = [...shuffled].reverse();
    await publish([...inOrder]);
    await publish([...backwards, ...backwards]);
    const want = {
      listed: true, archived: false, name: 'Quokka Ledger Deluxe', description: 'Stitched by hand.', category_id: categoryId,
      vendor_id: vendorId, price: '30.00', available: 7, in_stock: true, rating: '4.0000', review_count: 1,
    };
    await until(async () => JSON.stringify(await document(db, a)) === JSON.stringify(want), 'the in-order product');
    await until(async () => JSON.stringify(await document(db, b)) === JSON.stringify(want), 'the backwards, redelivered product');
    // Archived, then a late update: it stays archived (not searchable), the update's fields apply by version.
    await publish([{ topic: Topics.catalog, event: createEnvelope('catalog', { type: 'ProductArchived', aggregateId: b, data: { productId: b, vendorId, version: 5 } }) }]);
    await publish([{ topic: Topics.catalog, event: createEnvelope('catalog', { type: 'ProductUpdated', aggregateId: b, data: { productId: b, vendorId, version: 4, price: '40.00', currency: 'EUR' } }) }]);
    await until(async () => (await document(db, b))?.price === '40.00', 'the late update');
    expect(await document(db, b)).toMatchObject({ archived: true, listed: true });
  });

  it.skipIf(!process.env.OPENSEARCH_URL)('indexes the newest document, and OpenSearch refuses an older copy sent late (OpenSearch engine)', async () => {
    const { engineFor } = await import('../subgraphs/search/src/opensearch/engine');
    const { Indexer } = await import('../subgraphs/search/src/opensearch/indexer');
    const alias = `${prefix}search`;
    const engine = engineFor(process.env.OPENSEARCH_URL!, alias);
    const indexer = new Indexer(engine, log);
    try {
      while ((await indexer.tick(db)) > 0);
      const id = (await plain.query<{ id: string }>(`SELECT id FROM search_g1.search_products WHERE archived LIMIT 1`)).rows[0]!.id;
      const get = async () => (await engine.client.get({ index: alias, id })).body as unknown as { _version: number; _source: Record<string, unknown> };
      const doc = await get();
      expect(doc._source).toMatchObject({ visible: false, price: 40, in_stock: true, name: 'Quokka Ledger Deluxe', review_count: 1 });
      // Another instance's copy from before the archive, arriving after it: refused, the document stays.
      const stale = await engine.client.index(
        { index: engine.indexOf(1), id, version: doc._version - 1, version_type: 'external', body: { ...doc._source, visible: true, price: 20 } } as never,
        { ignore: [409] },
      );
      expect(stale.statusCode).toBe(409);
      expect((await get())._source).toMatchObject({ visible: false, price: 40 });
      // Only the in-order product is searchable; the queue is empty once indexed.
      const visible = await engine.client.search({ index: alias, body: { query: { term: { visible: true } } } as never });
      expect((visible.body as unknown as { hits: { total: { value: number } } }).hits.total.value).toBe(1);
      expect((await plain.query('SELECT 1 FROM search_g1.search_index_queue')).rowCount).toBe(0);
    } finally {
      await engine.client.indices.delete({ index: `${alias}_g*` }).catch(() => undefined);
    }
  });
});

describe('search facet counts (the cells a browse reads instead of every document)', () => {
  const facets = (q: Queryable, args: Parameters<typeof parseRequest>[0], bounds: number[], source: 'documents' | 'counts') =>
    store.facetRows(q, facetStatement(parseRequest(args, 200), bounds, source)).then((rows) => readFacets(rows, bounds, 50));
  const browses = [{}, { filter: { categoryIds: [categoryId] } }, { filter: { minPrice: '25', inStock: true } }, { filter: { vendorIds: [vendorId], minRating: 4 } }];

  it('count the same as the documents through creations, price moves, stock, reviews, archiving and new price bounds', async () => {
    const bounds = [25, 50];
    await db.tx((q) => store.recountFacets(q, bounds));
    expect(await db.tx((q) => store.facetCountsCurrent(q, bounds))).toBe(true);
    // Three products' whole lives (bucket 0 → 1 → 2, out of and back in stock, a review), one archived.
    const ids = [randomUUID(), randomUUID(), randomUUID()];
    await publish(ids.flatMap(history));
    await publish([{ topic: Topics.catalog, event: createEnvelope('catalog', { type: 'ProductArchived', aggregateId: ids[2]!, data: { productId: ids[2], vendorId, version: 9 } }) }]);
    await until(async () => (await document(db, ids[2]!))?.archived === true && (await document(db, ids[1]!))?.review_count === 1, 'the three products');
    for (const args of browses) expect(countsServe(parseRequest(args, 200), bounds)).toBe(true);
    const compare = async (b: number[]) => {
      for (const args of browses) {
        const [counted, scanned] = await db.tx(async (q) => [await facets(q, args, b, 'counts'), await facets(q, args, b, 'documents')]);
        expect(counted, JSON.stringify(args)).toEqual(scanned);
      }
    };
    await compare(bounds);
    // The writers' deltas folded into the counts (the timer's statement): still the same.
    expect((await plain.query('SELECT count(*)::int AS n FROM search_g1.search_facet_deltas')).rows[0].n).toBeGreaterThan(0);
    await db.tx((q) => store.foldFacetDeltas(q));
    expect((await plain.query('SELECT count(*)::int AS n FROM search_g1.search_facet_deltas')).rows[0].n).toBe(0);
    await compare(bounds);
    // Not equal by being empty: this test's two live products (and the first story's) are counted.
    const inCategory = (await db.tx((q) => facets(q, { filter: { categoryIds: [categoryId] } }, bounds, 'counts'))).categories.find((c) => c.id === categoryId);
    expect(inCategory?.count).toBeGreaterThanOrEqual(2);
    // SEARCH_PRICE_RANGES changed: the cells are stale until recounted, then exact again.
    expect(await db.tx((q) => store.facetCountsCurrent(q, [15, 100]))).toBe(false);
    await db.tx((q) => store.recountFacets(q, [15, 100]));
    await compare([15, 100]);
  });

  it("are read only where they give the documents' counts: no query text, no maximum price, a minimum on a bucket bound", () => {
    const serves = (args: Parameters<typeof parseRequest>[0]) => countsServe(parseRequest(args, 200), [25, 50]);
    expect(serves({ filter: { minPrice: '50', minRating: 3 } })).toBe(true);
    expect(serves({ query: 'ledger' })).toBe(false);
    expect(serves({ filter: { maxPrice: '50' } })).toBe(false);
    expect(serves({ filter: { minPrice: '30' } })).toBe(false);
  });
});
