-- name: reference_archive
-- The baseline: the Archive Old Leads statement of the schema reference as written, now() as the run time.
UPDATE lead_memory
SET archived = true, current_tag = 'Archived'
WHERE timestamp < CAST(:now AS timestamptz) - INTERVAL '1 year'
  AND current_tag = 'Active'
  AND NOT EXISTS (
    SELECT 1 FROM lead_actions
    WHERE lead_id = lead_memory.id
      AND timestamp > CAST(:now AS timestamptz) - INTERVAL '1 year'
  )

-- name: expiring_keys
-- A stored first response per lead, one in two expired.
INSERT INTO idempotency_keys (client_id, route, idempotency_key, request_hash, response_status, response_body,
                              created_at)
SELECT client_id, 'POST /api/lead', 'bench-' || id, repeat('a', 64), 201,
       json_build_object('lead_id', id), CAST(:now AS timestamptz) - (row_number() OVER () % 2) * interval '2 days'
FROM lead_memory

-- name: expiring_sessions
-- A session per client, one in two expired.
INSERT INTO owner_sessions (token_digest, client_id, created_at, expires_at)
SELECT 'bench-' || client_id, client_id, CAST(:now AS timestamptz) - interval '1 day',
       CAST(:now AS timestamptz) + (CASE WHEN row_number() OVER () % 2 = 0 THEN 1 ELSE -1 END) * interval '1 hour'
FROM clients
