-- What notifications needs to know to address and word a notification, built only from events and
-- rebuilt by `pnpm rebuild notifications` (kit/src/read-model/README.md). The notifications
-- themselves live in migrations/ (they must survive a rebuild).
CREATE TABLE known_orders (
  order_id uuid PRIMARY KEY,
  customer_id uuid NOT NULL,
  -- [{ productId, vendorId, quantity }] as OrderPlaced listed them.
  lines jsonb NOT NULL
);

-- A product's vendor (from ProductCreated, or from any order line) and name (catalog events).
CREATE TABLE known_products (
  product_id uuid PRIMARY KEY,
  vendor_id uuid NOT NULL,
  name text
);

-- The last stock total seen per product and whether it is below the LOW_STOCK threshold
-- (a LOW_STOCK is made only when `low` turns on).
CREATE TABLE stock_levels (
  product_id uuid PRIMARY KEY,
  available integer NOT NULL,
  low boolean NOT NULL
);

-- Where a user's e-mail goes (UserSignedUp carries address and name). Users from before the log
-- (the demo's seeded accounts) are unknown here: they get in-app notifications only.
CREATE TABLE known_users (
  user_id uuid PRIMARY KEY,
  email text NOT NULL,
  name text NOT NULL
);
