-- name: explain_reference
-- The baseline: the Dashboard Fetch Active Leads query of the schema reference as written (unpaged).
EXPLAIN (ANALYZE, FORMAT JSON)
SELECT DISTINCT ON (lm.id) lm.*, la.action_type, la.timestamp AS action_at
FROM lead_memory lm
LEFT JOIN lead_actions la ON la.lead_id = lm.id
WHERE lm.client_id = :client_id AND lm.current_tag = 'Active' AND lm.is_test = false
ORDER BY lm.id, la.timestamp DESC
