-- name: read_attempt
-- The email's recent failures (the sign-in lock is held: concurrent attempts take turns) and the
-- client it names, if any, both found by client_email_key() (schema/017), the one comparison of
-- clients' emails: its digest is the counter's key. seconds_left: until the oldest of the last
-- MAX_FAILURES leaves the window.
SELECT recent.email_digest, recent.failures, recent.seconds_left, client.client_id, client.business_name,
       client.language, client.password_hash, client.is_internal, client.is_test
FROM (
  SELECT given.email_digest, count(last_ones.failed_at) AS failures,
         ceil(extract(epoch FROM min(last_ones.failed_at) + make_interval(mins => :window) - clock_timestamp()))::int
           AS seconds_left
  FROM (SELECT encode(sha256(convert_to(client_email_key(:email), 'UTF8')), 'hex') AS email_digest) AS given
  LEFT JOIN LATERAL (
    SELECT failed_at FROM login_failures
    WHERE email_digest = given.email_digest AND failed_at > clock_timestamp() - make_interval(mins => :window)
    ORDER BY failed_at DESC LIMIT :max_failures
  ) AS last_ones ON true
  GROUP BY given.email_digest
) AS recent
LEFT JOIN LATERAL (
  SELECT client_id, business_name, coalesce(language, 'en') AS language, password_hash,
         coalesce(is_internal, false) AS is_internal, coalesce(is_test, false) AS is_test
  FROM clients WHERE client_email_key(email) = client_email_key(:email)
) AS client ON true

-- name: read_client_attempt
-- The password route's count: the same counter as the sign-in's for the client's own email (the
-- client's sign-in lock is held), read as read_attempt reads it, and the hash to check the
-- current password against.
SELECT given.email_digest, given.password_hash, count(last_ones.failed_at) AS failures,
       ceil(extract(epoch FROM min(last_ones.failed_at) + make_interval(mins => :window) - clock_timestamp()))::int
         AS seconds_left
FROM (SELECT encode(sha256(convert_to(client_email_key(email), 'UTF8')), 'hex') AS email_digest, password_hash
      FROM clients WHERE client_id = :client_id) AS given
LEFT JOIN LATERAL (
  SELECT failed_at FROM login_failures
  WHERE email_digest = given.email_digest AND failed_at > clock_timestamp() - make_interval(mins => :window)
  ORDER BY failed_at DESC LIMIT :max_failures
) AS last_ones ON true
GROUP BY given.email_digest, given.password_hash

-- name: record_attempt
-- Counted before the password is checked (and taken back if it is right), so that concurrent
-- attempts cannot all check a password while the count still says 9.
INSERT INTO login_failures (email_digest) VALUES (:email_digest) RETURNING attempt_id

-- name: forget_attempt
DELETE FROM login_failures WHERE attempt_id = :attempt_id

-- name: start_session
-- A session only while the hash the password was checked against is still the client's: the
-- UPDATE takes the client's row lock, so a password change that committed meanwhile (it holds that
-- lock while it changes the hash and ends the sessions) leaves no row to update and no session is
-- made; a change that comes after waits for this one and ends the session it made. The attempt is
-- forgotten only when a session started.
WITH signed_in AS (
  UPDATE clients SET last_login = clock_timestamp(), last_connection = clock_timestamp()
  WHERE client_id = :client_id AND password_hash = :verified_hash
  RETURNING client_id
),
started AS (
  INSERT INTO owner_sessions (token_digest, client_id, created_at, expires_at)
  SELECT :token_digest, client_id, at, at + make_interval(hours => :hours)
  FROM signed_in, (SELECT clock_timestamp() AS at) AS clock
  RETURNING expires_at
),
forgotten AS (
  DELETE FROM login_failures WHERE attempt_id = :attempt_id AND EXISTS (SELECT FROM started)
)
SELECT expires_at FROM started

-- name: authenticate
-- The session's client, and last_connection set at most once a minute, in one autocommit round trip.
WITH session AS (
  SELECT client_id FROM owner_sessions WHERE token_digest = :token_digest AND expires_at > now()
),
touched AS (
  UPDATE clients SET last_connection = now()
  FROM session
  WHERE clients.client_id = session.client_id
    AND (last_connection IS NULL OR last_connection < now() - interval '1 minute')
)
SELECT c.client_id, c.business_name, coalesce(c.is_internal, false) AS is_internal,
       coalesce(c.is_test, false) AS is_test
FROM clients AS c JOIN session USING (client_id)

-- name: set_password
-- A new password, and every session of the client ended but the one that changed it (if any). Run
-- only with the client's row locked by lock_password in an earlier statement: this statement's
-- snapshot then holds every session a sign-in made before the lock was taken.
WITH changed AS (
  UPDATE clients SET password_hash = :password_hash WHERE client_id = :client_id RETURNING client_id
)
DELETE FROM owner_sessions
WHERE client_id IN (SELECT client_id FROM changed)
  AND token_digest IS DISTINCT FROM CAST(:keep_digest AS text)

-- name: lock_login
-- Attempts for one email take turns (for milliseconds, not for a bcrypt check), keyed as the
-- counter is: client_email_key().
SELECT pg_advisory_xact_lock(hashtextextended('avenir.login ' || client_email_key(:email), 0))

-- name: lock_client_login
-- The sign-in lock of the client's own email, for the password route.
SELECT pg_advisory_xact_lock(hashtextextended('avenir.login ' || client_email_key(email), 0))
FROM clients WHERE client_id = :client_id

-- name: end_session
DELETE FROM owner_sessions WHERE token_digest = :digest

-- name: lock_password
SELECT password_hash FROM clients WHERE client_id = :client_id FOR UPDATE
