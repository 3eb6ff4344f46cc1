CREATE TABLE reviews (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  product_id uuid NOT NULL,
  author_id uuid NOT NULL,
  rating smallint NOT NULL CHECK (rating BETWEEN 1 AND 5),
  body text NOT NULL,
  -- Millisecond precision: page cursors carry a JavaScript timestamp, and a row stored with
  -- microseconds would compare wrongly against its own cursor and be skipped or repeated.
  created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now())
);

-- Keyset pagination, newest first, per product (Product.reviews, ratings) and per author (User.reviews).
CREATE INDEX reviews_product_listing ON reviews (product_id, created_at DESC, id DESC);
CREATE INDEX reviews_author_listing ON reviews (author_id, created_at DESC, id DESC);
