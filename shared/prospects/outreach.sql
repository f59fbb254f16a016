-- Prospect outreach (shared/prospects/outreach.py). The outbox is lead_replies (schema/012, 014).

-- name: lock_batches
-- Taken first by every batch: two batches at once take turns, so the second sees the first's
-- prospects contacted and its emails counted against the daily cap.
SELECT pg_advisory_xact_lock(:key)

-- name: sender
-- The internal client (who signs, gives its mailing address, and keeps the unsubscribe list), and
-- how many outreach emails were queued since midnight UTC.
SELECT client.business_name, client.email, client.mailing_address, client.smtp_host, client.outbound_email,
       (SELECT count(*)
        FROM lead_replies
        WHERE outreach_id IS NOT NULL
          AND created_at >= date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC') AS queued_today
FROM clients AS client
WHERE client.client_id = :client_id

-- name: candidates
-- The neediest prospects to write to: a contact email, not contacted, not opted out of the probe
-- (/p/{token}), not unsubscribed from the
-- internal client, and no earlier outreach to the same address (two prospects may share one:
-- only the neediest of them is written to, once). Neediest first, then by name.
SELECT id, business_name, contact_email, industry, region, language, response_score, automation_need_score,
       has_autoresponder, response_time_ms, is_personalized, is_generic, test_source,
       (SELECT token FROM prospect_probes AS probe WHERE probe.prospect_id = neediest_per_address.id
        ORDER BY probe.created_at DESC LIMIT 1) AS probe_token
FROM (
  SELECT DISTINCT ON (prospect_email_key(p.contact_email)) p.*
  FROM prospect_candidates AS p
  WHERE prospect_email_key(p.contact_email) IS NOT NULL
    AND NOT coalesce(p.contacted, false)
    AND p.opted_out_at IS NULL
    AND p.automation_need_score >= CAST(:min_score AS numeric)
    AND NOT EXISTS (SELECT 1 FROM unsubscribes AS u
                    WHERE u.client_id = CAST(:client_id AS uuid)
                      AND u.email_digest = avenir_email_digest(btrim(p.contact_email)))
    AND NOT EXISTS (SELECT 1 FROM prospect_outreach_log AS o
                    JOIN prospect_candidates AS earlier ON earlier.id = o.prospect_id
                    WHERE prospect_email_key(earlier.contact_email) = prospect_email_key(p.contact_email))
  ORDER BY prospect_email_key(p.contact_email), p.automation_need_score DESC, p.business_name, p.id
) AS neediest_per_address
ORDER BY automation_need_score DESC, business_name, id
LIMIT :limit

-- name: queue
-- The batch in one statement: each email logged (status sent, sent_at NULL until the mail server
-- accepts it), queued on the outbox due now with its words and Message-ID fixed, and its prospect
-- contacted. The rows arrive as one JSON array.
WITH batch AS (
  SELECT *
  FROM json_to_recordset(CAST(:batch AS json))
       AS t(outreach_id uuid, prospect_id uuid, to_email text, language text, subject text, body_text text,
            body_html text, message_id text, open_token_digest text)
),
logged AS (
  INSERT INTO prospect_outreach_log (id, prospect_id, email_subject, email_body, status, sent_at, open_token_digest)
  SELECT outreach_id, prospect_id, subject, body_text, 'sent', NULL, open_token_digest
  FROM batch
),
queued AS (
  INSERT INTO lead_replies (client_id, outreach_id, to_email, language, status, due_at, provider_message_id,
                            subject, body_text, body_html)
  SELECT CAST(:client_id AS uuid), outreach_id, to_email, language, 'queued', now(), message_id,
         subject, body_text, body_html
  FROM batch
)
UPDATE prospect_candidates AS p
SET contacted = true
FROM batch
WHERE p.id = batch.prospect_id

-- name: opened
-- The open pixel: the first fetch of a sent email's pixel marks it opened; any later fetch, or one
-- of an email already replied or ignored, changes nothing.
UPDATE prospect_outreach_log
SET status = 'opened', opened_at = now()
WHERE open_token_digest = :token_digest AND status = 'sent' AND sent_at IS NOT NULL

-- name: replied
-- A reply came: from sent, opened or ignored (a late answer still counts) to replied; repeating it
-- keeps the first replied_at. An email not sent yet stays as it is (the caller answers 409).
UPDATE prospect_outreach_log
SET status = 'replied', replied_at = now()
WHERE id = :outreach_id AND sent_at IS NOT NULL AND status IN ('sent', 'opened', 'ignored')

-- name: mark_ignored
-- The nightly rule: an email sent or opened over 14 days before :now and never answered is ignored.
UPDATE prospect_outreach_log
SET status = 'ignored'
WHERE status IN ('sent', 'opened')
  AND replied_at IS NULL
  AND sent_at < CAST(:now AS timestamptz) - interval '14 days'

-- name: list
-- GET /api/outreach: the rows (newest first, those still queued before) with their prospect and
-- the outbox's delivery state, filtered by status, industry and region (case-insensitive), or the one
-- :outreach_id names. Its status is the log's once the mail server took it (sent_at set, as the
-- funnel counts it); before that `queued` while the outbox holds it, `not_sent` once the outbox gave
-- up on it (failed or skipped).
SELECT *
FROM (
  SELECT log.id AS outreach_id, log.prospect_id, prospect.business_name, prospect.contact_email, prospect.industry,
         prospect.region, prospect.language, log.email_subject, log.email_body,
         CASE WHEN log.sent_at IS NOT NULL THEN log.status
              WHEN outbox.status IN ('failed', 'skipped') THEN 'not_sent'
              ELSE 'queued' END AS status,
         log.sent_at, log.opened_at, log.replied_at, outbox.status AS delivery, outbox.last_error AS delivery_error
  FROM prospect_outreach_log AS log
  JOIN prospect_candidates AS prospect ON prospect.id = log.prospect_id
  LEFT JOIN lead_replies AS outbox ON outbox.outreach_id = log.id
) AS row
WHERE (CAST(:outreach_id AS uuid) IS NULL OR row.outreach_id = CAST(:outreach_id AS uuid))
  AND (CAST(:status AS text) IS NULL OR row.status = CAST(:status AS text))
  AND (CAST(:industry AS text) IS NULL OR lower(row.industry) = lower(CAST(:industry AS text)))
  AND (CAST(:region AS text) IS NULL OR lower(row.region) = lower(CAST(:region AS text)))
ORDER BY row.sent_at DESC NULLS FIRST, row.outreach_id
LIMIT :limit

-- name: funnel
-- The funnel of the emails sent (sent_at set) matching industry and region, whatever their status:
-- sent = all of them; opened = opened or replied (a reply proves the email was read, even with its
-- pixel blocked); replied; ignored.
SELECT count(*) AS sent,
       count(*) FILTER (WHERE log.opened_at IS NOT NULL OR log.replied_at IS NOT NULL) AS opened,
       count(*) FILTER (WHERE log.status = 'replied') AS replied,
       count(*) FILTER (WHERE log.status = 'ignored') AS ignored
FROM prospect_outreach_log AS log
JOIN prospect_candidates AS prospect ON prospect.id = log.prospect_id
WHERE log.sent_at IS NOT NULL
  AND (CAST(:industry AS text) IS NULL OR lower(prospect.industry) = lower(CAST(:industry AS text)))
  AND (CAST(:region AS text) IS NULL OR lower(prospect.region) = lower(CAST(:region AS text)))

-- name: funnel_by_segment
-- The nightly "what kind of prospect answers": the same funnel per industry and per region (a
-- missing one is grouped as NULL), of the emails sent before :end.
SELECT CASE WHEN GROUPING(prospect.industry) = 0 THEN 'industry' ELSE 'region' END AS dimension,
       CASE WHEN GROUPING(prospect.industry) = 0 THEN prospect.industry ELSE prospect.region END AS segment,
       count(*) AS sent,
       count(*) FILTER (WHERE log.opened_at IS NOT NULL OR log.replied_at IS NOT NULL) AS opened,
       count(*) FILTER (WHERE log.status = 'replied') AS replied,
       count(*) FILTER (WHERE log.status = 'ignored') AS ignored
FROM prospect_outreach_log AS log
JOIN prospect_candidates AS prospect ON prospect.id = log.prospect_id
WHERE log.sent_at IS NOT NULL AND log.sent_at < CAST(:end AS timestamptz)
GROUP BY GROUPING SETS ((prospect.industry), (prospect.region))
ORDER BY dimension, sent DESC, segment

-- name: erase_contact
-- An erasure on request by the internal client (shared/privacy/erasure.py): every prospect whose
-- contact email is this address (any letter case), their outreach log rows, and the outreach emails
-- queued or sent to it in the outbox (also those of a prospect whose contact email has changed
-- since), deleted. What is left is the address's digest in the internal client's unsubscribes, so
-- that the same address scored again is never written to again (the candidates rule reads it).
-- Taken in turns with the outreach batches (lock_batches first), so none is queueing it meanwhile.
WITH prospects AS (
  DELETE FROM prospect_candidates
  WHERE prospect_email_key(contact_email) = prospect_email_key(:email)
  RETURNING id
),
outbox AS (
  DELETE FROM lead_replies
  WHERE client_id = :client_id AND outreach_id IS NOT NULL
    AND (lower(btrim(to_email)) = lower(btrim(:email))
         OR outreach_id IN (SELECT id FROM prospect_outreach_log WHERE prospect_id IN (SELECT id FROM prospects)))
  RETURNING outreach_id
),
logged AS (
  DELETE FROM prospect_outreach_log
  WHERE prospect_id IN (SELECT id FROM prospects) OR id IN (SELECT outreach_id FROM outbox)
  RETURNING id
),
suppressed AS (
  INSERT INTO unsubscribes (client_id, email_digest)
  SELECT :client_id, avenir_email_digest(btrim(:email))
  WHERE EXISTS (SELECT 1 FROM prospects) OR EXISTS (SELECT 1 FROM outbox)
  ON CONFLICT (client_id, email_digest) DO NOTHING
  RETURNING 1
)
SELECT (SELECT count(*) FROM prospects) AS prospects, (SELECT count(*) FROM logged) AS outreach,
       (SELECT count(*) FROM outbox) AS outbox, (SELECT count(*) FROM suppressed) AS suppressed
