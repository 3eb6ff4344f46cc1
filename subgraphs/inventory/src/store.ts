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
