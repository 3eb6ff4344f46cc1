-- When each notification was stored (its transaction's insert), next to created_at (the event's
-- time): stored_at − created_at is the event → in-app lag (`pnpm bench notifications`).
-- clock_timestamp(), not now(): a batch's transaction stores many, each at its own moment.
ALTER TABLE notifications ADD COLUMN stored_at timestamptz NOT NULL DEFAULT clock_timestamp();
