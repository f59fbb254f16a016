-- Prospect identity: a scored business is the same prospect when its website host matches, else
-- when its contact email matches. These two functions are the keys; shared/prospects/scoring.py computes
-- the same keys in Python (website_host, email_key) and tests/prospects holds the two equal.
-- Lower-casing is ASCII-only (COLLATE "C") so the keys do not depend on the database's locale.
-- Nothing of the reference is altered: only functions and expression indexes are added.

-- The host of a website as typed: scheme, user info, port, path, query, fragment, trailing dots
-- and a leading `www.` removed; NULL when nothing is left.
CREATE FUNCTION public.prospect_website_host(website text) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN nullif(
    regexp_replace(
      regexp_replace(
        regexp_replace(
          regexp_replace(
            regexp_replace(
              regexp_replace(lower(btrim(website) COLLATE "C"), '^([a-z][a-z0-9+.-]*:)?//', ''),
              '[/?#].*$', ''),
            '^.*@', ''),
          ':[0-9]*$', ''),
        '\.+$', ''),
      '^www\.', ''),
    '');

-- A contact email compared case-insensitively.
CREATE FUNCTION public.prospect_email_key(contact_email text) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN nullif(lower(btrim(contact_email) COLLATE "C"), '');

-- The batch looks up every incoming prospect's keys at once (= ANY(array)): index probes, not scans.
CREATE INDEX idx_prospects_website_host ON prospect_candidates (prospect_website_host(website));
CREATE INDEX idx_prospects_email_key ON prospect_candidates (prospect_email_key(contact_email));
