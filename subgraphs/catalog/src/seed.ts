import { insertRows, type DemoPlan, type Queryable } from '@cloudlab/kit';

/** Catalog's share of the demo marketplace: categories and products. */
export async function seed(q: Queryable, plan: DemoPlan): Promise<void> {
  const categories = Array.from({ length: plan.categoryCount }, (_, i) => plan.category(i));
  await insertRows(q, 'categories', { id: 'uuid', name: 'text', slug: 'text' }, categories);
  const products = Array.from({ length: plan.sizes.products }, (_, i) => {
    const p = plan.product(i);
    return { ...p, category_id: p.categoryId, vendor_id: p.vendorId, created_at: p.createdAt };
  });
  await insertRows(
    q,
    'products',
    {
      id: 'uuid', sku: 'text', name: 'text', description: 'text', price: 'numeric', currency: 'text',
      category_id: 'uuid', vendor_id: 'uuid', created_at: 'timestamptz',
    },
    products,
  );
}
