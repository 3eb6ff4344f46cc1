-- A product's totals are GraphQL Ints: stock that grows past 2^31-1 could never be read again.
-- restock refuses that for the product's total over all warehouses (store.addStock, atomically);
-- this keeps every row within range too, whatever writes it.
ALTER TABLE stock ADD CONSTRAINT stock_units_fit_int
  CHECK (available::bigint + reserved + sold <= 2147483647);

-- Idempotency keys of restocks, per vendor: a retried restock (e.g. after a gateway timeout)
-- answers the first result instead of adding the units again.
CREATE TABLE restock_keys (
  vendor_id uuid NOT NULL,
  key text NOT NULL,
  product_id uuid NOT NULL,
  warehouse_id uuid NOT NULL,
  quantity int NOT NULL,
  -- The first answer (null until the restock that claimed the key commits).
  available bigint,
  reserved bigint,
  at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (vendor_id, key)
);
