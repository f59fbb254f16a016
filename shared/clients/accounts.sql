-- name: authenticate
-- The key's client, and last_connection set at most once a minute, in one autocommit round trip.
WITH client AS (
  SELECT client_id, business_name, coalesce(is_internal, false) AS is_internal,
         coalesce(is_test, false) AS is_test, api_key LIKE 'sha256:%' AS hashed
  FROM clients
  WHERE (api_key = :digest OR (api_key = :plain AND api_key NOT LIKE 'sha256:%'))
    AND api_key <> 'internal-api-key-placeholder'
),
touched AS (
  UPDATE clients SET last_connection = now()
  FROM client
  WHERE clients.client_id = client.client_id
    AND (last_connection IS NULL OR last_connection < now() - interval '1 minute')
)
SELECT * FROM client

-- name: upgrade_plaintext_key
UPDATE clients SET api_key = :digest WHERE client_id = :client_id AND api_key = :plain

-- name: insert_client
INSERT INTO clients (client_id, business_name, email, password_hash, api_key, is_test, is_internal)
VALUES (:client_id, :business_name, :email, :password_hash, :api_key, :is_test, false)

-- name: issue_internal_key
INSERT INTO clients (client_id, business_name, email, password_hash, api_key, is_internal, is_test)
VALUES (:client_id, :business_name, :email, :password_hash, :api_key, true, false)
ON CONFLICT (client_id) DO UPDATE SET api_key = EXCLUDED.api_key, is_internal = true, last_rotated = now(),
  password_hash = CASE WHEN :set_password THEN EXCLUDED.password_hash ELSE clients.password_hash END

-- name: end_sessions
-- Every session of the client (its password was just set by an operator).
DELETE FROM owner_sessions WHERE client_id = :client_id

-- name: lock_client_key
-- The client's row, locked until the rotation commits: a second rotation waits here and then
-- reads the row as the first one left it.
SELECT api_key FROM clients WHERE client_id = :client_id FOR UPDATE

-- name: rotate_key
-- The new digest and the audit row in one statement, both stamped with one clock reading taken
-- after the lock is held.
WITH rotated AS (
  UPDATE clients SET api_key = :new_digest, last_rotated = clock_timestamp()
  WHERE client_id = :client_id
  RETURNING client_id, last_rotated
)
INSERT INTO api_key_rotation_log (client_id, old_key_fingerprint, new_key_fingerprint, rotated_at,
                                  reason, rotated_by)
SELECT client_id, :old_fingerprint, :new_fingerprint, last_rotated, 'manual', :rotated_by FROM rotated
RETURNING rotated_at

-- name: list_clients
SELECT client_id, business_name, email, coalesce(is_internal, false) AS is_internal,
       coalesce(is_test, false) AS is_test, created_at, last_login
FROM clients
ORDER BY created_at, client_id

-- name: client_by_id
SELECT client_id, business_name, coalesce(is_internal, false) AS is_internal, coalesce(is_test, false) AS is_test
FROM clients WHERE client_id = :client_id
