import { badInput, decodeCursor, isUuid, pageSize } from '@cloudlab/kit';

/**
 * A search as the resolver receives it, checked and normalised before any SQL is built: bad input
 * is BAD_USER_INPUT; a query without letters or digits (punctuation only) is no query at all.
 */
export type SearchSort = 'RELEVANCE' | 'PRICE_ASC' | 'PRICE_DESC' | 'RATING' | 'NEWEST';
export const SORTS: readonly SearchSort[] = ['RELEVANCE', 'PRICE_ASC', 'PRICE_DESC', 'RATING', 'NEWEST'];

export interface SearchArgs {
  query?: string | null;
  filter?: {
    categoryIds?: readonly string[] | null;
    vendorIds?: readonly string[] | null;
    minPrice?: string | null;
    maxPrice?: string | null;
    minRating?: number | null;
    inStock?: boolean | null;
  } | null;
  sort?: SearchSort | null;
  first?: number | null;
  after?: string | null;
}

export interface Filters {
  categoryIds: string[] | null;
  vendorIds: string[] | null;
  minPrice: string | null;
  maxPrice: string | null;
  minRating: number | null;
  inStock: boolean | null;
}

/** [sort, key as text, id]: a cursor names its sort, so one from another sort is refused. */
export type Cursor = [SearchSort, string, string];

export interface SearchRequest {
  /** Letters-and-digits words of the query, lower-cased; empty: browse everything. */
  terms: string[];
  /** Per term, known name words it may be a typo of (store.ts: corrections); filled before SQL. */
  corrections: string[][];
  filters: Filters;
  sort: SearchSort;
  first: number;
  after: Cursor | null;
}

const AMOUNT = /^\d{1,10}(\.\d{1,2})?$/;
const KEY = /^[0-9 :.+\-Te]{1,40}$/; // a numeric or timestamptz key as PostgreSQL prints it (or a score, 1e-7)

export function queryTerms(query: string): string[] {
  return (query.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, 16);
}

/** An empty list is no filter (a multi-select with nothing chosen), not "match nothing". */
function ids(list: readonly string[] | null | undefined, field: string): string[] | null {
  if (list == null || list.length === 0) return null;
  if (!list.every(isUuid)) throw badInput(`${field}: every id must be a product catalog id`, `filter.${field}`);
  return [...new Set(list.map((id) => id.toLowerCase()))];
}

function amount(value: string | null | undefined, field: string): string | null {
  if (value == null) return null;
  if (!AMOUNT.test(value)) throw badInput(`${field} must be an amount like "19.99"`, `filter.${field}`);
  return value;
}

export function parseRequest(args: SearchArgs, maxQueryLength: number): SearchRequest {
  const query = args.query ?? '';
  if (query.length > maxQueryLength) throw badInput(`query must be at most ${maxQueryLength} characters`, 'query');
  const f = args.filter ?? {};
  const filters: Filters = {
    categoryIds: ids(f.categoryIds, 'categoryIds'),
    vendorIds: ids(f.vendorIds, 'vendorIds'),
    minPrice: amount(f.minPrice, 'minPrice'),
    maxPrice: amount(f.maxPrice, 'maxPrice'),
    minRating: f.minRating ?? null,
    inStock: f.inStock ?? null,
  };
  if (filters.minPrice && filters.maxPrice && Number(filters.minPrice) > Number(filters.maxPrice)) {
    throw badInput('minPrice must not be above maxPrice', 'filter.minPrice');
  }
  if (filters.minRating != null && (filters.minRating < 1 || filters.minRating > 5)) {
    throw badInput('minRating must be between 1 and 5', 'filter.minRating');
  }
  const sort = args.sort ?? 'RELEVANCE';
  const first = pageSize(args.first, 24);
  return { terms: queryTerms(query), corrections: [], filters, sort, first, after: parseCursor(args.after, sort) };
}

export function parseCursor(after: string | null | undefined, sort: SearchSort): Cursor | null {
  const parts = decodeCursor(after, 3);
  if (!parts) return null;
  const [s, key, id] = parts;
  if (s === sort && typeof key === 'string' && KEY.test(key) && isUuid(id)) return [sort, key, id];
  throw badInput('after is not a cursor of this search and sort', 'after');
}

const WORD = /^[\p{L}\p{N}]+$/u;

/**
 * The tsquery of the terms: every term must match (stemmed), the last one also as a prefix (the
 * user may still be typing), each either as typed or as one of its corrections (name words it may
 * be a typo of). Only letters and digits reach it, so no tsquery syntax gets in.
 */
export function tsQueryText(terms: string[], corrections: string[][] = []): string {
  return terms
    .map((t, i) => {
      const own = i === terms.length - 1 ? `${t}:*` : t;
      const alternatives = (corrections[i] ?? []).filter((w) => WORD.test(w) && w !== t);
      return alternatives.length ? `(${[own, ...alternatives].join(' | ')})` : own;
    })
    .join(' & ');
}

export const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);
