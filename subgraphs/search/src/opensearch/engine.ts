import { Client } from '@opensearch-project/opensearch';
import { appError, encodeCursor, ErrorCode, type Logger } from '@cloudlab/kit';
import { config, priceBounds } from '../config';
import { parseRequest, type SearchArgs } from '../request';
import type { SearchResults } from '../search';
import { readResponse, searchBody, suggestBody, type SearchResponseBody } from './query';

/**
 * The OpenSearch engine (OPENSEARCH_URL set): searches go to one alias, `<DB_PREFIX>search`, which
 * points at the index of the read model's current generation (`<DB_PREFIX>search_g<N>`, written
 * by indexer.ts from the Postgres read model). Same API, same semantics as the Postgres engine.
 */
export interface OpenSearchEngine {
  client: Client;
  alias: string;
  indexOf: (generation: number) => string;
}

let engine: OpenSearchEngine | null = null;

/** The engine on the node at `url`, searching `alias` (tests and benches make their own). */
export function engineFor(url: string, alias: string): OpenSearchEngine {
  return {
    client: new Client({ node: url, requestTimeout: config.OPENSEARCH_TIMEOUT_MS, maxRetries: 1 }),
    alias,
    indexOf: (generation) => `${alias}_g${generation}`,
  };
}

/** The subgraph's engine: null without OPENSEARCH_URL; its alias is `<DB_PREFIX>search`. */
export function openSearchEngine(): OpenSearchEngine | null {
  if (!config.OPENSEARCH_URL) return null;
  engine ??= engineFor(config.OPENSEARCH_URL, `${(process.env.DB_PREFIX || 'cloudlab_').toLowerCase()}search`);
  return engine;
}

/** OpenSearch unreachable or refusing: SERVICE_UNAVAILABLE (its message stays in the log). */
function unavailable(err: unknown, log?: Logger): never {
  log?.error({ err }, 'opensearch request failed');
  throw appError(ErrorCode.SERVICE_UNAVAILABLE, 'Search is unavailable right now');
}

export async function searchOpenSearch(e: OpenSearchEngine, args: SearchArgs, log?: Logger): Promise<SearchResults> {
  const req = parseRequest(args, config.SEARCH_MAX_QUERY_LENGTH);
  const body = searchBody(req, priceBounds, config.SEARCH_FACET_LIMIT);
  const res = await e.client.search({ index: e.alias, body: body as never }).catch((err) => unavailable(err, log));
  const r = readResponse(res.body as unknown as SearchResponseBody, priceBounds);
  const edges = r.hits.slice(0, req.first).map((h) => ({ cursor: encodeCursor([req.sort, h.key, h.id]), node: { id: h.id } }));
  return {
    totalCount: r.total,
    pageInfo: { hasNextPage: r.hits.length > req.first, endCursor: edges.at(-1)?.cursor ?? null },
    facets: {
      categories: r.categories.map((c) => ({ count: c.count, category: { id: c.id } })),
      vendors: r.vendors.map((v) => ({ count: v.count, vendor: { id: v.id } })),
      priceRanges: r.priceRanges,
      ratings: r.ratings,
      inStockCount: r.inStockCount,
    },
    edges,
  };
}

export async function suggestOpenSearch(e: OpenSearchEngine, prefix: string, first: number, log?: Logger) {
  const res = await e.client.search({ index: e.alias, body: suggestBody(prefix.trim(), first) as never }).catch((err) => unavailable(err, log));
  const hits = (res.body as unknown as { hits: { hits: { _id: string; _source: { name: string } }[] } }).hits.hits;
  return hits.map((h) => ({ text: h._source.name, product: { id: h._id } }));
}
