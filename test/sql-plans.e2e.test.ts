import { afterAll, describe, expect, it } from 'vitest';
import type { Db, Queryable } from '@cloudlab/kit';
import * as accounts from '../subgraphs/accounts/src/store';
import { categoryPartitions } from '../subgraphs/catalog/src/partitions';
import * as catalog from '../subgraphs/catalog/src/store';
import * as inventory from '../subgraphs/inventory/src/store';
import * as reviews from '../subgraphs/reviews/src/store';
import { GenerationDb } from '@cloudlab/kit/read-model';
import { parseRequest, SORTS } from '../subgraphs/search/src/request';
import { facetStatement, pageStatement } from '../subgraphs/search/src/sql';
import * as search from '../subgraphs/search/src/store';
import { closeDbs, subgraphDb } from './support/db';

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

/**
 * A Queryable that runs each statement as the subgraph would and also records its plan (EXPLAIN
 * with the same parameters), so the test checks the SQL the store functions really send. Plans
 * are made with sequential scans disabled: on demo-sized tables the planner may rightly prefer a
 * scan, so what is checked is that an index can serve every access path once the tables grow
 * (a Seq Scan then only remains where no index fits).
 */
function explaining(db: Db) {
  const plans: { sql: string; plan: PlanNode }[] = [];
  const q: Queryable = {
    async query(text, values) {
      const plan = await db.tx(async (t) => {
        await t.query('SET LOCAL enable_seqscan = off');
        return (await t.query(`EXPLAIN (FORMAT JSON) ${text}`, values)).rows[0]['QUERY PLAN'][0].Plan as PlanNode;
      });
      plans.push({ sql: text.replace(/\s+/g, ' ').trim(), plan });
      return db.query(text, values);
    },
  };
  return { q, plans };
}

function nodes(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodes)];
}

async function expectIndexed(name: string, run: (q: Queryable) => Promise<unknown>, db: Db = subgraphDb(name)) {
  await db.query('ANALYZE'); // planner statistics as a running system has them
  const { q, plans } = explaining(db);
  await run(q);
  expect(plans.length).toBeGreaterThan(0);
  for (const { sql, plan } of plans) {
    const scanned = nodes(plan).filter((n) => n['Node Type'] === 'Seq Scan');
    expect(scanned.map((n) => `${name}: Seq Scan on ${n['Relation Name']} for ${sql}`)).toEqual([]);
  }
  return plans;
}

describe("the storefront's SQL has an index for every access path (EXPLAIN)", () => {
  afterAll(closeDbs);

  it('catalog: the first page, totalCount (from product_counts, not count(*)), categories', async () => {
    let page: catalog.ProductRow[] = [];
    const plans = await expectIndexed('catalog', async (q) => {
      page = await catalog.listProducts(q, { limit: 13, after: null, categoryId: null });
      const last = page.at(-1)!;
      await catalog.listProducts(q, { limit: 13, after: [last.created_at.toISOString(), last.id], categoryId: null });
      await catalog.listProducts(q, { limit: 13, after: null, categoryId: last.category_id });
      await catalog.countProducts(q, null);
      await catalog.countProducts(q, last.category_id);
      await catalog.productsByIds(q, page.map((p) => p.id));
      await catalog.categoriesByIds(q, page.map((p) => p.category_id));
    });
    expect(page).toHaveLength(13);
    const counted = plans.filter((p) => /product_counts/.test(p.sql));
    expect(counted).toHaveLength(2);
    for (const { plan } of counted) expect(nodes(plan).some((n) => n['Relation Name'] === 'products')).toBe(false);
  });

  it('accounts, inventory and reviews: the lookups by id the storefront batches', async () => {
    const page = await catalog.listProducts(subgraphDb('catalog'), { limit: 12, after: null, categoryId: null });
    const productIds = page.map((p) => p.id);
    await expectIndexed('accounts', (q) => accounts.vendorsByIds(q, page.map((p) => p.vendor_id)));
    await expectIndexed('inventory', (q) => inventory.stockTotals(q, productIds));
    await expectIndexed('reviews', async (q) => {
      await reviews.ratingsByProducts(q, productIds);
      await reviews.reviewPages(q, 'product_id', productIds, { limit: 5, after: null });
    });
    const authors = (await subgraphDb('reviews').query<{ author_id: string }>('SELECT DISTINCT author_id FROM reviews LIMIT 10')).rows.map((r) => r.author_id);
    await expectIndexed('accounts', (q) => accounts.usersByIds(q, authors));
    await expectIndexed('reviews', (q) => reviews.reviewPages(q, 'author_id', authors, { limit: 3, after: null }));
  });

  it('search: full text and typos, filters, every sort and its cursor, facets of a query, suggestions', async () => {
    const db = new GenerationDb(subgraphDb('search'), { readModel: 'search' }); // the current generation's tables
    const categoryId = (await db.query('SELECT category_id FROM search_products WHERE listed LIMIT 1')).rows[0].category_id;
    const plans = await expectIndexed('search', async (q) => {
      for (const sort of SORTS) {
        const req = parseRequest({ query: 'lantern', sort, first: 24 }, 200);
        const [row] = await search.page(q, pageStatement(req));
        await search.page(q, pageStatement({ ...req, after: [sort, row!.key, row!.id] }));
        await search.page(q, pageStatement(parseRequest({ sort, filter: { categoryIds: [categoryId], minPrice: '10.00' } }, 200)));
      }
      const filter = { categoryIds: [categoryId], maxPrice: '80', minRating: 3, inStock: true };
      await search.facetRows(q, facetStatement(parseRequest({ query: 'lantren', filter }, 200), [25, 50, 100]));
      await search.suggestions(q, 'lante', 8);
      await search.corrections(q, ['lantren', 'the'], 30);
    }, db);
    // Ranking, facets and suggestions find their documents through a GIN index (full text or
    // trigrams), not by walking every visible document along a btree.
    const matched = plans.filter((p) => /round\(|WITH m|DISTINCT ON/.test(p.sql));
    expect(matched).toHaveLength(4);
    for (const { sql, plan } of matched) {
      expect(nodes(plan).some((n) => /search_products_(document|name_trgm)/.test(n['Index Name'] ?? '')), sql).toBe(true);
    }
  });
});

describe('catalog: products are partitioned by category (EXPLAIN)', () => {
  afterAll(closeDbs);
  const scans = (plan: PlanNode) => nodes(plan).filter((n) => n['Relation Name']?.startsWith('products_'));

  it("a category's listing reads its one partition, its next page too", async () => {
    const db = subgraphDb('catalog');
    const [category] = await categoryPartitions(db);
    const { q, plans } = explaining(db);
    const page = await catalog.listProducts(q, { limit: 13, after: null, categoryId: category!.categoryId });
    const last = page.at(-1)!;
    await catalog.listProducts(q, { limit: 13, after: [last.created_at.toISOString(), last.id], categoryId: category!.categoryId });
    expect(page.length).toBe(13);
    for (const { plan } of plans) {
      expect(scans(plan).map((n) => `${n['Node Type']} on ${n['Relation Name']}`)).toEqual([`Index Scan on ${category!.partition}`]);
    }
  });

  it('a lookup by id plans only the partitions that hold the ids', async () => {
    const db = subgraphDb('catalog');
    const [a, b] = await categoryPartitions(db);
    const ids = async (categoryId: string) =>
      (await catalog.listProducts(db, { limit: 3, after: null, categoryId })).map((p) => p.id);
    const wanted = [...(await ids(a!.categoryId)), ...(await ids(b!.categoryId))];
    const { q, plans } = explaining(db);
    const found = await catalog.productsByIds(q, wanted);
    expect(found.map((p) => p.id).sort()).toEqual([...wanted].sort());
    // product_keys names the categories; the second statement's plan holds those two partitions
    // and no other (read by index: the first test of this file checks every plan for a Seq Scan).
    expect(plans.map((p) => nodes(p.plan).find((n) => n['Relation Name'])?.['Relation Name'])).toEqual(['product_keys', expect.any(String)]);
    const read = new Set(scans(plans[1]!.plan).map((n) => n['Relation Name']));
    expect([...read].sort()).toEqual([a!.partition, b!.partition].sort());
  });
});

describe('product_counts stays exact', () => {
  afterAll(closeDbs);

  it('through insert, category change, archiving, delete and a rolled-back transaction', async () => {
    const db = subgraphDb('catalog');
    const exact = async (q: Queryable) => {
      const { rows } = await q.query<{ category_id: string | null; n: number; counted: number }>(
        `SELECT c.category_id, c.n::int AS n, (SELECT count(*)::int FROM products p WHERE p.archived_at IS NULL AND (c.category_id = '00000000-0000-0000-0000-000000000000' OR p.category_id = c.category_id)) AS counted
         FROM product_counts c`,
      );
      expect(rows.length).toBeGreaterThan(1);
      for (const r of rows) expect(r.n, `category ${r.category_id}`).toBe(r.counted);
    };
    await exact(db);
    await db
      .tx(async (q) => {
        const [a, b] = (await q.query<{ id: string }>('SELECT id FROM categories ORDER BY id LIMIT 2')).rows;
        const before = await catalog.countProducts(q, null);
        await q.query(
          `INSERT INTO products (sku, name, description, price, currency, category_id, vendor_id)
           SELECT 'TEST-' || i, 'Test ' || i, '', 1, 'EUR', $1, gen_random_uuid() FROM generate_series(1, 3) i`,
          [a!.id],
        );
        expect(await catalog.countProducts(q, null)).toBe(before + 3);
        await exact(q);
        await q.query(`UPDATE products SET category_id = $1 WHERE sku = 'TEST-1'`, [b!.id]);
        await exact(q);
        // Archived products leave the counts; archiving and moving at once, and un-archiving, too.
        await q.query(`UPDATE products SET archived_at = now() WHERE sku = 'TEST-2'`);
        expect(await catalog.countProducts(q, null)).toBe(before + 2);
        await exact(q);
        await q.query(`UPDATE products SET archived_at = now(), category_id = $1 WHERE sku = 'TEST-3'`, [b!.id]);
        await exact(q);
        await q.query(`UPDATE products SET archived_at = NULL WHERE sku = 'TEST-2'`);
        await exact(q);
        await q.query(`DELETE FROM products WHERE sku LIKE 'TEST-%'`);
        expect(await catalog.countProducts(q, null)).toBe(before);
        await exact(q);
        throw new Error('roll back');
      })
      .catch((err: Error) => expect(err.message).toBe('roll back'));
    await exact(db);
  });
});
