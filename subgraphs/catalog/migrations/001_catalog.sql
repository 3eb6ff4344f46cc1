CREATE TABLE categories (
  id uuid PRIMARY KEY,
  name text NOT NULL,
  slug text NOT NULL UNIQUE
);

CREATE TABLE products (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  sku text NOT NULL UNIQUE,
  name text NOT NULL,
  description text NOT NULL,
  price numeric(12, 2) NOT NULL CHECK (price >= 0),
  currency char(3) NOT NULL,
  category_id uuid NOT NULL REFERENCES categories (id),
  vendor_id uuid NOT NULL,
  -- Millisecond precision: cursors carry JavaScript timestamps, which have no microseconds.
  created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now())
);

-- Keyset pagination, newest first: the storefront and the per-category listing.
CREATE INDEX products_listing ON products (created_at DESC, id DESC);
CREATE INDEX products_category_listing ON products (category_id, created_at DESC, id DESC);
CREATE INDEX products_vendor ON products (vendor_id);
