import { badInput } from '@cloudlab/kit';
import { RATING_STEPS } from '../sql';
import type { Filters, SearchRequest, SearchSort } from '../request';

/**
 * The OpenSearch engine's request bodies, built from the same checked SearchRequest as the
 * Postgres engine's SQL (request.ts), with the same semantics: every (non-stop) query word must
 * match the name or description, stemmed, as typed or with a typo, the last one also as a prefix;
 * exact names, then names starting with the query, rank first; filters; sorts with an id
 * tie-break; multi-select facets (each facet counts under every other active filter).
 */

/** Lucene's English stop words (the `english` analyzer drops them): they never have to match. */
export const STOP_WORDS = new Set(
  'a an and are as at be but by for if in into is it no not of on or such that the their then there these they this to was will with'.split(' '),
);

// No typo under 4 letters ("oak" is not "oat"), one up to 6, two from 7 ("lantren" → "lantern").
const FUZZY = { fuzziness: 'AUTO:4,7', prefix_length: 1 } as const;
// The last word may be unfinished: it matches as a prefix, and as a typo only from 5 letters
// ("lant" is the start of "lantern", not a typo of "last").
const FUZZY_LAST = { fuzziness: 'AUTO:5,8', prefix_length: 1 } as const;

type Clause = Record<string, unknown>;

function matchClauses(terms: string[]): { must: Clause[]; should: Clause[] } {
  const words = terms.filter((t) => !STOP_WORDS.has(t));
  if (!words.length) return { must: [], should: [] }; // stop words or nothing: browse
  const must = words.map((t, i) => ({
    bool: {
      should: [
        { match: { text: { query: t, ...(i === words.length - 1 ? FUZZY_LAST : FUZZY) } } },
        ...(i === words.length - 1 ? [{ prefix: { text: { value: t } } }] : []),
      ],
      minimum_should_match: 1,
    },
  }));
  const phrase = terms.join(' ');
  const should = [
    { term: { 'name.exact': { value: phrase, boost: 40 } } },
    { prefix: { 'name.exact': { value: phrase, boost: 20 } } },
    { match: { name: { query: phrase, boost: 3 } } },
    { match: { name: { query: phrase, ...FUZZY, boost: 1 } } },
    { match: { description: { query: phrase, boost: 0.5 } } },
  ];
  return { must, should };
}

export type FacetName = 'category' | 'vendor' | 'price' | 'rating' | 'stock';

/** Each active filter as its own clause, so a facet can leave its own one out. */
export function filterClauses(f: Filters): Partial<Record<FacetName, Clause>> {
  const out: Partial<Record<FacetName, Clause>> = {};
  if (f.categoryIds) out.category = { terms: { category_id: f.categoryIds } };
  if (f.vendorIds) out.vendor = { terms: { vendor_id: f.vendorIds } };
  if (f.minPrice != null || f.maxPrice != null) {
    out.price = { range: { price: { ...(f.minPrice != null ? { gte: f.minPrice } : {}), ...(f.maxPrice != null ? { lte: f.maxPrice } : {}) } } };
  }
  if (f.minRating != null) out.rating = { range: { rating: { gte: f.minRating } } };
  if (f.inStock != null) out.stock = { term: { in_stock: f.inStock } };
  return out;
}

export function sortOf(sort: SearchSort, hasQuery: boolean): Clause[] {
  switch (sort) {
    case 'PRICE_ASC': return [{ price: 'asc' }, { id: 'asc' }];
    case 'PRICE_DESC': return [{ price: 'desc' }, { id: 'desc' }];
    case 'RATING': return [{ rating: 'desc' }, { id: 'desc' }];
    case 'NEWEST': return [{ created_at: 'desc' }, { id: 'desc' }];
    // Without a query every score is equal: relevance is then the newest first.
    case 'RELEVANCE': return hasQuery ? [{ _score: 'desc' }, { id: 'desc' }] : [{ created_at: 'desc' }, { id: 'desc' }];
  }
}

/** One request: a page of first+1 hits after the cursor (search_after), the total and the facets. */
export function searchBody(req: SearchRequest, priceBounds: number[], facetLimit: number) {
  const { must, should } = matchClauses(req.terms);
  const filters = filterClauses(req.filters);
  const except = (name?: FacetName) => Object.entries(filters).filter(([k]) => k !== name).map(([, c]) => c);
  const within = (name: FacetName, aggs: Clause) => ({ filter: { bool: { filter: except(name) } }, aggs: { v: aggs } });
  let searchAfter: unknown[] | undefined;
  if (req.after) {
    const key = Number(req.after[1]);
    if (!Number.isFinite(key)) throw badInput('after is not a cursor of this search and sort', 'after');
    searchAfter = [key, req.after[2]];
  }
  const edges = [0, ...priceBounds];
  return {
    size: req.first + 1,
    track_total_hits: true,
    _source: false,
    query: { bool: { filter: [{ term: { visible: true } }], must, should } },
    post_filter: { bool: { filter: except() } },
    sort: sortOf(req.sort, must.length > 0),
    ...(searchAfter ? { search_after: searchAfter } : {}),
    aggs: {
      category: within('category', { terms: { field: 'category_id', size: facetLimit, order: [{ _count: 'desc' }, { _key: 'asc' }] } }),
      vendor: within('vendor', { terms: { field: 'vendor_id', size: facetLimit, order: [{ _count: 'desc' }, { _key: 'asc' }] } }),
      price: within('price', {
        range: { field: 'price', ranges: edges.map((from, i) => (i < priceBounds.length ? { from, to: priceBounds[i] } : { from })) },
      }),
      rating: within('rating', { filters: { filters: Object.fromEntries(RATING_STEPS.map((s) => [String(s), { range: { rating: { gte: s } } }])) } }),
      stock: within('stock', { filter: { term: { in_stock: true } } }),
    },
  };
}

interface Bucket { key: string | number; doc_count: number }
export interface SearchResponseBody {
  hits: { total: { value: number }; hits: { _id: string; sort: (number | string)[] }[] };
  aggregations: {
    category: { v: { buckets: Bucket[] } };
    vendor: { v: { buckets: Bucket[] } };
    price: { v: { buckets: (Bucket & { from?: number; to?: number })[] } };
    rating: { v: { buckets: Record<string, { doc_count: number }> } };
    stock: { v: { doc_count: number } };
  };
}

/** The response as the Postgres engine's readFacets shapes it. */
export function readResponse(body: SearchResponseBody, priceBounds: number[]) {
  const a = body.aggregations;
  const edges = [0, ...priceBounds];
  return {
    total: body.hits.total.value,
    hits: body.hits.hits.map((h) => ({ id: h._id, key: String(h.sort[0]) })),
    categories: a.category.v.buckets.map((b) => ({ id: String(b.key), count: b.doc_count })),
    vendors: a.vendor.v.buckets.map((b) => ({ id: String(b.key), count: b.doc_count })),
    priceRanges: edges.map((min, i) => ({
      min: min.toFixed(2),
      max: i < priceBounds.length ? priceBounds[i]!.toFixed(2) : null,
      count: a.price.v.buckets[i]?.doc_count ?? 0,
    })),
    ratings: RATING_STEPS.map((s) => ({ atLeast: s, count: a.rating.v.buckets[String(s)]?.doc_count ?? 0 })),
    inStockCount: a.stock.v.doc_count,
  };
}

/** Type-ahead: names with words starting with (or nearly) the prefix's words; one per distinct name. */
export function suggestBody(prefix: string, first: number) {
  return {
    size: first,
    _source: ['name'],
    query: {
      bool: {
        filter: [{ term: { visible: true } }],
        must: [{ match: { 'name.prefix': { query: prefix, operator: 'and', ...FUZZY } } }],
        should: [{ prefix: { 'name.exact': { value: prefix.toLowerCase(), boost: 10 } } }],
      },
    },
    collapse: { field: 'name.exact' },
    sort: [{ _score: 'desc' }, { 'name.exact': 'asc' }, { id: 'asc' }],
  };
}
