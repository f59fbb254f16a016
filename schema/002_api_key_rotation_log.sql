-- api_key_rotation_log: named by the schema reference ("Security audit") without columns.
-- A rotation is recorded by fingerprints (first 12 hex chars of SHA-256 of the key), never a key.
CREATE TABLE public.api_key_rotation_log (
  id                   UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  client_id            UUID NOT NULL REFERENCES clients(client_id) ON DELETE CASCADE,
  old_key_fingerprint  TEXT NOT NULL CHECK (old_key_fingerprint ~ '^[0-9a-f]{12}$'),
  new_key_fingerprint  TEXT NOT NULL CHECK (new_key_fingerprint ~ '^[0-9a-f]{12}$'),
  rotated_at           TIMESTAMPTZ NOT NULL DEFAULT NOW(),
  reason               TEXT NOT NULL DEFAULT 'manual',
  rotated_by           TEXT
);

CREATE INDEX idx_api_key_rotation_log_client ON api_key_rotation_log(client_id, rotated_at DESC);

COMMENT ON TABLE public.api_key_rotation_log IS 'Security audit of API key rotations (fingerprints only, never a key)';
COMMENT ON COLUMN api_key_rotation_log.old_key_fingerprint IS 'First 12 hex chars of SHA-256 of the retired key';
