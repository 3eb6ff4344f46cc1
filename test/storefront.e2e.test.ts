import { afterAll, describe, expect, it } from 'vitest';
import { contract, gql, send } from './support/client';
import { closeDbs, subgraphDb } from './support/db';

const storefront = contract('storefront');

describe('storefront through the gateway', () => {
  afterAll(closeDbs);
  it('shows the first page of products with data joined from all four subgraphs', async () => {
    const res = await send('StorefrontHome');
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    const page = res.body.data!.products;
    // The demo's 10,000 products, and what other stories listed (and did not archive) on this stack.
    const live = await subgraphDb('catalog').query('SELECT count(*)::int AS n FROM products WHERE archived_at IS NULL');
    expect(live.rows[0].n).toBeGreaterThanOrEqual(10_000);
    expect(page.totalCount).toBe(live.rows[0].n);
    expect(page.edges).toHaveLength(12); // the operation's default page size
    expect(page.pageInfo.hasNextPage).toBe(true);
    for (const { node } of page.edges) {
      expect(node.name).toMatch(/\w+ \w+/); // catalog
      expect(node.price.amount).toMatch(/^\d+\.\d{2}$/); // decimal string, never a float
      expect(node.price.currency).toBe('EUR');
      expect(node.category.name).toBeTruthy();
      expect(node.vendor?.name).toBeTruthy(); // accounts
      expect(typeof node.stock?.available).toBe('number'); // inventory
      expect(node.inStock).toBe(node.stock!.available > 0);
      expect(node.reviewCount).toBeGreaterThanOrEqual(0); // reviews
      if (node.reviewCount! > 0) expect(node.averageRating).toBeGreaterThanOrEqual(1);
      else expect(node.averageRating).toBeNull();
    }
  });

  it('pages on with the end cursor: no product twice, newest first', async () => {
    const first = (await send('StorefrontHome', { variables: { first: 5 } })).body.data!.products;
    const second = (await send('StorefrontHome', { variables: { first: 5, after: first.pageInfo.endCursor } })).body.data!.products;
    const ids = [...first.edges, ...second.edges].map((e) => e.node.id);
    expect(new Set(ids).size).toBe(10);
    const both = (await send('StorefrontHome', { variables: { first: 10 } })).body.data!.products;
    expect(both.edges.map((e) => e.node.id)).toEqual(ids);
    expect(second.edges[0]?.cursor).not.toBe(first.pageInfo.endCursor);
  });

  it('refuses a cursor it did not issue and a page larger than 100 with BAD_USER_INPUT', async () => {
    const bad = await gql(storefront, { operationName: 'StorefrontHome', variables: { after: 'not-a-cursor' } });
    expect(bad.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const huge = await gql(storefront, { operationName: 'StorefrontHome', variables: { first: 5000 } });
    expect(huge.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('shows a product page with stock and its newest reviews and their authors', async () => {
    const home = await gql(storefront, { operationName: 'StorefrontHome', variables: { first: 12 } });
    const withReviews = home.body.data.products.edges.find((e: any) => e.node.reviewCount > 0).node;
    const res = await gql(storefront, { operationName: 'ProductPage', variables: { id: withReviews.id } });
    expect(res.body.errors).toBeUndefined();
    const p = res.body.data.product;
    expect(p).toMatchObject({ id: withReviews.id, name: withReviews.name, vendor: withReviews.vendor });
    expect(p.sku).toMatch(/^CL-\d{6}$/);
    expect(p.description.length).toBeGreaterThan(10);
    expect(p.stock).toEqual({ available: withReviews.stock.available, reserved: 0 });
    const reviews = p.reviews.edges.map((e: any) => e.node);
    expect(reviews.length).toBe(Math.min(5, withReviews.reviewCount));
    const dates = reviews.map((r: any) => r.createdAt);
    expect([...dates].sort().reverse()).toEqual(dates);
    for (const r of reviews) {
      expect(r.rating).toBeGreaterThanOrEqual(1);
      expect(r.author.name).toMatch(/^\w+ \w+$/);
    }
  });

  it('answers null for a product that does not exist', async () => {
    const res = await gql(storefront, { operationName: 'ProductPage', variables: { id: 'no-such-product' } });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.product).toBeNull();
  });
});
