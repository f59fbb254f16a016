-- name: clients
-- The clients being run: every non-test client, or the one named, even a test client, so that the
-- caller can refuse it (schema/016).
SELECT client_id, is_test, is_internal FROM avenir_run_clients(CAST(:client_id AS uuid)) ORDER BY client_id

-- name: lock_run_date
SELECT pg_advisory_xact_lock(hashtext('avenir.daily_intelligence'), hashtext(:run_date))

-- name: delete_daily_events
-- models.DAILY_EVENTS, spelled out so that the planner matches the partial index of schema/014.
DELETE FROM growth_brain
WHERE client_id = ANY(:client_ids::uuid[])
  AND event_type IN ('engagement_score', 'urgency_trend', 'tone_distribution', 'conversion_prediction',
                     'pattern_detected', 'outreach_funnel')
  AND learning_snapshot ->> 'run_date' = :run_date

-- name: insert_daily_events
-- One JSON array for all rows: PostgreSQL's JSON parser reads it far faster than array literals.
INSERT INTO growth_brain (client_id, event_type, learning_snapshot, insight_text, confidence)
SELECT (e ->> 'client_id')::uuid, e ->> 'event_type', e -> 'snapshot', e ->> 'insight_text',
       (e ->> 'confidence')::numeric
FROM jsonb_array_elements(CAST(:events AS jsonb)) AS e

-- name: read_snapshot
SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY

-- name: job_settings
-- The job's own statements may run longer than the API's default statement timeout. No nested
-- loops: the planner's row estimates for the aggregated CTEs are guesses (200 rows), and a nested
-- loop over one of them is quadratic (seen: 20 s instead of 0.5 s); every join here is a hash join.
SELECT set_config('statement_timeout', '120s', true), set_config('work_mem', '64MB', true),
       set_config('enable_nestloop', 'off', true)

-- name: client_facts
-- Everything about every client in one pass over its counted leads (created before the window's
-- end), so lead_memory is read once:
--  - the 30- and 7-day window counts (one row per client, plain columns);
--  - `tones`: {lower(tone): leads of the last 30 days};
--  - `model`: [initial urgency, initial tone, leads, standing conversions, open leads] per group;
--  - net conversion actions (conversions - reverts) per 30-day window;
--  - stale follow-ups: tagged Follow-Up, created over 7 days ago, no action in the last 7 days
--    (counted per client apart, so no estimate of theirs can shape the join over all leads).
-- A lead's standing outcome at the window's end is the last of its conversion and reversion events
-- (lead_actions and growth_brain, which record the same events); a reversion at the same instant
-- as a conversion wins. growth_brain's lead_id is compared as text, so a malformed one matches nothing.
WITH 
run_clients AS (
  SELECT client_id FROM avenir_run_clients(CAST(:client_id AS uuid))
),
outcome_events AS (
  SELECT a.lead_id::text AS lead_id, a.timestamp AS at, coalesce(a.conversion_outcome, false) AS converted,
         true AS logged
  FROM lead_actions a
  WHERE (a.conversion_outcome OR a.action_type = 'revert') AND a.timestamp < :end
  UNION ALL
  SELECT g.learning_snapshot ->> 'lead_id', g.created_at, g.event_type = 'conversion', false
  FROM growth_brain g
  WHERE g.event_type IN ('conversion', 'reversion') AND g.created_at < :end
),
outcomes AS (
  SELECT lead_id,
         max(at) FILTER (WHERE converted) AS converted_at,
         max(at) FILTER (WHERE NOT converted) AS reverted_at,
         count(*) FILTER (WHERE logged AND at >= :start_30d AND converted)
           - count(*) FILTER (WHERE logged AND at >= :start_30d AND NOT converted) AS net_30d,
         count(*) FILTER (WHERE logged AND at >= :start_60d AND at < :start_30d AND converted)
           - count(*) FILTER (WHERE logged AND at >= :start_60d AND at < :start_30d AND NOT converted) AS net_prev_30d
  FROM outcome_events
  WHERE lead_id IS NOT NULL
  GROUP BY lead_id
),
stale AS (
  SELECT l.client_id, count(*) AS stale_follow_ups
  FROM lead_memory l JOIN run_clients USING (client_id)
  WHERE l.current_tag = 'Follow-Up' AND NOT coalesce(l.archived, false) AND l.timestamp < :start_7d AND 
  NOT coalesce(l.is_test, false) AND NOT coalesce(l.deleted, false) AND l.spam_status <> 'quarantined'
  AND l.current_tag IS DISTINCT FROM 'Deleted'
  AND l.timestamp < :end

    AND NOT EXISTS (SELECT 1 FROM lead_actions a
                    WHERE a.lead_id = l.id AND a.timestamp >= :start_7d AND a.timestamp < :end)
  GROUP BY l.client_id
),
leads AS MATERIALIZED (
  SELECT l.client_id, l.current_tag, l.urgency, l.confidence_score, lower(nullif(l.tone, '')) AS tone_key,
         coalesce(avenir_initial_value(l.urgency_history, l.urgency), '') AS initial_urgency,
         coalesce(avenir_initial_value(l.tone_history, l.tone), '') AS initial_tone,
         l.current_tag IN ('Active', 'Follow-Up') AND NOT coalesce(l.archived, false) AS open,
         l.timestamp >= :start_30d AS last_30d,
         l.timestamp >= :start_60d AND l.timestamp < :start_30d AS previous_30d,
         l.timestamp >= :start_7d AS last_7d,
         l.timestamp >= :start_14d AND l.timestamp < :start_7d AS previous_7d,
         coalesce(o.converted_at > o.reverted_at OR (o.converted_at IS NOT NULL AND o.reverted_at IS NULL), false)
           AS standing_conversion,
         coalesce(o.net_30d, 0) AS net_30d, coalesce(o.net_prev_30d, 0) AS net_prev_30d
  FROM lead_memory l
  JOIN run_clients USING (client_id)
  LEFT JOIN outcomes o ON o.lead_id = l.id::text
  WHERE 
  NOT coalesce(l.is_test, false) AND NOT coalesce(l.deleted, false) AND l.spam_status <> 'quarantined'
  AND l.current_tag IS DISTINCT FROM 'Deleted'
  AND l.timestamp < :end

),
windows AS (
  SELECT client_id,
    count(*) FILTER (WHERE last_30d) AS leads_30d,
    count(*) FILTER (WHERE last_30d AND current_tag IN ('Active', 'Follow-Up')) AS active_30d,
    count(*) FILTER (WHERE last_30d AND current_tag = 'Converted') AS converted_30d,
    coalesce(sum(confidence_score) FILTER (WHERE last_30d), 0) AS confidence_sum_30d,
    count(confidence_score) FILTER (WHERE last_30d) AS confidence_count_30d,
    count(*) FILTER (WHERE last_30d AND urgency = 'High') AS high_30d,
    count(*) FILTER (WHERE previous_30d) AS leads_prev_30d,
    count(*) FILTER (WHERE previous_30d AND current_tag IN ('Active', 'Follow-Up')) AS active_prev_30d,
    count(*) FILTER (WHERE previous_30d AND current_tag = 'Converted') AS converted_prev_30d,
    coalesce(sum(confidence_score) FILTER (WHERE previous_30d), 0) AS confidence_sum_prev_30d,
    count(confidence_score) FILTER (WHERE previous_30d) AS confidence_count_prev_30d,
    count(*) FILTER (WHERE previous_30d AND urgency = 'High') AS high_prev_30d,
    count(*) FILTER (WHERE last_7d) AS leads_7d,
    count(*) FILTER (WHERE last_7d AND urgency = 'High') AS high_7d,
    count(*) FILTER (WHERE last_7d AND urgency = 'Medium') AS medium_7d,
    count(*) FILTER (WHERE last_7d AND urgency = 'Low') AS low_7d,
    count(*) FILTER (WHERE previous_7d) AS leads_prev_7d,
    count(*) FILTER (WHERE previous_7d AND urgency = 'High') AS high_prev_7d,
    count(*) FILTER (WHERE previous_7d AND urgency = 'Medium') AS medium_prev_7d,
    count(*) FILTER (WHERE previous_7d AND urgency = 'Low') AS low_prev_7d,
    coalesce(sum(net_30d), 0)::int AS conversions_30d,
    coalesce(sum(net_prev_30d), 0)::int AS conversions_prev_30d
  FROM leads
  GROUP BY client_id
),
tones AS (
  SELECT client_id, jsonb_object_agg(tone_key, leads) AS tones
  FROM (SELECT client_id, tone_key, count(*) AS leads FROM leads
        WHERE last_30d AND tone_key IS NOT NULL GROUP BY 1, 2) t
  GROUP BY client_id
),
model AS (
  SELECT client_id, jsonb_agg(jsonb_build_array(initial_urgency, initial_tone, leads, conversions, open_leads))
           AS model
  FROM (SELECT client_id, initial_urgency, initial_tone, count(*) AS leads,
               count(*) FILTER (WHERE standing_conversion) AS conversions, count(*) FILTER (WHERE open) AS open_leads
        FROM leads GROUP BY 1, 2, 3) g
  GROUP BY client_id
)
SELECT w.*, coalesce(s.stale_follow_ups, 0) AS stale_follow_ups, t.tones, m.model
FROM windows w
LEFT JOIN stale s USING (client_id)
LEFT JOIN tones t USING (client_id)
LEFT JOIN model m USING (client_id)

-- name: top_open_leads
-- The top open leads of each client, ranked by the probability the model gave their group
-- (passed in as arrays: only the groups the top leads can come from), then by the lead's own
-- confidence, newest first.
WITH 

run_clients AS (
  SELECT client_id FROM avenir_run_clients(CAST(:client_id AS uuid))
),
counted AS (
  SELECT l.id, l.client_id, l.confidence_score, l.timestamp,
         coalesce(avenir_initial_value(l.urgency_history, l.urgency), '') AS urgency,
         coalesce(avenir_initial_value(l.tone_history, l.tone), '') AS tone,
         l.current_tag IN ('Active', 'Follow-Up') AND NOT coalesce(l.archived, false) AS open
  FROM lead_memory l JOIN run_clients USING (client_id)
  WHERE 
  NOT coalesce(l.is_test, false) AND NOT coalesce(l.deleted, false) AND l.spam_status <> 'quarantined'
  AND l.current_tag IS DISTINCT FROM 'Deleted'
  AND l.timestamp < :end

),
model AS (
  SELECT * FROM unnest(:model_clients::uuid[], :model_urgencies::text[], :model_tones::text[],
                       :model_probabilities::float8[]) AS m(client_id, urgency, tone, probability)
),
ranked AS (
  SELECT c.client_id, c.id, m.probability,
         row_number() OVER (PARTITION BY c.client_id
                            ORDER BY m.probability DESC, c.confidence_score DESC NULLS LAST,
                                     c.timestamp DESC, c.id) AS rank
  FROM counted c
  JOIN model m ON m.client_id = c.client_id AND m.urgency = c.urgency AND m.tone = c.tone
  WHERE c.open AND m.probability > 0
)
SELECT client_id, id AS lead_id, probability FROM ranked WHERE rank <= :top ORDER BY client_id, rank
