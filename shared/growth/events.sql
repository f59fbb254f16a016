-- name: client_conversion_record
-- A conversion tagged by hand is undone (reverted) now and then; this client's record so far.
SELECT count(*) FILTER (WHERE conversion_outcome) AS conversions,
       count(*) FILTER (WHERE action_type = 'revert') AS reversions
FROM lead_actions
WHERE client_id = :client_id AND (conversion_outcome OR action_type = 'revert')

-- name: insert_event
INSERT INTO growth_brain (client_id, event_type, learning_snapshot, insight_text, confidence, created_at)
VALUES (:client_id, :event_type, :snapshot::jsonb, :insight_text, :confidence, :created_at)
RETURNING id

-- name: insert_reversion
INSERT INTO growth_brain (client_id, event_type, learning_snapshot, insight_text, confidence, created_at)
SELECT :client_id, 'reversion', :snapshot::jsonb, :insight_text, 1, last_updated
FROM lead_memory
WHERE id = :lead_id
RETURNING id
