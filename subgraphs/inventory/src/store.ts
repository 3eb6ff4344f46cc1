import type { Queryable } from '@cloudlab/kit';

export interface WarehouseRow {
  id: string;
  name: string;
}
/** A product's stock summed over all warehouses. */
export interface StockTotalRow {
  product_id: string;
  available: number;
  reserved: number;
}

export async function allWarehouses(q: Queryable): Promise<WarehouseRow[]> {
  return (await q.query<WarehouseRow>('SELECT id, name FROM warehouses ORDER BY name')).rows;
}

/** Totals for the products that have stock rows; products without any are simply absent. */
export async function stockTotals(q: Queryable, productIds: readonly string[]): Promise<StockTotalRow[]> {
  // A batch of only invalid ids needs no round trip.
  if (!productIds.length) return [];
  // sum() is bigint, which the kit parses to a number; no int4 cast that could overflow.
  const sql = `SELECT product_id, sum(available) AS available, sum(reserved) AS reserved
    FROM stock WHERE product_id = ANY($1::uuid[]) GROUP BY product_id`;
  return (await q.query<StockTotalRow>(sql, [productIds])).rows;
}

/** The vendor that owns a product's stock (null when inventory has never stocked it). */
export async function vendorOfProduct(q: Queryable, productId: string): Promise<string | null> {
  const { rows } = await q.query<{ vendor_id: string }>('SELECT vendor_id FROM stock WHERE product_id = $1 LIMIT 1', [productId]);
  return rows[0]?.vendor_id ?? null;
}

/**
 * A product catalog just listed: no units yet, in every warehouse, owned by its vendor — so its
 * staff may restock it. A redelivered event, or a product stocked already, changes nothing.
 */
export async function listProduct(q: Queryable, productId: string, vendorId: string): Promise<void> {
  await q.query(
    `INSERT INTO stock (product_id, warehouse_id, available, vendor_id) SELECT $1, id, 0, $2 FROM warehouses
     ON CONFLICT (product_id, warehouse_id) DO NOTHING`,
    [productId, vendorId],
  );
}

export async function warehouseExists(q: Queryable, id: string): Promise<boolean> {
  return ((await q.query('SELECT 1 FROM warehouses WHERE id = $1', [id])).rowCount ?? 0) > 0;
}

/** The most units a product may hold over all warehouses: its totals are GraphQL Ints. */
export const MAX_PRODUCT_UNITS = 2 ** 31 - 1;

/**
 * Adds units in one warehouse (creating the row if the product was never there) and logs it —
 * unless the product's units over all warehouses (available + reserved + sold) would exceed
 * MAX_PRODUCT_UNITS: then nothing changes and the answer is false. The product's rows are
 * locked first (in the order reserve() locks them), so concurrent restocks cannot both fit.
 */
export async function addStock(
  q: Queryable,
  r: { productId: string; warehouseId: string; vendorId: string; quantity: number; byUser: string },
): Promise<boolean> {
  const { rowCount } = await q.query(
    `WITH locked AS (SELECT available, reserved, sold FROM stock WHERE product_id = $1::uuid ORDER BY warehouse_id FOR UPDATE)
     , room AS (SELECT coalesce(sum(available::bigint + reserved + sold), 0) + $3::int <= $5::bigint AS fits FROM locked)
     INSERT INTO stock (product_id, warehouse_id, available, vendor_id)
     SELECT $1::uuid, $2::uuid, $3::int, $4::uuid FROM room WHERE fits
     ON CONFLICT (product_id, warehouse_id) DO UPDATE SET available = stock.available + EXCLUDED.available`,
    [r.productId, r.warehouseId, r.quantity, r.vendorId, MAX_PRODUCT_UNITS],
  );
  if (!rowCount) return false;
  await q.query('INSERT INTO restocks (product_id, warehouse_id, quantity, by_user) VALUES ($1, $2, $3, $4)', [
    r.productId,
    r.warehouseId,
    r.quantity,
    r.byUser,
  ]);
  return true;
}

export interface RestockKeyRow {
  product_id: string;
  warehouse_id: string;
  quantity: number;
  available: number | null;
  reserved: number | null;
}

/**
 * Claims an idempotency key for this restock: null when it is new (the caller goes on and
 * records the result), else the restock that used it first. A concurrent request with the same
 * key waits here until the first commits, then sees its row.
 */
export async function claimRestockKey(
  q: Queryable,
  k: { vendorId: string; key: string; productId: string; warehouseId: string; quantity: number },
): Promise<RestockKeyRow | null> {
  const claimed = await q.query(
    `INSERT INTO restock_keys (vendor_id, key, product_id, warehouse_id, quantity) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (vendor_id, key) DO NOTHING`,
    [k.vendorId, k.key, k.productId, k.warehouseId, k.quantity],
  );
  if (claimed.rowCount) return null;
  const { rows } = await q.query<RestockKeyRow>(
    'SELECT product_id, warehouse_id, quantity, available, reserved FROM restock_keys WHERE vendor_id = $1 AND key = $2',
    [k.vendorId, k.key],
  );
  return rows[0]!;
}

export async function recordRestockResult(q: Queryable, vendorId: string, key: string, totals: { available: number; reserved: number }) {
  await q.query('UPDATE restock_keys SET available = $3, reserved = $4 WHERE vendor_id = $1 AND key = $2', [vendorId, key, totals.available, totals.reserved]);
}
