import type pg from 'pg';
import type { Queryable } from '../db/pool';

/**
 * A transaction straight on a pg pool. The event machinery's own polling uses this instead of
 * Db.tx so that it stays out of `cloudlab_db_statements_total`, which counts the statements
 * requests cause (the N+1 tests compare it before and after a request).
 */
export async function poolTx<T>(pool: pg.Pool, fn: (q: Queryable) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  const q: Queryable = { query: (text, values) => client.query(text, values as any[]) };
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
