-- name: lock_lead
-- The lead, locked for the change, scoped to the caller: another client's lead is not found.
SELECT id, name, email, timestamp, coalesce(current_tag, 'Active') AS current_tag,
       avenir_initial_value(urgency_history, urgency) AS initial_urgency,
       avenir_initial_value(tone_history, tone) AS initial_tone
FROM lead_memory
WHERE id = :lead_id AND client_id = :client_id
FOR UPDATE

-- name: conversion_moment
-- A conversion's time and the lead's actions before it, read in the lock's round trip once the
-- lock is held, so that its growth event can travel with the change (record_change, :at) and the
-- COMMIT in one round trip. Every action of a lead is written with the lead's row locked, so the
-- count still holds when the change is written.
SELECT clock_timestamp() AS at,
       (SELECT count(*) FROM lead_actions WHERE lead_id = :lead_id) AS earlier_actions

-- name: record_change
-- One change: the lead's new state and its lead_actions row, stamped with :at (a conversion's,
-- from conversion_moment) or else one clock_timestamp() read after the lock is held (now() would
-- be the transaction's start, which can precede the change that held the lock before us).
-- earlier_actions: the statement's snapshot does not see the row it inserts, so it counts the
-- lead's actions before this one.
WITH lead AS (
  UPDATE lead_memory
  SET current_tag = :tag::text,
      archived = (:tag::text = 'Archived'),
      deleted = (:tag::text = 'Deleted'),
      last_updated = coalesce(:at::timestamptz, clock_timestamp())
  WHERE id = :lead_id
  RETURNING id, client_id, coalesce(is_test, false) AS is_test, last_updated
)
INSERT INTO lead_actions (lead_id, client_id, action_type, tag, conversion_outcome, reversion_reason,
                          is_test, timestamp)
SELECT id, client_id, :action_type::text, :tag::text, :tag::text = 'Converted', :reason::text,
       is_test, last_updated
FROM lead
RETURNING id, timestamp, (SELECT count(*) FROM lead_actions WHERE lead_id = :lead_id) AS earlier_actions

-- name: live_lead_with_email
-- Another live lead of the client with this email (case-insensitive, as intake dedupes), read
-- once the email's intake lock is held, so no intake can create one while we look.
SELECT id
FROM lead_memory
WHERE client_id = :client_id AND (email COLLATE avenir_case_insensitive) = :email
  AND lower(email) = lower(:email) AND deleted IS NOT TRUE AND id <> :lead_id
LIMIT 1
