import { manyByKey, oneByKey, isUuid, type Queryable, type SubgraphContext } from '@cloudlab/kit';
import * as store from './store';

// Takes any Queryable (not only the pool) so tests can count statements with a fake.
export function createLoaders(db: Queryable) {
  return {
    media: oneByKey((ids: readonly string[]) => store.mediaByIds(db, ids.filter(isUuid)), (r) => r.id),
    images: manyByKey((ids: readonly string[]) => store.imagesOfProducts(db, ids.filter(isUuid)), (r) => r.product_id),
  };
}
export type Loaders = ReturnType<typeof createLoaders>;
/** What this subgraph's resolvers get (the generated resolver types' context). */
export type Context = SubgraphContext<Loaders>;
