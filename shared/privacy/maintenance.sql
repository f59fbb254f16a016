-- name: clients
-- Every client, in a fixed order, for the archive rule one client at a time.
SELECT client_id FROM clients ORDER BY client_id

-- name: archive_old_leads
-- The reference's "Archive Old Leads", every client at once, with what its SQL forgets: one `archive`
-- action per archived lead, in the same statement. A lead is archived when its timestamp is over a
-- year before :now, its tag is Active, and no action touched it in the year before :now. A second
-- run finds nothing (the leads are Archived now). At most :batch leads a statement, the next after
-- :after in id order (each batch its own transaction: statement time and locks stay bounded however
-- many leads one night archives); the ids archived come back. The NOT EXISTS probes
-- idx_lead_actions_lead_timeline (lead_id, timestamp). Archiving a lead cancels its queued replies
-- (the trigger of schema/012).
WITH candidates AS (
  SELECT l.id
  FROM lead_memory AS l
  WHERE l.id > :after
    AND l.current_tag = 'Active'
    AND l.timestamp < CAST(:now AS timestamptz) - interval '1 year'
    AND NOT EXISTS (
      SELECT 1 FROM lead_actions AS a
      WHERE a.lead_id = l.id AND a.timestamp > CAST(:now AS timestamptz) - interval '1 year'
    )
  ORDER BY l.id
  LIMIT :batch
  FOR UPDATE SKIP LOCKED
),
archived AS (
  UPDATE lead_memory AS l
  SET archived = true, current_tag = 'Archived', last_updated = :now
  FROM candidates AS c
  WHERE l.id = c.id
  RETURNING l.id, l.client_id, l.is_test
)
INSERT INTO lead_actions (lead_id, client_id, action_type, tag, is_test, timestamp)
SELECT id, client_id, 'archive', 'Archived', coalesce(is_test, false), :now
FROM archived
RETURNING lead_id

-- name: archive_client_old_leads
-- The same rule for one client, in that client's transaction: what runs when the statement above
-- failed, so that the client at fault fails alone. Found through idx_lead_memory_inbox_tag
-- (client_id, current_tag, timestamp).
WITH candidates AS (
  SELECT l.id
  FROM lead_memory AS l
  WHERE l.client_id = :client_id
    AND l.id > :after
    AND l.current_tag = 'Active'
    AND l.timestamp < CAST(:now AS timestamptz) - interval '1 year'
    AND NOT EXISTS (
      SELECT 1 FROM lead_actions AS a
      WHERE a.lead_id = l.id AND a.timestamp > CAST(:now AS timestamptz) - interval '1 year'
    )
  ORDER BY l.id
  LIMIT :batch
  FOR UPDATE SKIP LOCKED
),
archived AS (
  UPDATE lead_memory AS l
  SET archived = true, current_tag = 'Archived', last_updated = :now
  FROM candidates AS c
  WHERE l.id = c.id
  RETURNING l.id, l.client_id, l.is_test
)
INSERT INTO lead_actions (lead_id, client_id, action_type, tag, is_test, timestamp)
SELECT id, client_id, 'archive', 'Archived', coalesce(is_test, false), :now
FROM archived
RETURNING lead_id

-- name: purge_idempotency_keys
-- First responses are replayed for 24 hours (shared/idempotency.py); after that they are dead weight
-- that names leads. Deliveries purge a few of their own client's as they go; this takes the rest.
DELETE FROM idempotency_keys WHERE created_at <= CAST(:now AS timestamptz) - interval '24 hours'

-- name: purge_sessions
DELETE FROM owner_sessions WHERE expires_at <= :now

-- name: purge_login_failures
-- The sign-in lock looks back 15 minutes; a failed attempt is kept a day so that an operator can
-- still see an attack the morning after, then it goes.
DELETE FROM login_failures WHERE failed_at <= CAST(:now AS timestamptz) - interval '1 day'

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
