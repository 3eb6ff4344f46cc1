CREATE TABLE warehouses (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL
);

CREATE TABLE stock (
  product_id uuid NOT NULL,
  warehouse_id uuid NOT NULL REFERENCES warehouses (id),
  available int NOT NULL CHECK (available >= 0),
  reserved int NOT NULL DEFAULT 0 CHECK (reserved >= 0),
  -- The product's vendor, copied from catalog so inventory can decide who may restock a product
  -- without asking another subgraph on the write path.
  vendor_id uuid NOT NULL,
  -- product_id leads the key, so per-product totals (the storefront's hot path) use this index.
  PRIMARY KEY (product_id, warehouse_id)
);
