import { chmodSync, copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GraphQLError } from 'graphql';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Db, databaseUrl, demoPlan, dropDatabases, ensureDatabase, seedSizes, type Queryable, type Viewer } from '@cloudlab/kit';
import { migrate } from '@cloudlab/kit/db/migrate';
import { startPostgresProcess } from '@cloudlab/ops/stack';
import { archiveProduct, createProduct, updateProduct } from '../subgraphs/catalog/src/product-writes';
import { categoryPartitions, placeCategory } from '../subgraphs/catalog/src/partitions';
import { seed } from '../subgraphs/catalog/src/seed';
import * as store from '../subgraphs/catalog/src/store';
import { freePort } from './support/ports';

const MIGRATIONS = path.join(__dirname, '..', 'subgraphs', 'catalog', 'migrations');

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Remote SQL'?: string;
  Plans?: PlanNode[];
}
const nodes = (plan: PlanNode): PlanNode[] => [plan, ...(plan.Plans ?? []).flatMap(nodes)];

/**
 * One category of a catalog database placed on a second PostgreSQL server (an embedded one this
 * story starts) as a postgres_fdw foreign partition: the catalog's own store functions read and
 * write its products through `products` as before, while the rows live on the other server.
 * A catalog database of its own on the stack's server, so the shared stack's catalog never
 * depends on a server this file stops.
 */
describe('a category placed on a second PostgreSQL server (postgres_fdw)', () => {
  const prefix = `${inject('dbPrefix')}shard_`;
  const serverUrl = inject('databaseUrl');
  const admin: Viewer = { userId: '00000000-0000-4000-8000-000000000001', role: 'ADMIN', vendorId: null };
  const dir = mkdtempSync(path.join(tmpdir(), 'cloudlab-shard-'));
  let second: Awaited<ReturnType<typeof startPostgresProcess>>;
  let catalog: Db;
  let remote: Db;
  let remoteCategory: string; // the category placed on the second server
  let localCategory: string;
  let partition: string;

  const remoteRow = async (id: string) =>
    (await remote.query(`SELECT name, category_id, archived_at FROM ${partition} WHERE id = $1`, [id])).rows[0];
  /** product_counts and product_keys agree with the rows, wherever the rows are. */
  const exact = async (q: Queryable = catalog) => {
    const counts = await q.query<{ category_id: string; n: number; counted: number }>(
      `SELECT c.category_id, c.n::int AS n, (SELECT count(*)::int FROM products p WHERE p.archived_at IS NULL AND (c.category_id = '00000000-0000-0000-0000-000000000000' OR p.category_id = c.category_id)) AS counted
       FROM product_counts c`,
    );
    for (const r of counts.rows) expect(r.n, `count of ${r.category_id}`).toBe(r.counted);
    const keys = await q.query(
      `(SELECT id, vendor_id, sku, category_id FROM products EXCEPT SELECT id, vendor_id, sku, category_id FROM product_keys)
       UNION ALL (SELECT id, vendor_id, sku, category_id FROM product_keys EXCEPT SELECT id, vendor_id, sku, category_id FROM products)`,
    );
    expect(keys.rows).toEqual([]);
  };

  beforeAll(async () => {
    chmodSync(dir, 0o755); // as root, embedded PostgreSQL runs as the `postgres` user, which must reach it
    second = await startPostgresProcess(path.join(dir, 'pg'), await freePort(), (_, line) => process.env.E2E_VERBOSE && console.log(line));
    const remoteUrl = databaseUrl(second.url, 'catalog_shard');
    await ensureDatabase(second.url, 'catalog_shard');
    await ensureDatabase(serverUrl, `${prefix}catalog`);
    catalog = new Db(databaseUrl(serverUrl, `${prefix}catalog`), 3, null);
    remote = new Db(remoteUrl, 1, null);
    await migrate(catalog, MIGRATIONS);
    await catalog.tx((q) => seed(q, demoPlan(seedSizes({ SEED_PRODUCTS: '10000' }))));
    const byCount = (await catalog.query<{ category_id: string }>(
      `SELECT category_id FROM product_counts WHERE category_id <> '00000000-0000-0000-0000-000000000000' ORDER BY n DESC, category_id LIMIT 2`,
    )).rows;
    [remoteCategory, localCategory] = [byCount[0]!.category_id, byCount[1]!.category_id];
    const placed = await placeCategory(catalog, { categoryId: remoteCategory, server: 'shard_one', remoteUrl });
    partition = placed.partition;
  });

  afterAll(async () => {
    await catalog?.close();
    await remote?.close();
    await dropDatabases(serverUrl, prefix);
    await second?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('its products are stored on the second server and read through products', async () => {
    const places = await categoryPartitions(catalog);
    expect(places.filter((p) => p.server)).toMatchObject([{ categoryId: remoteCategory, partition, server: 'shard_one' }]);
    const stored = (await remote.query<{ id: string }>(`SELECT id FROM ${partition} WHERE archived_at IS NULL ORDER BY created_at DESC, id DESC`)).rows.map((r) => r.id);
    expect(stored.length).toBeGreaterThan(50);
    expect(await store.countProducts(catalog, remoteCategory)).toBe(stored.length);

    // A listing of the category, page after page, is the second server's rows in order.
    const first = await store.listProducts(catalog, { limit: 20, after: null, categoryId: remoteCategory });
    const last = first.at(-1)!;
    const next = await store.listProducts(catalog, { limit: 20, after: [last.created_at.toISOString(), last.id], categoryId: remoteCategory });
    expect([...first, ...next].map((p) => p.id)).toEqual(stored.slice(0, 40));

    // The whole catalog's listing merges them with the local partitions'; lookups by id find both.
    const all = await store.listProducts(catalog, { limit: 20_000, after: null, categoryId: null });
    expect(all).toHaveLength(await store.countProducts(catalog, null));
    expect(all.filter((p) => p.category_id === remoteCategory).map((p) => p.id)).toEqual(stored);
    const local = await store.listProducts(catalog, { limit: 2, after: null, categoryId: localCategory });
    const ids = [stored[0]!, local[0]!.id, stored[1]!, local[1]!.id];
    expect((await store.productsByIds(catalog, ids)).map((p) => p.id).sort()).toEqual([...ids].sort());
    await exact();
  });

  it('writes go through products too: a new product, a duplicate sku, moves out and back, archiving', async () => {
    const vendorId = (await catalog.query('SELECT vendor_id FROM products LIMIT 1')).rows[0].vendor_id as string;
    const input = { sku: 'SHARD-1', name: 'Remote Lamp', description: 'Stored on the second server', price: '12.50', vendorId };
    const made = await catalog.tx((q) => createProduct(q, admin, { ...input, categoryId: remoteCategory }));
    expect(await remoteRow(made.id)).toMatchObject({ name: 'Remote Lamp', category_id: remoteCategory, archived_at: null });
    await exact();

    // (vendor_id, sku) is unique across servers: product_keys holds it here.
    const again = await catalog.tx((q) => createProduct(q, admin, { ...input, categoryId: localCategory })).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(GraphQLError);
    expect((again as GraphQLError).extensions.code).toBe('BAD_USER_INPUT');

    const before = { remote: await store.countProducts(catalog, remoteCategory), local: await store.countProducts(catalog, localCategory) };
    const out = await catalog.tx((q) => updateProduct(q, admin, made.id, { categoryId: localCategory, name: 'Moved Lamp' }));
    expect(out).toMatchObject({ category_id: localCategory, name: 'Moved Lamp', version: 2 });
    expect(await remoteRow(made.id)).toBeUndefined();
    expect(await store.countProducts(catalog, remoteCategory)).toBe(before.remote - 1);
    expect(await store.countProducts(catalog, localCategory)).toBe(before.local + 1);
    await exact();

    const back = await catalog.tx((q) => updateProduct(q, admin, made.id, { categoryId: remoteCategory, price: '14.00' }));
    expect(back).toMatchObject({ category_id: remoteCategory, price: '14.00', version: 3 });
    expect(await remoteRow(made.id)).toMatchObject({ name: 'Moved Lamp', category_id: remoteCategory });
    await exact();

    const archived = await catalog.tx((q) => archiveProduct(q, admin, made.id));
    expect(archived.archived_at).not.toBeNull();
    expect((await remoteRow(made.id))!.archived_at).not.toBeNull();
    expect(await store.countProducts(catalog, remoteCategory)).toBe(before.remote - 1);
    expect((await store.productsByIds(catalog, [made.id]))[0]).toMatchObject({ id: made.id, version: 4 });
    await exact();
  });

  it("EXPLAIN: the category's listing is one foreign scan ordered there; a lookup asks it once, and only for its ids", async () => {
    const plans = async (run: (q: Queryable) => Promise<unknown>) => {
      const found: PlanNode[] = [];
      await run({
        query: async (text, values) => {
          found.push((await catalog.query(`EXPLAIN (VERBOSE, FORMAT JSON) ${text}`, values)).rows[0]['QUERY PLAN'][0].Plan);
          return catalog.query(text, values);
        },
      });
      return found;
    };
    const [listing] = await plans((q) => store.listProducts(q, { limit: 13, after: null, categoryId: remoteCategory }));
    const scanned = nodes(listing!).filter((n) => n['Relation Name']);
    expect(scanned.map((n) => `${n['Node Type']} on ${n['Relation Name']}`)).toEqual([`Foreign Scan on ${partition}`]);
    expect(scanned[0]!['Remote SQL']).toMatch(/ORDER BY created_at DESC NULLS FIRST, id DESC NULLS FIRST/);

    const ids = async (categoryId: string) => (await store.listProducts(catalog, { limit: 6, after: null, categoryId })).map((p) => p.id);
    const foreign = (lookup: PlanNode[]) => lookup.flatMap(nodes).filter((n) => n['Node Type'] === 'Foreign Scan');
    const [here, there] = [await ids(localCategory), await ids(remoteCategory)];
    expect(foreign(await plans((q) => store.productsByIds(q, here)))).toEqual([]);
    const mixed = foreign(await plans((q) => store.productsByIds(q, [...there, ...here])));
    expect(mixed.map((n) => n['Relation Name'])).toEqual([partition]);
    expect(mixed[0]!['Remote SQL']).toMatch(/id = ANY/);
  });

  it('with the second server down, the other categories keep answering; what needs it fails', async () => {
    await second.stop();
    const local = await store.listProducts(catalog, { limit: 5, after: null, categoryId: localCategory });
    expect(local).toHaveLength(5);
    expect(await store.productsByIds(catalog, local.map((p) => p.id))).toHaveLength(5);
    expect(await store.countProducts(catalog, remoteCategory)).toBeGreaterThan(0); // counts live here
    await expect(store.listProducts(catalog, { limit: 5, after: null, categoryId: remoteCategory })).rejects.toThrow();
    await expect(store.listProducts(catalog, { limit: 5, after: null, categoryId: null })).rejects.toThrow();
  });
});

describe('a catalog that held products before it was partitioned (migrations/004 on a filled database)', () => {
  const prefix = `${inject('dbPrefix')}unpart_`;
  const serverUrl = inject('databaseUrl');
  const dir = mkdtempSync(path.join(tmpdir(), 'cloudlab-migrations-'));
  let db: Db;

  afterAll(async () => {
    await db?.close();
    await dropDatabases(serverUrl, prefix);
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps every product, its count and its keys, one partition per category', async () => {
    for (const file of readdirSync(MIGRATIONS).filter((f) => f < '004')) copyFileSync(path.join(MIGRATIONS, file), path.join(dir, file));
    await ensureDatabase(serverUrl, `${prefix}catalog`);
    db = new Db(databaseUrl(serverUrl, `${prefix}catalog`), 2, null);
    await migrate(db, dir);
    await db.tx((q) => seed(q, demoPlan(seedSizes({ SEED_PRODUCTS: '3000' }))));
    await db.query(`UPDATE products SET archived_at = now() WHERE sku IN ('CL-000001', 'CL-000002')`);
    const snapshot = async () => ({
      products: (await db.query('SELECT * FROM products ORDER BY id')).rows,
      counts: (await db.query('SELECT category_id, n FROM product_counts ORDER BY category_id')).rows,
    });
    const before = await snapshot();
    expect(before.counts.find((c) => c.category_id === '00000000-0000-0000-0000-000000000000')?.n).toBe(2998);

    expect(await migrate(db, MIGRATIONS)).toEqual(['app/004_products_by_category.sql']);
    expect(await snapshot()).toEqual(before);
    const keys = await db.query('SELECT count(*)::int AS n FROM product_keys k JOIN products p USING (id, vendor_id, sku, category_id)');
    expect(keys.rows[0].n).toBe(3000);
    const categories = (await db.query('SELECT count(*)::int AS n FROM categories')).rows[0].n;
    expect(await categoryPartitions(db)).toHaveLength(categories);
    const { rows } = await db.query(`SELECT relkind FROM pg_class WHERE relname = 'products'`);
    expect(rows).toEqual([{ relkind: 'p' }]);
  });
});
