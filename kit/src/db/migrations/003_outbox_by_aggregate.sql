-- Looking up an aggregate's events in the outbox (orders' saga clock asks whether an order's
-- latest event has left yet).
CREATE INDEX outbox_by_aggregate ON outbox (aggregate_id, published_at);
