-- The OpenSearch engine's feed (src/opensearch/indexer.ts; unused by the Postgres engine but kept
-- current, so switching engines needs no rebuild). search_products stays the read model's state
-- and its order-tolerant merge (001); every statement that changes rows queues their ids here
-- with a new number from one sequence. The indexer sends the current row of each queued id to
-- OpenSearch with that number as its external version, then deletes the entry if its number is
-- unchanged: a row changed meanwhile is sent again, and an older copy sent late (another instance)
-- is refused by OpenSearch as a lower version. Redelivered or out-of-order events change nothing
-- here that they did not change in search_products.
CREATE SEQUENCE search_doc_seq;
CREATE TABLE search_index_queue (
  id uuid PRIMARY KEY,
  seq bigint NOT NULL,
  -- When the oldest change not yet indexed was queued (cloudlab_search_index_lag_seconds).
  queued_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX search_index_queue_seq ON search_index_queue (seq);

-- One statement-level trigger per operation (transition tables allow one event each); rows in id
-- order so concurrent statements lock queue entries in the same order.
CREATE FUNCTION search_enqueue() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO search_index_queue AS q (id, seq)
  SELECT id, nextval('search_doc_seq') FROM (SELECT id FROM changed ORDER BY id) c
  ON CONFLICT (id) DO UPDATE SET seq = EXCLUDED.seq;
  RETURN NULL;
END $$;
-- The function resolves its tables in this generation's schema, whatever the caller's search_path.
DO $$ BEGIN EXECUTE format('ALTER FUNCTION search_enqueue() SET search_path = %I', current_schema()); END $$;
CREATE TRIGGER search_products_inserted AFTER INSERT ON search_products
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION search_enqueue();
CREATE TRIGGER search_products_updated AFTER UPDATE ON search_products
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION search_enqueue();

-- Rows written before this migration (a generation that existed already) are queued once.
INSERT INTO search_index_queue (id, seq) SELECT id, nextval('search_doc_seq') FROM search_products ORDER BY id;
