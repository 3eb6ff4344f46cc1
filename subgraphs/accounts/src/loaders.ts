import { isUuid, oneByKey, type Db } from '@cloudlab/kit';
import * as store from './store';

export function createLoaders(db: Db) {
  return {
    user: oneByKey((ids: readonly string[]) => store.usersByIds(db, ids.filter(isUuid)), (r) => r.id),
    vendor: oneByKey((ids: readonly string[]) => store.vendorsByIds(db, ids.filter(isUuid)), (r) => r.id),
  };
}
export type Loaders = ReturnType<typeof createLoaders>;
