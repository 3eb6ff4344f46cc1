-- One shipment per vendor and order: each vendor ships its own lines of a confirmed order; the
-- order is SHIPPED once every vendor in it has one (a history entry records each).
CREATE TABLE order_shipments (
  order_id uuid NOT NULL REFERENCES orders (id),
  vendor_id uuid NOT NULL,
  carrier text NOT NULL,
  tracking_number text NOT NULL,
  shipped_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
  PRIMARY KEY (order_id, vendor_id)
);

