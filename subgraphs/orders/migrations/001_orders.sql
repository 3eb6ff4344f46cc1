-- Prices and owners of products, as catalog publishes them: orders price lines without asking
-- catalog at request time (its own copy, eventually consistent; seeded from the demo plan).
CREATE TABLE product_prices (
  product_id uuid PRIMARY KEY,
  vendor_id uuid NOT NULL,
  price numeric(12, 2) NOT NULL,
  currency char(3) NOT NULL
);

CREATE TABLE orders (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  customer_id uuid NOT NULL,
  idempotency_key text NOT NULL,
  payment_token text NOT NULL,
  total numeric(12, 2) NOT NULL,
  currency char(3) NOT NULL,
  -- Derived from order_events (the source of truth), kept here for listing and locking.
  status text NOT NULL DEFAULT 'PENDING',
  cancellation_reason text,
  -- When the current saga step times out and the order is cancelled.
  step_deadline timestamptz,
  created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
  UNIQUE (customer_id, idempotency_key)
);
CREATE INDEX orders_by_customer ON orders (customer_id, created_at DESC, id DESC);
CREATE INDEX orders_open_deadline ON orders (step_deadline) WHERE status IN ('PENDING', 'STOCK_RESERVED');

CREATE TABLE order_lines (
  order_id uuid NOT NULL REFERENCES orders (id),
  line_no int NOT NULL,
  product_id uuid NOT NULL,
  vendor_id uuid NOT NULL,
  quantity int NOT NULL CHECK (quantity > 0),
  unit_price numeric(12, 2) NOT NULL,
  PRIMARY KEY (order_id, line_no)
);
CREATE INDEX order_lines_by_vendor ON order_lines (vendor_id, order_id);

-- The order's history, append-only.
CREATE TABLE order_events (
  order_id uuid NOT NULL REFERENCES orders (id),
  seq int NOT NULL,
  type text NOT NULL,
  detail text,
  at timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (order_id, seq)
);
