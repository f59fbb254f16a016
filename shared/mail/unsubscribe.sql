-- name: find
SELECT token.language, client.business_name,
       EXISTS (SELECT 1 FROM unsubscribes
               WHERE unsubscribes.client_id = token.client_id
                 AND unsubscribes.email_digest = token.email_digest) AS unsubscribed
FROM unsubscribe_tokens AS token
JOIN clients AS client ON client.client_id = token.client_id
WHERE token.token_digest = :token_digest AND token.expires_at > now()

-- name: unsubscribe
-- The email's unsubscribe, and its replies still waiting skipped, in one statement.
WITH token AS (
  SELECT client_id, email_digest, language, token_digest
  FROM unsubscribe_tokens
  WHERE token_digest = CAST(:token_digest AS text) AND expires_at > now()
),
recorded AS (
  INSERT INTO unsubscribes (client_id, email_digest, token_digest)
  SELECT client_id, email_digest, token_digest FROM token
  ON CONFLICT (client_id, email_digest) DO NOTHING
),
stopped AS (
  UPDATE lead_replies AS reply
  SET status = 'skipped', last_error = 'unsubscribed'
  FROM token
  WHERE reply.client_id = token.client_id AND reply.status = 'queued'
    AND avenir_email_digest(reply.to_email) = token.email_digest
)
SELECT token.language, client.business_name
FROM token
JOIN clients AS client ON client.client_id = token.client_id
