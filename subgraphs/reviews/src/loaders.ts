import { groupedByArgs, oneByKey, isUuid, type Queryable, type SubgraphContext } from '@cloudlab/kit';
import * as store from './store';
import type { ReviewOwner, ReviewRow } from './store';

/** What a page is batched by: products (or users) asking for the same page share one statement. */
export interface PageKey {
  first: number;
  after: [string, string] | null;
}

function pagesBy(db: Queryable, owner: ReviewOwner) {
  return groupedByArgs(async (ids: readonly string[], page: PageKey) => {
    // One extra row per owner tells whether that owner has a next page.
    const rows = await store.reviewPages(db, owner, ids.filter(isUuid), { limit: page.first + 1, after: page.after });
    const byOwner = new Map<string, ReviewRow[]>();
    for (const row of rows) {
      const list = byOwner.get(row[owner]);
      if (list) list.push(row);
      else byOwner.set(row[owner], [row]);
    }
    // groupedByArgs wants an answer for every key: no reviews (or an invalid id) is an empty page.
    return new Map(ids.map((id) => [id, byOwner.get(id) ?? []]));
  });
}

// Takes any Queryable (not only the pool) so tests can count statements with a fake.
export function createLoaders(db: Queryable) {
  return {
    review: oneByKey((ids: readonly string[]) => store.reviewsByIds(db, ids.filter(isUuid)), (r) => r.id),
    productRating: oneByKey(
      (ids: readonly string[]) => store.ratingsByProducts(db, ids.filter(isUuid)),
      (r) => r.product_id,
    ),
    authorCount: oneByKey(
      (ids: readonly string[]) => store.countsByAuthors(db, ids.filter(isUuid)),
      (r) => r.author_id,
    ),
    productReviews: pagesBy(db, 'product_id'),
    authorReviews: pagesBy(db, 'author_id'),
  };
}
export type Loaders = ReturnType<typeof createLoaders>;
/** What this subgraph's resolvers get (the generated resolver types' context). */
export type Context = SubgraphContext<Loaders>;
