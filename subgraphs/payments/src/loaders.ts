import { isUuid, oneByKey, type Queryable, type SubgraphContext } from '@cloudlab/kit';
import * as store from './store';

export function createLoaders(db: Queryable) {
  return {
    payment: oneByKey((ids: readonly string[]) => store.paymentsByIds(db, ids.filter(isUuid)), (r) => r.id),
    paymentOfOrder: oneByKey((ids: readonly string[]) => store.paymentsByOrders(db, ids.filter(isUuid)), (r) => r.order_id),
  };
}
export type Loaders = ReturnType<typeof createLoaders>;
/** What this subgraph's resolvers get (the generated resolver types' context). */
export type Context = SubgraphContext<Loaders>;
