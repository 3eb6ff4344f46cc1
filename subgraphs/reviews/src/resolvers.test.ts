import { describe, it, expect } from 'vitest';
import { demoId, type Queryable } from '@cloudlab/kit';
import { createLoaders } from './loaders';
import { resolvers } from './resolvers';
import type { ReviewRow } from './store';

const DAY = 86_400_000;
const products = Array.from({ length: 30 }, (_, i) => demoId('product', i));
const authors = [demoId('customer', 0), demoId('customer', 1)];

// Product i has i % 5 reviews (so some have none), each a day older than the one before.
const reviews: ReviewRow[] = products.flatMap((productId, p) =>
  Array.from({ length: p % 5 }, (_, n) => ({
    id: demoId('review', p * 10 + n),
    product_id: productId,
    author_id: authors[n % 2]!,
    rating: 1 + ((p + n) % 5),
    body: `review ${n} of product ${p}`,
    created_at: new Date(Date.UTC(2026, 5, 1) - n * DAY),
    verified_purchase: n % 2 === 0,
  })),
);

/** Stands in for Postgres: answers each statement the store sends from `reviews`, and records it. */
function fakeDb() {
  const statements: string[] = [];
  const newestFirst = (a: ReviewRow, b: ReviewRow) => b.created_at.getTime() - a.created_at.getTime() || (a.id < b.id ? 1 : -1);
  const answer = (sql: string, values: any[]): object[] => {
    const ids: string[] = values[0];
    const owner = sql.includes('PARTITION BY author_id') || sql.includes('SELECT author_id') ? 'author_id' : 'product_id';
    const mine = reviews.filter((r) => ids.includes(r[owner]));
    if (sql.includes('row_number()')) {
      const [, limit, afterAt, afterId] = values;
      const after = (r: ReviewRow) => !afterAt || r.created_at.getTime() < Date.parse(afterAt) || (r.created_at.getTime() === Date.parse(afterAt) && r.id < afterId);
      return ids.flatMap((id) => mine.filter((r) => r[owner] === id && after(r)).sort(newestFirst).slice(0, limit));
    }
    return ids.flatMap((id) => {
      const own = mine.filter((r) => r[owner] === id);
      if (!own.length) return [];
      const mean = own.reduce((s, r) => s + r.rating, 0) / own.length;
      return [{ [owner]: id, review_count: own.length, average_rating: mean.toFixed(2) }];
    });
  };
  const db: Queryable = {
    async query(sql: string, values: unknown[] = []) {
      statements.push(sql);
      const rows = answer(sql, values as any[]);
      return { rows, rowCount: rows.length } as any;
    },
  };
  return { db, statements };
}

function context() {
  const { db, statements } = fakeDb();
  return { ctx: { db, loaders: createLoaders(db), viewer: null, log: console } as any, statements };
}

/** What the gateway's `_entities` does for a storefront page: every product's fields in one tick. */
function productFields(ids: string[], args: { first?: number; after?: string }, ctx: any) {
  return Promise.all(
    ids.map(async (id) => {
      const p = resolvers.Product.__resolveReference({ id });
      const [page, averageRating, reviewCount] = await Promise.all([
        resolvers.Product.reviews(p, args, ctx),
        resolvers.Product.averageRating(p, {}, ctx),
        resolvers.Product.reviewCount(p, {}, ctx),
      ]);
      return { page, averageRating, reviewCount, totalCount: await resolvers.ReviewConnection.totalCount(page) };
    }),
  );
}

describe('reviews of many products', () => {
  it('loads a page of reviews for 30 products with one statement, and their ratings with one more', async () => {
    const { ctx, statements } = context();
    const result = await productFields(products, { first: 3 }, ctx);

    expect(statements).toHaveLength(2);
    expect(statements.filter((s) => s.includes('row_number() OVER (PARTITION BY product_id'))).toHaveLength(1);
    expect(statements.filter((s) => s.includes('GROUP BY product_id'))).toHaveLength(1);

    const four = result[4]!; // product 4 has 4 reviews: a page of 3 and more to come
    expect(four.page.edges.map((e) => e.node.body)).toEqual(['review 0 of product 4', 'review 1 of product 4', 'review 2 of product 4']);
    expect(four.page.pageInfo.hasNextPage).toBe(true);
    expect(four).toMatchObject({ reviewCount: 4, totalCount: 4, averageRating: 2.75 });

    const none = result[5]!; // product 5 has none
    expect(none).toMatchObject({ reviewCount: 0, totalCount: 0, averageRating: null });
    expect(none.page).toMatchObject({ edges: [], pageInfo: { hasNextPage: false, endCursor: null } });
  });

  it('issues one statement per distinct page size, however many products ask', async () => {
    const { ctx, statements } = context();
    await Promise.all(products.map((id, i) => resolvers.Product.reviews({ id }, { first: i % 2 ? 2 : 5 }, ctx)));
    expect(statements).toHaveLength(2);
  });

  it('continues after the cursor of the previous page', async () => {
    const { ctx } = context();
    const first = await resolvers.Product.reviews({ id: products[4]! }, { first: 3 }, ctx);
    const next = await resolvers.Product.reviews({ id: products[4]! }, { first: 3, after: first.pageInfo.endCursor! }, ctx);
    expect(next.edges.map((e) => e.node.body)).toEqual(['review 3 of product 4']);
    expect(next.pageInfo.hasNextPage).toBe(false);
  });

  it('pages a user’s reviews by author, counting them with one grouped statement', async () => {
    const { ctx, statements } = context();
    const pages = await Promise.all(authors.map((id) => resolvers.User.reviews({ id }, { first: 100 }, ctx)));
    const counts = await Promise.all(pages.map((p) => resolvers.ReviewConnection.totalCount(p)));
    expect(statements.filter((s) => s.includes('PARTITION BY author_id'))).toHaveLength(1);
    expect(statements.filter((s) => s.includes('GROUP BY author_id'))).toHaveLength(1);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(reviews.length);
    expect(pages[0]!.edges.every((e) => e.node.author_id === authors[0])).toBe(true);
  });

  it('answers an id that is not a UUID with an empty page instead of an SQL error', async () => {
    const { ctx, statements } = context();
    const [page, rating] = await Promise.all([
      resolvers.Product.reviews({ id: 'not-a-uuid' }, {}, ctx),
      resolvers.Product.averageRating({ id: 'not-a-uuid' }, {}, ctx),
    ]);
    expect(page.edges).toEqual([]);
    expect(rating).toBeNull();
    expect(statements).toHaveLength(0);
  });

  it('refuses a forged cursor as bad input before it reaches SQL', async () => {
    const { ctx, statements } = context();
    const forged = Buffer.from(JSON.stringify(['yesterday', "1' OR 1=1"])).toString('base64url');
    await expect(resolvers.Product.reviews({ id: products[4]! }, { after: forged }, ctx)).rejects.toMatchObject({
      extensions: { code: 'BAD_USER_INPUT' },
    });
    await expect(resolvers.Product.reviews({ id: products[4]! }, { first: 101 }, ctx)).rejects.toMatchObject({
      extensions: { code: 'BAD_USER_INPUT' },
    });
    expect(statements).toHaveLength(0);
  });
});
