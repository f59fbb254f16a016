-- name: erase
-- Everything the client holds about one email, removed in one statement (every sub-statement sees
-- the same snapshot; the leads are locked first). Messages, actions, replies and relationship
-- insights go with their leads; the growth events that name a lead keep their figures (a conversion
-- still counts) but lose who it was: lead_id, lead_name, and the reversion's free-text reason, which
-- the owner typed about that person; their insight_text is rewritten without the name. The
-- conversion_prediction snapshots drop the lead from high_value_leads. The stored first responses
-- to Idempotency-Key deliveries of those leads are deleted. One receipt row keeps the email's digest
-- and the counts (replies: the owner's alerts about the lead too, and the internal client's outreach emails to that address, which
-- shared/prospects/outreach.py erase_contact deleted just before, :outreach_emails). The collation finds the leads through idx_lead_memory_client_email_ci (lower()
-- cannot use an index under row level security); lower() = lower() keeps the exact rule.
WITH erased AS (
  SELECT id, id::text AS id_text
  FROM lead_memory
  WHERE client_id = :client_id AND (email COLLATE avenir_case_insensitive) = :email
    AND lower(email) = lower(:email)
  FOR UPDATE
),
ids AS (
  SELECT coalesce(array_agg(id_text), '{}') AS texts FROM erased
),
messages AS (
  DELETE FROM lead_messages WHERE lead_id IN (SELECT id FROM erased) RETURNING 1
),
actions AS (
  DELETE FROM lead_actions WHERE lead_id IN (SELECT id FROM erased) RETURNING 1
),
replies AS (
  DELETE FROM lead_replies WHERE lead_id IN (SELECT id FROM erased) RETURNING 1
),
insights AS (
  DELETE FROM relationship_insights WHERE lead_id IN (SELECT id FROM erased) RETURNING 1
),
growth_events AS (
  UPDATE growth_brain AS g
  SET learning_snapshot = CASE
        WHEN coalesce(g.learning_snapshot ->> 'lead_id' = ANY (ids.texts), false)
          THEN g.learning_snapshot - 'lead_id' - 'lead_name' - 'reason'
        ELSE jsonb_set(g.learning_snapshot, '{high_value_leads}', (
          SELECT coalesce(jsonb_agg(entry ORDER BY position), '[]'::jsonb)
          FROM jsonb_array_elements(g.learning_snapshot -> 'high_value_leads') WITH ORDINALITY AS t(entry, position)
          WHERE NOT (entry ->> 'lead_id' = ANY (ids.texts))))
      END,
      insight_text = CASE
        WHEN NOT coalesce(g.learning_snapshot ->> 'lead_id' = ANY (ids.texts), false) THEN g.insight_text
        WHEN g.event_type = 'reversion' THEN 'A lead (erased on request) was reverted from Converted to Active.'
        WHEN g.event_type = 'conversion'
             AND starts_with(g.insight_text, 'Lead "' || (g.learning_snapshot ->> 'lead_name') || '" converted ')
          THEN 'A lead (erased on request)'
               || substr(g.insight_text, char_length('Lead "' || (g.learning_snapshot ->> 'lead_name') || '"') + 1)
        ELSE 'A lead (erased on request): ' || g.event_type || '.'
      END
  FROM ids
  WHERE g.client_id = :client_id AND cardinality(ids.texts) > 0
    AND (g.learning_snapshot ->> 'lead_id' = ANY (ids.texts)
         OR (jsonb_typeof(g.learning_snapshot -> 'high_value_leads') = 'array'
             AND EXISTS (SELECT 1 FROM jsonb_array_elements(g.learning_snapshot -> 'high_value_leads') AS e(entry)
                         WHERE e.entry ->> 'lead_id' = ANY (ids.texts))))
  RETURNING 1
),
responses AS (
  DELETE FROM idempotency_keys
  WHERE client_id = :client_id AND json_typeof(response_body) = 'object'
    AND response_body ->> 'lead_id' IN (SELECT id_text FROM erased)
  RETURNING 1
),
leads AS (
  DELETE FROM lead_memory WHERE id IN (SELECT id FROM erased) RETURNING 1
),
-- The address's bounces and complaints about this client's mail, and the suppressions they made (a
-- bounce of another client's email is that client's record, and still stops this client's mail).
-- Its unsubscribe stays: the person asked for no more mail.
suppressions AS (
  DELETE FROM mail_suppressions WHERE client_id = :client_id AND email_digest = avenir_email_digest(:email)
  RETURNING 1
),
mail_events AS (
  DELETE FROM mail_events WHERE client_id = :client_id AND email_digest = avenir_email_digest(:email)
  RETURNING 1
)
INSERT INTO privacy_erasures (client_id, email_digest, leads, messages, actions, replies, growth_events,
                              idempotent_responses, erased_at)
SELECT :client_id, avenir_email_digest(:email),
       (SELECT count(*) FROM leads), (SELECT count(*) FROM messages), (SELECT count(*) FROM actions),
       (SELECT count(*) FROM replies) + :outreach_emails, (SELECT count(*) FROM growth_events),
       (SELECT count(*) FROM responses),
       clock_timestamp()
RETURNING receipt_id, leads, messages, actions, replies, growth_events, idempotent_responses, erased_at

-- name: receipts
SELECT receipt_id, email_digest, leads, messages, actions, replies, growth_events, idempotent_responses, erased_at
FROM privacy_erasures
WHERE client_id = :client_id
ORDER BY erased_at DESC
