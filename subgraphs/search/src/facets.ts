import { createLogger, type Db } from '@cloudlab/kit';
import { config, priceBounds } from './config';
import * as store from './store';

/**
 * Upkeep of the facet counts (read-model/003_facet_counts.sql): the timer that folds the writers'
 * appended deltas into the counts, and the recount when SEARCH_PRICE_RANGES changed.
 */

export const facetFoldTimer = {
  name: 'search-facet-fold',
  everyMs: config.SEARCH_FACET_FOLD_MS,
  run: ({ db }: { db: Db }) => db.tx((q) => store.foldFacetDeltas(q)),
};

/**
 * The first browse that finds the counts' price bounds stale (a new generation, or changed
 * SEARCH_PRICE_RANGES) starts a recount on the primary, once per process at a time; until it is
 * done the facets are counted over the documents.
 */
let recounting: Promise<void> | null = null;
const log = createLogger('search');
export function recountFacets(primary: Db): void {
  recounting ??= primary
    .tx((q) => store.recountFacets(q, priceBounds))
    .catch((err: unknown) => log.error({ err }, 'recounting the facet counts failed; facets are read from the documents'))
    .finally(() => (recounting = null));
}
