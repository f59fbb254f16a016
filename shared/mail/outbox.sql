-- name: queue_reply
-- The rules, in order; the first that holds decides (see queue_reply). A skipped reply is kept, with
-- the rule in last_error, so the lead's story says why no reply went; with replies off nothing is kept.
-- Due time: at once for an urgent lead (urgency High); otherwise by followup_speed, from the moment
-- the lead was received:
-- Instant        at once (the sender runs every minute)
-- Within 1 hour  30 minutes later (a considered answer, with half an hour left for retries)
-- Same day       90 minutes later, but not before 09:00 in the client's time zone; received at 18:00
-- or later, 09:00 the next day: so a same-day reply always goes before 20:00
-- A reply counts as already given while one is queued or being sent (whatever its age: a lead never
-- has two replies waiting), or when one was sent in the last 10 minutes.
WITH input AS (
  SELECT CAST(:client_id AS uuid) AS client_id, CAST(:lead_id AS uuid) AS lead_id,
         CAST(:message_id AS uuid) AS message_id, CAST(:to_email AS text) AS to_email,
         CASE WHEN CAST(:language AS text) = 'fr' THEN 'fr' ELSE 'en' END AS language,
         CAST(:intent AS text) AS intent, CAST(:is_test AS boolean) AS is_test, CAST(:urgency AS text) AS urgency,
         CAST(:suspicious AS boolean) AS suspicious,
         coalesce(CAST(:received_at AS timestamptz),
                  (SELECT received_at FROM lead_messages WHERE id = CAST(:message_id AS uuid)),
                  clock_timestamp()) AS received_at
),
client AS (
  SELECT coalesce(ai_personalized_reply, true) AS replies_on, coalesce(followup_speed, 'Instant') AS speed,
         avenir_time_zone(timezone) AS zone
  FROM clients JOIN input USING (client_id)
),
decision AS (
  SELECT CASE
           WHEN NOT client.replies_on THEN 'replies_off'
           WHEN input.is_test THEN 'test_lead'
           -- a quarantined lead, a message with spam signals (schema/021), or a spam intent the owner
           -- has not released (POST /api/leads/{id}/not-spam)
           WHEN input.suspicious OR EXISTS (SELECT 1 FROM lead_memory AS lead
                        WHERE lead.id = input.lead_id AND lead.spam_status = 'quarantined')
             OR input.intent = 'spam'
                AND NOT EXISTS (SELECT 1 FROM lead_memory AS lead
                                WHERE lead.id = input.lead_id AND lead.spam_released_at IS NOT NULL) THEN 'spam'
           WHEN EXISTS (SELECT 1 FROM unsubscribes
                        WHERE unsubscribes.client_id = input.client_id
                          AND unsubscribes.email_digest = avenir_email_digest(input.to_email)) THEN 'unsubscribed'
           WHEN EXISTS (SELECT 1 FROM lead_replies
                        WHERE lead_replies.lead_id = input.lead_id AND lead_replies.kind = 'reply'
                          AND (lead_replies.status IN ('queued', 'sending')
                               OR (lead_replies.status = 'sent'
                                   AND lead_replies.sent_at > input.received_at - interval '10 minutes')))
             THEN 'recent_reply'
           ELSE 'queued'
         END AS outcome,
         CASE WHEN input.urgency = 'High' THEN input.received_at  -- the urgent reply: at once, whatever the speed
           ELSE CASE client.speed
           WHEN 'Within 1 hour' THEN input.received_at + interval '30 minutes'
           WHEN 'Same day' THEN
             CASE WHEN (input.received_at AT TIME ZONE client.zone)::time >= CAST('18:00' AS time)
                  THEN (date_trunc('day', input.received_at AT TIME ZONE client.zone) + interval '1 day 9 hours')
                       AT TIME ZONE client.zone
                  ELSE greatest(input.received_at + interval '90 minutes',
                                (date_trunc('day', input.received_at AT TIME ZONE client.zone) + interval '9 hours')
                                AT TIME ZONE client.zone)
             END
           ELSE input.received_at
         END END AS due_at
  FROM input, client
),
reply AS (
  INSERT INTO lead_replies (client_id, lead_id, message_id, to_email, language, intent, status, due_at, last_error)
  SELECT input.client_id, input.lead_id, input.message_id, input.to_email, input.language, input.intent,
         CASE WHEN decision.outcome = 'queued' THEN 'queued' ELSE 'skipped' END, decision.due_at,
         CASE WHEN decision.outcome <> 'queued' THEN decision.outcome END
  FROM input, decision
  WHERE decision.outcome <> 'replies_off'
)
SELECT outcome FROM decision

-- name: queue_alerts
-- The owner's alerts about a lead just stored, in the intake's last round trip after queue_reply: an
-- email to alert_email (the client's email unless set) and, when alert_phone is set, an SMS, both due
-- at once, when the lead's urgency reaches the client's alert_urgency (High, or Medium and High; off:
-- never); at most one per lead and channel in 24 hours (the intake holds the lead's email lock, so two
-- deliveries of one lead take turns here); never for a test lead, spam or a quarantined lead. In the client's language.
WITH input AS (
  SELECT CAST(:client_id AS uuid) AS client_id, CAST(:lead_id AS uuid) AS lead_id,
         CAST(:message_id AS uuid) AS message_id, CAST(:urgency AS text) AS urgency,
         CAST(:intent AS text) AS intent, CAST(:is_test AS boolean) AS is_test,
         CAST(:suspicious AS boolean) AS suspicious
),
wanted AS (
  SELECT input.client_id, input.lead_id, input.message_id, input.intent, channel.name AS channel,
         channel.email AS to_email, channel.phone AS to_phone,
         CASE WHEN client.language = 'fr' THEN 'fr' ELSE 'en' END AS language
  FROM input
  JOIN clients AS client USING (client_id)
  CROSS JOIN LATERAL (VALUES ('email', coalesce(client.alert_email, client.email), CAST(NULL AS text)),
                             ('sms', NULL, client.alert_phone)) AS channel(name, email, phone)
  WHERE NOT input.is_test AND NOT input.suspicious AND input.intent IS DISTINCT FROM 'spam'
    AND NOT EXISTS (SELECT 1 FROM lead_memory AS lead
                    WHERE lead.id = input.lead_id AND lead.spam_status = 'quarantined')
    AND (input.urgency = 'High' AND client.alert_urgency IN ('High', 'Medium')
         OR input.urgency = 'Medium' AND client.alert_urgency = 'Medium')
    AND coalesce(channel.email, channel.phone) IS NOT NULL
    AND NOT EXISTS (SELECT 1 FROM lead_replies AS earlier
                    WHERE earlier.lead_id = input.lead_id AND earlier.kind = 'alert'
                      AND earlier.channel = channel.name AND earlier.created_at > now() - interval '24 hours')
)
INSERT INTO lead_replies (client_id, lead_id, message_id, to_email, to_phone, language, intent, kind, channel,
                          status, due_at)
SELECT client_id, lead_id, message_id, to_email, to_phone, language, intent, 'alert', channel, 'queued', now()
FROM wanted
RETURNING channel

-- name: claim
-- Claiming does not count an attempt (begin_attempt does, when the sender starts on the reply): a run
-- that dies with replies it never started leaves their attempts as they were.
-- Due replies, and replies whose sender's lease ran out (it died mid-send), locked and leased in one
-- statement; SKIP LOCKED lets another sender take the next ones instead of waiting. Each comes with
-- what sending it needs: its lead's name and tag, its client's settings, and whether the email has
-- unsubscribed meanwhile, and whether it is suppressed (mail_suppressions: bounced, for every client;
-- complained, for this client), so the sender needs no other round trip. An outreach email (outreach_id set, no lead) comes with its words already
-- saved; its client is the internal client.
WITH due AS (
  SELECT reply_id
  FROM lead_replies
  WHERE (status = 'queued' AND due_at <= now()) OR (status = 'sending' AND lease_until <= now())
  ORDER BY due_at
  LIMIT :batch_size
  FOR UPDATE SKIP LOCKED
),
claimed AS (
  UPDATE lead_replies AS reply
  SET status = 'sending',
      lease_until = clock_timestamp() + CAST(:lease_s AS integer) * interval '1 second'
  FROM due
  WHERE reply.reply_id = due.reply_id
  RETURNING reply.*
)
SELECT claimed.reply_id, claimed.client_id, claimed.lead_id, claimed.outreach_id, claimed.to_email,
       claimed.language, claimed.intent, claimed.kind, claimed.channel, claimed.to_phone,
       claimed.attempts, claimed.lease_until, claimed.provider_message_id, claimed.subject, claimed.body_text,
       claimed.body_html, claimed.due_at, claimed.last_error,
       lead.name AS lead_name, lead.email AS lead_email, lead.current_tag,
       -- what the lead said, for a reply that asks nothing already given and an alert that says it all
       message.urgency AS lead_urgency, message.wanted, message.message AS lead_message,
       message.ai_summary AS lead_summary, lead.phone AS lead_phone, lead.address AS lead_address,
       client.business_name, client.email AS client_email, client.outbound_email, client.smtp_host, client.smtp_port,
       client.smtp_username, client.smtp_password, client.primary_service, client.booking_link,
       client.custom_tagline, client.email_tone, client.mailing_address,
       coalesce(client.language, 'en') AS client_language, client.phone AS business_phone,
       client.primary_service_en, client.primary_service_fr, client.industry_category,
       -- the client's reply switch is about replies to its leads, not the internal client's outreach
       coalesce(client.ai_personalized_reply, true) OR claimed.outreach_id IS NOT NULL AS replies_on,
       EXISTS (SELECT 1 FROM unsubscribes
               WHERE unsubscribes.client_id = claimed.client_id
                 AND unsubscribes.email_digest = avenir_email_digest(claimed.to_email)) AS unsubscribed,
       (SELECT suppression.reason FROM mail_suppressions AS suppression
        WHERE suppression.email_digest = avenir_email_digest(claimed.to_email)
          AND (suppression.reason = 'bounced' OR suppression.client_id = claimed.client_id)
        ORDER BY suppression.reason  -- bounced before complained
        LIMIT 1) AS suppressed
FROM claimed
JOIN clients AS client ON client.client_id = claimed.client_id
-- each lead by its key; LIMIT keeps the planner from hashing every client's leads for a batch of 100
LEFT JOIN LATERAL (SELECT name, email, current_tag, phone, address FROM lead_memory WHERE lead_memory.id = claimed.lead_id
                   LIMIT 1) AS lead ON true
LEFT JOIN lead_messages AS message ON message.id = claimed.message_id
ORDER BY claimed.due_at

-- name: save_rendered
-- What a reply says, fixed before its first attempt (a resend after a crash carries the same
-- Message-ID and words), and one unsubscribe link per attempt: the token exists only as a digest.
WITH rendered AS (
  SELECT *
  FROM jsonb_to_recordset(CAST(:rendered AS jsonb))
       AS rendered(reply_id uuid, provider_message_id text, subject text, body_text text, body_html text,
                   token_digest text)
),
saved AS (
  UPDATE lead_replies AS reply
  SET provider_message_id = rendered.provider_message_id, subject = rendered.subject,
      body_text = rendered.body_text, body_html = rendered.body_html
  FROM rendered
  WHERE reply.reply_id = rendered.reply_id AND reply.provider_message_id IS NULL
)
INSERT INTO unsubscribe_tokens (token_digest, client_id, email_digest, language, expires_at)
SELECT rendered.token_digest, reply.client_id, avenir_email_digest(reply.to_email), reply.language,
       now() + CAST(:valid_days AS integer) * interval '1 day'
FROM rendered
JOIN lead_replies AS reply ON reply.reply_id = rendered.reply_id
WHERE reply.kind = 'reply'  -- an alert to the owner carries no unsubscribe link

-- name: record
-- An attempt's outcome, written only while the lease is still this sender's (lease_until is the
-- fence: a sender whose lease ran out and was taken over records nothing). An outreach email's log
-- row gets the same sent_at.
WITH recorded AS (
UPDATE lead_replies
SET status = CAST(:status AS text),
    last_error = CAST(:error AS text),
    lease_until = NULL,
    sent_at = CASE WHEN CAST(:status AS text) = 'sent' THEN clock_timestamp() END,
    due_at = CASE WHEN CAST(:status AS text) = 'queued'
                  THEN clock_timestamp() + CAST(:retry_in_s AS integer) * interval '1 second'
                  ELSE due_at END
WHERE reply_id = :reply_id AND status = 'sending' AND lease_until = :lease_until
RETURNING reply_id, outreach_id, status, sent_at
),
logged AS (
  UPDATE prospect_outreach_log AS log
  SET sent_at = recorded.sent_at
  FROM recorded
  WHERE log.id = recorded.outreach_id AND recorded.status = 'sent'
)
SELECT reply_id FROM recorded

-- name: begin_attempt
-- The sender starts on a claimed reply (it is about to reach a mail server): one attempt more, while
-- the lease is still this sender's.
UPDATE lead_replies
SET attempts = attempts + 1
WHERE reply_id = :reply_id AND status = 'sending' AND lease_until = :lease_until
RETURNING attempts

-- name: retry_failed
UPDATE lead_replies
SET status = 'queued', attempts = 0, due_at = now(), lease_until = NULL
WHERE status = 'failed' AND (CAST(:client_id AS uuid) IS NULL OR client_id = CAST(:client_id AS uuid))
RETURNING reply_id

-- name: commit_without_flush
SET LOCAL synchronous_commit = off
