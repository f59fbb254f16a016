-- name: create_leads
-- Active leads numbered 1 to count, each with its insert action; their ids (the prefix and the number).
WITH lead AS (
  INSERT INTO lead_memory (id, email, name, message, client_id, current_tag, language, intent, tone, urgency,
                           confidence_score, tone_history, urgency_history, confidence_history, timestamp)
  SELECT CAST(CAST(:prefix AS text) || lpad(n::text, 12, '0') AS uuid), 'tagged-' || n || '-' || :prefix || '@x.ca',
         'Lead ' || n, 'We need a quote for a new roof before winter.', :client_id::uuid, 'Active', 'en',
         'quote_request', 'Professional', 'Medium', 0.70,
         jsonb_build_array(jsonb_build_object('value', 'Professional', 'timestamp', now())),
         jsonb_build_array(jsonb_build_object('value', 'Medium', 'timestamp', now())),
         jsonb_build_array(jsonb_build_object('value', 0.70, 'timestamp', now())),
         now() - (n % 60) * interval '1 day'
  FROM generate_series(1, :count) AS n
  RETURNING id, client_id
)
INSERT INTO lead_actions (lead_id, client_id, action_type, tag)
SELECT id, client_id, 'insert', 'Active' FROM lead
RETURNING lead_id::text
