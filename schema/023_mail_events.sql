-- Mail that listens (contract Part 3): what mail servers said back about the emails the outbox sent
-- (SES bounces and complaints through SNS, an SMTP 5xx to RCPT TO at send time), and the addresses
-- that no email may reach any more because of it. Addresses are kept only as avenir_email_digest.

-- One row per recipient of a notification (an SES notification may list several), or of an SMTP
-- refusal. A replay of the same notification (its SNS MessageId, or SES's feedbackId when SES sent
-- it twice, through two topics) finds its rows already there and changes nothing.
CREATE TABLE public.mail_events (
  event_id         UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  source           TEXT NOT NULL CHECK (source IN ('ses', 'smtp')),
  notification_id  TEXT NOT NULL,
  feedback_id      TEXT,
  kind             TEXT NOT NULL CHECK (kind IN ('bounce', 'complaint')),
  client_id        UUID REFERENCES clients(client_id) ON DELETE CASCADE,
  reply_id         UUID REFERENCES lead_replies(reply_id) ON DELETE SET NULL,
  email_digest     TEXT NOT NULL CHECK (email_digest ~ '^[0-9a-f]{64}$'),
  occurred_at      TIMESTAMPTZ NOT NULL,
  received_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
  UNIQUE (notification_id, email_digest),
  UNIQUE (feedback_id, email_digest)
);

-- The analytics' bounce rate: a client's bounces by time.
CREATE INDEX idx_mail_events_client ON mail_events (client_id, occurred_at);

COMMENT ON TABLE public.mail_events IS
  'Permanent bounces and complaints about the outbox''s emails (SES through SNS, SMTP 5xx to RCPT TO); digests only';
COMMENT ON COLUMN mail_events.notification_id IS 'The SNS MessageId (smtp:<reply_id> for an SMTP refusal)';
COMMENT ON COLUMN mail_events.client_id IS 'Whose email it was (found by its Message-ID); NULL when no email of ours matched';

-- Addresses the outbox skips: a permanent bounce for every client (client_id names whose email
-- bounced), a complaint for the client complained about only (for the internal client: outreach).
CREATE TABLE public.mail_suppressions (
  email_digest  TEXT NOT NULL CHECK (email_digest ~ '^[0-9a-f]{64}$'),
  reason        TEXT NOT NULL CHECK (reason IN ('bounced', 'complained')),
  client_id     UUID REFERENCES clients(client_id) ON DELETE CASCADE,
  created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
  CHECK (reason = 'bounced' OR client_id IS NOT NULL),
  UNIQUE NULLS NOT DISTINCT (email_digest, reason, client_id)
);

COMMENT ON TABLE public.mail_suppressions IS
  'Addresses no email goes to: bounced (every client), complained (that client); avenir_email_digest only';

-- The sender's claim finds an address's suppressions by its digest.
CREATE INDEX idx_mail_suppressions_digest ON mail_suppressions (email_digest);
-- An SES notification names the email by its Message-ID.
CREATE INDEX idx_lead_replies_provider_message_id ON lead_replies (provider_message_id)
  WHERE provider_message_id IS NOT NULL;

-- Row level security as on the other client tables: a client's transaction sees its own rows, and
-- every client sees a bounce (it stops that client's mail too: a lead's email_status says so). An
-- erasure, in the client's transaction, deletes the client's own rows. The ingest writes on the
-- admin path.
ALTER TABLE mail_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE mail_suppressions ENABLE ROW LEVEL SECURITY;

CREATE POLICY client_own_mail_events ON mail_events FOR ALL TO authenticated
  USING (client_id = nullif(current_setting('app.current_client_id', true), '')::uuid)
  WITH CHECK (client_id = nullif(current_setting('app.current_client_id', true), '')::uuid);
CREATE POLICY client_sees_bounces_and_own_suppressions ON mail_suppressions FOR SELECT TO authenticated
  USING (reason = 'bounced'
         OR client_id = nullif(current_setting('app.current_client_id', true), '')::uuid);
CREATE POLICY client_erases_own_suppressions ON mail_suppressions FOR DELETE TO authenticated
  USING (client_id = nullif(current_setting('app.current_client_id', true), '')::uuid);

GRANT SELECT, DELETE ON mail_events, mail_suppressions TO authenticated;
