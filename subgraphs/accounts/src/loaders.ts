import { isUuid, oneByKey, type Db, type SubgraphContext } from '@cloudlab/kit';
import * as store from './store';

export function createLoaders(db: Db) {
  return {
    user: oneByKey((ids: readonly string[]) => store.usersByIds(db, ids.filter(isUuid)), (r) => r.id),
    vendor: oneByKey((ids: readonly string[]) => store.vendorsByIds(db, ids.filter(isUuid)), (r) => r.id),
  };
}
export type Loaders = ReturnType<typeof createLoaders>;
/** What this subgraph's resolvers get (the generated resolver types' context). */
export type Context = SubgraphContext<Loaders>;
