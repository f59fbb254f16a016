-- name: messages_to_reenrich
-- The next batch of logged messages the current engine has not read (enrichment_version differs),
-- optionally one client's and received since a time; each lead's messages in order, with the lead's
-- name, its client's trade and the message before each (read with it, as the intake did). The leads are row-locked, as
-- the intake locks a returning lead, so that no delivery lands between this read and
-- store_reenriched. Messages already at :version drop out of the next read:
-- an interrupted run goes on where it stopped.
SELECT m.id, m.lead_id, m.message, m.language, l.name, c.industry_category, c.primary_service,
       p.id AS previous_id, p.message AS previous_message, p.intent AS previous_intent,
       p.urgency AS previous_urgency
FROM lead_messages AS m
JOIN lead_memory AS l ON l.id = m.lead_id
JOIN clients AS c ON c.client_id = m.client_id  -- the client's trade, which the reading depends on
LEFT JOIN LATERAL (
  SELECT b.id, b.message, b.intent, b.urgency
  FROM lead_messages AS b
  WHERE b.lead_id = m.lead_id AND (b.received_at, b.id) < (m.received_at, m.id)
  ORDER BY b.received_at DESC, b.id DESC
  LIMIT 1
) AS p ON true
WHERE m.enrichment_version IS DISTINCT FROM :version
  AND (CAST(:client_id AS uuid) IS NULL OR m.client_id = CAST(:client_id AS uuid))
  AND (CAST(:since AS timestamptz) IS NULL OR m.received_at >= CAST(:since AS timestamptz))
ORDER BY m.lead_id, m.received_at, m.id
LIMIT :batch
FOR UPDATE OF l

-- name: store_reenriched
-- A batch's new readings written to their messages (with :version), and to their lead's current
-- labels when the message is still the lead's latest. The histories (tone_history, urgency_history,
-- confidence_history) and the message texts are left as they are. Returns the messages and the
-- leads written.
WITH fresh AS (
  SELECT *
  FROM unnest(CAST(:ids AS uuid[]), CAST(:languages AS text[]), CAST(:intents AS text[]),
              CAST(:tones AS text[]), CAST(:urgencies AS text[]), CAST(:confidences AS numeric[]),
              CAST(:summaries AS text[]))
       AS f(id, language, intent, tone, urgency, confidence_score, ai_summary)
),
messages AS (
  UPDATE lead_messages AS m
  SET language = f.language, intent = f.intent, tone = f.tone, urgency = f.urgency,
      confidence_score = f.confidence_score, ai_summary = f.ai_summary, enrichment_version = :version
  FROM fresh AS f
  WHERE m.id = f.id
  RETURNING m.id, m.lead_id, m.received_at, f.language, f.intent, f.tone, f.urgency, f.confidence_score,
            f.ai_summary
),
leads AS (
  UPDATE lead_memory AS l
  SET language = m.language, intent = m.intent, tone = m.tone, urgency = m.urgency,
      confidence_score = m.confidence_score, ai_summary = m.ai_summary
  FROM messages AS m
  WHERE l.id = m.lead_id
    AND NOT EXISTS (
      SELECT 1 FROM lead_messages AS later
      WHERE later.lead_id = m.lead_id AND (later.received_at, later.id) > (m.received_at, m.id)
    )
  RETURNING l.id
)
SELECT (SELECT count(*) FROM messages) AS messages, (SELECT count(*) FROM leads) AS leads
