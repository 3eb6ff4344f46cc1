import { isUuid, manyByKey, oneByKey, groupedByArgs, type Queryable, type SubgraphContext } from '@cloudlab/kit';
import * as store from './store';

export interface PageKey {
  first: number;
  after: [string, string] | null;
}

export function createLoaders(db: Queryable) {
  return {
    order: oneByKey((ids: readonly string[]) => store.ordersByIds(db, ids.filter(isUuid)), (r) => r.id),
    lines: manyByKey((ids: readonly string[]) => store.linesByOrders(db, ids.filter(isUuid)), (r) => r.order_id),
    history: manyByKey((ids: readonly string[]) => store.eventsByOrders(db, ids.filter(isUuid)), (r) => r.order_id),
    shipments: manyByKey((ids: readonly string[]) => store.shipmentsByOrders(db, ids.filter(isUuid)), (r) => r.order_id),
    customerOrders: groupedByArgs(async (ids: readonly string[], page: PageKey) => {
      const rows = await store.ordersOfCustomers(db, ids.filter(isUuid), page);
      const pages = new Map<string, store.OrderRow[]>(ids.map((id) => [id, []]));
      for (const row of rows) pages.get(row.customer_id)?.push(row);
      return pages;
    }),
    customerOrderCount: oneByKey((ids: readonly string[]) => store.countOrdersOfCustomers(db, ids.filter(isUuid)), (r) => r.customer_id),
  };
}
export type Loaders = ReturnType<typeof createLoaders>;
/** What this subgraph's resolvers get (the generated resolver types' context). */
export type Context = SubgraphContext<Loaders>;
