import type { Queryable } from '@cloudlab/kit';
import type { StoredVariant } from './variants';

/** content's SQL: one function per statement, rows typed as the table holds them. */
export interface MediaRow {
  id: string;
  product_id: string;
  vendor_id: string;
  status: 'PENDING' | 'READY';
  declared_type: string;
  declared_size: number;
  upload_key: string;
  content_type: string | null;
  byte_size: number | null;
  width: number | null;
  height: number | null;
  alt: string | null;
  position: number | null;
  variants: StoredVariant[];
  created_by: string | null;
  expires_at: Date;
  /** A generated demo image: its variants follow from these (demo-images.ts), `variants` is empty. */
  demo_seed: number | null;
  demo_index: number | null;
}

const COLUMNS = 'id, product_id, vendor_id, status, declared_type, declared_size, upload_key, content_type, byte_size, width, height, alt, position, variants, created_by, expires_at, demo_seed, demo_index';

export async function productOwner(q: Queryable, productId: string): Promise<string | null> {
  return (await q.query<{ vendor_id: string }>('SELECT vendor_id FROM products WHERE id = $1', [productId])).rows[0]?.vendor_id ?? null;
}

export async function listProduct(q: Queryable, productId: string, vendorId: string): Promise<void> {
  await q.query('INSERT INTO products (id, vendor_id) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING', [productId, vendorId]);
}

export async function insertPending(
  q: Queryable,
  m: { id: string; productId: string; vendorId: string; declaredType: string; declaredSize: number; uploadKey: string; createdBy: string; expiresAt: Date },
): Promise<void> {
  await q.query(
    `INSERT INTO media (id, product_id, vendor_id, status, declared_type, declared_size, upload_key, created_by, expires_at)
     VALUES ($1, $2, $3, 'PENDING', $4, $5, $6, $7, $8)`,
    [m.id, m.productId, m.vendorId, m.declaredType, m.declaredSize, m.uploadKey, m.createdBy, m.expiresAt],
  );
}

export async function mediaByIds(q: Queryable, ids: readonly string[]): Promise<MediaRow[]> {
  if (!ids.length) return [];
  return (await q.query<MediaRow>(`SELECT ${COLUMNS} FROM media WHERE id = ANY($1::uuid[])`, [ids])).rows;
}

/** A product's ready images in their order. */
export async function imagesOfProducts(q: Queryable, productIds: readonly string[]): Promise<MediaRow[]> {
  if (!productIds.length) return [];
  return (await q.query<MediaRow>(`SELECT ${COLUMNS} FROM media WHERE product_id = ANY($1::uuid[]) AND status = 'READY' ORDER BY product_id, position, id`, [productIds])).rows;
}

export async function countImages(q: Queryable, productId: string): Promise<number> {
  return Number((await q.query<{ n: string }>(`SELECT count(*) AS n FROM media WHERE product_id = $1 AND status = 'READY'`, [productId])).rows[0]!.n);
}

/** PENDING → READY, last in the product's order; null when another confirm got there first. */
export async function markReady(
  q: Queryable,
  id: string,
  m: { contentType: string; byteSize: number; width: number; height: number; alt: string | null; variants: StoredVariant[] },
): Promise<MediaRow | null> {
  const { rows } = await q.query<MediaRow>(
    `UPDATE media SET status = 'READY', content_type = $2, byte_size = $3, width = $4, height = $5, alt = $6, variants = $7::jsonb,
       ready_at = now(),
       position = (SELECT coalesce(max(position), -1) + 1 FROM media o WHERE o.product_id = media.product_id AND o.status = 'READY')
     WHERE id = $1 AND status = 'PENDING' RETURNING ${COLUMNS}`,
    [id, m.contentType, m.byteSize, m.width, m.height, m.alt, JSON.stringify(m.variants)],
  );
  return rows[0] ?? null;
}

export async function deleteMedia(q: Queryable, id: string): Promise<MediaRow | null> {
  return (await q.query<MediaRow>(`DELETE FROM media WHERE id = $1 RETURNING ${COLUMNS}`, [id])).rows[0] ?? null;
}

/** Pending uploads past their expiry (cleanup deletes them with their bytes). */
export async function expiredPending(q: Queryable, limit: number): Promise<MediaRow[]> {
  return (await q.query<MediaRow>(`SELECT ${COLUMNS} FROM media WHERE status = 'PENDING' AND expires_at < now() ORDER BY expires_at LIMIT $1`, [limit])).rows;
}

export async function deletePendingIds(q: Queryable, ids: string[]): Promise<void> {
  await q.query(`DELETE FROM media WHERE id = ANY($1::uuid[]) AND status = 'PENDING'`, [ids]);
}

/** Positions 0..n-1 in the order given (the ids are the product's ready images, checked by the caller). */
export async function setPositions(q: Queryable, productId: string, ids: string[]): Promise<void> {
  await q.query(
    `UPDATE media SET position = o.ord - 1 FROM unnest($2::uuid[]) WITH ORDINALITY AS o(id, ord)
     WHERE media.id = o.id AND media.product_id = $1`,
    [productId, ids],
  );
}

/** Variant keys still used by any image (a deleted image's bytes are shared when the same file was uploaded twice). */
export async function keysInUse(q: Queryable, keys: string[]): Promise<Set<string>> {
  if (!keys.length) return new Set();
  const { rows } = await q.query<{ key: string }>(
    `SELECT DISTINCT v->>'key' AS key FROM media, jsonb_array_elements(variants) v WHERE v->>'key' = ANY($1::text[])`,
    [keys],
  );
  return new Set(rows.map((r) => r.key));
}
