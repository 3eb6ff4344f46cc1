-- Two phases: an authorization is captured when the order ships (CAPTURED); only a captured
-- amount can be refunded.
ALTER TABLE payments DROP CONSTRAINT payments_status_check;
ALTER TABLE payments ADD CONSTRAINT payments_status_check
  CHECK (status IN ('PROCESSING', 'AUTHORIZED', 'DECLINED', 'VOIDED', 'CAPTURED', 'REFUNDED'));
ALTER TABLE payments ADD COLUMN captured_amount numeric(12, 2);

-- The simulated provider's own record of the calls it answered, by idempotency key: a call
-- repeated with the same key (a redelivered event, a retry after a crash) gets the first answer
-- and has no second effect, as with a real provider's idempotency keys.
CREATE TABLE provider_calls (
  idempotency_key text PRIMARY KEY,
  operation text NOT NULL,
  request jsonb NOT NULL,
  answer jsonb NOT NULL,
  at timestamptz NOT NULL DEFAULT now()
);
