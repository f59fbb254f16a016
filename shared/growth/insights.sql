-- name: insights
-- The run date asked for, else the client's latest (idx_growth_brain_daily_run); that date's rows,
-- plus the conversions and reversions of the 30 days before its end. The event types are
-- models.CLIENT_DAILY_EVENTS and LEAD_EVENTS (shared/growth/intelligence/models.py), spelled out.
WITH run AS (
  SELECT coalesce(CAST(:run_date AS date),
                  (SELECT max(learning_snapshot ->> 'run_date') FROM growth_brain
                   WHERE client_id = :client_id
                     AND event_type IN ('engagement_score', 'urgency_trend', 'tone_distribution',
                                        'conversion_prediction', 'pattern_detected'))::date) AS run_date
)
SELECT run.run_date, g.event_type, g.insight_text, g.confidence, g.learning_snapshot, g.created_at
FROM run
LEFT JOIN growth_brain AS g
  ON g.client_id = :client_id
 AND (CAST(:event_type AS text) IS NULL OR g.event_type = CAST(:event_type AS text))
 AND ((g.event_type IN ('engagement_score', 'urgency_trend', 'tone_distribution', 'conversion_prediction',
                        'pattern_detected')
       AND g.learning_snapshot ->> 'run_date' = to_char(run.run_date, 'YYYY-MM-DD'))
   OR (g.event_type IN ('conversion', 'reversion')
       AND g.created_at >= run.run_date - 29 AND g.created_at < run.run_date + 1))
ORDER BY g.created_at, g.id

-- name: analytics
-- The period's leads (test and deleted excluded), by the client's own days (clients.timezone).
-- A conversion is a lead of the period now tagged Converted; its value, the conversion_value of its
-- latest conversion event.
-- First response (minutes), per lead of the period: from its first message (lead_messages, else the
-- lead's timestamp) to the first of its first reply sent and the owner's first action on it (a tag,
-- a revert, a delete); a response before the message (an import) counts as 0. The median and p90
-- are over the leads that got a response; within_5 is the leads answered within 5 minutes over all
-- the period's leads (an unanswered lead was not answered in time).
-- Bounce rate: the client's permanent bounces of the period (SES, and SMTP 5xx to RCPT TO) over
-- its emails that reached a mail server in the period (sent, or refused at RCPT TO).
WITH period AS (
  SELECT timezone, (now() AT TIME ZONE timezone)::date - (:days - 1) AS first_day,
         (now() AT TIME ZONE timezone)::date AS last_day
  FROM clients WHERE client_id = :client_id
),
leads AS (
  SELECT l.id, (l.timestamp AT TIME ZONE period.timezone)::date AS day, coalesce(l.current_tag, 'Active') AS tag,
         l.urgency, l.intent, l.timestamp
  FROM lead_memory AS l, period
  WHERE l.client_id = :client_id AND l.is_test IS NOT TRUE AND l.deleted IS NOT TRUE
    AND l.current_tag IS DISTINCT FROM 'Deleted'
    AND l.timestamp >= (period.first_day::timestamp AT TIME ZONE period.timezone)
    AND l.timestamp < ((period.last_day + 1)::timestamp AT TIME ZONE period.timezone)
),
conversion_values AS (
  SELECT DISTINCT ON (g.learning_snapshot ->> 'lead_id') (g.learning_snapshot ->> 'lead_id')::uuid AS lead_id,
         coalesce((g.learning_snapshot ->> 'conversion_value')::numeric, 0) AS value
  FROM growth_brain AS g
  WHERE g.client_id = :client_id AND g.event_type = 'conversion'
    AND g.learning_snapshot ->> 'lead_id' IN (SELECT id::text FROM leads WHERE tag = 'Converted')
  ORDER BY g.learning_snapshot ->> 'lead_id', g.created_at DESC
),
first_responses AS (
  SELECT greatest(0, extract(epoch FROM least(reply.sent_at, action.at) - coalesce(message.at, leads.timestamp)) / 60)
           AS minutes
  FROM leads
  CROSS JOIN LATERAL (SELECT min(received_at) AS at FROM lead_messages WHERE lead_id = leads.id) AS message
  CROSS JOIN LATERAL (SELECT min(sent_at) AS sent_at FROM lead_replies
                      WHERE lead_id = leads.id AND kind = 'reply' AND status = 'sent') AS reply
  CROSS JOIN LATERAL (SELECT min(timestamp) AS at FROM lead_actions
                      WHERE lead_id = leads.id AND action_type IN ('tag', 'revert', 'delete')) AS action
  WHERE coalesce(reply.sent_at, action.at) IS NOT NULL
),
period_start AS (
  SELECT (first_day::timestamp AT TIME ZONE timezone) AS at FROM period
),
mail AS (
  SELECT (SELECT count(*) FROM lead_replies
          WHERE client_id = :client_id AND channel = 'email' AND sent_at >= period_start.at) AS sent,
         bounces.refused, bounces.bounced
  FROM period_start,
       LATERAL (SELECT count(*) FILTER (WHERE source = 'smtp') AS refused, count(*) AS bounced FROM mail_events
                WHERE client_id = :client_id AND kind = 'bounce' AND occurred_at >= period_start.at) AS bounces
)
SELECT period.first_day, period.last_day,
       (SELECT coalesce(json_agg(json_build_object('date', d.day::date, 'count',
                                 (SELECT count(*) FROM leads WHERE leads.day = d.day::date)) ORDER BY d.day), '[]')
        FROM generate_series(period.first_day, period.last_day, interval '1 day') AS d(day)) AS leads_per_day,
       (SELECT coalesce(json_object_agg(tag, n), '{}') FROM (SELECT tag, count(*) AS n FROM leads GROUP BY tag) t)
         AS by_tag,
       (SELECT coalesce(json_object_agg(urgency, n), '{}')
        FROM (SELECT urgency, count(*) AS n FROM leads WHERE urgency IS NOT NULL GROUP BY urgency) u) AS by_urgency,
       (SELECT coalesce(json_object_agg(intent, n), '{}')
        FROM (SELECT intent, count(*) AS n FROM leads WHERE intent IS NOT NULL GROUP BY intent) i) AS by_intent,
       (SELECT count(*) FROM leads) AS total,
       (SELECT count(*) FROM leads WHERE tag = 'Converted') AS converted,
       (SELECT coalesce(sum(value), 0) FROM conversion_values) AS converted_value,
       (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY minutes) FROM first_responses) AS median_minutes,
       (SELECT percentile_cont(0.9) WITHIN GROUP (ORDER BY minutes) FROM first_responses) AS p90_minutes,
       (SELECT count(*) FROM first_responses WHERE minutes <= 5) AS within_5,
       mail.sent + mail.refused AS mail_reached, mail.bounced
FROM period, mail
