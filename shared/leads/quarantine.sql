-- name: release
-- "Not spam": a quarantined lead leaves the quarantine (its signals kept, to show why it was held),
-- and its spam intent no longer stops its reply (spam_released_at). With what its reply needs: its
-- latest message and the address. A lead not in the quarantine is left as it is (no second reply).
WITH released AS (
  UPDATE lead_memory
  SET spam_status = 'ok', spam_released_at = now()
  WHERE id = :lead_id AND client_id = :client_id AND spam_status = 'quarantined'
  RETURNING id, email, language, intent, urgency, coalesce(is_test, false) AS is_test, spam_signals
)
SELECT released.id AS lead_id, released.email, released.language, released.intent, released.urgency,
       released.is_test, released.spam_signals, latest.id AS message_id
FROM released
LEFT JOIN LATERAL (SELECT id FROM lead_messages WHERE lead_id = released.id
                   ORDER BY received_at DESC, id DESC LIMIT 1) AS latest ON true

-- name: quarantine
-- "Spam": the lead goes (back) into the quarantine, the owner's word among its signals, and any
-- reply or alert still waiting to go to or about it is cancelled.
WITH held AS (
  UPDATE lead_memory
  SET spam_status = 'quarantined', spam_released_at = NULL,
      spam_signals = CASE WHEN 'marked_by_owner' = ANY (spam_signals) THEN spam_signals
                          ELSE array_append(spam_signals, 'marked_by_owner') END
  WHERE id = :lead_id AND client_id = :client_id
  RETURNING id, spam_signals
),
cancelled AS (
  UPDATE lead_replies
  SET status = 'cancelled', last_error = 'spam'
  FROM held
  WHERE lead_replies.lead_id = held.id AND lead_replies.status = 'queued'
  RETURNING reply_id
)
SELECT held.id AS lead_id, held.spam_signals, (SELECT count(*) FROM cancelled) AS cancelled
FROM held

-- name: state
-- A lead's spam status and signals, as "Not spam" answers for a lead it did not release.
SELECT spam_status, coalesce(spam_signals, '{}') AS spam_signals
FROM lead_memory
WHERE id = :lead_id AND client_id = :client_id
