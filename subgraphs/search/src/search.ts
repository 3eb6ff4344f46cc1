import type { Db, Queryable } from '@cloudlab/kit';
import { encodeCursor } from '@cloudlab/kit';
import { config, priceBounds } from './config';
import { parseRequest, tsQueryText, type SearchArgs, type SearchRequest } from './request';
import { facetStatement, pageStatement, readFacets, type Facets } from './sql';
import * as store from './store';

export interface SearchResults {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  facets: Omit<Facets, 'total' | 'categories' | 'vendors'> & {
    categories: { count: number; category: { id: string } }[];
    vendors: { count: number; vendor: { id: string } }[];
  };
  edges: { cursor: string; node: { id: string } }[];
}

/** Runs in one transaction: pg_trgm's threshold is set for it only. */
async function inSearchTx<T>(db: Db, fn: (q: Queryable) => Promise<T>): Promise<T> {
  return db.tx(async (q) => {
    await store.setTypoThreshold(q, config.SEARCH_TYPO_SIMILARITY_PCT);
    return fn(q);
  });
}

/** The Postgres engine: a page and the facets of a checked request. */
export async function search(db: Db, args: SearchArgs): Promise<SearchResults> {
  let req: SearchRequest = parseRequest(args, config.SEARCH_MAX_QUERY_LENGTH);
  return inSearchTx(db, async (q) => {
    // Stop words only ("the of"): the tsquery is empty and would match nothing; browse instead.
    if (req.terms.length && !(await store.hasLexemes(q, tsQueryText(req.terms)))) req = { ...req, terms: [] };
    const rows = await store.page(q, pageStatement(req));
    const f = readFacets(await store.facetRows(q, facetStatement(req, priceBounds)), priceBounds, config.SEARCH_FACET_LIMIT);
    const edges = rows.slice(0, req.first).map((r) => ({ cursor: encodeCursor([req.sort, r.key, r.id]), node: { id: r.id } }));
    return {
      totalCount: f.total,
      pageInfo: { hasNextPage: rows.length > req.first, endCursor: edges.at(-1)?.cursor ?? null },
      facets: {
        categories: f.categories.map((c) => ({ count: c.count, category: { id: c.id } })),
        vendors: f.vendors.map((v) => ({ count: v.count, vendor: { id: v.id } })),
        priceRanges: f.priceRanges,
        ratings: f.ratings,
        inStockCount: f.inStockCount,
      },
      edges,
    };
  });
}

export async function suggest(db: Db, prefix: string, first: number) {
  const rows = await inSearchTx(db, (q) => store.suggestions(q, prefix.trim(), first));
  return rows.map((r) => ({ text: r.name, product: { id: r.id } }));
}
