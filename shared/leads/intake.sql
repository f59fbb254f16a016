-- name: lock_wait
-- A keyed delivery waits for its key at most :wait_ms (then 409 idempotency_key_in_flight); the
-- bound ends with the locks (lock_wait_end).
SELECT set_config('lock_timeout', :wait_ms, true)

-- name: lock
-- Both locks (the email's, and the key's for a keyed delivery) in one statement, in ascending id
-- order, so two requests never wait on each other in a cycle. The lookup that follows is a separate
-- statement (in the same round trip): its snapshot must be taken after the locks are held, to see
-- what the request we waited for committed.
SELECT pg_advisory_xact_lock(lock_id)
FROM (SELECT unnest(CAST(:lock_ids AS bigint[])) AS lock_id ORDER BY 1) AS ordered

-- name: lock_wait_end
SELECT set_config('lock_timeout', '0', true)

-- name: lookup
-- The client's live lead with this email (the most recently updated, should older duplicates exist),
-- row-locked so that no tag change can delete it before our update, and, for a keyed delivery, the
-- first response already given to its key (none once 24 hours old). The rule is
-- lower(email) = lower(:email); the case-insensitive collation finds the candidates through
-- idx_lead_memory_client_email_ci, which lower() cannot use under row level security (schema/005).
-- With it, the client's trade (industry_category, primary_service): enrichment reads the message in
-- the client's terms (a roofer's "leak" is a roof repair).
SELECT lead.id AS lead_id, lead.intent, lead.tone, lead.urgency, lead.confidence_score, lead.message,
       stored.request_hash, stored.response_status, stored.response_body,
       trade.industry_category, trade.primary_service
FROM (SELECT) AS request
LEFT JOIN clients AS trade ON trade.client_id = :client_id
LEFT JOIN LATERAL (
  SELECT id, intent, tone, urgency, confidence_score, message
  FROM lead_memory
  WHERE client_id = :client_id AND (email COLLATE avenir_case_insensitive) = :email
    AND lower(email) = lower(:email) AND deleted IS NOT TRUE
  ORDER BY last_updated DESC NULLS LAST, id
  LIMIT 1
  FOR UPDATE
) AS lead ON true
LEFT JOIN idempotency_keys AS stored
  ON stored.client_id = :client_id AND stored.route = :route
 AND stored.idempotency_key = CAST(:idempotency_key AS text)
 AND stored.created_at > now() - interval '24 hours'

-- name: repeated_message
-- How many other addresses sent the client this very message in the last 24 hours (a form post's
-- "list bombing" signal: 2 others and this one make 3). The client's last day of messages is read by
-- idx_lead_messages_recent; an empty message repeats nothing.
SELECT count(DISTINCT lower(lead.email)) AS other_senders
FROM lead_messages AS message
JOIN lead_memory AS lead ON lead.id = message.lead_id
WHERE message.client_id = :client_id AND message.received_at > now() - interval '24 hours'
  AND message.message = CAST(:message AS text) AND CAST(:message AS text) <> ''
  AND lower(lead.email) <> lower(:email)

-- name: insert_lead
-- A new lead (with the phone and address its message gives), its history started. One clock reading after the locks are held orders the lead's
-- history and last_updated, and record_delivery stamps the action and the message with it.
WITH stamp AS (
  SELECT at, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS iso
  FROM (SELECT clock_timestamp() AS at) AS clock
)
INSERT INTO lead_memory (id, client_id, email, name, message, language, ai_summary, intent, tone,
                         urgency, confidence_score, current_tag, archived, deleted, is_test,
                         tone_history, urgency_history, confidence_history, timestamp, last_updated,
                         phone, address, spam_status, spam_signals)
SELECT :lead_id, :client_id, :email, :name, :message, :language, :ai_summary, :intent, :tone,
       :urgency, :confidence_score, 'Active', false, false, :is_test,
       jsonb_build_array(jsonb_build_object('value', CAST(:tone AS text), 'timestamp', stamp.iso)),
       jsonb_build_array(jsonb_build_object('value', CAST(:urgency AS text), 'timestamp', stamp.iso)),
       jsonb_build_array(jsonb_build_object('value', CAST(:confidence_score AS numeric), 'timestamp', stamp.iso)),
       stamp.at, stamp.at, CAST(:phone AS text), CAST(:address AS text),
       CASE WHEN cardinality(CAST(:spam_signals AS text[])) > 0 THEN 'quarantined' ELSE 'ok' END,
       CAST(:spam_signals AS text[])
FROM stamp
RETURNING id, spam_status

-- name: update_lead
-- The returning lead (row-locked by the lookup) updated in place (the phone and address it gave
-- before kept when this message gives none) with its history (the latest 100
-- entries kept; every message stays whole in lead_messages). The clock is read once the lead's row
-- is locked: a tag change holding that row commits first, and our action (stamped by
-- record_delivery with last_updated) must come after its action.
WITH locked AS (
  SELECT id FROM lead_memory WHERE id = :lead_id AND deleted IS NOT TRUE FOR UPDATE
),
stamp AS (
  SELECT at, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS iso
  FROM (SELECT clock_timestamp() AS at FROM locked) AS clock
)
UPDATE lead_memory
SET message = :message, language = :language, ai_summary = :ai_summary, intent = :intent,
    tone = :tone, urgency = :urgency, confidence_score = :confidence_score, is_test = :is_test,
    tone_history = avenir_latest_entries(
      coalesce(tone_history, '[]'::jsonb) ||
        jsonb_build_array(jsonb_build_object('value', CAST(:tone AS text), 'timestamp', stamp.iso)), 100),
    urgency_history = avenir_latest_entries(
      coalesce(urgency_history, '[]'::jsonb) ||
        jsonb_build_array(jsonb_build_object('value', CAST(:urgency AS text), 'timestamp', stamp.iso)), 100),
    confidence_history = avenir_latest_entries(
      coalesce(confidence_history, '[]'::jsonb) ||
        jsonb_build_array(jsonb_build_object('value', CAST(:confidence_score AS numeric), 'timestamp', stamp.iso)), 100),
    relationship_insight = :relationship_insight,
    -- a public form's post (anyone may post any email) never changes a phone or address the lead
    -- already has: the new one stays on its own message (lead_messages), where the owner sees it
    phone = CASE WHEN CAST(:from_outside AS boolean) AND phone IS NOT NULL THEN phone
                 ELSE coalesce(CAST(:phone AS text), phone) END,
    address = CASE WHEN CAST(:from_outside AS boolean) AND address IS NOT NULL THEN address
                   ELSE coalesce(CAST(:address AS text), address) END,
    -- a returning lead keeps its spam status: a message from outside (anyone may post any email
    -- to a public form) never moves a lead out of the inbox; only the owner does (POST .../spam). A
    -- message with signals gets no reply nor alert (outbox.sql); a quarantined lead's signals grow.
    spam_signals = CASE WHEN spam_status = 'quarantined' AND cardinality(CAST(:spam_signals AS text[])) > 0
                        THEN ARRAY(SELECT DISTINCT unnest(spam_signals || CAST(:spam_signals AS text[])))
                        ELSE spam_signals END,
    last_updated = stamp.at
FROM stamp
WHERE lead_memory.id = :lead_id AND lead_memory.deleted IS NOT TRUE
RETURNING lead_memory.id, lead_memory.spam_status

-- name: record_delivery
-- What a stored delivery leaves beside the lead it just inserted or updated (the statement before it,
-- in the same round trip): its action (`insert` or `update`) tagged with the lead's stage (so "the
-- latest action's tag" always reads as the lead's tag), its message in the message log (schema/011),
-- both stamped with the lead's last_updated (the write's one clock reading), and, for a keyed
-- delivery, the response recorded for its key. A conflicting key row can only be an expired one (the
-- key's lock is held and no live response was found), so it is overwritten; a bounded batch of the
-- client's expired keys is purged (SKIP LOCKED: never waiting for another delivery).
WITH lead AS (
  SELECT id, client_id, current_tag, last_updated AS at
  FROM lead_memory
  WHERE id = :lead_id AND deleted IS NOT TRUE
),
action AS (
  INSERT INTO lead_actions (lead_id, client_id, action_type, tag, is_test, timestamp)
  SELECT id, client_id, :action_type, current_tag, :is_test, at FROM lead
),
message AS (
  INSERT INTO lead_messages (id, lead_id, client_id, received_at, message, language, intent, tone, urgency,
                             confidence_score, ai_summary, enrichment_version, phone, address, wanted)
  SELECT :message_id, id, client_id, at, :message, :language, :intent, :tone, :urgency, :confidence_score,
         :ai_summary, :enrichment_version, CAST(:phone AS text), CAST(:address AS text), CAST(:wanted AS text)
  FROM lead
  RETURNING id
),
recorded AS (
  INSERT INTO idempotency_keys (client_id, route, idempotency_key, request_hash, response_status,
                                response_body, created_at)
  SELECT :client_id, :route, CAST(:idempotency_key AS text), :request_hash, :response_status,
         CAST(:response_body AS json), now()
  FROM lead
  WHERE CAST(:idempotency_key AS text) IS NOT NULL
  ON CONFLICT (client_id, route, idempotency_key) DO UPDATE
    SET request_hash = EXCLUDED.request_hash, response_status = EXCLUDED.response_status,
        response_body = EXCLUDED.response_body, created_at = EXCLUDED.created_at
  RETURNING 1
),
purged AS (
  DELETE FROM idempotency_keys
  WHERE ctid = ANY (ARRAY(
    SELECT ctid FROM idempotency_keys
    WHERE CAST(:idempotency_key AS text) IS NOT NULL AND client_id = :client_id
      AND created_at <= now() - interval '24 hours'
      AND (route, idempotency_key) <> (:route, CAST(:idempotency_key AS text))
    ORDER BY created_at
    LIMIT 100
    FOR UPDATE SKIP LOCKED))
)
SELECT lead.id, message.id AS message_id, lead.at FROM lead, message
