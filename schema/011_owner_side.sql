-- The owner's side (contract Part 2): every message a lead ever sent, owner sessions and the
-- sign-in lockout, the client's time zone and mailing address, and the inbox's indexes.

-- The client's own day (analytics, reply due times) and the postal address a commercial email
-- must carry. The reference's clients have neither; Toronto's zone is Québec's.
ALTER TABLE clients ADD COLUMN IF NOT EXISTS timezone TEXT NOT NULL DEFAULT 'America/Toronto';
ALTER TABLE clients ADD COLUMN IF NOT EXISTS mailing_address TEXT;
GRANT UPDATE (timezone, mailing_address) ON clients TO authenticated;
COMMENT ON COLUMN clients.smtp_password IS
  'Encrypted (Fernet, key outside the database: AVENIR_SECRET_KEY); never returned, never logged';

-- lead_memory keeps the latest message (as the reference has it); this keeps each of them whole,
-- with the enrichment that read it and the engine version that produced it.
CREATE TABLE lead_messages (
  id                 UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  lead_id            UUID NOT NULL REFERENCES lead_memory(id) ON DELETE CASCADE,
  client_id          UUID NOT NULL REFERENCES clients(client_id) ON DELETE CASCADE,
  received_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
  message            TEXT,
  language           TEXT CHECK (language IN ('en', 'fr')),
  intent             TEXT,
  tone               TEXT,
  urgency            TEXT CHECK (urgency IN ('High', 'Medium', 'Low')),
  confidence_score   NUMERIC(3,2),
  ai_summary         TEXT,
  enrichment_version TEXT
);
CREATE INDEX idx_lead_messages_lead ON lead_messages (lead_id, received_at, id);
CREATE INDEX idx_lead_messages_client ON lead_messages (client_id);
COMMENT ON TABLE lead_messages IS 'Every delivery a lead made, one row each, oldest first by received_at';

ALTER TABLE lead_messages ENABLE ROW LEVEL SECURITY;
CREATE POLICY client_messages_select ON lead_messages FOR SELECT TO authenticated
  USING (client_id = nullif(current_setting('app.current_client_id', true), '')::uuid);
CREATE POLICY client_messages_insert ON lead_messages FOR INSERT TO authenticated
  WITH CHECK (client_id = nullif(current_setting('app.current_client_id', true), '')::uuid);
CREATE POLICY client_messages_update ON lead_messages FOR UPDATE TO authenticated
  USING (client_id = nullif(current_setting('app.current_client_id', true), '')::uuid)
  WITH CHECK (client_id = nullif(current_setting('app.current_client_id', true), '')::uuid);
CREATE POLICY client_messages_delete ON lead_messages FOR DELETE TO authenticated
  USING (client_id = nullif(current_setting('app.current_client_id', true), '')::uuid);

-- Existing leads: their current message becomes their first logged one.
INSERT INTO lead_messages (lead_id, client_id, received_at, message, language, intent, tone, urgency,
                           confidence_score, ai_summary, enrichment_version)
SELECT id, client_id, coalesce(last_updated, timestamp, now()), message, language, intent, tone, urgency,
       confidence_score, ai_summary, 'before-message-log'
FROM lead_memory
WHERE client_id IS NOT NULL;

-- A history array's latest `keep` entries, in order (tone_history, urgency_history, confidence_history).
CREATE FUNCTION avenir_latest_entries(history JSONB, keep INTEGER) RETURNS JSONB
LANGUAGE sql IMMUTABLE AS $$
  SELECT coalesce(jsonb_agg(entry ORDER BY position), '[]'::jsonb)
  FROM jsonb_array_elements(coalesce(history, '[]'::jsonb)) WITH ORDINALITY AS t(entry, position)
  WHERE position > jsonb_array_length(coalesce(history, '[]'::jsonb)) - keep
$$;

-- Owner sessions: opaque tokens stored only as their SHA-256 digest, 12 hours.
CREATE TABLE owner_sessions (
  token_digest TEXT PRIMARY KEY,
  client_id    UUID NOT NULL REFERENCES clients(client_id) ON DELETE CASCADE,
  created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
  expires_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX idx_owner_sessions_client ON owner_sessions (client_id);
CREATE INDEX idx_owner_sessions_expires ON owner_sessions (expires_at);

-- Sign-in attempts per email (a digest of it lower-cased: no email kept in clear) that did not
-- succeed: each attempt is recorded before its password is checked and removed if it succeeds, so
-- concurrent attempts count too; 10 within 15 minutes lock the email.
CREATE TABLE login_failures (
  attempt_id   UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  email_digest TEXT NOT NULL,
  failed_at    TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX idx_login_failures_email ON login_failures (email_digest, failed_at DESC);
REVOKE ALL ON owner_sessions, login_failures FROM authenticated;

-- The inbox (GET /api/leads): newest first, keyset-paged on (timestamp, id), one index per filter
-- the dashboard uses alone, so a page reads only its rows however rare the filter's value.
CREATE INDEX idx_lead_memory_inbox ON lead_memory (client_id, timestamp DESC, id DESC);
CREATE INDEX idx_lead_memory_inbox_tag ON lead_memory (client_id, current_tag, timestamp DESC, id DESC);
CREATE INDEX idx_lead_memory_inbox_urgency ON lead_memory (client_id, urgency, timestamp DESC, id DESC);
CREATE INDEX idx_lead_memory_inbox_intent ON lead_memory (client_id, intent, timestamp DESC, id DESC);
-- A lead's latest action (the reference's "latest action per lead"), and its timeline.
CREATE INDEX idx_lead_actions_lead_timeline ON lead_actions (lead_id, timestamp DESC, id DESC);
-- The inbox's search (q: text in the name, the email or the latest message, any case): trigrams,
-- so a rare word is found without reading every lead of the client.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX idx_lead_memory_search ON lead_memory
  USING gin (lower(name || ' ' || email || ' ' || coalesce(message, '')) gin_trgm_ops);
