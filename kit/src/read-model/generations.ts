import type { ChangeCache } from './change-cache';
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type pg from 'pg';
import { Db, type Queryable } from '../db/pool';

/**
 * What a subgraph declares when (part of) its database is a read model: tables built only from
 * events, which `pnpm rebuild <subgraph>` can throw away and rebuild from the log.
 */
export interface ReadModelDefinition {
  /** Folder of `NNN_name.sql` files that create the projection's tables (unqualified names). */
  migrations: string;
  /**
   * What precedes the log (demo rows that no event announces, e.g. derived from the seed's plan):
   * written into a rebuild's new generation before the replay. It must merge with events in any
   * order (the replay may apply an event before or after it changes the same row).
   */
  baseline?: (q: Queryable) => Promise<void>;
  /**
   * Answers kept until the read model changes (change-cache.ts). The kit starts their listeners
   * when the subgraph runs and reads its primary (not with a read replica: a replica may lag
   * behind a change notification, so every answer is computed then), and closes them on drain.
   */
  caches?: ChangeCache<unknown>[];
}

/** The one row per database that names the generation every statement reads and writes. */
const POINTER_DDL = `CREATE TABLE IF NOT EXISTS read_model_generation (
  read_model text PRIMARY KEY,
  generation int NOT NULL,
  schema_name text NOT NULL,
  switched_at timestamptz NOT NULL DEFAULT now())`;

// The kit's inbox, once per generation: a rebuilt generation starts with an empty one.
const INBOX_DDL = `CREATE TABLE IF NOT EXISTS inbox (
  consumer text NOT NULL, event_id uuid NOT NULL, processed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer, event_id))`;

export const schemaOf = (readModel: string, generation: number) => `${readModel}_g${generation}`;

export interface Generation {
  generation: number;
  schema: string;
}

export async function currentGeneration(q: Queryable, readModel: string): Promise<Generation | null> {
  const { rows } = await q.query<{ generation: number; schema_name: string }>(
    'SELECT generation, schema_name FROM read_model_generation WHERE read_model = $1',
    [readModel],
  );
  return rows[0] ? { generation: rows[0].generation, schema: rows[0].schema_name } : null;
}

/**
 * Creates the generation's schema if needed and applies the read model's migrations not yet
 * applied there (recorded in the schema's own `read_model_migrations`), under an advisory lock so
 * instances starting together do it once.
 */
export async function migrateGeneration(db: Db, def: ReadModelDefinition, schema: string): Promise<string[]> {
  if (!/^[a-z][a-z0-9_]*$/.test(schema)) throw new Error(`bad read-model schema name ${schema}`);
  const files = (await readdir(def.migrations).catch(() => [] as string[])).filter((f) => /^\d+_.+\.sql$/.test(f)).sort();
  return db.tx(async (q) => {
    await q.query('SELECT pg_advisory_xact_lock(7262002)');
    await q.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await q.query(`SELECT set_config('search_path', $1, true)`, [`${schema}, public`]);
    await q.query(INBOX_DDL.replace('inbox', `${schema}.inbox`));
    await q.query(`CREATE TABLE IF NOT EXISTS ${schema}.read_model_migrations (version text PRIMARY KEY, checksum text NOT NULL)`);
    const done = new Map((await q.query(`SELECT version, checksum FROM ${schema}.read_model_migrations`)).rows.map((r) => [r.version, r.checksum]));
    const applied: string[] = [];
    for (const file of files) {
      const sql = await readFile(path.join(def.migrations, file), 'utf8');
      const checksum = createHash('sha256').update(sql).digest('hex');
      if (done.get(file) === checksum) continue;
      if (done.has(file)) throw new Error(`read-model migration ${file} changed after it was applied`);
      await q.query(sql);
      await q.query(`INSERT INTO ${schema}.read_model_migrations (version, checksum) VALUES ($1, $2)`, [file, checksum]);
      applied.push(`${schema}/${file}`);
    }
    return applied;
  });
}

/** The pointer table, and generation 1 when the read model has none yet; then migrates the current one. */
export async function ensureReadModel(db: Db, readModel: string, def: ReadModelDefinition): Promise<Generation> {
  await db.tx(async (q) => {
    await q.query('SELECT pg_advisory_xact_lock(7262002)');
    await q.query(POINTER_DDL);
    await q.query(
      `INSERT INTO read_model_generation (read_model, generation, schema_name) VALUES ($1, 1, $2) ON CONFLICT DO NOTHING`,
      [readModel, schemaOf(readModel, 1)],
    );
  });
  const current = (await currentGeneration(db, readModel))!;
  await migrateGeneration(db, def, current.schema);
  return current;
}

/**
 * A Db whose every statement sees one read-model generation first on its search_path: the
 * current one (`target` = read-model name, looked up in the pointer row at the start of every
 * transaction, so a switch is seen by the very next transaction of every instance), or a fixed
 * schema (the rebuild writing its new generation). Plain statements run in a transaction of
 * their own for it: four round trips on a local connection instead of one, which the read
 * model's few, aggregated queries can afford. Public tables (outbox, kit_seed) stay reachable.
 */
export class GenerationDb extends Db {
  constructor(
    private readonly base: Db,
    private readonly target: { readModel: string } | { schema: string },
  ) {
    super(base.pool, 0, base.source);
  }

  override withSource(source: string | null): Db {
    return new GenerationDb(this.base.withSource(source), this.target);
  }

  override query<R extends pg.QueryResultRow = any>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>> {
    return this.tx((q) => q.query<R>(text, values));
  }

  override tx<T>(fn: (q: Queryable) => Promise<T>): Promise<T> {
    return this.base.tx(async (q) => {
      if ('schema' in this.target) {
        await q.query(`SELECT set_config('search_path', $1, true)`, [`${this.target.schema}, public`]);
      } else {
        const set = await q.query(
          `SELECT set_config('search_path', schema_name || ', public', true) FROM read_model_generation WHERE read_model = $1`,
          [this.target.readModel],
        );
        if (!set.rowCount) throw new Error(`read model ${this.target.readModel} has no generation`);
      }
      return fn(q);
    });
  }
}

/** A subgraph's read model, by the standard shape: `read-model/NNN_name.sql` beside `src/`. */
export function readModelFiles(srcDir: string): ReadModelDefinition {
  return { migrations: path.join(srcDir, '..', 'read-model') };
}
