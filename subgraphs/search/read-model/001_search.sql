-- Search's read model: one document per product, built from catalog, inventory and reviews events
-- (and the demo products, which existed before catalog's events: src/seed.ts).
-- A read model: built only from events, rebuilt by `pnpm rebuild search` (kit/src/read-model/README.md).
--
-- Order-tolerant: each catalog field keeps the product `version` that last set it (a late, older
-- event changes nothing), stock keeps the time of the StockChanged it came from, ratings are sums
-- (the inbox makes each ReviewPosted count once). A row may exist before its ProductCreated
-- (stock or a review arrived first); it is searchable only once `listed` and until `archived`.
CREATE TABLE search_products (
  id uuid PRIMARY KEY,
  listed boolean NOT NULL DEFAULT false,
  archived boolean NOT NULL DEFAULT false,
  vendor_id uuid,
  created_at timestamptz,
  name text,
  name_v int NOT NULL DEFAULT 0,
  description text,
  description_v int NOT NULL DEFAULT 0,
  category_id uuid,
  category_v int NOT NULL DEFAULT 0,
  price numeric(12, 2),
  currency text,
  price_v int NOT NULL DEFAULT 0,
  available int NOT NULL DEFAULT 0,
  stock_at timestamptz,
  -- Demo reviews (set, not added, by the seed) and ReviewPosted events (added) kept apart, so a
  -- second seed changes nothing.
  seed_rating_sum int NOT NULL DEFAULT 0,
  seed_rating_count int NOT NULL DEFAULT 0,
  rating_sum int NOT NULL DEFAULT 0,
  rating_count int NOT NULL DEFAULT 0,
  review_count int GENERATED ALWAYS AS (seed_rating_count + rating_count) STORED,
  -- 0 without reviews, so sorting and minRating need no NULL handling.
  rating numeric(6, 4) GENERATED ALWAYS AS (
    CASE WHEN seed_rating_count + rating_count > 0
      THEN round((seed_rating_sum + rating_sum)::numeric / (seed_rating_count + rating_count), 4) ELSE 0 END
  ) STORED,
  in_stock boolean GENERATED ALWAYS AS (available > 0) STORED,
  -- Name words weigh more than description words (A above B) in ts_rank.
  document tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english', coalesce(name, '')), 'A') || setweight(to_tsvector('english', coalesce(description, '')), 'B')
  ) STORED
);

-- Every access path of the searchable documents has a partial index (test/sql-plans.e2e.test.ts):
-- full text, typos/prefixes on the name, each sort with its id tie-break, the facet columns.
CREATE INDEX search_products_document ON search_products USING gin (document) WHERE listed AND NOT archived;
CREATE INDEX search_products_name_trgm ON search_products USING gin (name gin_trgm_ops) WHERE listed AND NOT archived;
CREATE INDEX search_products_price ON search_products (price, id) WHERE listed AND NOT archived;
CREATE INDEX search_products_rating ON search_products (rating, id) WHERE listed AND NOT archived;
CREATE INDEX search_products_newest ON search_products (created_at, id) WHERE listed AND NOT archived;
CREATE INDEX search_products_category ON search_products (category_id, id) WHERE listed AND NOT archived;
CREATE INDEX search_products_vendor ON search_products (vendor_id, id) WHERE listed AND NOT archived;

-- Every word (3+ letters or digits) that ever was in a product name: the dictionary a query
-- term's typos are corrected against (pg_trgm similarity over a small table instead of over every
-- name). Words are never removed; one no product has any more only adds a term that matches nothing.
CREATE TABLE search_words (word text PRIMARY KEY);
CREATE INDEX search_words_trgm ON search_words USING gin (word gin_trgm_ops);
