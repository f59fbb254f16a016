-- name: store_message
-- A message to a probe's address, once per Message-ID (a second delivery changes nothing); the
-- probe's first answer time kept (bounces aside). No row back when the token is unknown or the
-- message was stored already.
WITH probe AS (SELECT id FROM prospect_probes WHERE token = :token),
     stored AS (
       INSERT INTO probe_messages (probe_id, message_id, kind, received_at, from_address, subject, excerpt,
                                   raw, raw_expires_at)
       SELECT probe.id, :message_id, :kind, :received_at, :from_address, :subject, :excerpt, :raw,
              :received_at::timestamptz + interval '30 days'
       FROM probe
       ON CONFLICT (message_id) DO NOTHING
       RETURNING probe_id, kind, received_at)
UPDATE prospect_probes AS q
SET first_reply_at = CASE WHEN stored.kind = 'bounce' THEN q.first_reply_at
                          ELSE least(q.first_reply_at, stored.received_at) END
FROM stored
WHERE q.id = stored.probe_id
RETURNING q.id AS probe_id

-- name: clear_expired_raw
-- Raw mail is kept 30 days at most: what it measured (kind, time, excerpt) stays.
UPDATE probe_messages SET raw = NULL
WHERE raw IS NOT NULL AND raw_expires_at < clock_timestamp()
