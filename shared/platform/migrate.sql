-- name: no_timeout
-- An index on a big table may take minutes; waiting is fine here.
SELECT set_config('statement_timeout', '0', false)

-- name: lock
-- Held by the session until it closes: two runs take turns (a session lock: run migrations on a
-- direct connection, not through a pooler in transaction mode).
SELECT pg_advisory_lock(:key)

-- name: create_ledger
CREATE TABLE IF NOT EXISTS schema_migrations (
  version     TEXT PRIMARY KEY,
  checksum    TEXT NOT NULL,
  applied_at  TIMESTAMPTZ NOT NULL DEFAULT now()
)

-- name: applied
SELECT version, checksum FROM schema_migrations

-- name: record
INSERT INTO schema_migrations (version, checksum) VALUES (:version, :checksum)
