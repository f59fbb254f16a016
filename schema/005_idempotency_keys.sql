-- Idempotency-Key deliveries (POST /api/lead): the first response to a key, replayed for 24 hours
-- to the same client sending the same body. Not in the schema reference: it is the intake's own
-- bookkeeping. Rows older than 24 hours are dead (never replayed) and are purged in small batches by
-- the same client's later keyed deliveries (shared/platform/idempotency.py).
CREATE TABLE public.idempotency_keys (
  client_id        UUID NOT NULL REFERENCES clients(client_id) ON DELETE CASCADE,
  route            TEXT NOT NULL,
  idempotency_key  TEXT NOT NULL CHECK (char_length(idempotency_key) BETWEEN 1 AND 200),
  request_hash     TEXT NOT NULL CHECK (request_hash ~ '^[0-9a-f]{64}$'),
  response_status  INTEGER NOT NULL CHECK (response_status BETWEEN 200 AND 299),
  response_body    JSON NOT NULL,
  created_at       TIMESTAMPTZ NOT NULL DEFAULT NOW(),
  PRIMARY KEY (client_id, route, idempotency_key)
);

-- The purge reads one client's oldest rows: WHERE client_id = ? AND created_at <= ? ORDER BY created_at.
CREATE INDEX idx_idempotency_keys_client_created ON idempotency_keys(client_id, created_at);

-- A client's transaction (role `authenticated`, see shared/platform/db.py) sees and writes only its own keys.
ALTER TABLE idempotency_keys ENABLE ROW LEVEL SECURITY;
CREATE POLICY client_own_idempotency_keys ON idempotency_keys FOR ALL TO authenticated
  USING (client_id = nullif(current_setting('app.current_client_id', true), '')::uuid)
  WITH CHECK (client_id = nullif(current_setting('app.current_client_id', true), '')::uuid);

COMMENT ON TABLE public.idempotency_keys IS 'First response to each Idempotency-Key per client and route, replayed for 24 hours';
COMMENT ON COLUMN idempotency_keys.request_hash IS 'SHA-256 (hex) of the canonical JSON body: the same key with another body is refused';
COMMENT ON COLUMN idempotency_keys.response_body IS 'JSON (not JSONB) so a replay is the same text, key order included';

-- The intake's dedupe lookup (shared/leads/intake.py LOOKUP): a client's live lead by case-insensitive
-- email. `lower(email) = lower(?)` alone cannot use an index on the per-client path: row level
-- security lets the planner use only leakproof conditions in an index scan, and lower() is not
-- leakproof, so the lookup would read every lead of the client. Text equality under a
-- case-insensitive ICU collation is leakproof (texteq), so the lookup matches on
-- `email COLLATE avenir_case_insensitive = ?` through this index and keeps `lower(email) = lower(?)`
-- as the exact rule, checked on the few rows the index returns.
CREATE COLLATION IF NOT EXISTS avenir_case_insensitive
  (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
CREATE INDEX idx_lead_memory_client_email_ci
  ON lead_memory(client_id, (email COLLATE avenir_case_insensitive));
