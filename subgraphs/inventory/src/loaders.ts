import { oneByKey, isUuid, type Queryable, type SubgraphContext } from '@cloudlab/kit';
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
/** What this subgraph's resolvers get (the generated resolver types' context). */
export type Context = SubgraphContext<Loaders>;
