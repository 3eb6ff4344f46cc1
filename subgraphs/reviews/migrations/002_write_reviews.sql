-- One review per customer and product. Demo data seeded before this rule could hold a pair twice:
-- the newest of each pair stays.
DELETE FROM reviews r USING reviews newer
WHERE r.product_id = newer.product_id AND r.author_id = newer.author_id
  AND (r.created_at, r.id) < (newer.created_at, newer.id);
CREATE UNIQUE INDEX reviews_one_per_author ON reviews (product_id, author_id);

-- Whether the author had a confirmed order with the product, kept up to date from order events.
ALTER TABLE reviews ADD COLUMN verified_purchase boolean NOT NULL DEFAULT false;
ALTER TABLE reviews ADD COLUMN updated_at timestamptz;

-- Products reviews may be written for: the demo catalog (seed) and catalog's ProductCreated
-- events. Reviews' own copy, so writeReview never calls catalog.
-- An archived product stays: its buyers may still review it.
CREATE TABLE products (id uuid PRIMARY KEY);
-- A database seeded before this table: the reviewed products at least (`pnpm seed` fills it all).
INSERT INTO products (id) SELECT DISTINCT product_id FROM reviews;

-- What customers bought, learned from orders' events: a line per order and product, confirmed
-- once OrderConfirmed arrives, gone when the order is cancelled.
CREATE TABLE purchases (
  order_id uuid NOT NULL,
  customer_id uuid NOT NULL,
  product_id uuid NOT NULL,
  confirmed boolean NOT NULL DEFAULT false,
  PRIMARY KEY (order_id, product_id)
);
CREATE INDEX purchases_by_customer ON purchases (customer_id, product_id) WHERE confirmed;
