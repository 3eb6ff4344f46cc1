-- content's tables: the products it may attach images to (whose vendor's staff may), and media.

-- Learned from the demo plan (seed) and catalog's ProductCreated events: who owns a product.
CREATE TABLE products (
  id uuid PRIMARY KEY,
  vendor_id uuid NOT NULL
);

-- One uploaded image. PENDING: a presigned upload was handed out (object `upload_key`), nothing
-- checked yet; READY: checked and resized (`variants`: [{name, key, width, height, contentType}]).
-- A PENDING row past `expires_at` is deleted with its object by the cleanup timer.
CREATE TABLE media (
  id uuid PRIMARY KEY,
  product_id uuid NOT NULL REFERENCES products (id),
  vendor_id uuid NOT NULL,
  status text NOT NULL CHECK (status IN ('PENDING', 'READY')),
  declared_type text NOT NULL,
  declared_size integer NOT NULL,
  upload_key text NOT NULL,
  content_type text,
  byte_size integer,
  width integer,
  height integer,
  alt text,
  position integer,
  variants jsonb NOT NULL DEFAULT '[]',
  created_by uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  ready_at timestamptz
);
CREATE INDEX media_product_position ON media (product_id, position) WHERE status = 'READY';
CREATE INDEX media_pending_expiry ON media (expires_at) WHERE status = 'PENDING';
