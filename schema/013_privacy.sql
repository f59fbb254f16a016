-- Privacy and maintenance (contract Part 2): the receipts of erasures made on request, and the
-- indexes the nightly maintenance needs to stay set-based at the reference's largest sizes.

-- One row per erasure (POST /api/privacy/erase): which client, the digest of the email (never the
-- email: after an erasure nothing may hold it), what was removed, and when. It is the client's proof
-- that a request was answered.
CREATE TABLE IF NOT EXISTS public.privacy_erasures (
  receipt_id              UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  client_id               UUID NOT NULL REFERENCES clients(client_id) ON DELETE CASCADE,
  email_digest            TEXT NOT NULL CHECK (email_digest ~ '^[0-9a-f]{64}$'),
  leads                   INTEGER NOT NULL CHECK (leads >= 0),
  messages                INTEGER NOT NULL CHECK (messages >= 0),
  actions                 INTEGER NOT NULL CHECK (actions >= 0),
  replies                 INTEGER NOT NULL CHECK (replies >= 0),
  growth_events           INTEGER NOT NULL CHECK (growth_events >= 0),
  idempotent_responses    INTEGER NOT NULL CHECK (idempotent_responses >= 0),
  erased_at               TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX IF NOT EXISTS idx_privacy_erasures_client ON privacy_erasures (client_id, erased_at DESC);

COMMENT ON TABLE public.privacy_erasures IS
  'Receipts of erasures on request: avenir_email_digest(email), the counts removed, the time; never the email';

ALTER TABLE privacy_erasures ENABLE ROW LEVEL SECURITY;
CREATE POLICY client_own_erasures ON privacy_erasures FOR ALL TO authenticated
  USING (client_id = nullif(current_setting('app.current_client_id', true), '')::uuid)
  WITH CHECK (client_id = nullif(current_setting('app.current_client_id', true), '')::uuid);
-- A receipt is written once and never changed by the application.
GRANT SELECT, INSERT ON privacy_erasures TO authenticated;
REVOKE UPDATE, DELETE ON privacy_erasures FROM authenticated;

-- The purges of the nightly maintenance read by age across clients.
CREATE INDEX IF NOT EXISTS idx_idempotency_keys_created ON idempotency_keys (created_at);
CREATE INDEX IF NOT EXISTS idx_login_failures_failed_at ON login_failures (failed_at);
