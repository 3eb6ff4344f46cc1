import { insertRows, type DemoPlan, type Queryable } from '@cloudlab/kit';

/** Reviews' share of the demo marketplace: the products it knows of and customers' reviews of them. */
export async function seed(q: Queryable, plan: DemoPlan): Promise<void> {
  const products = Array.from({ length: plan.sizes.products }, (_, i) => ({ id: plan.product(i).id }));
  await insertRows(q, 'products', { id: 'uuid' }, products);
  // One review per customer and product: the plan draws pairs at random, a repeated pair is skipped.
  const pairs = new Set<string>();
  const reviews = Array.from({ length: plan.sizes.reviews }, (_, i) => {
    const r = plan.review(i);
    return { ...r, product_id: r.productId, author_id: r.authorId, created_at: r.createdAt };
  }).filter((r) => !pairs.has(`${r.product_id} ${r.author_id}`) && pairs.add(`${r.product_id} ${r.author_id}`));
  await insertRows(
    q,
    'reviews',
    { id: 'uuid', product_id: 'uuid', author_id: 'uuid', rating: 'smallint', body: 'text', created_at: 'timestamptz' },
    reviews,
  );
}
