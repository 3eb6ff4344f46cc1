/**
 * The OpenSearch engine's index: one document per product row of the read model (searchable or
 * not: `visible` says which), one primary shard (exact facet counts, one node), no replica.
 *
 * Relevance uses the `boolean` similarity: a matching term scores its clause's boost, whatever
 * the index's term statistics. Scores, and so the order of results and their cursors, are then
 * the same in a rebuilt index as in the old one (BM25 would shift with deleted documents and
 * segment merges), which is what "a rebuild gives the same results" asks.
 */
export const INDEX_SETTINGS = {
  number_of_shards: 1,
  number_of_replicas: 0,
  // The indexer refreshes after each batch it writes (src/opensearch/indexer.ts); this is the fallback.
  refresh_interval: '1s',
  max_result_window: 100_000,
  analysis: {
    normalizer: { lower: { type: 'custom', filter: ['lowercase', 'asciifolding'] } },
    tokenizer: {
      // Type-ahead: every prefix (2-20 characters) of every name word.
      prefixes: { type: 'edge_ngram', min_gram: 2, max_gram: 20, token_chars: ['letter', 'digit'] },
    },
    analyzer: {
      prefixes: { type: 'custom', tokenizer: 'prefixes', filter: ['lowercase', 'asciifolding'] },
      words: { type: 'custom', tokenizer: 'standard', filter: ['lowercase', 'asciifolding'] },
    },
  },
};

export const MAPPINGS = {
  dynamic: 'strict',
  properties: {
    id: { type: 'keyword' },
    visible: { type: 'boolean' },
    // Name above description: separate fields with their own boosts at query time; `text` is both,
    // english-stemmed, which every query term must match (as the Postgres engine's tsvector).
    name: {
      type: 'text', analyzer: 'english', similarity: 'boolean', copy_to: 'text',
      fields: {
        exact: { type: 'keyword', normalizer: 'lower', ignore_above: 512 },
        prefix: { type: 'text', analyzer: 'prefixes', search_analyzer: 'words', similarity: 'boolean' },
      },
    },
    description: { type: 'text', analyzer: 'english', similarity: 'boolean', copy_to: 'text' },
    text: { type: 'text', analyzer: 'english', similarity: 'boolean' },
    category_id: { type: 'keyword' },
    vendor_id: { type: 'keyword' },
    price: { type: 'scaled_float', scaling_factor: 100 },
    rating: { type: 'scaled_float', scaling_factor: 10_000 },
    review_count: { type: 'integer' },
    in_stock: { type: 'boolean' },
    created_at: { type: 'date' },
  },
};

/** A read-model row as the indexer reads it (store.ts columns). */
export interface IndexRow {
  id: string;
  listed: boolean;
  archived: boolean;
  name: string | null;
  description: string | null;
  category_id: string | null;
  vendor_id: string | null;
  price: string | null;
  rating: string;
  review_count: number;
  in_stock: boolean;
  created_at: Date | null;
}

export function documentOf(r: IndexRow) {
  return {
    id: r.id,
    visible: r.listed && !r.archived,
    name: r.name,
    description: r.description,
    category_id: r.category_id,
    vendor_id: r.vendor_id,
    price: r.price == null ? null : Number(r.price),
    rating: Number(r.rating),
    review_count: r.review_count,
    in_stock: r.in_stock,
    created_at: r.created_at?.toISOString() ?? null,
  };
}
