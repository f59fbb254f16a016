-- name: due_now
-- After a lead's reply and alerts are queued, in the intake's last round trip: whether one of them is
-- due now (an urgent lead's, or any with followup_speed Instant). If so the sender is woken at COMMIT
-- (NOTIFY avenir_outbox, heard by a sender that LISTENs: make run's) and the intake is told, to wake the
-- deployed sender through its queue once the lead is committed (shared/mail/wake.py).
WITH due AS (
  SELECT EXISTS (SELECT 1 FROM lead_replies
                 WHERE lead_id = CAST(:lead_id AS uuid) AND status = 'queued'
                   AND due_at <= clock_timestamp()) AS due_now
)
SELECT due.due_now
FROM due
LEFT JOIN LATERAL (SELECT pg_notify('avenir_outbox', '') WHERE due.due_now) AS woken ON true

-- name: listen
LISTEN avenir_outbox

-- name: hear
-- A round trip that reads what the server sent meanwhile (notifications included).
SELECT 1
