import { Db, databaseUrl, ensureDatabase } from '../db/pool';
import { migrate } from '../db/migrate';
import { ReadRouter, replicaPool, sqlProbe, type ReplicaSettings } from '../db/read-replica';
import { demoPlan, type SeedSizes } from '../demo/plan';
import type { Logger } from '../logger';
import { GenerationDb, ensureReadModel } from '../read-model/generations';
import type { SubgraphDefinition } from './definition';

/**
 * Opens the subgraph's own database, creating and migrating it first. A subgraph with a read model
 * gets a Db that reads and writes its current generation (read-model/generations.ts).
 */
export async function openDatabase(
  def: SubgraphDefinition<any>,
  opts: { serverUrl: string; prefix: string; poolMax: number; log: Logger; connectTimeoutMs?: number },
): Promise<Db> {
  const name = `${opts.prefix}${def.name}`;
  await ensureDatabase(opts.serverUrl, name, opts.connectTimeoutMs);
  const db = new Db(databaseUrl(opts.serverUrl, name), opts.poolMax, 'graphql', opts.log);
  const applied = await migrate(db, def.migrations);
  if (applied.length) opts.log.info({ database: name, applied }, 'migrations applied');
  if (!def.readModel) return db;
  const generation = await ensureReadModel(db, def.name, def.readModel);
  opts.log.info({ database: name, readModel: generation.schema }, 'read model generation');
  return new GenerationDb(db, { readModel: def.name });
}

/**
 * The replica's copy of the subgraph's database (streamed from the primary: nothing is created
 * or migrated there) behind a ReadRouter that has checked it once. A replica that is down at
 * start only means reads go to the primary until a check finds it.
 */
export async function openReadRouter(
  def: SubgraphDefinition<any>,
  primary: Db,
  opts: ReplicaSettings & { readUrl: string; prefix: string; poolMax: number; timeoutMs: number; log: Logger },
): Promise<ReadRouter> {
  const name = `${opts.prefix}${def.name}`;
  const pool = replicaPool(databaseUrl(opts.readUrl, name), opts.poolMax, opts.timeoutMs, opts.log);
  const plain = new Db(pool, 0, 'graphql');
  const replica = def.readModel ? new GenerationDb(plain, { readModel: def.name }) : plain;
  const probePool = replicaPool(databaseUrl(opts.readUrl, name), 1, opts.timeoutMs, opts.log);
  const router = new ReadRouter(primary, replica, {
    ...opts,
    probe: sqlProbe(primary.pool, probePool, opts.timeoutMs),
    close: () => Promise.all([pool.end(), probePool.end()]),
  });
  await router.start();
  const state = router.current;
  opts.log.info({ database: name, up: state.up, lagMs: state.lagMs, reason: state.reason }, 'read replica');
  return router;
}

export async function isSeeded(db: Db): Promise<boolean> {
  return ((await db.query('SELECT 1 FROM kit_seed')).rowCount ?? 0) > 0;
}

/** Loads the demo data in one transaction; `reset` empties the subgraph's tables first. */
export async function seedDatabase(
  db: Db,
  def: SubgraphDefinition<any>,
  sizes: SeedSizes,
  opts: { reset: boolean },
): Promise<void> {
  await db.tx(async (q) => {
    if (opts.reset && def.seedTables.length) await q.query(`TRUNCATE ${def.seedTables.join(', ')} CASCADE`);
    await def.seed(q, demoPlan(sizes));
    await q.query(
      `INSERT INTO kit_seed (sizes) VALUES ($1)
       ON CONFLICT (id) DO UPDATE SET sizes = EXCLUDED.sizes, seeded_at = now()`,
      [JSON.stringify(sizes)],
    );
  });
}
