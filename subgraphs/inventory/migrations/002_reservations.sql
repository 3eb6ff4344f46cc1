-- Units handed over to customers by confirmed orders. Per product and warehouse,
-- available + reserved + sold changes only by restocks (the stock conservation rule).
ALTER TABLE stock ADD COLUMN sold int NOT NULL DEFAULT 0 CHECK (sold >= 0);

-- Which units an order holds where. RESERVED → COMMITTED (order confirmed) or RELEASED
-- (order cancelled); COMMITTED → RETURNED when a confirmed order is cancelled.
CREATE TABLE reservations (
  order_id uuid NOT NULL,
  product_id uuid NOT NULL,
  warehouse_id uuid NOT NULL,
  quantity int NOT NULL CHECK (quantity > 0),
  state text NOT NULL CHECK (state IN ('RESERVED', 'COMMITTED', 'RELEASED', 'RETURNED')),
  PRIMARY KEY (order_id, product_id, warehouse_id)
);

-- Every restock, for audit and for checking conservation.
CREATE TABLE restocks (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  product_id uuid NOT NULL,
  warehouse_id uuid NOT NULL,
  quantity int NOT NULL CHECK (quantity > 0),
  by_user uuid NOT NULL,
  at timestamptz NOT NULL DEFAULT now()
);
