-- name: queue_named
-- The named prospects with a website, not opted out and not being crawled right now, queued.
UPDATE prospect_candidates
SET crawl_status = 'queued', crawl_queued_at = statement_timestamp(), crawl_lease_until = NULL
WHERE id = ANY(ARRAY(SELECT json_array_elements_text(:ids::json))::uuid[])
  AND website IS NOT NULL AND opted_out_at IS NULL AND crawl_status IS DISTINCT FROM 'crawling'
RETURNING id

-- name: queue_next
-- The `limit` oldest prospects with a website that were never crawled nor queued, queued.
UPDATE prospect_candidates
SET crawl_status = 'queued', crawl_queued_at = statement_timestamp(), crawl_lease_until = NULL
WHERE id IN (SELECT id FROM prospect_candidates
             WHERE crawl_status IS NULL AND website IS NOT NULL AND opted_out_at IS NULL
             ORDER BY created_at, id
             LIMIT :limit
             FOR UPDATE SKIP LOCKED)
RETURNING id

-- name: claim_crawl
-- The oldest queued crawl (or one whose worker died: its lease ran out), leased to this worker for
-- `lease_s` seconds. SKIP LOCKED: two workers never claim the same prospect.
UPDATE prospect_candidates
SET crawl_status = 'crawling', crawl_lease_until = clock_timestamp() + make_interval(secs => :lease_s)
WHERE id = (SELECT id FROM prospect_candidates
            WHERE (crawl_status = 'queued' OR (crawl_status = 'crawling' AND crawl_lease_until < clock_timestamp()))
              AND opted_out_at IS NULL
            ORDER BY crawl_queued_at, id
            LIMIT 1
            FOR UPDATE SKIP LOCKED)
RETURNING id, website

-- name: save_crawl
-- What the crawl found. A contact email already stored is kept; the page is kept as its proof only
-- when the crawl found that same address (or the prospect had none).
UPDATE prospect_candidates AS p
SET crawl_status = :status,
    crawl_lease_until = NULL,
    crawled_at = clock_timestamp(),
    crawl_pages = :pages::jsonb,
    crawl_error = :error,
    form_kind = :form_kind,
    form = :form::jsonb,
    form_url = coalesce(:form_url, p.form_url),
    contact_email = coalesce(p.contact_email, :contact_email),
    contact_email_source_url = CASE
      WHEN :contact_email::text IS NOT NULL
           AND (p.contact_email IS NULL OR prospect_email_key(p.contact_email) = prospect_email_key(:contact_email))
      THEN :source_url ELSE p.contact_email_source_url END
WHERE id = :prospect_id
