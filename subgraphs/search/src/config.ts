import { env, loadConfigOrExit } from '@cloudlab/kit';

/** Search's settings (README configuration table). */
export const config = loadConfigOrExit({
  // Longest `query` (and suggestion `prefix`) in characters; longer ones are BAD_USER_INPUT.
  SEARCH_MAX_QUERY_LENGTH: env.int(200, 1),
  // pg_trgm similarity (percent) from which a known name word counts as a typo of a query word.
  SEARCH_TYPO_SIMILARITY_PCT: env.int(30, 1),
  // Most entries a category or vendor facet returns (largest counts first).
  SEARCH_FACET_LIMIT: env.int(50, 1),
  // How often the facet counts take in the deltas their writers appended (read-model/003_facet_counts.sql).
  SEARCH_FACET_FOLD_MS: env.int(1_000, 10),
  // Postgres engine: most answers kept until the read model changes (kit ChangeCache; 0: none).
  // Not used when reads go to a replica (DATABASE_READ_URL), which may lag behind a change.
  SEARCH_CACHE_ENTRIES: env.int(2_000, 0),
  // Set: the OpenSearch engine (src/opensearch/) answers searches; unset: the Postgres engine.
  OPENSEARCH_URL: env.optionalUrl(),
  // A search or indexing request to OpenSearch slower than this fails (SERVICE_UNAVAILABLE).
  OPENSEARCH_TIMEOUT_MS: env.int(5_000, 100),
  // How often the indexer sends changed read-model rows to OpenSearch, and how many per bulk request.
  SEARCH_INDEX_INTERVAL_MS: env.int(100, 10),
  SEARCH_INDEX_BATCH: env.int(1_000, 1),
  // At start, the longest wait for the OpenSearch index to catch up before serving (0: none).
  SEARCH_INDEX_START_WAIT_MS: env.int(60_000, 0),
});

/**
 * SEARCH_PRICE_RANGES: upper bounds of the price-range facet's buckets, comma-separated and
 * increasing (the last bucket has no maximum).
 */
export function parsePriceBounds(text: string): number[] {
  const bounds = text.split(',').map((s) => Number(s.trim()));
  if (!bounds.length || bounds.some((n, i) => !Number.isFinite(n) || n <= 0 || (i > 0 && n <= bounds[i - 1]!))) {
    throw new Error(`SEARCH_PRICE_RANGES: increasing positive numbers, comma-separated (got "${text}")`);
  }
  return bounds;
}
export const priceBounds = parsePriceBounds(process.env.SEARCH_PRICE_RANGES || '25,50,100,250,500');
