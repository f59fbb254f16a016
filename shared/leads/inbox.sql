-- name: page
-- The reference's "Dashboard: Fetch Active Leads" (each lead with its latest action) done right:
-- keyset-paged, each optional filter a parameter that is NULL when not asked for. The plan is made
-- for the values given (db.transaction(custom_plans=True)), so
-- each filter uses its own index (schema/011) and a page reads only its rows.
SELECT l.id AS lead_id, l.name, l.email, l.language, l.intent, l.tone, l.urgency, l.confidence_score,
       l.ai_summary, coalesce(l.current_tag, 'Active') AS current_tag, coalesce(l.is_test, false) AS is_test,
       l.timestamp, l.last_updated,
       (SELECT count(*) FROM lead_messages AS m WHERE m.lead_id = l.id) AS message_count,
       a.action_type AS last_action_type, a.tag AS last_action_tag, a.timestamp AS last_action_at
FROM lead_memory AS l
LEFT JOIN LATERAL (
  SELECT action_type, tag, timestamp FROM lead_actions
  WHERE lead_id = l.id ORDER BY timestamp DESC, id DESC LIMIT 1
) AS a ON true
WHERE l.client_id = :client_id
  AND (CASE WHEN CAST(:tag AS text) IS NULL THEN l.current_tag IS DISTINCT FROM 'Deleted'
            ELSE l.current_tag = CAST(:tag AS text) END)
  AND (CAST(:urgency AS text) IS NULL OR l.urgency = CAST(:urgency AS text))
  AND (CAST(:intent AS text) IS NULL OR l.intent = CAST(:intent AS text))
  AND (CAST(:language AS text) IS NULL OR l.language = CAST(:language AS text))
  AND (CAST(:include_test AS boolean) OR l.is_test IS NOT TRUE)
  AND (CAST(:pattern AS text) IS NULL
       OR lower(l.name || ' ' || l.email || ' ' || coalesce(l.message, '')) LIKE CAST(:pattern AS text))
  AND (CAST(:ids AS uuid[]) IS NULL OR l.id = ANY(CAST(:ids AS uuid[])))
  AND (CAST(:since AS timestamptz) IS NULL OR l.timestamp >= CAST(:since AS timestamptz))
  AND (CAST(:until AS timestamptz) IS NULL OR l.timestamp <= CAST(:until AS timestamptz))
  AND (CAST(:after_at AS timestamptz) IS NULL
       OR (l.timestamp, l.id) < (CAST(:after_at AS timestamptz), CAST(:after_id AS uuid)))
ORDER BY l.timestamp DESC, l.id DESC
LIMIT :limit

-- name: search
-- A search's matches through the trigram index (idx_lead_memory_search), at most :cap of them. Under
-- row level security the index cannot serve LIKE (neither lower() nor LIKE is leakproof, so they
-- run after the policy, row by row: 440 ms for a rare word at 100,000 leads), so this one statement
-- runs on the admin path, scoped by its own client_id condition; the page that follows runs under
-- the client's policies and keeps only the client's leads among these ids anyway. Fewer than
-- SEARCH_CAP matches are paged by id; more mean a common word, which the newest-first walk finds at once.
SELECT id FROM lead_memory
WHERE client_id = :client_id AND lower(name || ' ' || email || ' ' || coalesce(message, '')) LIKE :pattern
LIMIT :cap

-- name: story
-- The whole story in one statement: the lead and its lists, each as JSON built by PostgreSQL.
SELECT to_jsonb(l) - 'client_id' AS lead,
       (SELECT coalesce(jsonb_agg(jsonb_build_object(
                 'message_id', m.id, 'received_at', m.received_at, 'message', m.message, 'language', m.language,
                 'intent', m.intent, 'tone', m.tone, 'urgency', m.urgency, 'confidence_score', m.confidence_score,
                 'ai_summary', m.ai_summary, 'enrichment_version', m.enrichment_version,
                 'phone', m.phone, 'address', m.address, 'when', m.wanted)
               ORDER BY m.received_at, m.id), '[]'::jsonb)
        FROM lead_messages AS m WHERE m.lead_id = l.id) AS messages,
       (SELECT coalesce(jsonb_agg(jsonb_build_object(
                 'action_id', a.id, 'action_type', a.action_type, 'tag', a.tag,
                 'conversion_outcome', a.conversion_outcome, 'reversion_reason', a.reversion_reason,
                 'timestamp', a.timestamp)
               ORDER BY a.timestamp, a.id), '[]'::jsonb)
        FROM lead_actions AS a WHERE a.lead_id = l.id) AS actions,
       (SELECT coalesce(jsonb_agg(jsonb_build_object(
                 'event_type', g.event_type, 'insight_text', g.insight_text, 'confidence', g.confidence,
                 'learning_snapshot', g.learning_snapshot, 'created_at', g.created_at)
               ORDER BY g.created_at, g.id), '[]'::jsonb)
        FROM growth_brain AS g
        WHERE g.client_id = l.client_id AND g.learning_snapshot @> jsonb_build_object('lead_id', l.id::text))
         AS growth_events,
       (SELECT coalesce(jsonb_agg(jsonb_build_object(
                 'reply_id', r.reply_id, 'status', r.status, 'due_at', r.due_at, 'sent_at', r.sent_at,
                 'subject', r.subject, 'text', r.body_text, 'attempts', r.attempts, 'last_error', r.last_error)
               ORDER BY r.created_at, r.reply_id), '[]'::jsonb)
        FROM lead_replies AS r WHERE r.lead_id = l.id AND r.kind = 'reply') AS replies,
       (SELECT coalesce(jsonb_agg(jsonb_build_object('channel', r.channel, 'status', r.status, 'sent_at', r.sent_at)
               ORDER BY r.created_at, r.reply_id), '[]'::jsonb)
        FROM lead_replies AS r WHERE r.lead_id = l.id AND r.kind = 'alert') AS alerts,
       -- whether its email still takes mail: bounced (for any client's email), complained (about this
       -- client's); the suppressions the sender checks (schema/023)
       coalesce((SELECT s.reason FROM mail_suppressions AS s
                 WHERE s.email_digest = avenir_email_digest(l.email)
                   AND (s.reason = 'bounced' OR s.client_id = l.client_id)
                 ORDER BY s.reason LIMIT 1), 'ok') AS email_status
FROM lead_memory AS l
WHERE l.id = :lead_id AND l.client_id = :client_id
