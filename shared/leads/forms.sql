-- name: create_form
-- A new form of the client (its language: the one asked, else the client's own).
INSERT INTO lead_forms (client_id, form_key, name, allowed_origins, thank_you_url, min_fill_seconds, language)
SELECT client_id, :form_key, :name, CAST(:allowed_origins AS text[]), :thank_you_url, :min_fill_seconds,
       coalesce(CAST(:language AS text), CASE WHEN language = 'fr' THEN 'fr' ELSE 'en' END)
FROM clients
WHERE client_id = :client_id
RETURNING form_id, form_key, name, allowed_origins, thank_you_url, min_fill_seconds, language, enabled, created_at

-- name: list_forms
-- The client's forms, oldest first, each with today's posts (the client's day, in its time zone) by outcome.
WITH today AS (
  SELECT (date_trunc('day', now() AT TIME ZONE avenir_time_zone(timezone)) AT TIME ZONE avenir_time_zone(timezone))
         AS since
  FROM clients WHERE client_id = :client_id
)
SELECT form.form_id, form.form_key, form.name, form.allowed_origins, form.thank_you_url, form.min_fill_seconds,
       form.language, form.enabled, form.created_at,
       count(post.id) FILTER (WHERE post.outcome = 'accepted') AS accepted_today,
       count(post.id) FILTER (WHERE post.outcome = 'quarantined') AS quarantined_today,
       count(post.id) FILTER (WHERE post.outcome = 'blocked') AS blocked_today
FROM lead_forms AS form
CROSS JOIN today
LEFT JOIN form_posts AS post ON post.form_id = form.form_id AND post.posted_at >= today.since
WHERE form.client_id = :client_id
GROUP BY form.form_id
ORDER BY form.created_at, form.form_id

-- name: change_form
-- The fields given (a NULL parameter keeps the field; thank_you_url and name are cleared by clear_*).
UPDATE lead_forms
SET name = CASE WHEN :clear_name THEN NULL ELSE coalesce(CAST(:name AS text), name) END,
    allowed_origins = coalesce(CAST(:allowed_origins AS text[]), allowed_origins),
    thank_you_url = CASE WHEN :clear_thank_you_url THEN NULL
                         ELSE coalesce(CAST(:thank_you_url AS text), thank_you_url) END,
    min_fill_seconds = coalesce(CAST(:min_fill_seconds AS integer), min_fill_seconds),
    language = coalesce(CAST(:language AS text), language),
    enabled = coalesce(CAST(:enabled AS boolean), enabled)
WHERE form_id = :form_id AND client_id = :client_id
RETURNING form_id, form_key, name, allowed_origins, thank_you_url, min_fill_seconds, language, enabled, created_at

-- name: delete_form
DELETE FROM lead_forms WHERE form_id = :form_id AND client_id = :client_id RETURNING form_id

-- name: find
-- A public post's form by its key (enabled only), with what the intake needs of its client; no
-- client is known yet, so this is the admin path, as the API key lookup is.
SELECT form.form_id, form.form_key, form.allowed_origins, form.thank_you_url, form.min_fill_seconds,
       form.language, client.client_id, client.business_name, coalesce(client.is_test, false) AS is_test,
       coalesce(client.is_internal, false) AS is_internal, coalesce(client.language, 'en') AS client_language
FROM lead_forms AS form
JOIN clients AS client USING (client_id)
WHERE form.form_key = :form_key AND form.enabled

-- name: record_blocked
-- A post its honeypot caught: counted, nothing else stored. The form must still be there and enabled.
INSERT INTO form_posts (form_id, client_id, ip_digest, outcome)
SELECT form_id, client_id, :ip_digest, 'blocked'
FROM lead_forms
WHERE form_id = :form_id AND enabled
RETURNING id

-- name: rate
-- The form's rate limits, read in the intake's first round trip (after its locks, one of them this
-- sender's on this form): the sender's posts to the form in the last 10 minutes and the form's in the
-- last 24 hours, and in how many seconds the oldest of each leaves its window. Blocked posts (the
-- honeypot, another site's page) are not counted: a script sending those must not close the form.
SELECT
  (SELECT count(*) FROM form_posts
   WHERE form_id = :form_id AND ip_digest = :ip_digest AND outcome <> 'blocked'
     AND posted_at > now() - interval '10 minutes') AS sender_posts,
  (SELECT ceil(extract(epoch FROM min(posted_at) + interval '10 minutes' - now())) FROM form_posts
   WHERE form_id = :form_id AND ip_digest = :ip_digest AND outcome <> 'blocked'
     AND posted_at > now() - interval '10 minutes') AS sender_wait_s,
  (SELECT count(*) FROM form_posts
   WHERE form_id = :form_id AND outcome <> 'blocked' AND posted_at > now() - interval '24 hours') AS form_posts,
  (SELECT ceil(extract(epoch FROM min(posted_at) + interval '24 hours' - now())) FROM form_posts
   WHERE form_id = :form_id AND outcome <> 'blocked' AND posted_at > now() - interval '24 hours') AS form_wait_s

-- name: record_post
-- A post stored as a lead, counted with its outcome: the lead's spam status as the write just left it
-- (in the intake's last round trip, after the write).
INSERT INTO form_posts (form_id, client_id, ip_digest, outcome)
SELECT :form_id, :client_id, :ip_digest,
       CASE WHEN spam_status = 'quarantined' THEN 'quarantined' ELSE 'accepted' END
FROM lead_memory
WHERE id = :lead_id
