import { isUuid, oneByKey, type Queryable } from '@cloudlab/kit';
import * as store from './store';

export function createLoaders(db: Queryable) {
  return {
    payment: oneByKey((ids: readonly string[]) => store.paymentsByIds(db, ids.filter(isUuid)), (r) => r.id),
    paymentOfOrder: oneByKey((ids: readonly string[]) => store.paymentsByOrders(db, ids.filter(isUuid)), (r) => r.order_id),
  };
}
export type Loaders = ReturnType<typeof createLoaders>;
