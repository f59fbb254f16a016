-- name: lock_probes
-- Taken first by every probe request: two at once take turns, so neither passes the daily cap nor
-- probes one prospect twice.
SELECT pg_advisory_xact_lock(:key)

-- name: probe_context
-- The prospect to probe, the internal client who signs the probe, how many probes were created
-- since midnight UTC and whether this prospect was probed in the last 90 days (skipped ones aside:
-- they sent nothing).
SELECT p.id, p.business_name, p.industry, p.language, p.form_kind, p.form, p.form_url, p.opted_out_at,
       client.business_name AS sender_business, coalesce(client.contact_name, client.name) AS sender_person,
       (SELECT count(*) FROM prospect_probes
        WHERE status <> 'skipped'
          AND created_at >= date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC') AS probes_today,
       (SELECT max(created_at) FROM prospect_probes AS earlier
        WHERE earlier.prospect_id = p.id AND earlier.status <> 'skipped'
          AND earlier.created_at > now() - interval '90 days') AS probed_at
FROM prospect_candidates AS p
LEFT JOIN clients AS client ON client.client_id = :client_id
WHERE p.id = :prospect_id

-- name: insert_probe
INSERT INTO prospect_probes (id, prospect_id, token, status, form_url, form_action, fields, language,
                             asked_name, asked_service, error)
VALUES (:id, :prospect_id, :token, :status, :form_url, :form_action, :fields::jsonb, :language,
        :asked_name, :asked_service, :error)

-- name: claim_submission
-- The oldest queued probe, marked submitted (its submitted_at is set again to the moment the form
-- was posted). SKIP LOCKED: two workers never post one form twice.
UPDATE prospect_probes
SET status = 'submitted', submitted_at = clock_timestamp()
WHERE id = (SELECT id FROM prospect_probes WHERE status = 'queued' ORDER BY created_at, id LIMIT 1
            FOR UPDATE SKIP LOCKED)
RETURNING id, form_action, fields

-- name: record_submission
UPDATE prospect_probes
SET status = :status, submitted_at = :submitted_at, submit_status = :submit_status, error = :error
WHERE id = :probe_id

-- name: due_for_judgement
-- Submitted probes whose window has passed, locked for this worker, with the answers they got (first
-- first; bounces aside: they answer nothing).
SELECT probe.id, probe.prospect_id, probe.submitted_at, probe.asked_name, probe.asked_service,
       coalesce((SELECT json_agg(json_build_object('kind', m.kind, 'received_at', m.received_at,
                                                   'subject', m.subject, 'excerpt', m.excerpt)
                                 ORDER BY m.received_at, m.id)
                 FROM probe_messages AS m WHERE m.probe_id = probe.id AND m.kind <> 'bounce'), '[]') AS answers
FROM prospect_probes AS probe
WHERE probe.status = 'submitted'
  AND probe.submitted_at < clock_timestamp() - make_interval(secs => :window_s)
ORDER BY probe.submitted_at
LIMIT 50
FOR UPDATE SKIP LOCKED

-- name: close_probe
UPDATE prospect_probes
SET status = 'closed', closed_at = clock_timestamp(), first_reply_at = :first_reply_at,
    response_time_ms = :response_time_ms, has_autoresponder = :has_autoresponder,
    is_personalized = :is_personalized, is_generic = :is_generic, reply_excerpt = :reply_excerpt
WHERE id = :probe_id

-- name: find_by_token
SELECT probe.id AS probe_id, probe.prospect_id, probe.language, p.business_name, p.opted_out_at
FROM prospect_probes AS probe
JOIN prospect_candidates AS p ON p.id = probe.prospect_id
WHERE probe.token = :token

-- name: opt_out
-- The prospect asked never to be probed or contacted again: its queued probes are dropped and its
-- crawl unqueued. Repeating it changes nothing.
WITH probe AS (SELECT prospect_id FROM prospect_probes WHERE token = :token),
     prospect AS (
       UPDATE prospect_candidates AS p
       SET opted_out_at = coalesce(p.opted_out_at, statement_timestamp()),
           crawl_status = CASE WHEN p.crawl_status = 'queued' THEN NULL ELSE p.crawl_status END
       FROM probe WHERE p.id = probe.prospect_id
       RETURNING p.id, p.business_name),
     dropped AS (
       UPDATE prospect_probes AS q SET status = 'skipped', error = 'the prospect opted out'
       FROM prospect WHERE q.prospect_id = prospect.id AND q.status = 'queued')
SELECT prospect.business_name, (SELECT language FROM prospect_probes WHERE token = :token) AS language
FROM prospect

-- name: probes_of
SELECT id AS probe_id, status, submitted_at, first_reply_at, response_time_ms, has_autoresponder,
       is_personalized, is_generic, reply_excerpt, form_url, created_at, error
FROM prospect_probes
WHERE prospect_id = :prospect_id
ORDER BY created_at DESC, id

-- name: prospect
SELECT id, business_name, website, contact_email, form_url, industry, region, language, response_score,
       automation_need_score, contacted, last_tested, created_at, form_kind, contact_email_source_url,
       crawl_status, crawled_at, crawl_pages, test_source, has_autoresponder, response_time_ms,
       is_personalized, is_generic, opted_out_at
FROM prospect_candidates
WHERE id = :prospect_id
