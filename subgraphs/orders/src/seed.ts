import { insertRows, type DemoPlan, type Queryable } from '@cloudlab/kit';

/**
 * Orders' share of the demo marketplace: its copy of product prices and owners (catalog's
 * data, as catalog's events would deliver it). No demo orders: they come from the saga.
 */
export async function seed(q: Queryable, plan: DemoPlan): Promise<void> {
  const prices = Array.from({ length: plan.sizes.products }, (_, i) => {
    const p = plan.product(i);
    return { product_id: p.id, vendor_id: p.vendorId, price: p.price, currency: p.currency };
  });
  await insertRows(q, 'product_prices', { product_id: 'uuid', vendor_id: 'uuid', price: 'numeric', currency: 'text' }, prices);
}
