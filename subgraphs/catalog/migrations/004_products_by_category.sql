-- Products partitioned by category (issue 18: the seed shards the product database by category).
-- products becomes a table PARTITIONED BY LIST (category_id) with one partition per category, made
-- when the category is: a listing of one category reads one partition, and a partition can be
-- placed on another PostgreSQL server as a postgres_fdw foreign table (src/partitions.ts). That
-- second property shapes the rest of this file, because a partitioned table that may hold foreign
-- partitions can have
--  - no unique index: one must contain the partition key, and a table with one cannot take a
--    foreign partition. The keys unique across the catalog, id and (vendor_id, sku), live in
--    product_keys, one small row per product that also names its category, so a lookup by id
--    reads the one partition that holds it (store.productsByIds);
--  - no foreign key (foreign tables cannot have one). The partition bounds check a product's
--    category instead: a row whose category has no partition is refused (23514), and partitions
--    are made only for categories (nothing deletes a category);
--  - no trigger with transition tables ("cannot collect transition tuples from child foreign
--    tables"). product_keys and product_counts are kept by a row trigger, which fires on foreign
--    partitions too; its count changes are added up once per statement (product_counts_fold), so
--    a bulk load still updates each count row once, not once per product.

CREATE TABLE product_keys (
  id uuid PRIMARY KEY,
  vendor_id uuid NOT NULL,
  sku text NOT NULL,
  category_id uuid NOT NULL,
  CONSTRAINT product_keys_vendor_sku UNIQUE (vendor_id, sku)
);

-- +1/-1 per product that enters or leaves a live count, added into product_counts and removed by
-- the end of the statement that wrote them (one row of product_counts updated a thousand times in
-- one transaction costs quadratic time: each update walks the row's versions).
CREATE TABLE product_count_changes (
  category_id uuid NOT NULL,
  n int NOT NULL
);

CREATE FUNCTION products_row_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO product_keys (id, vendor_id, sku, category_id) VALUES (NEW.id, NEW.vendor_id, NEW.sku, NEW.category_id);
    IF NEW.archived_at IS NULL THEN
      INSERT INTO product_count_changes VALUES (NEW.category_id, 1);
    END IF;
  ELSIF TG_OP = 'DELETE' THEN
    DELETE FROM product_keys WHERE id = OLD.id;
    IF OLD.archived_at IS NULL THEN
      INSERT INTO product_count_changes VALUES (OLD.category_id, -1);
    END IF;
  ELSE
    -- A product that changes category moves partition: PostgreSQL runs that as a DELETE and an
    -- INSERT (the branches above). An UPDATE here kept its partition.
    IF (NEW.id, NEW.vendor_id, NEW.sku, NEW.category_id) IS DISTINCT FROM (OLD.id, OLD.vendor_id, OLD.sku, OLD.category_id) THEN
      UPDATE product_keys SET id = NEW.id, vendor_id = NEW.vendor_id, sku = NEW.sku, category_id = NEW.category_id WHERE id = OLD.id;
    END IF;
    IF (OLD.archived_at IS NULL, OLD.category_id) IS DISTINCT FROM (NEW.archived_at IS NULL, NEW.category_id) THEN
      INSERT INTO product_count_changes
        SELECT OLD.category_id, -1 WHERE OLD.archived_at IS NULL
        UNION ALL SELECT NEW.category_id, 1 WHERE NEW.archived_at IS NULL;
    END IF;
  END IF;
  RETURN NULL;
END
$$;

-- The nil UUID holds the whole catalog's count (002). Changes that cancel out (a product moving
-- between categories leaves the total alone) touch no row, so they wait on no other writer.
-- Only this transaction's changes are visible (uncommitted ones of others are not), and every
-- statement that writes products through the parent table folds its own.
CREATE FUNCTION product_counts_fold() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  WITH changes AS (DELETE FROM product_count_changes RETURNING category_id, n)
  INSERT INTO product_counts (category_id, n)
    SELECT coalesce(category_id, '00000000-0000-0000-0000-000000000000'), sum(n) FROM changes
    GROUP BY GROUPING SETS ((category_id), ())
    HAVING sum(n) <> 0
    ON CONFLICT (category_id) DO UPDATE SET n = product_counts.n + EXCLUDED.n;
  RETURN NULL;
END
$$;

CREATE FUNCTION products_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM product_keys;
  DELETE FROM product_counts;
  DELETE FROM product_count_changes;
  RETURN NULL;
END
$$;

ALTER TABLE products RENAME TO products_unpartitioned;
DROP INDEX products_listing, products_category_listing, products_vendor;

CREATE TABLE products (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  sku text NOT NULL,
  name text NOT NULL,
  description text NOT NULL,
  price numeric(12, 2) NOT NULL CONSTRAINT products_price_check CHECK (price >= 0),
  currency char(3) NOT NULL,
  category_id uuid NOT NULL,
  vendor_id uuid NOT NULL,
  -- Millisecond precision: cursors carry JavaScript timestamps, which have no microseconds.
  created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
  archived_at timestamptz,
  version int NOT NULL DEFAULT 1
) PARTITION BY LIST (category_id);

-- Each partition gets its own copy of these. Inside a partition every row has the same category,
-- so the keyset index of the whole catalog also serves a category's listing.
CREATE INDEX products_listing ON products (created_at DESC, id DESC) WHERE archived_at IS NULL;
CREATE INDEX products_id ON products (id);
CREATE INDEX products_vendor ON products (vendor_id);

-- The partition of a category, made if missing: products_<the category id's 32 hex digits>.
-- Making one locks products for the rest of the transaction (ACCESS EXCLUSIVE): categories are
-- made by the seed, not while the catalog serves.
CREATE FUNCTION products_partition(category uuid) RETURNS regclass LANGUAGE plpgsql AS $$
DECLARE
  name text := 'products_' || replace(category::text, '-', '');
BEGIN
  EXECUTE format('CREATE TABLE IF NOT EXISTS %I PARTITION OF products FOR VALUES IN (%L)', name, category);
  RETURN name::regclass;
END
$$;

CREATE FUNCTION categories_partition() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM products_partition(NEW.id);
  RETURN NULL;
END
$$;
CREATE TRIGGER categories_partition AFTER INSERT ON categories FOR EACH ROW EXECUTE FUNCTION categories_partition();

-- A database that already holds products: their rows move over before the triggers exist
-- (product_counts already counts them).
SELECT products_partition(id) FROM categories;
INSERT INTO products (id, sku, name, description, price, currency, category_id, vendor_id, created_at, archived_at, version)
  SELECT id, sku, name, description, price, currency, category_id, vendor_id, created_at, archived_at, version FROM products_unpartitioned;
INSERT INTO product_keys (id, vendor_id, sku, category_id) SELECT id, vendor_id, sku, category_id FROM products_unpartitioned;
DROP TABLE products_unpartitioned;
DROP FUNCTION product_counts_apply();

CREATE TRIGGER products_row_changed AFTER INSERT OR UPDATE OR DELETE ON products
  FOR EACH ROW EXECUTE FUNCTION products_row_changed();
CREATE TRIGGER product_counts_fold AFTER INSERT OR UPDATE OR DELETE ON products
  FOR EACH STATEMENT EXECUTE FUNCTION product_counts_fold();
CREATE TRIGGER products_truncated AFTER TRUNCATE ON products
  FOR EACH STATEMENT EXECUTE FUNCTION products_truncated();
