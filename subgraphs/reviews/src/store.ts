import type { Queryable } from '@cloudlab/kit';

export interface ReviewRow {
  id: string;
  product_id: string;
  author_id: string;
  rating: number;
  body: string;
  created_at: Date;
  verified_purchase: boolean;
}
export interface RatingRow {
  product_id: string;
  review_count: number;
  /** numeric, so a decimal string (the kit never turns numeric into a float). */
  average_rating: string;
}
export interface AuthorCountRow {
  author_id: string;
  review_count: number;
}
/** Whose reviews a page lists: a product's or an author's. */
export type ReviewOwner = 'product_id' | 'author_id';

const REVIEW_COLUMNS = 'id, product_id, author_id, rating, body, created_at, verified_purchase';

export async function reviewsByIds(q: Queryable, ids: readonly string[]): Promise<ReviewRow[]> {
  if (!ids.length) return [];
  return (await q.query<ReviewRow>(`SELECT ${REVIEW_COLUMNS} FROM reviews WHERE id = ANY($1::uuid[])`, [ids])).rows;
}

/**
 * One page of reviews, newest first, for each of many products (or authors) in one statement:
 * the window numbers each owner's reviews after the keyset position (createdAt, id) and keeps
 * the first `limit` of each. Rows come back grouped by owner, in page order.
 */
export async function reviewPages(
  q: Queryable,
  owner: ReviewOwner,
  ownerIds: readonly string[],
  opts: { limit: number; after: [string, string] | null },
): Promise<ReviewRow[]> {
  if (!ownerIds.length) return [];
  const values: unknown[] = [ownerIds, opts.limit];
  let keyset = '';
  if (opts.after) {
    values.push(opts.after[0], opts.after[1]);
    keyset = 'AND (created_at, id) < ($3::timestamptz, $4::uuid)';
  }
  const sql = `SELECT ${REVIEW_COLUMNS} FROM (
      SELECT ${REVIEW_COLUMNS},
        row_number() OVER (PARTITION BY ${owner} ORDER BY created_at DESC, id DESC) AS position
      FROM reviews WHERE ${owner} = ANY($1::uuid[]) ${keyset}
    ) ranked
    WHERE position <= $2 ORDER BY ${owner}, position`;
  return (await q.query<ReviewRow>(sql, values)).rows;
}

/** Count and rounded mean per product; products without reviews are absent. */
export async function ratingsByProducts(q: Queryable, productIds: readonly string[]): Promise<RatingRow[]> {
  if (!productIds.length) return [];
  const sql = `SELECT product_id, count(*) AS review_count, round(avg(rating), 2) AS average_rating
    FROM reviews WHERE product_id = ANY($1::uuid[]) GROUP BY product_id`;
  return (await q.query<RatingRow>(sql, [productIds])).rows;
}

export async function countsByAuthors(q: Queryable, authorIds: readonly string[]): Promise<AuthorCountRow[]> {
  if (!authorIds.length) return [];
  const sql = `SELECT author_id, count(*) AS review_count
    FROM reviews WHERE author_id = ANY($1::uuid[]) GROUP BY author_id`;
  return (await q.query<AuthorCountRow>(sql, [authorIds])).rows;
}
