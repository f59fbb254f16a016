-- The front door (contract Part 3): a website's own form posts leads straight in with a public key
-- that can only let leads in, and spam is quarantined rather than answered.

-- One row per form a client puts on a site. form_key is public (it sits in the page's HTML); it
-- names the form and nothing else. A deleted form's key stops working at once (the row is gone).
CREATE TABLE lead_forms (
  form_id           UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  client_id         UUID NOT NULL REFERENCES clients(client_id) ON DELETE CASCADE,
  form_key          TEXT NOT NULL UNIQUE CHECK (form_key ~ '^avf_[A-Za-z0-9_-]{16,64}$'),
  name              TEXT CHECK (char_length(name) BETWEEN 1 AND 200),
  allowed_origins   TEXT[] NOT NULL CHECK (cardinality(allowed_origins) BETWEEN 1 AND 10),
  thank_you_url     TEXT CHECK (thank_you_url ~* '^https?://'),
  min_fill_seconds  INTEGER NOT NULL DEFAULT 3 CHECK (min_fill_seconds BETWEEN 0 AND 60),
  language          TEXT NOT NULL DEFAULT 'en' CHECK (language IN ('en', 'fr')),
  enabled           BOOLEAN NOT NULL DEFAULT true,
  created_at        TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX idx_lead_forms_client ON lead_forms (client_id, created_at);
COMMENT ON TABLE lead_forms IS 'Public web forms: form_key lets leads in for client_id from allowed_origins only';

-- One row per post a form took (accepted, quarantined, or blocked by its honeypot): the rate limits
-- (5 per IP per form in 10 minutes, 500 per form a day) and the forms' daily stats read them. The
-- sender's IP is only a keyed digest (HMAC, shared/leads/spam.py), and rows go after 48 hours
-- (the nightly maintenance).
CREATE TABLE form_posts (
  id          BIGSERIAL PRIMARY KEY,
  form_id     UUID NOT NULL REFERENCES lead_forms(form_id) ON DELETE CASCADE,
  client_id   UUID NOT NULL REFERENCES clients(client_id) ON DELETE CASCADE,
  ip_digest   TEXT NOT NULL CHECK (ip_digest ~ '^[0-9a-f]{64}$'),
  outcome     TEXT NOT NULL CHECK (outcome IN ('accepted', 'quarantined', 'blocked')),
  posted_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX idx_form_posts_ip ON form_posts (form_id, ip_digest, posted_at);
CREATE INDEX idx_form_posts_form ON form_posts (form_id, posted_at);
CREATE INDEX idx_form_posts_posted ON form_posts (posted_at);
COMMENT ON COLUMN form_posts.ip_digest IS 'HMAC-SHA256 of the sender''s IP under the server''s secret; never the IP';

-- The quarantine, for every way in: a lead whose delivery raised a signal is kept out of the
-- owner's sight (no reply, no alert, not in the inbox, analytics, intelligence or counts) until the
-- owner releases it. spam_signals says why, in signal names (shared/leads/spam.py).
ALTER TABLE lead_memory ADD COLUMN spam_status TEXT NOT NULL DEFAULT 'ok'
  CHECK (spam_status IN ('ok', 'quarantined'));
ALTER TABLE lead_memory ADD COLUMN spam_signals TEXT[] NOT NULL DEFAULT '{}';
ALTER TABLE lead_memory ADD COLUMN spam_released_at TIMESTAMPTZ;
COMMENT ON COLUMN lead_memory.spam_released_at IS 'When the owner said "not spam": its spam intent no longer stops replies';
CREATE INDEX idx_lead_memory_quarantine ON lead_memory (client_id, timestamp DESC, id DESC)
  WHERE spam_status = 'quarantined';
-- "The same message from 3+ emails in 24 hours" reads the client's last day of messages.
CREATE INDEX idx_lead_messages_recent ON lead_messages (client_id, received_at);

ALTER TABLE lead_forms ENABLE ROW LEVEL SECURITY;
ALTER TABLE form_posts ENABLE ROW LEVEL SECURITY;
CREATE POLICY client_own_forms ON lead_forms FOR ALL TO authenticated
  USING (client_id = nullif(current_setting('app.current_client_id', true), '')::uuid)
  WITH CHECK (client_id = nullif(current_setting('app.current_client_id', true), '')::uuid);
CREATE POLICY client_own_form_posts ON form_posts FOR ALL TO authenticated
  USING (client_id = nullif(current_setting('app.current_client_id', true), '')::uuid)
  WITH CHECK (client_id = nullif(current_setting('app.current_client_id', true), '')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON lead_forms, form_posts TO authenticated;
GRANT USAGE, SELECT ON SEQUENCE form_posts_id_seq TO authenticated;
