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

export async function warehouseExists(q: Queryable, id: string): Promise<boolean> {
  return ((await q.query('SELECT 1 FROM warehouses WHERE id = $1', [id])).rowCount ?? 0) > 0;
}

/** Adds units in one warehouse (creating the row if the product was never there) and logs it. */
export async function addStock(q: Queryable, r: { productId: string; warehouseId: string; vendorId: string; quantity: number; byUser: string }) {
  await q.query(
    `INSERT INTO stock (product_id, warehouse_id, available, vendor_id) VALUES ($1, $2, $3, $4)
     ON CONFLICT (product_id, warehouse_id) DO UPDATE SET available = stock.available + EXCLUDED.available`,
    [r.productId, r.warehouseId, r.quantity, r.vendorId],
  );
  await q.query('INSERT INTO restocks (product_id, warehouse_id, quantity, by_user) VALUES ($1, $2, $3, $4)', [
    r.productId,
    r.warehouseId,
    r.quantity,
    r.byUser,
  ]);
}
