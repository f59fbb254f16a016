-- Replies that fit the moment (contract Part 3): what the lead already said, read from each message
-- (a phone number, an address, when the service is wanted), the client's own phone and service names
-- in both languages, and the owner's alerts, which travel in the outbox beside the replies.

-- The client's settings for urgent replies and alerts; an owner may edit them (schema/009's rule).
ALTER TABLE clients ADD COLUMN phone TEXT;
ALTER TABLE clients ADD COLUMN primary_service_en TEXT;
ALTER TABLE clients ADD COLUMN primary_service_fr TEXT;
ALTER TABLE clients ADD COLUMN alert_email TEXT;
ALTER TABLE clients ADD COLUMN alert_phone TEXT CHECK (alert_phone ~ '^\+[1-9][0-9]{6,14}$');
ALTER TABLE clients ADD COLUMN alert_urgency TEXT NOT NULL DEFAULT 'High'
  CHECK (alert_urgency IN ('High', 'Medium', 'off'));
GRANT UPDATE (phone, primary_service_en, primary_service_fr, alert_email, alert_phone, alert_urgency)
  ON clients TO authenticated;

COMMENT ON COLUMN clients.phone IS 'The business''s phone, given in urgent replies and alerts';
COMMENT ON COLUMN clients.alert_email IS 'Where owner alerts go; NULL: the client''s email';
COMMENT ON COLUMN clients.alert_phone IS 'E.164 number that gets owner alerts by SMS; NULL: no SMS';
COMMENT ON COLUMN clients.alert_urgency IS 'The lead urgency from which the owner is alerted (High, Medium), or off';

-- What each message said (shared/enrichment/extraction.py): the lead keeps the latest known.
ALTER TABLE lead_messages ADD COLUMN phone TEXT;
ALTER TABLE lead_messages ADD COLUMN address TEXT;
ALTER TABLE lead_messages ADD COLUMN wanted TEXT CHECK (wanted IN ('today', 'this_week', 'flexible'));
ALTER TABLE lead_memory ADD COLUMN phone TEXT;
ALTER TABLE lead_memory ADD COLUMN address TEXT;

COMMENT ON COLUMN lead_messages.phone IS 'The first North-American phone number of the message, +1XXXXXXXXXX';
COMMENT ON COLUMN lead_messages.address IS 'A street address or Canadian postal code, as written in the message';
COMMENT ON COLUMN lead_messages.wanted IS 'When the lead wants the service (the API''s `when`): today, this_week, flexible';

-- Owner alerts are outbox rows too (kind 'alert'): claimed, leased and recorded as replies are, so
-- that two senders never send one twice. An SMS alert's number is in to_phone; an email alert's
-- address, like a reply's, in to_email.
ALTER TABLE lead_replies ADD COLUMN kind TEXT NOT NULL DEFAULT 'reply' CHECK (kind IN ('reply', 'alert'));
ALTER TABLE lead_replies ADD COLUMN channel TEXT NOT NULL DEFAULT 'email' CHECK (channel IN ('email', 'sms'));
ALTER TABLE lead_replies ADD COLUMN to_phone TEXT;
ALTER TABLE lead_replies ALTER COLUMN to_email DROP NOT NULL;
ALTER TABLE lead_replies ADD CHECK (CASE channel WHEN 'sms' THEN to_phone IS NOT NULL AND kind = 'alert'
                                                 ELSE to_email IS NOT NULL END);
-- The "once per lead per 24 hours" rule reads a lead's alerts by channel and time.
CREATE INDEX idx_lead_replies_alerts ON lead_replies (lead_id, channel, created_at) WHERE kind = 'alert';

COMMENT ON COLUMN lead_replies.kind IS 'reply: to the lead; alert: to the owner, about the lead';
COMMENT ON COLUMN lead_replies.channel IS 'email, or sms (alerts only, to to_phone)';
