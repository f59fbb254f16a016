-- name: stale_leads
-- The reference's "Archive Old Leads" rule, read once for every client: leads whose timestamp is
-- over a year before :now, tagged Active, that no action touched in the year before :now. One pass
-- (the NOT EXISTS probes idx_lead_actions_lead_timeline); archive_leads then takes them in batches.
SELECT l.client_id, l.id
FROM lead_memory AS l
WHERE l.current_tag = 'Active'
  AND l.timestamp < CAST(:now AS timestamptz) - interval '1 year'
  AND NOT EXISTS (
    SELECT 1 FROM lead_actions AS a
    WHERE a.lead_id = l.id AND a.timestamp > CAST(:now AS timestamptz) - interval '1 year'
  )
ORDER BY l.client_id, l.id

-- name: archive_leads
-- A batch of those leads archived the reference's way (`archived` true, tag Archived), with what
-- its SQL forgets: one `archive` action per lead, in the same statement. The rule is checked again
-- row by row (a lead tagged or updated since it was read is left alone), so a batch archived twice
-- archives nothing the second time. Runs on the admin path, or under one client's row level
-- security when clients are taken one at a time. Archiving cancels the lead's queued replies (the
-- trigger of schema/012). Returns the ids archived.
WITH archived AS (
  UPDATE lead_memory AS l
  SET archived = true, current_tag = 'Archived', last_updated = :now
  WHERE l.id = ANY (CAST(:ids AS uuid[]))
    AND l.current_tag = 'Active'
    AND l.timestamp < CAST(:now AS timestamptz) - interval '1 year'
    AND NOT EXISTS (
      SELECT 1 FROM lead_actions AS a
      WHERE a.lead_id = l.id AND a.timestamp > CAST(:now AS timestamptz) - interval '1 year'
    )
  RETURNING l.id, l.client_id, l.is_test
)
INSERT INTO lead_actions (lead_id, client_id, action_type, tag, is_test, timestamp)
SELECT id, client_id, 'archive', 'Archived', coalesce(is_test, false), :now
FROM archived
RETURNING lead_id

-- name: purge_idempotency_keys
-- First responses are replayed for 24 hours (shared/platform/idempotency.py); after that they are dead weight
-- that names leads. Deliveries purge a few of their own client's as they go; this takes the rest.
WITH gone AS (
  DELETE FROM idempotency_keys WHERE created_at <= CAST(:now AS timestamptz) - interval '24 hours' RETURNING 1
)
SELECT count(*) AS deleted FROM gone

-- name: purge_sessions
WITH gone AS (DELETE FROM owner_sessions WHERE expires_at <= :now RETURNING 1)
SELECT count(*) AS deleted FROM gone

-- name: purge_login_failures
-- The sign-in lock looks back 15 minutes; a failed attempt is kept a day so that an operator can
-- still see an attack the morning after, then it goes.
WITH gone AS (
  DELETE FROM login_failures WHERE failed_at <= CAST(:now AS timestamptz) - interval '1 day' RETURNING 1
)
SELECT count(*) AS deleted FROM gone

-- name: purge_form_posts
-- A public form's posts (each with its sender's IP digest) serve the rate limits (a day at most) and
-- today's stats; after 48 hours they go (the contract: IP digests are kept 48 hours).
WITH gone AS (
  DELETE FROM form_posts WHERE posted_at <= CAST(:now AS timestamptz) - interval '48 hours' RETURNING 1
)
SELECT count(*) AS deleted FROM gone

-- name: test_data_counts
-- What "Cleanup Test Data" would delete: the test clients and, through the cascades, their data.
SELECT (SELECT count(*) FROM clients WHERE is_test) AS clients,
       (SELECT count(*) FROM lead_memory WHERE client_id IN (SELECT client_id FROM clients WHERE is_test)) AS leads,
       (SELECT count(*) FROM lead_messages WHERE client_id IN (SELECT client_id FROM clients WHERE is_test))
         AS messages,
       (SELECT count(*) FROM lead_actions WHERE client_id IN (SELECT client_id FROM clients WHERE is_test))
         AS actions,
       (SELECT count(*) FROM lead_replies WHERE client_id IN (SELECT client_id FROM clients WHERE is_test))
         AS replies,
       (SELECT count(*) FROM growth_brain WHERE client_id IN (SELECT client_id FROM clients WHERE is_test))
         AS growth_events

-- name: delete_test_clients
-- The reference's statement; the foreign keys cascade to every table that holds a client's data.
DELETE FROM clients WHERE is_test = true
