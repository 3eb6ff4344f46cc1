import { oneByKey, isUuid, type Queryable } from '@cloudlab/kit';
import * as store from './store';

// Takes any Queryable (not only the pool) so tests can count statements with a fake.
export function createLoaders(db: Queryable) {
  return {
    stockTotal: oneByKey(
      (ids: readonly string[]) => store.stockTotals(db, ids.filter(isUuid)),
      (r) => r.product_id,
    ),
  };
}
export type Loaders = ReturnType<typeof createLoaders>;
