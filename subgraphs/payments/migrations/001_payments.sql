CREATE TABLE payments (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  -- One payment per order: a redelivered PaymentRequested cannot charge twice.
  order_id uuid NOT NULL UNIQUE,
  customer_id uuid NOT NULL,
  amount numeric(12, 2) NOT NULL,
  currency char(3) NOT NULL,
  token text NOT NULL,
  status text NOT NULL CHECK (status IN ('PROCESSING', 'AUTHORIZED', 'DECLINED', 'VOIDED', 'REFUNDED')),
  decline_reason text,
  -- When a slow provider answers (tok_slow).
  answer_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX payments_processing ON payments (answer_at) WHERE status = 'PROCESSING';
