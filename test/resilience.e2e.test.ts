import { afterAll, describe, expect, inject, it } from 'vitest';
import { contract, gql } from './support/client';
import { SUBGRAPHS } from '@cloudlab/kit/topology';

const control = (action: 'stop' | 'start', name: string) => fetch(`${inject('controlUrl')}/${action}/${name}`, { method: 'POST' });
const readyz = async () => {
  const res = await fetch(new URL('/readyz', inject('gatewayUrl')));
  return { status: res.status, body: (await res.json()) as any };
};

describe('a subgraph that is down', () => {
  afterAll(async () => {
    await control('start', 'reviews');
  });

  it('is ready while every subgraph answers', async () => {
    const r = await readyz();
    expect(r.status).toBe(200);
    expect(r.body.subgraphs).toEqual(Object.fromEntries(SUBGRAPHS.map(({ name }) => [name, 'up'])));
  });

  it('still serves the other subgraphs\' data, with an error naming the one that failed, in bounded time', async () => {
    expect((await control('stop', 'reviews')).status).toBe(200);
    const started = Date.now();
    const res = await gql(contract('storefront'), { operationName: 'StorefrontHome', variables: { first: 4 } });
    const elapsed = Date.now() - started;
    expect(elapsed).toBeLessThan(5_000);
    const nodes = res.body.data.products.edges.map((e: any) => e.node);
    expect(nodes).toHaveLength(4);
    for (const n of nodes) {
      expect(n.name).toBeTruthy(); // catalog still answers
      expect(n.vendor.name).toBeTruthy(); // accounts still answers
      expect(typeof n.stock.available).toBe('number'); // inventory still answers
      expect(n.reviewCount).toBeNull(); // only the failed subgraph's fields are missing
    }
    const error = res.body.errors?.find((e) => e.extensions?.serviceName === 'reviews');
    expect(error?.message).toMatch(/Subgraph "reviews" is unavailable/);
    expect(error?.extensions?.code).toBe('SUBGRAPH_UNAVAILABLE');
  });

  it('is reported by /readyz', async () => {
    await new Promise((r) => setTimeout(r, 1100)); // readiness results are cached for 1 s
    const r = await readyz();
    expect(r.status).toBe(503);
    expect(r.body.subgraphs.reviews).toMatch(/^down/);
    expect(r.body.subgraphs.catalog).toBe('up');
  });

  it('recovers when the subgraph is back', async () => {
    expect((await control('start', 'reviews')).status).toBe(200);
    const res = await gql(contract('storefront'), { operationName: 'StorefrontHome', variables: { first: 4 } });
    expect(res.body.errors).toBeUndefined();
    await new Promise((r) => setTimeout(r, 1100));
    expect((await readyz()).status).toBe(200);
  });
});
