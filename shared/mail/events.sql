-- name: record_events
-- Each event names its email by Message-ID (SES) or reply_id (SMTP): that finds whose email it was.
-- A row already recorded (same notification, or same SES feedbackId, and same address) is skipped,
-- and only the rows recorded now suppress: a replay changes nothing. A permanent bounce suppresses
-- the address for every client; a complaint, for the client whose email it was, also unsubscribing
-- the address from it (so the intake's rules skip its next reply too). A complaint about no email
-- of ours is recorded and suppresses nothing: it names no client.
WITH input AS (
  SELECT *
  FROM jsonb_to_recordset(CAST(:events AS jsonb))
       AS e(source text, notification_id text, feedback_id text, kind text, email text, message_id text,
            reply_id uuid, occurred_at timestamptz)
),
matched AS (
  SELECT input.source, input.notification_id, input.feedback_id, input.kind, input.occurred_at,
         avenir_email_digest(input.email) AS email_digest, reply.reply_id, reply.client_id
  FROM input
  LEFT JOIN LATERAL (SELECT reply_id, client_id FROM lead_replies
                     WHERE lead_replies.reply_id = input.reply_id
                        OR (input.reply_id IS NULL AND lead_replies.provider_message_id = input.message_id)
                     LIMIT 1) AS reply ON true
),
recorded AS (
  INSERT INTO mail_events (source, notification_id, feedback_id, kind, client_id, reply_id, email_digest,
                           occurred_at)
  SELECT source, notification_id, feedback_id, kind, client_id, reply_id, email_digest, occurred_at
  FROM matched
  ON CONFLICT DO NOTHING
  RETURNING kind, client_id, email_digest
),
suppressed AS (
  INSERT INTO mail_suppressions (email_digest, reason, client_id)
  SELECT DISTINCT email_digest, CASE kind WHEN 'bounce' THEN 'bounced' ELSE 'complained' END, client_id
  FROM recorded
  WHERE kind = 'bounce' OR client_id IS NOT NULL
  ON CONFLICT DO NOTHING
  RETURNING 1
),
unsubscribed AS (
  INSERT INTO unsubscribes (client_id, email_digest)
  SELECT DISTINCT client_id, email_digest FROM recorded
  WHERE kind = 'complaint' AND client_id IS NOT NULL
  ON CONFLICT DO NOTHING
  RETURNING 1
)
SELECT (SELECT count(*) FROM recorded) AS recorded, (SELECT count(*) FROM suppressed) AS suppressed
