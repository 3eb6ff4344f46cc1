import type { Db } from '@cloudlab/kit';
import { encodeCursor } from '@cloudlab/kit';
import { ChangeCache } from '@cloudlab/kit/read-model';
import { config, priceBounds } from './config';
import { parseRequest, tsQueryText, type SearchArgs, type SearchRequest } from './request';
import { recountFacets } from './facets';
import { countsServe, facetStatement, pageStatement, readFacets, type Facets } from './sql';
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


/**
 * Answers kept until the read model changes (read-model/004_change_notify.sql): the same search
 * asked again — a popular query, a category page, the next visitor's first page — costs a lookup
 * instead of a page and facets over every match. Declared in server.ts; the kit starts it (on the primary only).
 */
export const searchCache = new ChangeCache<SearchResults>('search', config.SEARCH_CACHE_ENTRIES);

/** The Postgres engine: a page and the facets of a checked request (`primary`: where a recount of the facet counts is written). */
export async function search(db: Db, args: SearchArgs, primary: Db = db): Promise<SearchResults> {
  const req: SearchRequest = parseRequest(args, config.SEARCH_MAX_QUERY_LENGTH);
  return searchCache.get(JSON.stringify(req), () => answer(db, req, primary));
}

async function answer(db: Db, checked: SearchRequest, primary: Db): Promise<SearchResults> {
  let req = checked;
  return db.tx(async (q) => {
    if (req.terms.length) req = { ...req, corrections: await store.corrections(q, req.terms, config.SEARCH_TYPO_SIMILARITY_PCT) };
    // Stop words only ("the of"): the tsquery is empty and would match nothing; browse instead.
    if (req.terms.length && !(await store.hasLexemes(q, tsQueryText(req.terms, req.corrections)))) req = { ...req, terms: [] };
    const rows = await store.page(q, pageStatement(req));
    let source: 'documents' | 'counts' = 'documents';
    if (countsServe(req, priceBounds)) {
      if (await store.facetCountsCurrent(q, priceBounds)) source = 'counts';
      else recountFacets(primary);
    }
    const f = readFacets(await store.facetRows(q, facetStatement(req, priceBounds, source)), priceBounds, config.SEARCH_FACET_LIMIT);
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
  const rows = await store.suggestions(db, prefix.trim(), first);
  return rows.map((r) => ({ text: r.name, product: { id: r.id } }));
}
