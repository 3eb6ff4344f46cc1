-- Invitations to become staff of a vendor. Only the sha256 of a code is stored: a database
-- leak does not hand out vendor access. A code is redeemed once (used_at) and before expires_at.
CREATE TABLE vendor_invitations (
  code_hash text PRIMARY KEY,
  vendor_id uuid NOT NULL REFERENCES vendors (id),
  created_by uuid NOT NULL REFERENCES users (id),
  expires_at timestamptz NOT NULL,
  used_at timestamptz,
  used_by uuid REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX vendor_invitations_vendor ON vendor_invitations (vendor_id);
