import type pg from 'pg';
import { Db, type Queryable } from '../db/pool';

/**
 * A transaction straight on a pg pool, not counted in `cloudlab_db_statements_total` (which counts
 * the statements requests cause; the N+1 tests compare it before and after a request).
 */
export function poolTx<T>(pool: pg.Pool, fn: (q: Queryable) => Promise<T>): Promise<T> {
  return new Db(pool, 0, null).tx(fn);
}
