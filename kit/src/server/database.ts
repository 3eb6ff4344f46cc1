import { Db, databaseUrl, ensureDatabase } from '../db/pool';
import { migrate } from '../db/migrate';
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
  opts: { serverUrl: string; prefix: string; poolMax: number; log: Logger },
): Promise<Db> {
  const name = `${opts.prefix}${def.name}`;
  await ensureDatabase(opts.serverUrl, name);
  const db = new Db(databaseUrl(opts.serverUrl, name), opts.poolMax, 'graphql', opts.log);
  const applied = await migrate(db, def.migrations);
  if (applied.length) opts.log.info({ database: name, applied }, 'migrations applied');
  if (!def.readModel) return db;
  const generation = await ensureReadModel(db, def.name, def.readModel);
  opts.log.info({ database: name, readModel: generation.schema }, 'read model generation');
  return new GenerationDb(db, { readModel: def.name });
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
