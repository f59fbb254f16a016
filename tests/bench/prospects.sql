-- name: probe_measured
SELECT response_time_ms, has_autoresponder FROM prospect_probes WHERE id = :probe_id

-- name: point_at_site
-- The imported prospect's website made the fake site's address (all fake sites share 127.0.0.1).
UPDATE prospect_candidates SET website = :website
WHERE prospect_website_host(website) = :host
RETURNING id
