import { describe, expect, it } from 'vitest';
import { demoPlan, seedSizes } from './plan';

describe('the demo plan', () => {
  const plan = demoPlan(seedSizes({}));

  it('has the documented default size', () => {
    expect(plan.sizes).toMatchObject({ products: 10_000, customers: 1_000, reviews: 20_000, warehouses: 3 });
    expect(plan.sizes.vendors).toBeGreaterThanOrEqual(5);
    expect(plan.categoryCount).toBeGreaterThanOrEqual(20);
  });

  it('derives the same entity in every process, so subgraphs seeded apart still join', () => {
    const again = demoPlan(seedSizes({}));
    expect(again.product(1234)).toEqual(plan.product(1234));
    expect(again.review(77).productId).toBe(plan.review(77).productId);
    expect(plan.review(77).productId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('prices products as decimal strings in a believable range', () => {
    for (let i = 0; i < 200; i++) {
      const p = plan.product(i);
      expect(p.price).toMatch(/^\d+\.99$/);
      expect(Number(p.price)).toBeLessThan(1000);
    }
  });

  it('changes with the seed', () => {
    const names = (p: typeof plan) => [0, 1, 2, 3, 4].map((i) => p.product(i).name);
    expect(names(demoPlan(seedSizes({ SEED: '7' })))).not.toEqual(names(plan));
  });
});
