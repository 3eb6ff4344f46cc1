-- Notifications' own state: NOT a read model, so `pnpm rebuild notifications` never drops it.
-- A user's read marks and stock watches come from mutations, not events, and a notification (and
-- the live push/e-mail it causes) must not be made again by a replay: a rebuild replays every
-- event, and each notification's id is derived from (event id, kind, recipient), so the replay's
-- INSERTs hit ON CONFLICT DO NOTHING and record no NotificationCreated.
CREATE TABLE notifications (
  id uuid PRIMARY KEY,
  -- Exactly one recipient: a user, or a vendor (read by every staff member of it).
  user_id uuid,
  vendor_id uuid,
  kind text NOT NULL,
  title text NOT NULL,
  body text NOT NULL,
  link text NOT NULL,
  source_event_id uuid NOT NULL,
  created_at timestamptz NOT NULL,
  read_at timestamptz,
  CHECK ((user_id IS NULL) <> (vendor_id IS NULL))
);
CREATE INDEX notifications_user ON notifications (user_id, created_at DESC, id DESC) WHERE user_id IS NOT NULL;
CREATE INDEX notifications_vendor ON notifications (vendor_id, created_at DESC, id DESC) WHERE vendor_id IS NOT NULL;
CREATE INDEX notifications_created ON notifications (created_at);

-- A customer waiting for a sold-out product: deleted when its BACK_IN_STOCK is made.
CREATE TABLE stock_watches (
  user_id uuid NOT NULL,
  product_id uuid NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, product_id)
);
CREATE INDEX stock_watches_product ON stock_watches (product_id);
