import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { databaseUrl } from '@cloudlab/kit';
import { GenerationDb } from '@cloudlab/kit/read-model';
import { contract, gql, login } from './support/client';
import { closeDbs, subgraphDb } from './support/db';

const ops = contract('search');
const marketplace = contract('marketplace');
// A word no demo product has, so the new product is the one a search finds.
const NAME = 'Zephyrine Walnut Lantern';

type Results = {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  facets: {
    categories: { count: number; category: { id: string; name: string } }[];
    vendors: { count: number; vendor: { id: string; name: string } }[];
    priceRanges: { min: string; max: string | null; count: number }[];
    ratings: { atLeast: number; count: number }[];
    inStockCount: number;
  };
  edges: { cursor: string; node: { id: string; name: string; price: { amount: string }; inStock: boolean | null } }[];
};

async function search(variables: Record<string, unknown>): Promise<Results> {
  const res = await gql(ops, { operationName: 'Search', variables });
  expect(res.body.errors).toBeUndefined();
  return res.body.data.search as Results;
}
const codeOf = (variables: Record<string, unknown>) =>
  gql(ops, { operationName: 'Search', variables }).then((r) => r.body.errors?.[0]?.extensions?.code);
const sum = (xs: { count: number }[]) => xs.reduce((n, x) => n + x.count, 0);

/**
 * Fails unless a search sent within `ms` of `since` sees the change (`check` true): one is sent
 * every 50 ms without waiting for the one before, as visitors search whenever they like. What
 * counts is when a search was sent, not how long it took to answer: that is the latency
 * benchmark's business (`pnpm bench search`), not freshness'. Returns the ms until the first
 * search that saw it was sent.
 */
async function within(ms: number, since: number, check: () => Promise<boolean>, what: string) {
  let seen: number | undefined;
  const sent: Promise<void>[] = [];
  while (seen === undefined && Date.now() - since <= ms) {
    const at = Date.now();
    sent.push(check().then((ok) => {
      if (ok && (seen === undefined || at < seen)) seen = at;
    }));
    await new Promise((r) => setTimeout(r, 50));
  }
  await Promise.all(sent);
  if (seen === undefined) throw new Error(`${what}: not within ${ms} ms`);
  return seen - since;
}

let staff: string;
let categoryId: string;
let productId: string;
const ids = (r: Results) => r.edges.map((e) => e.node.id);

beforeAll(async () => {
  staff = await login('vendor@cloudlab.dev');
  categoryId = (await gql('{ categories { id } }')).body.data.categories[0].id;
});
afterAll(closeDbs);

describe(`product search (${process.env.OPENSEARCH_URL ? 'OpenSearch' : 'Postgres'} engine)`, () => {
  it('a new product is searchable within a second, a typo and a prefix still find it', async () => {
    const input = { sku: `ZEPH-${randomUUID().slice(0, 8)}`, name: NAME, description: 'Hand-blown glass.', price: '47.25', categoryId };
    const created = await gql(marketplace, { operationName: 'CreateProduct', token: staff, variables: { input } });
    expect(created.body.errors).toBeUndefined();
    const since = Date.now();
    productId = created.body.data.createProduct.id;
    await within(1000, since, async () => ids(await search({ query: 'zephyrine' })).includes(productId), 'searchable');
    const typo = await search({ query: 'zephyrne lantern' });
    expect(typo.edges[0]!.node).toMatchObject({ id: productId, name: NAME, price: { amount: '47.25' } });
    const s = await gql(ops, { operationName: 'SearchSuggestions', variables: { prefix: 'zephy' } });
    expect(s.body.data.searchSuggestions[0]).toEqual({ text: NAME, product: { id: productId, name: NAME } });
  });

  it('a price change shows and an archived product disappears within a second', async () => {
    const updated = await gql(marketplace, { operationName: 'UpdateProduct', token: staff, variables: { id: productId, patch: { price: '512.00' } } });
    expect(updated.body.errors).toBeUndefined();
    let since = Date.now();
    await within(1000, since, async () => ids(await search({ query: 'zephyrine', filter: { minPrice: '500' } })).includes(productId), 'new price');
    expect(ids(await search({ query: 'zephyrine', filter: { maxPrice: '100' } }))).not.toContain(productId);

    const archived = await gql(marketplace, { operationName: 'ArchiveProduct', token: staff, variables: { id: productId } });
    expect(archived.body.errors).toBeUndefined();
    since = Date.now();
    await within(1000, since, async () => (await search({ query: 'zephyrine' })).totalCount === 0, 'archived gone');
  });

  it('facet counts add up to totalCount and stay multi-select under a filter', async () => {
    const all = await search({ query: 'oak' });
    expect(all.totalCount).toBeGreaterThan(0);
    for (const facet of [all.facets.categories, all.facets.vendors, all.facets.priceRanges]) expect(sum(facet)).toBe(all.totalCount);
    expect(all.facets.categories.every((c) => c.category.name)).toBe(true);
    expect(all.facets.vendors.every((v) => v.vendor.name)).toBe(true);
    expect(all.facets.inStockCount).toBeLessThanOrEqual(all.totalCount);

    const [a, b] = all.facets.categories;
    const picked = await search({ query: 'oak', filter: { categoryIds: [a!.category.id] } });
    expect(picked.totalCount).toBe(a!.count);
    // The category facet ignores its own filter: every category is still offered with its count.
    expect(picked.facets.categories).toEqual(all.facets.categories);
    expect(sum(picked.facets.vendors)).toBe(picked.totalCount);
    expect(sum(picked.facets.priceRanges)).toBe(picked.totalCount);
    const two = await search({ query: 'oak', filter: { categoryIds: [a!.category.id, b!.category.id] } });
    expect(two.totalCount).toBe(a!.count + b!.count);

    const inStock = await search({ query: 'oak', filter: { inStock: true } });
    expect(inStock.totalCount).toBe(all.facets.inStockCount);
    expect(inStock.edges.every((e) => e.node.inStock)).toBe(true);
  });

  it('price filters and sorts hold across pages, with no product twice', async () => {
    for (const sort of ['PRICE_ASC', 'PRICE_DESC'] as const) {
      const seen: string[] = [];
      const prices: number[] = [];
      let after: string | null = null;
      let total = 0;
      do {
        const page: Results = await search({ filter: { minPrice: '20', maxPrice: '60' }, sort, first: 50, after });
        total = page.totalCount;
        for (const e of page.edges) {
          seen.push(e.node.id);
          prices.push(Number(e.node.price.amount));
        }
        after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
      } while (after && seen.length < 400);
      expect(seen.length).toBe(Math.min(total, 400));
      expect(new Set(seen).size).toBe(seen.length);
      expect(prices.every((p) => p >= 20 && p <= 60)).toBe(true);
      const sorted = [...prices].sort((x, y) => (sort === 'PRICE_ASC' ? x - y : y - x));
      expect(prices).toEqual(sorted);
    }
  });

  it('refuses bad input, and a query of stop words or punctuation browses instead', async () => {
    // The contract's document, facets and all, reaches search at any page size (the gateway's cost
    // estimate counts facets once per page), and search refuses a page over 100 itself.
    expect(await codeOf({ first: 101 })).toBe('BAD_USER_INPUT');
    expect((await search({ first: 100 })).totalCount).toBeGreaterThan(0);
    expect(await codeOf({ query: 'x'.repeat(201) })).toBe('BAD_USER_INPUT');
    expect(await codeOf({ filter: { minPrice: '12,50' } })).toBe('BAD_USER_INPUT');
    expect(await codeOf({ sort: 'NEWEST', after: (await search({ sort: 'PRICE_ASC', first: 1 })).pageInfo.endCursor })).toBe('BAD_USER_INPUT');
    for (const query of ['the of and', '?!… ---']) expect((await search({ query, first: 1 })).totalCount).toBeGreaterThan(0);
  });

  it('after `pnpm rebuild search` the same searches give the same answers (demo documents included)', async () => {
    const snapshot = async () =>
      JSON.stringify(await Promise.all([
        search({ query: 'oak' }),
        search({ query: 'lantren', filter: { minRating: 3 }, sort: 'RATING' }),
        search({ filter: { minPrice: '20', maxPrice: '60', inStock: true }, sort: 'PRICE_DESC', first: 50 }),
        search({ query: 'zephyrine' }),
      ]));
    const before = await snapshot();
    const { stdout } = await promisify(execFile)('node', ['--import', 'tsx', path.join(__dirname, '..', 'ops', 'rebuild.ts'), 'search'], {
      cwd: path.join(__dirname, '..'),
      env: { ...process.env, DATABASE_URL: inject('databaseUrl'), DB_PREFIX: inject('dbPrefix'), KAFKA_NAMESPACE: process.env.KAFKA_BROKERS ? inject('dbPrefix') : '' },
    });
    const result = JSON.parse(stdout.trim().split('\n').at(-1)!);
    expect(result.to).toBe(result.from + 1);
    expect(await snapshot()).toBe(before);
  }, 120_000);

  it('tells cached answers of a change they depend on, not of a stock count that leaves in-stock as it was', async () => {
    // The read model's change notifications (read-model/004_change_notify.sql), which forget the
    // Postgres engine's cached answers (kit ChangeCache). Each change is undone in its transaction.
    const listener = new pg.Client({ connectionString: databaseUrl(inject('databaseUrl'), `${inject('dbPrefix')}search`) });
    await listener.connect();
    const heard: string[] = [];
    listener.on('notification', (n) => heard.push(n.payload ?? ''));
    await listener.query('LISTEN read_model_search');
    const db = new GenerationDb(subgraphDb('search'), { readModel: 'search' });
    // A listed product in stock: five more or fewer leaves it in stock.
    const { rows } = await db.query('SELECT id FROM search_products WHERE listed AND NOT archived AND available > 5 LIMIT 1');
    const inOneTx = (...statements: string[]) => db.tx(async (q) => {
      for (const sql of statements) await q.query(sql, [rows[0].id]);
    });
    const quiet = () => new Promise((r) => setTimeout(r, 300));
    try {
      await quiet();
      heard.length = 0;
      await inOneTx('UPDATE search_products SET available = available + 5 WHERE id = $1', 'UPDATE search_products SET available = available - 5 WHERE id = $1');
      await quiet();
      expect(heard).toEqual([]);
      await inOneTx('UPDATE search_products SET price = price + 1 WHERE id = $1', 'UPDATE search_products SET price = price - 1 WHERE id = $1');
      await quiet();
      expect(heard).toEqual(['changed']);
    } finally {
      await listener.end();
    }
  });
});
