import { insertRows, type DemoPlan, type Queryable } from '@cloudlab/kit';

/**
 * Orders' share of the demo marketplace: the demo products' first state in its price list
 * (version 1, as catalog seeds them); every later change and every new product arrives as one of
 * catalog's events (price-list.ts). No demo orders: they come from the saga.
 */
export async function seed(q: Queryable, plan: DemoPlan): Promise<void> {
  const prices = Array.from({ length: plan.sizes.products }, (_, i) => {
    const p = plan.product(i);
    return { product_id: p.id, vendor_id: p.vendorId, price: p.price, currency: p.currency };
  });
  await insertRows(q, 'product_prices', { product_id: 'uuid', vendor_id: 'uuid', price: 'numeric', currency: 'text' }, prices);
}
