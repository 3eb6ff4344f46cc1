import { oneByKey, isUuid, type Db, type SubgraphContext } from '@cloudlab/kit';
import * as store from './store';

export function createLoaders(db: Db) {
  return {
    product: oneByKey((ids: readonly string[]) => store.productsByIds(db, ids.filter(isUuid)), (r) => r.id),
    category: oneByKey((ids: readonly string[]) => store.categoriesByIds(db, ids.filter(isUuid)), (r) => r.id),
  };
}
export type Loaders = ReturnType<typeof createLoaders>;
/** What this subgraph's resolvers get (the generated resolver types' context). */
export type Context = SubgraphContext<Loaders>;
