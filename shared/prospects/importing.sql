-- name: insert_imported
-- New prospects from an import: not tested yet (no scores, last_tested NULL), language English
-- unless the row says French. One JSON array of rows, whatever the import's size.
INSERT INTO prospect_candidates (id, business_name, website, contact_email, industry, region, language, created_at)
SELECT id, business_name, website, contact_email, industry, region, coalesce(language, 'en'), statement_timestamp()
FROM json_to_recordset(:prospects::json)
  AS t(id uuid, business_name text, website text, contact_email text, industry text, region text, language text)

-- name: update_imported
-- A prospect already stored takes the import's name and the descriptive fields it gives (an
-- empty cell keeps the stored value); its scores, tests, crawl and `contacted` are untouched.
UPDATE prospect_candidates AS p
SET business_name = t.business_name,
    website = coalesce(t.website, p.website),
    contact_email = coalesce(t.contact_email, p.contact_email),
    industry = coalesce(t.industry, p.industry),
    region = coalesce(t.region, p.region),
    language = coalesce(t.language, p.language)
FROM json_to_recordset(:prospects::json)
  AS t(id uuid, business_name text, website text, contact_email text, industry text, region text, language text)
WHERE p.id = t.id
