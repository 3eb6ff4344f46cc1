import { groupedByArgs, isUuid, oneByKey, type Queryable, type SubgraphContext } from '@cloudlab/kit';
import * as reports from './reports';

// Takes any Queryable (not only the pool) so tests can count statements with a fake.
export function createLoaders(db: Queryable) {
  return {
    salesCount: oneByKey((ids: readonly string[]) => reports.salesCounts(db, ids.filter(isUuid)), (r) => r.product_id),
    alsoBought: groupedByArgs(async (ids: readonly string[], first: number) => {
      const rows = await reports.alsoBought(db, ids.filter(isUuid), first);
      return new Map(ids.map((id) => [id, rows.filter((r) => r.product_id === id).map((r) => r.other_id)]));
    }),
  };
}
export type Loaders = ReturnType<typeof createLoaders>;
/** What this subgraph's resolvers get (the generated resolver types' context). */
export type Context = SubgraphContext<Loaders>;
