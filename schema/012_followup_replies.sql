-- Follow-up replies (contract Part 2): an outbox of replies to leads, written in the intake's own
-- transaction and drained by the followup_sender function; the emails that unsubscribed from a
-- client's replies, and the unsubscribe links' tokens (stored only as digests).

-- The client settings a reply needs. schema/011 adds them too; IF NOT EXISTS lets either land first.
ALTER TABLE clients ADD COLUMN IF NOT EXISTS mailing_address TEXT;
ALTER TABLE clients ADD COLUMN IF NOT EXISTS timezone TEXT DEFAULT 'America/Toronto';

-- An email's digest: how unsubscribes and tokens name an address without holding it. One
-- definition, so that every statement compares the same lower-casing.
CREATE FUNCTION avenir_email_digest(email TEXT) RETURNS TEXT
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN encode(sha256(convert_to(lower(email), 'UTF8')), 'hex');

-- A client's time zone, or America/Toronto when it is unset or not a zone PostgreSQL knows: a bad
-- setting must never make a lead's intake fail.
CREATE FUNCTION avenir_time_zone(zone TEXT) RETURNS TEXT
  LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
BEGIN
  IF zone IS NULL THEN
    RETURN 'America/Toronto';
  END IF;
  PERFORM now() AT TIME ZONE zone;
  RETURN zone;
EXCEPTION WHEN invalid_parameter_value THEN
  RETURN 'America/Toronto';
END
$$;

CREATE TABLE public.lead_replies (
  reply_id             UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  client_id            UUID NOT NULL REFERENCES clients(client_id) ON DELETE CASCADE,
  lead_id              UUID NOT NULL REFERENCES lead_memory(id) ON DELETE CASCADE,
  message_id           UUID,
  to_email             TEXT NOT NULL,
  language             TEXT NOT NULL DEFAULT 'en' CHECK (language IN ('en', 'fr')),
  intent               TEXT,
  status               TEXT NOT NULL DEFAULT 'queued'
                       CHECK (status IN ('queued', 'sending', 'sent', 'failed', 'cancelled', 'skipped')),
  due_at               TIMESTAMPTZ NOT NULL,
  attempts             INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  lease_until          TIMESTAMPTZ,
  last_error           TEXT,
  provider_message_id  TEXT,
  subject              TEXT,
  body_text            TEXT,
  body_html            TEXT,
  created_at           TIMESTAMPTZ NOT NULL DEFAULT now(),
  sent_at              TIMESTAMPTZ,
  CHECK (status <> 'sending' OR lease_until IS NOT NULL),
  CHECK (status <> 'sent' OR sent_at IS NOT NULL)
);

-- The sender's claim: queued replies by due time, and replies whose sender's lease ran out.
CREATE INDEX idx_lead_replies_due ON lead_replies(due_at) WHERE status = 'queued';
CREATE INDEX idx_lead_replies_lease ON lead_replies(lease_until) WHERE status = 'sending';
-- A lead's replies (the intake's "already replied" rule, the tag trigger, the lead's detail).
CREATE INDEX idx_lead_replies_lead ON lead_replies(lead_id, created_at);
-- A client's replies by status (unsubscribe, `avenir followups retry --failed --client`).
CREATE INDEX idx_lead_replies_client_status ON lead_replies(client_id, status);

COMMENT ON TABLE public.lead_replies IS 'Follow-up replies to leads: an outbox written with the lead, drained by followup_sender';
COMMENT ON COLUMN lead_replies.message_id IS 'The lead''s logged message this reply answers (lead_messages.message_id), when logged';
COMMENT ON COLUMN lead_replies.status IS 'queued, sending (leased until lease_until), sent, failed, cancelled (lead tagged away), skipped (a rule; last_error says which)';
COMMENT ON COLUMN lead_replies.provider_message_id IS 'The Message-ID header, fixed before the first attempt: a resend carries the same one';
COMMENT ON COLUMN lead_replies.body_text IS 'As sent, except the unsubscribe link (its token is stored only as a digest)';

-- Emails that asked to receive no more replies from a client: the digest only, never the address.
CREATE TABLE public.unsubscribes (
  client_id     UUID NOT NULL REFERENCES clients(client_id) ON DELETE CASCADE,
  email_digest  TEXT NOT NULL CHECK (email_digest ~ '^[0-9a-f]{64}$'),
  token_digest  TEXT CHECK (token_digest ~ '^[0-9a-f]{64}$'),
  created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (client_id, email_digest)
);

COMMENT ON TABLE public.unsubscribes IS 'Who unsubscribed from a client''s replies: avenir_email_digest(email), never the email';
COMMENT ON COLUMN unsubscribes.token_digest IS 'The unsubscribe link used (NULL when an operator did it)';

-- Unsubscribe links: a random token per sent reply, kept as its SHA-256 digest; it names the client
-- and the email's digest, so the link reveals nothing and cannot be guessed.
CREATE TABLE public.unsubscribe_tokens (
  token_digest  TEXT PRIMARY KEY CHECK (token_digest ~ '^[0-9a-f]{64}$'),
  client_id     UUID NOT NULL REFERENCES clients(client_id) ON DELETE CASCADE,
  email_digest  TEXT NOT NULL CHECK (email_digest ~ '^[0-9a-f]{64}$'),
  language      TEXT NOT NULL DEFAULT 'en' CHECK (language IN ('en', 'fr')),
  created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
  expires_at    TIMESTAMPTZ NOT NULL,
  CHECK (expires_at >= created_at + interval '60 days')
);

CREATE INDEX idx_unsubscribe_tokens_expires ON unsubscribe_tokens(expires_at);

COMMENT ON TABLE public.unsubscribe_tokens IS 'Unsubscribe links (GET/POST /u/{token}), by token digest; valid at least 60 days';

-- Row level security as on the other client tables (schema/005, 008): a client's transaction sees
-- and writes only its own rows; the sender and the unsubscribe page cross clients on the admin path.
ALTER TABLE lead_replies ENABLE ROW LEVEL SECURITY;
ALTER TABLE unsubscribes ENABLE ROW LEVEL SECURITY;
ALTER TABLE unsubscribe_tokens ENABLE ROW LEVEL SECURITY;

CREATE POLICY client_own_replies ON lead_replies FOR ALL TO authenticated
  USING (client_id = nullif(current_setting('app.current_client_id', true), '')::uuid)
  WITH CHECK (client_id = nullif(current_setting('app.current_client_id', true), '')::uuid);
CREATE POLICY client_own_unsubscribes ON unsubscribes FOR ALL TO authenticated
  USING (client_id = nullif(current_setting('app.current_client_id', true), '')::uuid)
  WITH CHECK (client_id = nullif(current_setting('app.current_client_id', true), '')::uuid);
CREATE POLICY client_own_unsubscribe_tokens ON unsubscribe_tokens FOR ALL TO authenticated
  USING (client_id = nullif(current_setting('app.current_client_id', true), '')::uuid)
  WITH CHECK (client_id = nullif(current_setting('app.current_client_id', true), '')::uuid);

GRANT SELECT, INSERT, UPDATE, DELETE ON lead_replies, unsubscribes, unsubscribe_tokens TO authenticated;
GRANT EXECUTE ON FUNCTION avenir_email_digest(TEXT), avenir_time_zone(TEXT) TO authenticated;
-- The owner's reply settings (PATCH /api/client), as schema/009 grants the others.
GRANT UPDATE (mailing_address, timezone) ON clients TO authenticated;

-- A reply still waiting for its due time is cancelled when its lead is tagged Converted, Deleted or
-- Archived, whoever tags it (the tag route, the nightly archiving, an operator): a trigger, so no
-- path can forget. A reply already being sent is left to finish.
CREATE FUNCTION avenir_cancel_replies_of_tagged_lead() RETURNS trigger
  LANGUAGE plpgsql AS $$
BEGIN
  UPDATE lead_replies
  SET status = 'cancelled', last_error = 'lead tagged ' || NEW.current_tag
  WHERE lead_id = NEW.id AND status = 'queued';
  RETURN NULL;
END
$$;

CREATE TRIGGER lead_tagged_cancels_queued_replies
  AFTER UPDATE OF current_tag ON lead_memory
  FOR EACH ROW
  WHEN (NEW.current_tag IN ('Converted', 'Deleted', 'Archived')
        AND NEW.current_tag IS DISTINCT FROM OLD.current_tag)
  EXECUTE FUNCTION avenir_cancel_replies_of_tagged_lead();
