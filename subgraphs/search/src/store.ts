import type { Queryable } from '@cloudlab/kit';
import { escapeLike } from './request';
import type { Statement } from './sql';

/** search's SQL: the projection's writes and the reads the resolvers need. */

/**
 * What a catalog event (or the demo seed) says about a product; absent fields are unchanged.
 * Each field is taken only if `version` is above the version that last set it, so events may
 * arrive in any order and the newest value of every field wins.
 */
export interface CatalogFacts {
  id: string;
  version: number;
  listed?: boolean;
  archived?: boolean;
  vendorId: string;
  createdAt?: string;
  name?: string;
  description?: string;
  categoryId?: string;
  price?: string;
  currency?: string;
}

const FIELDS = ['name', 'description', 'category', 'price'] as const;

export async function applyCatalog(q: Queryable, rows: CatalogFacts[]): Promise<void> {
  if (!rows.length) return;
  const col = <T>(f: (r: CatalogFacts) => T) => rows.map(f);
  const v = (present: (r: CatalogFacts) => unknown) => col((r) => (present(r) == null ? 0 : r.version));
  const newer = (field: string, cols: string[]) =>
    cols.map((c) => `${c} = CASE WHEN EXCLUDED.${field}_v > p.${field}_v THEN EXCLUDED.${c} ELSE p.${c} END`).join(', ');
  await q.query(
    `INSERT INTO search_products AS p (id, listed, archived, vendor_id, created_at, name, name_v, description, description_v,
       category_id, category_v, price, currency, price_v)
     SELECT * FROM unnest($1::uuid[], $2::boolean[], $3::boolean[], $4::uuid[], $5::timestamptz[], $6::text[], $7::int[],
       $8::text[], $9::int[], $10::uuid[], $11::int[], $12::numeric[], $13::text[], $14::int[])
     ON CONFLICT (id) DO UPDATE SET
       listed = p.listed OR EXCLUDED.listed,
       archived = p.archived OR EXCLUDED.archived,
       vendor_id = coalesce(EXCLUDED.vendor_id, p.vendor_id),
       created_at = least(p.created_at, EXCLUDED.created_at),
       ${newer('name', ['name'])}, ${newer('description', ['description'])}, ${newer('category', ['category_id'])},
       ${newer('price', ['price', 'currency'])},
       ${FIELDS.map((f) => `${f}_v = greatest(p.${f}_v, EXCLUDED.${f}_v)`).join(', ')}`,
    [
      col((r) => r.id), col((r) => r.listed ?? false), col((r) => r.archived ?? false), col((r) => r.vendorId),
      col((r) => r.createdAt ?? null), col((r) => r.name ?? null), v((r) => r.name), col((r) => r.description ?? null),
      v((r) => r.description), col((r) => r.categoryId ?? null), v((r) => r.categoryId), col((r) => r.price ?? null),
      col((r) => r.currency ?? null), v((r) => r.price),
    ],
  );
  const names = rows.map((r) => r.name).filter((n): n is string => n != null);
  if (names.length) {
    await q.query(
      `INSERT INTO search_words (word)
       SELECT DISTINCT w FROM unnest($1::text[]) AS n, regexp_split_to_table(lower(n), '[^[:alnum:]]+') AS w
       WHERE length(w) >= 3 ORDER BY w ON CONFLICT DO NOTHING`,
      [names],
    );
  }
}

/** StockChanged carries the product's totals: the newest event (by its time) wins. */
export async function applyStock(q: Queryable, productId: string, available: number, at: string): Promise<void> {
  await q.query(
    `INSERT INTO search_products AS p (id, available, stock_at) VALUES ($1, $2, $3)
     ON CONFLICT (id) DO UPDATE SET available = EXCLUDED.available, stock_at = EXCLUDED.stock_at
     WHERE p.stock_at IS NULL OR p.stock_at <= EXCLUDED.stock_at`,
    [productId, available, at],
  );
}

/** One review more (the inbox makes a redelivered ReviewPosted count once). */
export async function addRating(q: Queryable, productId: string, rating: number): Promise<void> {
  await q.query(
    `INSERT INTO search_products AS p (id, rating_sum, rating_count) VALUES ($1, $2, 1)
     ON CONFLICT (id) DO UPDATE SET rating_sum = p.rating_sum + EXCLUDED.rating_sum, rating_count = p.rating_count + 1`,
    [productId, rating],
  );
}

/** The demo's stock and reviews, set (not added) so seeding twice changes nothing; a later StockChanged wins. */
export async function seedTotals(q: Queryable, rows: { id: string; available: number; ratingSum: number; ratingCount: number }[]): Promise<void> {
  if (!rows.length) return;
  await q.query(
    `INSERT INTO search_products AS p (id, available, seed_rating_sum, seed_rating_count)
     SELECT * FROM unnest($1::uuid[], $2::int[], $3::int[], $4::int[])
     ON CONFLICT (id) DO UPDATE SET
       available = CASE WHEN p.stock_at IS NULL THEN EXCLUDED.available ELSE p.available END,
       seed_rating_sum = EXCLUDED.seed_rating_sum, seed_rating_count = EXCLUDED.seed_rating_count`,
    [rows.map((r) => r.id), rows.map((r) => r.available), rows.map((r) => r.ratingSum), rows.map((r) => r.ratingCount)],
  );
}

export async function page(q: Queryable, s: Statement): Promise<{ id: string; key: string }[]> {
  return (await q.query<{ id: string; key: string }>(s.text, s.values)).rows;
}

export async function facetRows(q: Queryable, s: Statement): Promise<{ facet: string; key: string; count: number }[]> {
  return (await q.query<{ facet: string; key: string; count: number }>(s.text, s.values)).rows;
}

/** Were the facet counts counted with these price bounds (read-model/003_facet_counts.sql)? */
export async function facetCountsCurrent(q: Queryable, priceBounds: number[]): Promise<boolean> {
  return (await q.query<{ ok: boolean | null }>(`SELECT price_bounds = $1::numeric[] AS ok FROM search_facet_bounds`, [priceBounds])).rows[0]?.ok === true;
}

/** Counts every cell again under new price bounds; alone (the writers' shared lock), so no delta is lost. */
export async function recountFacets(q: Queryable, priceBounds: number[]): Promise<void> {
  await q.query(`SELECT pg_advisory_xact_lock(hashtext('search_facet_bounds'), hashtext(current_schema()))`);
  await q.query(`UPDATE search_facet_bounds SET price_bounds = $1::numeric[]`, [priceBounds]);
  await q.query(`DELETE FROM search_facet_counts`);
  await q.query(`DELETE FROM search_facet_deltas`);
  await q.query(`INSERT INTO search_facet_counts SELECT * FROM search_facet_cells($1::numeric[])`, [priceBounds]);
}

/**
 * Adds the writers' deltas into the counts and removes them, in one statement (a delta committed
 * meanwhile stays for the next fold; two folds never take the same delta: DELETE locks it).
 * Cells in key order, so two folds lock the cells they share in the same order.
 */
export async function foldFacetDeltas(q: Queryable): Promise<void> {
  await q.query(
    `WITH d AS (DELETE FROM search_facet_deltas RETURNING *)
     INSERT INTO search_facet_counts AS c (category_id, vendor_id, bucket, stars, in_stock, n)
     SELECT category_id, vendor_id, bucket, stars, in_stock, sum(n) FROM d
     GROUP BY 1, 2, 3, 4, 5 HAVING sum(n) <> 0 ORDER BY 1, 2, 3, 4, 5
     ON CONFLICT (category_id, vendor_id, bucket, stars, in_stock) DO UPDATE SET n = c.n + EXCLUDED.n`,
  );
}

/**
 * For each term, up to 3 known name words it may be a typo of (pg_trgm similarity at least
 * `pct`%, most similar first). Terms under 3 characters get none (too little to compare), nor
 * stop words: "the" corrected to "tea" would turn a word the search ignores into one it requires,
 * nor known name words (a spell checker's "missing" mode): "canvas" is no typo of "can", and
 * the similarity search a common 3-letter word sets off costs more than the search itself.
 */
export async function corrections(q: Queryable, terms: string[], pct: number): Promise<string[][]> {
  const out = terms.map(() => [] as string[]);
  const { rows } = await q.query<{ i: number; word: string }>(
    `SELECT t.i::int - 1 AS i, w.word
     FROM (SELECT set_config('pg_trgm.similarity_threshold', $2, true)) AS setting,
       unnest($1::text[]) WITH ORDINALITY AS t(term, i)
     CROSS JOIN LATERAL (
       SELECT word FROM search_words
       WHERE length(t.term) >= 3 AND numnode(to_tsquery('english', t.term)) > 0
         AND NOT EXISTS (SELECT FROM search_words k WHERE k.word = t.term) AND word % t.term
       ORDER BY similarity(word, t.term) DESC, word LIMIT 3
     ) AS w`,
    [terms, String(pct / 100)],
  );
  for (const r of rows) out[r.i]!.push(r.word);
  return out;
}

/** Does the tsquery of these words keep any (false: stop words only)? */
export async function hasLexemes(q: Queryable, tsquery: string): Promise<boolean> {
  return (await q.query<{ n: number }>(`SELECT numnode(to_tsquery('english', $1)) AS n`, [tsquery])).rows[0]!.n > 0;
}

/**
 * Type-ahead: distinct names with a word the prefix starts or nearly matches (pg_trgm word
 * similarity: "lan" shares most of its trigrams with "lantern", "lantren" too); names starting
 * with it first, then the closest.
 */
export async function suggestions(q: Queryable, prefix: string, limit: number): Promise<{ id: string; name: string }[]> {
  const lower = prefix.toLowerCase();
  return (
    await q.query<{ id: string; name: string }>(
      `SELECT id, name FROM (
         SELECT DISTINCT ON (lower(name)) id, name,
           (lower(name) LIKE $2) AS starts, word_similarity($1, name) AS sim
         FROM search_products
         WHERE listed AND NOT archived AND $1 <% name
         ORDER BY lower(name), id
       ) s ORDER BY starts DESC, sim DESC, name, id LIMIT $3`,
      [lower, `${escapeLike(lower)}%`, limit],
    )
  ).rows;
}
