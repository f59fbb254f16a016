-- name: lock_batches
-- Taken first in every batch's transaction: two batches at once take turns, so the second one
-- sees the rows the first inserted and never duplicates them. Batches are rare (admin only).
SELECT pg_advisory_xact_lock(:key)

-- name: match_stored
-- The stored prospects any incoming key points at, oldest first (the oldest wins a tie). The
-- keys arrive as JSON arrays: one parameter each, whatever the batch size.
SELECT id, prospect_website_host(website) AS host, prospect_email_key(contact_email) AS email
FROM prospect_candidates
WHERE prospect_website_host(website) = ANY(ARRAY(SELECT json_array_elements_text(:hosts::json)))
   OR prospect_email_key(contact_email) = ANY(ARRAY(SELECT json_array_elements_text(:emails::json)))
ORDER BY created_at, id

-- name: insert_prospects
-- The rows arrive as one JSON array of objects (json.dumps is far cheaper than the driver's
-- per-element array escaping, and the statement is the same whatever the batch size).
INSERT INTO prospect_candidates (id, business_name, website, contact_email, form_url, industry, region,
                                 language, response_score, automation_need_score, has_autoresponder,
                                 response_time_ms, is_personalized, is_generic, test_source, last_tested, created_at)
SELECT id, business_name, website, contact_email, form_url, industry, region, coalesce(language, 'en'),
       response_score, automation_need_score, has_autoresponder, response_time_ms, is_personalized, is_generic,
       'supplied', statement_timestamp(), statement_timestamp()
FROM json_to_recordset(:prospects::json)
  AS t(id uuid, business_name text, website text, contact_email text, form_url text, industry text,
       region text, language text, response_score numeric, automation_need_score numeric,
       has_autoresponder boolean, response_time_ms integer, is_personalized boolean, is_generic boolean)

-- name: update_prospects
-- A re-score refreshes the scores, what the test measured (the outreach email quotes it), last_tested
-- (a caller's: test_source 'supplied') and the descriptive fields the batch gave (null: not given, kept); contacted and created_at are
-- never touched.
UPDATE prospect_candidates AS p
SET business_name = t.business_name,
    website = coalesce(t.website, p.website),
    contact_email = coalesce(t.contact_email, p.contact_email),
    form_url = coalesce(t.form_url, p.form_url),
    industry = coalesce(t.industry, p.industry),
    region = coalesce(t.region, p.region),
    language = coalesce(t.language, p.language),
    response_score = t.response_score,
    automation_need_score = t.automation_need_score,
    has_autoresponder = t.has_autoresponder,
    response_time_ms = t.response_time_ms,
    is_personalized = t.is_personalized,
    is_generic = t.is_generic,
    test_source = 'supplied',
    last_tested = statement_timestamp()
FROM json_to_recordset(:prospects::json)
  AS t(id uuid, business_name text, website text, contact_email text, form_url text, industry text,
       region text, language text, response_score numeric, automation_need_score numeric,
       has_autoresponder boolean, response_time_ms integer, is_personalized boolean, is_generic boolean)
WHERE p.id = t.id

-- name: list_high_priority
-- Needier first; among equals, by name. Industry and region match case-insensitively. The bound
-- 70 is prospects.HIGH_PRIORITY, the partial index's (schema/001), written in so the index is used.
SELECT id, business_name, website, contact_email, form_url, industry, region, language,
       response_score, automation_need_score, contacted, last_tested, created_at
FROM prospect_candidates
WHERE automation_need_score >= 70
  AND automation_need_score >= :min_score::numeric
  AND contacted = :contacted
  AND (:industry::text IS NULL OR lower(industry) = lower(:industry::text))
  AND (:region::text IS NULL OR lower(region) = lower(:region::text))
ORDER BY automation_need_score DESC, business_name, id
LIMIT :limit

-- name: list_any_score
-- As list_high_priority, for a min_score under 70.
SELECT id, business_name, website, contact_email, form_url, industry, region, language,
       response_score, automation_need_score, contacted, last_tested, created_at
FROM prospect_candidates
WHERE true
  AND automation_need_score >= :min_score::numeric
  AND contacted = :contacted
  AND (:industry::text IS NULL OR lower(industry) = lower(:industry::text))
  AND (:region::text IS NULL OR lower(region) = lower(:region::text))
ORDER BY automation_need_score DESC, business_name, id
LIMIT :limit

-- name: record_measured
-- A probe's judgement: the same scores as a batch's (scoring.score), from what our own probe
-- measured (test_source 'probe'); last_tested set. Descriptive fields and `contacted` untouched.
UPDATE prospect_candidates
SET response_score = :response_score,
    automation_need_score = :automation_need_score,
    has_autoresponder = :has_autoresponder,
    response_time_ms = :response_time_ms,
    is_personalized = :is_personalized,
    is_generic = :is_generic,
    test_source = 'probe',
    last_tested = clock_timestamp()
WHERE id = :prospect_id
