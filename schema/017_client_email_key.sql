-- One way to compare a client's email, used by every comparison (sign-in, its attempt counter,
-- the password route's counter, client creation): client_email_key(). Spaces trimmed and ASCII
-- letters lower-cased under COLLATE "C", other characters kept as they are. Python's str.lower()
-- and a libc or ICU locale's lower() disagree beyond ASCII ('İ' gives 'i̇' in one, 'i' in the
-- other), and a locale's rules change with its library version; the "C" rule is the same on
-- every server and in every release, so the index below stays valid and the sign-in's counter
-- and the account it unlocks are always found by the same key. Clients' emails are unique by it.
CREATE FUNCTION client_email_key(email text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN lower(btrim(email) COLLATE "C");

-- Existing clients whose emails share a key are left as they are, and the migration stops naming
-- them: an operator decides which email each owner keeps (no user's data is deleted here).
DO $$
DECLARE
  duplicates text;
BEGIN
  SELECT string_agg(format('%s (clients %s)', key, ids), '; ')
  INTO duplicates
  FROM (SELECT client_email_key(email) AS key, string_agg(client_id::text || ' ' || quote_literal(email), ', '
                                                            ORDER BY created_at, client_id) AS ids
        FROM clients GROUP BY 1 HAVING count(*) > 1) AS shared;
  IF duplicates IS NOT NULL THEN
    RAISE EXCEPTION 'clients share an email but for case or surrounding spaces: %', duplicates
      USING HINT = 'Give each of these clients its own email (UPDATE clients SET email = ... WHERE '
                   'client_id = ...), then run avenir migrate again.';
  END IF;
END
$$;

CREATE UNIQUE INDEX idx_clients_email_key ON clients (client_email_key(email));
