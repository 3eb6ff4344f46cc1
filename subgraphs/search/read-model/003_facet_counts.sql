-- Facet counts per cell, so browsing (no query text) counts facets over a few thousand cells
-- instead of every visible document (87 ms → a few ms for a category page over 100,000
-- products). A cell is (category, vendor, price bucket, whole stars, in stock); its count is the
-- number of visible documents in it. src/sql.ts (facetStatement) reads it only where it gives the
-- same counts as the documents: no query text, a price filter on bucket bounds, whole-star ratings.
--
-- Contention-free upkeep: a statement trigger appends its +/- changes per cell to
-- search_facet_deltas (insert only: the consumer's parallel lanes never wait on one another, as
-- they did upserting the same popular cells), readers add the deltas to the counts, and a timer
-- folds the deltas into search_facet_counts every second (src/facets.ts), in one statement.
--
-- Price buckets follow SEARCH_PRICE_RANGES, which is configuration: the bounds the cells were
-- counted with are kept beside them, and src/search.ts recounts every cell (one statement) when
-- the configured bounds differ, reading the documents until then.
CREATE TABLE search_facet_bounds (
  one boolean PRIMARY KEY DEFAULT true CHECK (one),
  price_bounds numeric[]
);
INSERT INTO search_facet_bounds (price_bounds) VALUES (NULL);

CREATE TABLE search_facet_counts (
  category_id uuid NOT NULL,
  vendor_id uuid NOT NULL,
  bucket int NOT NULL,
  stars int NOT NULL,
  in_stock boolean NOT NULL,
  n int NOT NULL,
  PRIMARY KEY (category_id, vendor_id, bucket, stars, in_stock)
);
CREATE TABLE search_facet_deltas (
  category_id uuid NOT NULL,
  vendor_id uuid NOT NULL,
  bucket int NOT NULL,
  stars int NOT NULL,
  in_stock boolean NOT NULL,
  n int NOT NULL
);

-- The cell of each visible document of a transition table (or of search_products), under `bounds`.
-- A visible document without a category, vendor or price (none is listed so) is in no cell: the
-- facets then read the documents.
CREATE FUNCTION search_facet_cells(bounds numeric[]) RETURNS TABLE (category_id uuid, vendor_id uuid, bucket int, stars int, in_stock boolean, n bigint)
LANGUAGE sql STABLE AS $$
  SELECT category_id, vendor_id, width_bucket(price, bounds), floor(rating)::int, in_stock, count(*)
  FROM search_products WHERE listed AND NOT archived AND category_id IS NOT NULL AND vendor_id IS NOT NULL AND price IS NOT NULL
  GROUP BY 1, 2, 3, 4, 5
$$;

-- One delta per statement: +1 for each new visible row's cell, -1 for each old one, summed per
-- cell (a stock change inside a cell adds nothing). Writers hold the bounds lock shared; a recount
-- holds it alone, so no delta is computed with bounds a recount is replacing. (Dynamic SQL: a
-- statement naming old_rows cannot even be planned in an INSERT trigger, which has no old rows.)
CREATE FUNCTION search_facet_apply() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  bounds numeric[];
  cell constant text := 'SELECT category_id, vendor_id, width_bucket(price, $1) AS bucket, floor(rating)::int AS stars, in_stock, %s AS d FROM %I'
    || ' WHERE listed AND NOT archived AND category_id IS NOT NULL AND vendor_id IS NOT NULL AND price IS NOT NULL';
  rows text[] := '{}';
BEGIN
  PERFORM pg_advisory_xact_lock_shared(hashtext('search_facet_bounds'), hashtext(current_schema()));
  SELECT price_bounds INTO bounds FROM search_facet_bounds;
  IF bounds IS NULL THEN RETURN NULL; END IF;
  IF TG_OP <> 'DELETE' THEN rows := rows || format(cell, 1, 'new_rows'); END IF;
  IF TG_OP <> 'INSERT' THEN rows := rows || format(cell, -1, 'old_rows'); END IF;
  EXECUTE 'INSERT INTO search_facet_deltas (category_id, vendor_id, bucket, stars, in_stock, n)
    SELECT category_id, vendor_id, bucket, stars, in_stock, sum(d) FROM (' || array_to_string(rows, ' UNION ALL ') || ') d
    GROUP BY 1, 2, 3, 4, 5 HAVING sum(d) <> 0' USING bounds;
  RETURN NULL;
END $$;
-- The function resolves its tables in this generation's schema, whatever the caller's search_path.
DO $$ BEGIN EXECUTE format('ALTER FUNCTION search_facet_apply() SET search_path = %I', current_schema()); END $$;
DO $$ BEGIN EXECUTE format('ALTER FUNCTION search_facet_cells(numeric[]) SET search_path = %I', current_schema()); END $$;
CREATE TRIGGER search_facet_inserted AFTER INSERT ON search_products
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION search_facet_apply();
CREATE TRIGGER search_facet_updated AFTER UPDATE ON search_products
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION search_facet_apply();
CREATE TRIGGER search_facet_deleted AFTER DELETE ON search_products
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION search_facet_apply();
