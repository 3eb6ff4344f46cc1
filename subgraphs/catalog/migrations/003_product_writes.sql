-- Vendors write their own products (issue 12): a sku is unique per vendor (two vendors may both
-- sell "MUG-1"), an archived product leaves listings and counts but stays resolvable by id (past
-- orders show it), and `version` counts a product's changes so event consumers keep the newest.
ALTER TABLE products DROP CONSTRAINT products_sku_key;
ALTER TABLE products ADD CONSTRAINT products_vendor_sku UNIQUE (vendor_id, sku);
ALTER TABLE products ADD COLUMN archived_at timestamptz;
ALTER TABLE products ADD COLUMN version int NOT NULL DEFAULT 1;

-- Listings read live products only: the keyset indexes skip archived ones.
DROP INDEX products_listing;
DROP INDEX products_category_listing;
CREATE INDEX products_listing ON products (created_at DESC, id DESC) WHERE archived_at IS NULL;
CREATE INDEX products_category_listing ON products (category_id, created_at DESC, id DESC) WHERE archived_at IS NULL;

-- product_counts counts live products only: an insert or delete counts rows without archived_at;
-- an update moves a product out of its old count when it is archived or changes category, and
-- into its new count when it is live in a category it was not counted in.
CREATE OR REPLACE FUNCTION product_counts_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    DELETE FROM product_counts;
  ELSIF TG_OP = 'INSERT' THEN
    INSERT INTO product_counts (category_id, n)
      SELECT coalesce(category_id, '00000000-0000-0000-0000-000000000000'), count(*)
      FROM new_rows WHERE archived_at IS NULL GROUP BY GROUPING SETS ((category_id), ())
      ON CONFLICT (category_id) DO UPDATE SET n = product_counts.n + EXCLUDED.n;
  ELSIF TG_OP = 'DELETE' THEN
    UPDATE product_counts c SET n = c.n - d.n
      FROM (SELECT coalesce(category_id, '00000000-0000-0000-0000-000000000000') AS category_id, count(*) AS n
            FROM old_rows WHERE archived_at IS NULL GROUP BY GROUPING SETS ((category_id), ())) d
      WHERE c.category_id = d.category_id;
  ELSE
    INSERT INTO product_counts (category_id, n)
      SELECT coalesce(category_id, '00000000-0000-0000-0000-000000000000'), sum(delta) FROM (
        SELECT o.category_id, -1 AS delta FROM old_rows o JOIN new_rows n ON n.id = o.id
          WHERE o.archived_at IS NULL AND (n.archived_at IS NOT NULL OR o.category_id IS DISTINCT FROM n.category_id)
        UNION ALL
        SELECT n.category_id, 1 FROM old_rows o JOIN new_rows n ON n.id = o.id
          WHERE n.archived_at IS NULL AND (o.archived_at IS NOT NULL OR o.category_id IS DISTINCT FROM n.category_id)
      ) moves GROUP BY GROUPING SETS ((category_id), ())
      -- The grand-total group has a row even when nothing moved (sum NULL): skip it.
      HAVING count(*) > 0
      ON CONFLICT (category_id) DO UPDATE SET n = product_counts.n + EXCLUDED.n;
  END IF;
  RETURN NULL;
END
$$;
