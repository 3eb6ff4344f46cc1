import { demoPlan, type DemoPlan, type Queryable, type SeedSizes } from '@cloudlab/kit';
import { applyCatalog, seedTotals } from './store';

const CHUNK = 2_000;

/**
 * The demo products existed before catalog's events did, so no event announces them: the seed
 * writes their documents from the same deterministic plan catalog, inventory and reviews seed
 * from (catalog facts at version 1, the version catalog's demo rows have, so any later update
 * wins; stock totals and review sums as those subgraphs seed them). Every write is a merge, so
 * seeding again, or after events, changes nothing. A rebuild writes them first too (`baseline`).
 */
export async function seed(q: Queryable, plan: DemoPlan): Promise<void> {
  const ratings = new Map<string, { sum: number; count: number }>();
  for (let i = 0; i < plan.sizes.reviews; i++) {
    const r = plan.review(i);
    const t = ratings.get(r.productId) ?? { sum: 0, count: 0 };
    t.sum += r.rating;
    t.count += 1;
    ratings.set(r.productId, t);
  }
  for (let start = 0; start < plan.sizes.products; start += CHUNK) {
    const products = Array.from({ length: Math.min(CHUNK, plan.sizes.products - start) }, (_, k) => plan.product(start + k));
    await applyCatalog(q, products.map((p) => ({
      id: p.id, version: 1, listed: true, vendorId: p.vendorId, createdAt: p.createdAt,
      name: p.name, description: p.description, categoryId: p.categoryId, price: p.price, currency: p.currency,
    })));
    await seedTotals(q, products.map((p, k) => {
      let available = 0;
      for (let w = 0; w < plan.sizes.warehouses; w++) available += plan.stock(start + k, w);
      const t = ratings.get(p.id);
      return { id: p.id, available, ratingSum: t?.sum ?? 0, ratingCount: t?.count ?? 0 };
    }));
  }
}

/**
 * The read model's baseline for `pnpm rebuild search`: the demo documents of the sizes this
 * database was seeded with (kit_seed; none if it never was), before the events are replayed.
 */
export async function baseline(q: Queryable): Promise<void> {
  const { rows } = await q.query<{ sizes: SeedSizes }>('SELECT sizes FROM kit_seed LIMIT 1');
  if (rows[0]) await seed(q, demoPlan(rows[0].sizes));
}
