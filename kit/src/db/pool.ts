import { createHash } from 'node:crypto';
import pg from 'pg';
import { dbStatements } from '../metrics';

// numeric (money) stays a string so no amount ever passes through a float.
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => v);
// bigint counts fit comfortably in a JS number for our volumes.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

export interface Queryable {
  query<R extends pg.QueryResultRow = any>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
}

/**
 * A pg pool that counts every statement it sends, labelled by `source` (the N+1 tests read the
 * `graphql` count from /metrics while event handlers and timers count as `events`).
 */
export class Db implements Queryable {
  readonly pool: pg.Pool;
  private readonly counter: { inc(): void };

  /** `source` null: statements are not counted (the event machinery's own polling). */
  constructor(connection: string | pg.Pool, max = 10, readonly source: string | null = 'graphql') {
    this.pool = typeof connection === 'string' ? new pg.Pool({ connectionString: connection, max, idleTimeoutMillis: 30_000 }) : connection;
    this.counter = source === null ? { inc: () => undefined } : dbStatements.labels(source);
  }

  /** The same pool, counting its statements under another source. */
  withSource(source: string | null): Db {
    return new Db(this.pool, 0, source);
  }

  query<R extends pg.QueryResultRow = any>(text: string, values?: unknown[]) {
    this.counter.inc();
    const name = values?.length ? preparedName(text) : undefined;
    return this.pool.query<R>(name ? { name, text, values: values as any[] } : { text, values: values as any[] });
  }

  /** Runs fn in one transaction; rolls back on any error. */
  async tx<T>(fn: (q: Queryable) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    const q: Queryable = {
      query: (text, values) => {
        this.counter.inc();
        return client.query(text, values as any[]);
      },
    };
    try {
      await client.query('BEGIN');
      const result = await fn(q);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  close() {
    return this.pool.end();
  }
}

/**
 * Parameterised statements run as named prepared statements: each connection parses and plans a
 * statement once and then only binds and executes it (about a third less PostgreSQL CPU per
 * statement for the key lookups DataLoader sends). The name is derived from the text, so it is
 * the same on every connection. Only the first PREPARED_MAX distinct texts are prepared, so SQL
 * built at run time can never grow every connection's statement cache without bound.
 */
export const PREPARED_MAX = 500;
const preparedNames = new Map<string, string>();
export function preparedName(text: string): string | undefined {
  let name = preparedNames.get(text);
  if (name === undefined && preparedNames.size < PREPARED_MAX) {
    name = `s${createHash('sha1').update(text).digest('hex').slice(0, 16)}`;
    preparedNames.set(text, name);
  }
  return name;
}

/** The URL of database `name` on the server that `serverUrl` points at. */
export function databaseUrl(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Creates database `name` on the server if it does not exist yet (safe to race). */
export async function ensureDatabase(serverUrl: string, name: string): Promise<void> {
  if (!/^[a-z][a-z0-9_]*$/.test(name)) throw new Error(`unsafe database name ${name}`);
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount) return;
    await client.query(`CREATE DATABASE ${name}`).catch((err: { code?: string }) => {
      // 42P04 duplicate_database, 23505: another process created it between our check and create.
      if (err.code !== '42P04' && err.code !== '23505') throw err;
    });
  } finally {
    await client.end();
  }
}

/** Drops every database whose name starts with `prefix` (test and benchmark runs clean up with it). */
export async function dropDatabases(serverUrl: string, prefix: string): Promise<string[]> {
  if (!/^[a-z][a-z0-9_]*$/.test(prefix)) throw new Error(`unsafe database prefix ${prefix}`);
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>('SELECT datname FROM pg_database WHERE starts_with(datname, $1)', [prefix]);
    for (const { datname } of rows) await client.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
    return rows.map((r) => r.datname);
  } finally {
    await client.end();
  }
}
