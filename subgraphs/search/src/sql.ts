import { escapeLike, tsQueryText, type Filters, type SearchRequest, type SearchSort } from './request';

/**
 * The Postgres engine's statements, built from a checked SearchRequest (request.ts). Every value
 * is a parameter; only fixed SQL fragments are concatenated.
 */
export interface Statement {
  text: string;
  values: unknown[];
}

class Params {
  values: unknown[] = [];
  add(v: unknown): string {
    this.values.push(v);
    return `$${this.values.length}`;
  }
}

const VISIBLE = 'listed AND NOT archived';

/**
 * Full-text match (weighted tsvector, GIN): typos are handled before, by adding each term's
 * corrections to the tsquery. The tsquery is made once per statement (an InitPlan), not per row.
 */
function matchSql(p: Params, req: Pick<SearchRequest, 'terms' | 'corrections'>): { where: string; score: () => string } {
  const { terms } = req;
  if (!terms.length) return { where: 'true', score: () => '0' };
  const tsq = `(SELECT to_tsquery('english', ${p.add(tsQueryText(terms, req.corrections))}::text))`;
  return {
    where: `document @@ ${tsq}`,
    // Exact name first, then names starting with the query, then text rank (name words weigh
    // more than description words). A parameter only when used: PostgreSQL cannot type an unused
    // one. No pg_trgm word_similarity here: computed for every match it cost more than the rest
    // of the page (16 of 25 ms for a word in 4,677 of 100,000 names); typos are already resolved
    // into the tsquery's alternatives.
    score: () => {
      const q = `${p.add(terms.join(' '))}::text`;
      return `round((CASE WHEN lower(name) = ${q} THEN 4 WHEN lower(name) LIKE ${p.add(`${escapeLike(terms.join(' '))}%`)}::text THEN 2 ELSE 0 END
      + ts_rank(document, ${tsq}))::numeric, 6)`;
    },
  };
}

type FilterName = keyof Filters;
/**
 * Each active filter as its own condition, so a facet can leave its own one out. Over the facet
 * counts (`cells`) a price filter is a bucket condition (countsServe: only on a bucket's lower bound)
 * and a rating filter one on whole stars (minRating is whole).
 */
function filterSql(p: Params, f: Filters, cells?: { priceBounds: number[] }): Record<'category' | 'vendor' | 'price' | 'rating' | 'stock', string> {
  const price: string[] = [];
  if (cells && f.minPrice != null && Number(f.minPrice) > 0) price.push(`bucket >= ${cells.priceBounds.indexOf(Number(f.minPrice)) + 1}`);
  if (!cells && f.minPrice != null) price.push(`price >= ${p.add(f.minPrice)}::numeric`);
  if (!cells && f.maxPrice != null) price.push(`price <= ${p.add(f.maxPrice)}::numeric`);
  return {
    category: f.categoryIds ? `category_id = ANY(${p.add(f.categoryIds)}::uuid[])` : 'true',
    vendor: f.vendorIds ? `vendor_id = ANY(${p.add(f.vendorIds)}::uuid[])` : 'true',
    price: price.length ? price.join(' AND ') : 'true',
    rating: f.minRating != null ? `${cells ? 'stars' : 'rating'} >= ${p.add(f.minRating)}` : 'true',
    stock: f.inStock != null ? `in_stock = ${p.add(f.inStock)}` : 'true',
  };
}
export type { FilterName };

/** Sort key, its direction and the type its cursor text is cast back to. */
export function sortKey(sort: SearchSort, hasQuery: boolean): { key: string; desc: boolean; type: string } {
  switch (sort) {
    case 'PRICE_ASC': return { key: 'price', desc: false, type: 'numeric' };
    case 'PRICE_DESC': return { key: 'price', desc: true, type: 'numeric' };
    case 'RATING': return { key: 'rating', desc: true, type: 'numeric' };
    case 'NEWEST': return { key: 'created_at', desc: true, type: 'timestamptz' };
    // Without a query every score is equal: relevance is then the newest first.
    case 'RELEVANCE': return hasQuery ? { key: 'score', desc: true, type: 'numeric' } : { key: 'created_at', desc: true, type: 'timestamptz' };
  }
}

/**
 * One page: rows (id, key text) in sort order, ties broken by id in the same direction (so one
 * index on (key, id) serves both directions), first+1 of them (the extra one tells whether there
 * is a next page). The keyset condition continues strictly after the cursor's (key, id), so pages
 * neither skip nor repeat under any sort.
 */
export function pageStatement(req: SearchRequest): Statement {
  const p = new Params();
  const match = matchSql(p, req);
  const f = filterSql(p, req.filters);
  const { key, desc, type } = sortKey(req.sort, req.terms.length > 0);
  let after = '';
  if (req.after) {
    const k = `${p.add(req.after[1])}::${type}`;
    const id = `${p.add(req.after[2])}::uuid`;
    after = `WHERE (k, id) ${desc ? '<' : '>'} (${k}, ${id})`;
  }
  const expr = key === 'score' ? match.score() : key;
  const text = `SELECT id, k::text AS key FROM (
      SELECT id, ${expr} AS k FROM search_products
      WHERE ${VISIBLE} AND ${match.where} AND ${f.category} AND ${f.vendor} AND ${f.price} AND ${f.rating} AND ${f.stock}
    ) d ${after}
    ORDER BY k ${desc ? 'DESC' : 'ASC'}, id ${desc ? 'DESC' : 'ASC'} LIMIT ${p.add(req.first + 1)}`;
  return { text, values: p.values };
}

export const RATING_STEPS = [4, 3, 2, 1];

/**
 * Total and facets in one statement over the matching documents. Multi-select: each facet counts
 * under every active filter except its own, so choosing a category still shows the other
 * categories' counts. One pass: the matching documents are grouped once by GROUPING SETS
 * (category, vendor, price bucket, and all of them for the total, rating steps and stock), each
 * facet's count a FILTER under its own conditions (a materialized CTE scanned six times, with
 * the rating steps as a cross join, took several times longer on every visible document).
 * Rows: (facet, key, count); category/vendor/price entries only with a count.
 */
export function facetStatement(req: SearchRequest, priceBounds: number[], source: 'documents' | 'counts' = 'documents'): Statement {
  const p = new Params();
  const cells = source === 'counts';
  const match = matchSql(p, req);
  const f = filterSql(p, req.filters, cells ? { priceBounds } : undefined);
  const all = (except?: keyof typeof f) =>
    (Object.keys(f) as (keyof typeof f)[]).filter((k) => k !== except).map((k) => `f_${k}`).join(' AND ');
  const steps = RATING_STEPS.map((s) => Math.trunc(s));
  // A document counts 1; a cell its count plus the deltas not folded into it yet (whole stars:
  // rating >= s for whole s).
  const rows = cells
    ? `SELECT category_id, vendor_id, bucket, stars AS rating, in_stock, n, FILTERS FROM (
        SELECT category_id, vendor_id, bucket, stars, in_stock, n FROM search_facet_counts
        UNION ALL SELECT category_id, vendor_id, bucket, stars, in_stock, n FROM search_facet_deltas) cells`
    : `SELECT category_id, vendor_id, width_bucket(price, ${p.add(priceBounds)}::numeric[]) AS bucket, rating, in_stock, 1 AS n, FILTERS
      FROM search_products WHERE ${VISIBLE} AND ${match.where}`;
  const count = (where: string) => `coalesce(sum(n) FILTER (WHERE ${where}), 0)`;
  const text = `WITH m AS (
      ${rows.replace('FILTERS', `${f.category} AS f_category, ${f.vendor} AS f_vendor, ${f.price} AS f_price, ${f.rating} AS f_rating, ${f.stock} AS f_stock`)}
    ), g AS (
      SELECT GROUPING(category_id, vendor_id, bucket) AS grp, category_id::text AS category, vendor_id::text AS vendor, bucket::text AS bucket,
        ${count(all())} AS n_total,
        ${count(all('category'))} AS n_category,
        ${count(all('vendor'))} AS n_vendor,
        ${count(all('price'))} AS n_price,
        ${steps.map((s) => `${count(`${all('rating')} AND rating >= ${s}`)} AS n_rating_${s}`).join(',\n        ')},
        ${count(`${all('stock')} AND in_stock`)} AS n_stock
      FROM m GROUP BY GROUPING SETS ((category_id), (vendor_id), (bucket), ())
    )
    SELECT x.facet, x.key, x.count::int AS count FROM g CROSS JOIN LATERAL (VALUES
      ('category', g.category, g.n_category, g.grp = 3),
      ('vendor', g.vendor, g.n_vendor, g.grp = 5),
      ('price', g.bucket, g.n_price, g.grp = 6),
      ('total', '', g.n_total, g.grp = 7),
      ${steps.map((s) => `('rating', '${s}', g.n_rating_${s}, g.grp = 7)`).join(',\n      ')},
      ('stock', '', g.n_stock, g.grp = 7)
    ) AS x(facet, key, count, used)
    WHERE x.used AND (x.count > 0 OR x.facet IN ('total', 'rating', 'stock'))`;
  return { text, values: p.values };
}

/**
 * Can the facet counts (read-model/003_facet_counts.sql) answer this request's facets exactly?
 * Only without query text (the cells know nothing of words), with no maximum price and a minimum
 * price, if any, on a bucket's lower bound (a cell holds a whole bucket).
 */
export function countsServe(req: SearchRequest, priceBounds: number[]): boolean {
  const min = req.filters.minPrice == null ? null : Number(req.filters.minPrice);
  return req.terms.length === 0 && req.filters.maxPrice == null && (min == null || min === 0 || priceBounds.includes(min));
}

export interface Facets {
  total: number;
  categories: { id: string; count: number }[];
  vendors: { id: string; count: number }[];
  priceRanges: { min: string; max: string | null; count: number }[];
  ratings: { atLeast: number; count: number }[];
  inStockCount: number;
}

/** The facet rows as the API shows them: largest counts first, every price bucket, every rating step. */
export function readFacets(rows: { facet: string; key: string; count: number }[], priceBounds: number[], limit: number): Facets {
  const of = (facet: string) => rows.filter((r) => r.facet === facet);
  const byCount = (a: { id: string; count: number }, b: { id: string; count: number }) => b.count - a.count || (a.id < b.id ? -1 : 1);
  const entries = (facet: string) => of(facet).map((r) => ({ id: r.key, count: r.count })).sort(byCount).slice(0, limit);
  const buckets = new Map(of('price').map((r) => [Number(r.key), r.count]));
  const edges = [0, ...priceBounds];
  return {
    total: of('total')[0]?.count ?? 0,
    categories: entries('category'),
    vendors: entries('vendor'),
    // width_bucket over the upper bounds: 0 for [0, b1), 1 for [b1, b2), …, bounds.length for [last, ∞).
    priceRanges: edges.map((min, i) => ({
      min: min.toFixed(2),
      max: i < priceBounds.length ? priceBounds[i]!.toFixed(2) : null,
      count: buckets.get(i) ?? 0,
    })),
    ratings: RATING_STEPS.map((s) => ({ atLeast: s, count: of('rating').find((r) => Number(r.key) === s)?.count ?? 0 })),
    inStockCount: of('stock')[0]?.count ?? 0,
  };
}
