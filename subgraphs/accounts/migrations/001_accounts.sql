CREATE TABLE vendors (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL,
  slug text NOT NULL UNIQUE
);

CREATE TABLE users (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  email text NOT NULL,
  name text NOT NULL,
  role text NOT NULL CHECK (role IN ('CUSTOMER', 'VENDOR', 'ADMIN')),
  vendor_id uuid REFERENCES vendors (id),
  -- scrypt$N$r$p$salt$hash; NULL means the user cannot sign in with a password.
  password_hash text,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((role = 'VENDOR') = (vendor_id IS NOT NULL))
);
CREATE UNIQUE INDEX users_email ON users (lower(email));

-- Asymmetric keys that sign access tokens; the public halves are served as a JWKS.
CREATE TABLE signing_keys (
  kid text PRIMARY KEY,
  private_jwk jsonb NOT NULL,
  public_jwk jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
