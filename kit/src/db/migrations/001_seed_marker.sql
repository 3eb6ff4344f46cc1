-- Records that demo data was loaded, so a restart does not load it again.
CREATE TABLE kit_seed (
  id boolean PRIMARY KEY DEFAULT true CHECK (id),
  sizes jsonb NOT NULL,
  seeded_at timestamptz NOT NULL DEFAULT now()
);
