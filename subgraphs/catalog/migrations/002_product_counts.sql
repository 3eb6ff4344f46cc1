-- `products { totalCount }` is on every storefront request. count(*) reads the whole catalog each
-- time (O(products)); this table answers with one row. Statement-level triggers keep it exact in
-- the same transaction as the change, and a bulk load pays once per statement, not once per row.
-- The nil UUID holds the count of the whole catalog; other rows hold one category's count.
-- Writers that add products to the same category serialise on its row until they commit.
CREATE TABLE product_counts (
  category_id uuid PRIMARY KEY,
  n bigint NOT NULL
);

CREATE FUNCTION product_counts_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    DELETE FROM product_counts;
  ELSIF TG_OP = 'INSERT' THEN
    INSERT INTO product_counts (category_id, n)
      SELECT coalesce(category_id, '00000000-0000-0000-0000-000000000000'), count(*)
      FROM new_rows GROUP BY GROUPING SETS ((category_id), ())
      ON CONFLICT (category_id) DO UPDATE SET n = product_counts.n + EXCLUDED.n;
  ELSIF TG_OP = 'DELETE' THEN
    UPDATE product_counts c SET n = c.n - d.n
      FROM (SELECT coalesce(category_id, '00000000-0000-0000-0000-000000000000') AS category_id, count(*) AS n
            FROM old_rows GROUP BY GROUPING SETS ((category_id), ())) d
      WHERE c.category_id = d.category_id;
  ELSE
    -- UPDATE: only products whose category changed move between counts; the total stays.
    INSERT INTO product_counts (category_id, n)
      SELECT category_id, sum(delta) FROM (
        SELECT o.category_id, -1 AS delta FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE o.category_id IS DISTINCT FROM n.category_id
        UNION ALL
        SELECT n.category_id, 1 FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE o.category_id IS DISTINCT FROM n.category_id
      ) moves GROUP BY category_id
      ON CONFLICT (category_id) DO UPDATE SET n = product_counts.n + EXCLUDED.n;
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER product_counts_insert AFTER INSERT ON products
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION product_counts_apply();
CREATE TRIGGER product_counts_delete AFTER DELETE ON products
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION product_counts_apply();
-- (Transition tables rule out `UPDATE OF category_id`; the function skips rows that kept theirs.)
CREATE TRIGGER product_counts_update AFTER UPDATE ON products
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION product_counts_apply();
CREATE TRIGGER product_counts_truncate AFTER TRUNCATE ON products
  FOR EACH STATEMENT EXECUTE FUNCTION product_counts_apply();

-- Products that exist already (a database migrated after it was seeded).
INSERT INTO product_counts (category_id, n)
  SELECT coalesce(category_id, '00000000-0000-0000-0000-000000000000'), count(*)
  FROM products GROUP BY GROUPING SETS ((category_id), ());
