import type { Queryable } from '@cloudlab/kit';
import type { ReviewRow } from './store';

/** SQL of the write side: reviews written, edited and removed, and what reviews learns from events. */
const COLUMNS = 'id, product_id, author_id, rating, body, created_at, verified_purchase';
// Whether `author` has a confirmed order with `product` (see purchases in the migrations).
const BOUGHT = (author: string, product: string, also = '') =>
  `EXISTS (SELECT 1 FROM purchases p WHERE p.customer_id = ${author} AND p.product_id = ${product} AND p.confirmed ${also})`;

export async function productKnown(q: Queryable, productId: string): Promise<boolean> {
  return (await q.query('SELECT 1 FROM products WHERE id = $1', [productId])).rows.length > 0;
}

/** The new review; null when this author has already reviewed the product. */
export async function insertReview(
  q: Queryable,
  r: { productId: string; authorId: string; rating: number; body: string },
): Promise<ReviewRow | null> {
  const { rows } = await q.query<ReviewRow>(
    `INSERT INTO reviews (product_id, author_id, rating, body, verified_purchase)
     VALUES ($1, $2, $3, $4, ${BOUGHT('$2', '$1')})
     ON CONFLICT (product_id, author_id) DO NOTHING RETURNING ${COLUMNS}`,
    [r.productId, r.authorId, r.rating, r.body],
  );
  return rows[0] ?? null;
}

/** Applies the fields given (null: unchanged); null when the review does not exist. */
export async function updateReview(q: Queryable, id: string, patch: { rating: number | null; body: string | null }): Promise<ReviewRow | null> {
  const { rows } = await q.query<ReviewRow>(
    `UPDATE reviews SET rating = coalesce($2, rating), body = coalesce($3, body), updated_at = now()
     WHERE id = $1 RETURNING ${COLUMNS}`,
    [id, patch.rating, patch.body],
  );
  return rows[0] ?? null;
}

export async function deleteReview(q: Queryable, id: string): Promise<ReviewRow | null> {
  return (await q.query<ReviewRow>(`DELETE FROM reviews WHERE id = $1 RETURNING ${COLUMNS}`, [id])).rows[0] ?? null;
}

export async function rememberProducts(q: Queryable, productIds: readonly string[]): Promise<void> {
  await q.query('INSERT INTO products (id) SELECT unnest($1::uuid[]) ON CONFLICT DO NOTHING', [productIds]);
}

/** An order's lines, not yet confirmed (OrderPlaced). */
export async function recordOrder(q: Queryable, orderId: string, customerId: string, productIds: readonly string[]): Promise<void> {
  await q.query(
    `INSERT INTO purchases (order_id, customer_id, product_id)
     SELECT $1, $2, unnest($3::uuid[]) ON CONFLICT DO NOTHING`,
    [orderId, customerId, [...new Set(productIds)]],
  );
}

/**
 * An order confirmed (`confirmed`) or cancelled: its purchases change, and so does
 * verifiedPurchase of the reviews their customer wrote of those products (another confirmed
 * order of the same product keeps a review verified after a cancellation).
 */
export async function settleOrder(q: Queryable, orderId: string, confirmed: boolean): Promise<void> {
  const changed = confirmed
    ? `UPDATE purchases SET confirmed = true WHERE order_id = $1 RETURNING customer_id, product_id`
    : `DELETE FROM purchases WHERE order_id = $1 RETURNING customer_id, product_id`;
  // The statement's parts share one snapshot: the check must skip the order being deleted itself.
  const stillBought = BOUGHT('r.author_id', 'r.product_id', 'AND p.order_id <> $1');
  await q.query(
    `WITH changed AS (${changed})
     UPDATE reviews r SET verified_purchase = ${confirmed ? 'true' : stillBought}
     FROM changed c WHERE r.author_id = c.customer_id AND r.product_id = c.product_id`,
    [orderId],
  );
}
