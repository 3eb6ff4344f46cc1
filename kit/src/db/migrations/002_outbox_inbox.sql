-- Transactional outbox: events are written in the same transaction as the state change they
-- describe, and a relay publishes them afterwards (kit/src/events/outbox-relay.ts).
CREATE TABLE outbox (
  id uuid PRIMARY KEY,
  topic text NOT NULL,
  aggregate_id text NOT NULL,
  type text NOT NULL,
  envelope jsonb NOT NULL,
  headers jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  -- Publication order; the relay publishes strictly by seq.
  seq bigserial NOT NULL UNIQUE,
  published_at timestamptz
);
-- The relay's only hot query: the oldest unpublished rows.
CREATE INDEX outbox_unpublished ON outbox (seq) WHERE published_at IS NULL;
-- Pruning of published rows.
CREATE INDEX outbox_published_at ON outbox (published_at) WHERE published_at IS NOT NULL;

-- Inbox: the events each consumer has applied, so a redelivered event has no second effect.
CREATE TABLE inbox (
  consumer text NOT NULL,
  event_id uuid NOT NULL,
  processed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer, event_id)
);
