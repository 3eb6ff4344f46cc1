-- E-mail state: NOT a read model (a rebuild must never send a mail again).

-- Which kinds a user wants by e-mail; no row: every customer kind (vendor kinds stay in-app).
CREATE TABLE notification_preferences (
  user_id uuid PRIMARY KEY,
  email_kinds text[] NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- The mail outbox: written in the transaction that stores the notification (so a stored
-- notification always has its mail, and a rolled-back one none), sent by the delivery timer.
CREATE TABLE email_outbox (
  notification_id uuid PRIMARY KEY REFERENCES notifications (id) ON DELETE CASCADE,
  kind text NOT NULL,
  to_address text NOT NULL,
  subject text NOT NULL,
  html text NOT NULL,
  text text NOT NULL,
  -- PENDING → SENT, or → DEAD after NOTIFICATIONS_EMAIL_MAX_ATTEMPTS failed attempts.
  state text NOT NULL DEFAULT 'PENDING' CHECK (state IN ('PENDING', 'SENT', 'DEAD')),
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  last_error text,
  -- The event's time: delivery lag is measured from it.
  event_time timestamptz NOT NULL,
  sent_at timestamptz
);
CREATE INDEX email_outbox_due ON email_outbox (next_attempt_at) WHERE state = 'PENDING';

-- The development mailbox (SMTP_URL unset): what its SMTP server received, parsed. A message id
-- seen twice (a resend after a crash between "accepted" and "marked sent") is kept once.
CREATE TABLE dev_mailbox (
  id bigserial PRIMARY KEY,
  message_id text UNIQUE,
  received_at timestamptz NOT NULL DEFAULT now(),
  from_address text NOT NULL,
  to_address text NOT NULL,
  subject text NOT NULL,
  html text,
  text text
);
