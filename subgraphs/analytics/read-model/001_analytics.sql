-- Analytics' read model: built only from events, rebuilt by `pnpm rebuild analytics`
-- (kit/src/read-model/README.md). Days are UTC calendar days.

-- What the projection knows of each order; its flags only ever turn on (src/projection.ts).
CREATE TABLE orders (
  order_id uuid PRIMARY KEY,
  day date,
  currency text,
  lines jsonb,
  confirmed boolean NOT NULL DEFAULT false,
  cancelled boolean NOT NULL DEFAULT false,
  refunded boolean NOT NULL DEFAULT false
);
CREATE INDEX orders_by_day ON orders (day);

-- Per vendor, UTC day and currency; partitioned by month (partitions made on demand, dropped
-- after ANALYTICS_RETENTION_MONTHS).
CREATE TABLE vendor_daily (
  vendor_id uuid NOT NULL,
  day date NOT NULL,
  currency text NOT NULL,
  orders int NOT NULL DEFAULT 0,
  units int NOT NULL DEFAULT 0,
  revenue numeric NOT NULL DEFAULT 0,
  cancellations int NOT NULL DEFAULT 0,
  refunds int NOT NULL DEFAULT 0,
  PRIMARY KEY (vendor_id, day, currency)
) PARTITION BY RANGE (day);

CREATE TABLE product_daily (
  product_id uuid NOT NULL,
  vendor_id uuid NOT NULL,
  day date NOT NULL,
  currency text NOT NULL,
  orders int NOT NULL DEFAULT 0,
  units int NOT NULL DEFAULT 0,
  revenue numeric NOT NULL DEFAULT 0,
  PRIMARY KEY (product_id, day, currency)
) PARTITION BY RANGE (day);
-- A vendor's top products over a range.
CREATE INDEX product_daily_by_vendor ON product_daily (vendor_id, day);

-- Whole-marketplace totals per day (an order with two vendors counts once here).
CREATE TABLE platform_daily (
  day date NOT NULL,
  currency text NOT NULL,
  orders int NOT NULL DEFAULT 0,
  revenue numeric NOT NULL DEFAULT 0,
  PRIMARY KEY (day, currency)
);

-- All-time units sold per product (Product.salesCount) and co-purchases (Product.alsoBought).
CREATE TABLE product_sales (
  product_id uuid PRIMARY KEY,
  units int NOT NULL DEFAULT 0
);
CREATE TABLE co_purchases (
  product_id uuid NOT NULL,
  other_id uuid NOT NULL,
  orders int NOT NULL DEFAULT 0,
  PRIMARY KEY (product_id, other_id)
);
CREATE INDEX co_purchases_ranked ON co_purchases (product_id, orders DESC, other_id);
