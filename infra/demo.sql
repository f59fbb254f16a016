-- name: count_leads
SELECT count(*) AS leads FROM lead_memory WHERE client_id = :client_id

-- name: shift_leads
-- Moves every row of each lead back by its interval: the lead's times and history entries, its
-- messages, its actions, its replies and its conversion/reversion events. Shifting all of a lead's rows by one
-- interval keeps what the code computed from them (days to convert, touch points) true.
WITH shift AS (
  SELECT lead_id, make_interval(secs => seconds) AS back
  FROM unnest(CAST(:lead_ids AS uuid[]), CAST(:seconds AS double precision[])) AS s(lead_id, seconds)
),
moved AS (
  UPDATE lead_memory AS lead
  SET timestamp = lead.timestamp - shift.back,
      last_updated = lead.last_updated - shift.back,
      tone_history = (SELECT jsonb_agg(jsonb_set(entry, '{timestamp}', to_jsonb(to_char(
          ((entry->>'timestamp')::timestamptz - shift.back) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')))
          ORDER BY n) FROM jsonb_array_elements(lead.tone_history) WITH ORDINALITY AS h(entry, n)),
      urgency_history = (SELECT jsonb_agg(jsonb_set(entry, '{timestamp}', to_jsonb(to_char(
          ((entry->>'timestamp')::timestamptz - shift.back) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')))
          ORDER BY n) FROM jsonb_array_elements(lead.urgency_history) WITH ORDINALITY AS h(entry, n)),
      confidence_history = (SELECT jsonb_agg(jsonb_set(entry, '{timestamp}', to_jsonb(to_char(
          ((entry->>'timestamp')::timestamptz - shift.back) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')))
          ORDER BY n) FROM jsonb_array_elements(lead.confidence_history) WITH ORDINALITY AS h(entry, n))
  FROM shift
  WHERE lead.id = shift.lead_id AND lead.client_id = :client_id
  RETURNING lead.id
),
messages AS (
  UPDATE lead_messages AS message SET received_at = message.received_at - shift.back
  FROM shift WHERE message.lead_id = shift.lead_id AND message.client_id = :client_id
),
actions AS (
  UPDATE lead_actions AS action SET timestamp = action.timestamp - shift.back
  FROM shift WHERE action.lead_id = shift.lead_id AND action.client_id = :client_id
),
replies AS (
  UPDATE lead_replies AS reply
  SET due_at = reply.due_at - shift.back, created_at = reply.created_at - shift.back,
      sent_at = reply.sent_at - shift.back, lease_until = reply.lease_until - shift.back
  FROM shift WHERE reply.lead_id = shift.lead_id AND reply.client_id = :client_id
),
events AS (
  UPDATE growth_brain AS event SET created_at = event.created_at - shift.back
  FROM shift
  WHERE event.client_id = :client_id AND event.event_type IN ('conversion', 'reversion')
    AND event.learning_snapshot->>'lead_id' = shift.lead_id::text
)
SELECT count(*) AS moved FROM moved
