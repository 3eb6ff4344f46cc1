import { insertRows, type DemoPlan, type Queryable } from '@cloudlab/kit';

/** Inventory's share of the demo marketplace: warehouses and one stock row per product and warehouse. */
export async function seed(q: Queryable, plan: DemoPlan): Promise<void> {
  const warehouses = Array.from({ length: plan.sizes.warehouses }, (_, w) => plan.warehouse(w));
  await insertRows(q, 'warehouses', { id: 'uuid', name: 'text' }, warehouses);
  const stock: Record<string, unknown>[] = [];
  for (let p = 0; p < plan.sizes.products; p++) {
    const product = plan.product(p);
    warehouses.forEach((w, wi) => {
      const available = plan.stock(p, wi);
      stock.push({ product_id: product.id, warehouse_id: w.id, available, vendor_id: product.vendorId });
    });
  }
  await insertRows(
    q,
    'stock',
    { product_id: 'uuid', warehouse_id: 'uuid', available: 'int', vendor_id: 'uuid' },
    stock,
  );
}
