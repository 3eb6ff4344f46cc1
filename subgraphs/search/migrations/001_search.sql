-- Search keeps nothing outside its read model (read-model/) but the pg_trgm extension its
-- indexes use: extensions are per database, so it lives in public and survives a rebuild (a
-- generation's schema is dropped by the rebuild after next). Trusted since PostgreSQL 13; the
-- embedded server from npm ships it too.
CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;
