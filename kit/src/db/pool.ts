import { createHash } from 'node:crypto';
import pg from 'pg';
import { createLogger, type Logger } from '../logger';
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
 * A connection the server drops costs the statements on it, never the process (`logPoolErrors`,
 * `withClient`).
 */
export class Db implements Queryable {
  readonly pool: pg.Pool;
  private readonly counter: { inc(): void };

  /** `source` null: statements are not counted (the event machinery's own polling). */
  constructor(connection: string | pg.Pool, max = 10, readonly source: string | null = 'graphql', log?: Logger) {
    if (typeof connection === 'string') {
      this.pool = new pg.Pool({ connectionString: connection, max, idleTimeoutMillis: 30_000 });
      logPoolErrors(this.pool, log ?? createLogger('db'));
    } else this.pool = connection;
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
  tx<T>(fn: (q: Queryable) => Promise<T>): Promise<T> {
    return withClient(this.pool, async (client) => {
      const q: Queryable = {
        query: (text, values) => {
          this.counter.inc();
          // Prepared like the pool's statements: the hot transactions (placeOrder, event batches)
          // repeat a handful of statements, parsed and planned once per connection.
          const name = values?.length ? preparedName(text) : undefined;
          return client.query(name ? { name, text, values: values as any[] } : { text, values: values as any[] });
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
      }
    });
  }

  close() {
    return this.pool.end();
  }
}

/**
 * pg reports a connection the server drops (an idle-session kill, a failover, a restart) as an
 * 'error' event: on the pool for an idle connection, on the client for a checked-out one. An
 * EventEmitter 'error' without a listener is thrown, which would exit the process. The pool
 * discards the broken connection and opens a new one when it next needs one.
 */
export function logPoolErrors(pool: pg.Pool, log: Logger): void {
  const database = pool.options.database ?? (pool.options.connectionString ? new URL(pool.options.connectionString).pathname.slice(1) : undefined);
  pool.on('error', (err: Error & { code?: string }) =>
    log.warn({ database, code: err.code, reason: err.message }, 'idle database connection lost; the pool replaces it'),
  );
}

/**
 * Runs `fn` with a connection of its own from `pool`. pg-pool stops listening for a client's
 * 'error' while it is checked out, so this listens instead (a drop between two statements would
 * otherwise exit the process) and hands a broken connection back to be discarded, not reused.
 */
export async function withClient<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let lost: Error | undefined;
  const onError = (err: Error) => {
    lost = err; // the statement in flight, if any, rejects with it too
  };
  client.on('error', onError);
  try {
    return await fn(client);
  } finally {
    client.removeListener('error', onError);
    client.release(lost);
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
export async function ensureDatabase(serverUrl: string, name: string, connectTimeoutMs = DEFAULT_CONNECT_TIMEOUT_MS): Promise<void> {
  if (!/^[a-z][a-z0-9_]*$/.test(name)) throw new Error(`unsafe database name ${name}`);
  const client = await connectWhenUp(serverUrl, connectTimeoutMs);
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount) return;
    // Ten services starting at once create the shared events database together: they take turns
    // (a session lock, released when this connection ends), so the server logs no failed CREATE.
    await client.query("SELECT pg_advisory_lock(hashtext('cloudlab:create-database:' || $1))", [name]);
    const created = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (created.rowCount) return;
    await client.query(`CREATE DATABASE ${name}`).catch((err: { code?: string }) => {
      // 42P04 duplicate_database, 23505: created meanwhile by a process that does not take the lock.
      if (err.code !== '42P04' && err.code !== '23505') throw err;
    });
  } finally {
    await client.end();
  }
}

/** Drops every database whose name starts with `prefix` (test and benchmark runs clean up with it). */
export async function dropDatabases(serverUrl: string, prefix: string): Promise<string[]> {
  if (!/^[a-z][a-z0-9_]*$/.test(prefix)) throw new Error(`unsafe database prefix ${prefix}`);
  const client = adminClient(serverUrl);
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>('SELECT datname FROM pg_database WHERE starts_with(datname, $1)', [prefix]);
    for (const { datname } of rows) await client.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
    return rows.map((r) => r.datname);
  } finally {
    await client.end();
  }
}

/** A one-off connection: a drop rejects the statement in flight; the listener keeps it from also exiting the process. */
/** How long a process waits at start for its PostgreSQL server to accept connections (DB_CONNECT_TIMEOUT_MS). */
export const DEFAULT_CONNECT_TIMEOUT_MS = 30_000;

/**
 * An admin connection, once the server takes one: a server that is not listening yet or still
 * starting up (`pnpm start` starts the services while the embedded PostgreSQL initialises; a
 * container may start before its database) is tried again every 100–500 ms until `timeoutMs`.
 * Any other error (a wrong password, a missing role) fails at once.
 */
export async function connectWhenUp(serverUrl: string, timeoutMs: number): Promise<pg.Client> {
  const deadline = Date.now() + timeoutMs;
  for (let wait = 100; ; wait = Math.min(wait * 2, 500)) {
    const client = adminClient(serverUrl);
    try {
      await client.connect();
      return client;
    } catch (err) {
      await client.end().catch(() => undefined);
      const code = (err as { code?: string }).code;
      // Not listening yet, or 57P03 cannot_connect_now ("the database system is starting up").
      const notUpYet = code === 'ECONNREFUSED' || code === 'ENOENT' || code === '57P03';
      if (!notUpYet || Date.now() + wait > deadline) throw err;
      await new Promise((r) => setTimeout(r, wait));
    }
  }
}

function adminClient(serverUrl: string): pg.Client {
  const client = new pg.Client({ connectionString: serverUrl });
  client.on('error', () => undefined);
  return client;
}

/** The connection string `db`'s pool connects with (for a dedicated connection beside it, such as a LISTEN). */
export function connectionStringOf(db: Db): string {
  const url = db.pool.options.connectionString;
  if (!url) throw new Error('this Db pool has no connectionString to open another connection with');
  return url;
}
