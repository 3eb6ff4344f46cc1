import { insertRows, type DemoPlan, type Queryable } from '@cloudlab/kit';

/** Reviews' share of the demo marketplace: customers' reviews of products. */
export async function seed(q: Queryable, plan: DemoPlan): Promise<void> {
  const reviews = Array.from({ length: plan.sizes.reviews }, (_, i) => {
    const r = plan.review(i);
    return { ...r, product_id: r.productId, author_id: r.authorId, created_at: r.createdAt };
  });
  await insertRows(
    q,
    'reviews',
    { id: 'uuid', product_id: 'uuid', author_id: 'uuid', rating: 'smallint', body: 'text', created_at: 'timestamptz' },
    reviews,
  );
}
