-- name: cancel_due
-- Only the replies of this section are due: earlier sections queued theirs in the same database.
UPDATE lead_replies SET status = 'cancelled' WHERE status IN ('queued', 'sending')

-- name: reply_settings
UPDATE clients SET primary_service = 'roof replacement', booking_link = 'https://cal.bench-roofing.ca/book',
       custom_tagline = 'Roofs that outlast winter', mailing_address = '123 rue Principale, Laval QC H7N 1A1'
WHERE client_id = :client_id::uuid

-- name: due_replies
-- Leads in English and French, four intents, each with a reply due a minute ago.
WITH lead AS (
  INSERT INTO lead_memory (client_id, email, name, language, intent)
  SELECT :client_id::uuid, 'lead' || n || '@bench-roofing.ca', 'Lead ' || n,
         (ARRAY['en', 'fr'])[1 + n % 2], (ARRAY['quote_request', 'appointment', 'information', 'support'])[1 + n % 4]
  FROM generate_series(1, :count) AS n
  RETURNING id, client_id, email, language, intent
)
INSERT INTO lead_replies (client_id, lead_id, to_email, language, intent, due_at)
SELECT client_id, id, email, language, intent, now() - interval '1 minute' FROM lead

-- name: sent
SELECT count(*) AS sent FROM lead_replies WHERE client_id = :client_id::uuid AND status = 'sent'
