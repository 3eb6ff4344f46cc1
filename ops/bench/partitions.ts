import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Db, databaseUrl, demoPlan, dropDatabases, ensureDatabase, seedSizes, type Queryable } from '@cloudlab/kit';
import { migrate } from '@cloudlab/kit/db/migrate';
import { placeCategory } from '../../subgraphs/catalog/src/partitions';
import { seed } from '../../subgraphs/catalog/src/seed';
import * as store from '../../subgraphs/catalog/src/store';
import { definition } from '../../subgraphs/catalog/src/server';
import { startPostgresProcess } from '../stack';
import { benchPostgres } from './bench-stack';
import { percentiles } from './stats';

/**
 * `pnpm bench partitions [--quick]`: what placing one category's products on a second PostgreSQL
 * server (postgres_fdw, subgraphs/catalog/src/partitions.ts) costs the catalog's statements. The
 * demo catalog (10,000 products) on DATABASE_URL's server or an embedded one, the second server
 * an embedded one on this machine (so no network in the figures: a real second machine adds its
 * round trip to every remote call). Each statement is timed as the catalog sends it (client
 * round trip, prepared as the catalog's are) and as PostgreSQL ran it (EXPLAIN ANALYZE's execution
 * time, no planning): on the catalog before partitioning (migrations 001–003), partitioned with
 * every partition here, and with the biggest category moved.
 */
async function main() {
  const runs = process.argv.includes('--quick') ? 100 : 400;
  const { serverUrl, stop } = await benchPostgres('partitions');
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-partitions-'));
  const second = await startPostgresProcess(path.join(dir, 'pg'), await freePort(), () => undefined);
  const prefix = `bench_partitions_${Date.now().toString(36)}_`;
  await ensureDatabase(serverUrl, `${prefix}catalog`);
  await ensureDatabase(second.url, 'catalog_shard');
  const db = new Db(databaseUrl(serverUrl, `${prefix}catalog`), 2, null);
  try {
    await migrate(db, definition.migrations);
    await db.tx((q) => seed(q, demoPlan(seedSizes({}))));
    await db.query('ANALYZE');
    const [moved, kept] = (await db.query<{ category_id: string }>(
      `SELECT category_id FROM product_counts WHERE category_id <> '00000000-0000-0000-0000-000000000000' ORDER BY n DESC, category_id LIMIT 2`,
    )).rows.map((r) => r.category_id) as [string, string];
    const idsOf = async (categoryId: string) => (await store.listProducts(db, { limit: 12, after: null, categoryId })).map((p) => p.id);
    const [movedIds, keptIds] = [await idsOf(moved), await idsOf(kept)];
    const statements = (lookup: typeof store.productsByIds): Record<string, (q: Queryable) => Promise<unknown>> => ({
      'listing of the category (13)': (q) => store.listProducts(q, { limit: 13, after: null, categoryId: moved }),
      'listing of the whole catalog (13)': (q) => store.listProducts(q, { limit: 13, after: null, categoryId: null }),
      'lookup of 12 ids in the category': (q) => lookup(q, movedIds),
      'lookup of 12 ids in another category': (q) => lookup(q, keptIds),
    });

    const measure = async (where: string, db: Db, lookup = store.productsByIds) => {
      const rows = [];
      for (const [name, run] of Object.entries(statements(lookup))) {
        for (let i = 0; i < 20; i++) await run(db); // warm: connections, prepared statements, caches
        const client: number[] = [];
        for (let i = 0; i < runs; i++) {
          const t = performance.now();
          await run(db);
          client.push(performance.now() - t);
        }
        const executed: number[] = [];
        for (let i = 0; i < Math.ceil(runs / 4); i++) {
          await run({
            query: async (text, values) => {
              executed.push((await db.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${text}`, values)).rows[0]['QUERY PLAN'][0]['Execution Time']);
              return db.query(text, values);
            },
          });
        }
        rows.push({ where, statement: name, client_ms: percentiles(client, [50, 95]), execution_ms: percentiles(executed, [50, 95]) });
      }
      return rows;
    };

    // The same catalog before migrations/004: one table, its primary key for lookups by id.
    const flatMigrations = path.join(dir, 'flat');
    mkdirSync(flatMigrations);
    for (const f of readdirSync(definition.migrations).filter((f) => f < '004')) copyFileSync(path.join(definition.migrations, f), path.join(flatMigrations, f));
    await ensureDatabase(serverUrl, `${prefix}flat`);
    const flatDb = new Db(databaseUrl(serverUrl, `${prefix}flat`), 2, null);
    const flat = await (async () => {
      try {
        await migrate(flatDb, flatMigrations);
        await flatDb.tx((q) => seed(q, demoPlan(seedSizes({}))));
        await flatDb.query('ANALYZE');
        const byId = async (q: Queryable, ids: readonly string[]) =>
          (await q.query('SELECT id, sku, name, description, price, currency, category_id, vendor_id, created_at, archived_at, version FROM products WHERE id = ANY($1::uuid[])', [ids])).rows;
        return await measure('one table (before 004)', flatDb, byId);
      } finally {
        await flatDb.close();
      }
    })();
    const before = await measure('partitioned, all here', db);
    const started = performance.now();
    await placeCategory(db, { categoryId: moved, server: 'bench_shard', remoteUrl: databaseUrl(second.url, 'catalog_shard') });
    const placeMs = Math.round(performance.now() - started);
    const products = (await db.query(`SELECT n FROM product_counts WHERE category_id = $1`, [moved])).rows[0].n;
    const after = await measure('one category on 2nd server', db);

    console.log(`${products} products of one category placed on the second server in ${placeMs} ms; ${runs} runs per statement`);
    console.log('where                            statement                              client p50/p95 ms   EXPLAIN ANALYZE execution p50/p95 ms');
    for (const r of [...flat, ...before, ...after]) {
      console.log(
        `${r.where.padEnd(32)} ${r.statement.padEnd(38)} ${`${r.client_ms.p50} / ${r.client_ms.p95}`.padEnd(19)} ${r.execution_ms.p50} / ${r.execution_ms.p95}`,
      );
    }
    console.log(JSON.stringify({ bench: 'partitions', runs, moved_products: products, place_ms: placeMs, results: [...flat, ...before, ...after] }));
  } finally {
    await db.close();
    await dropDatabases(serverUrl, prefix);
    await second.stop();
    rmSync(dir, { recursive: true, force: true });
    await stop();
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

void main();
