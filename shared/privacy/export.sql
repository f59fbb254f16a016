-- name: leads_with_email
-- The client's leads with this email (any letter case, any tag), oldest first; each is then read
-- whole with the lead detail's own statement (inbox.sql, `story`), so the export is the lead detail.
SELECT id
FROM lead_memory
WHERE client_id = :client_id AND (email COLLATE avenir_case_insensitive) = :email
  AND lower(email) = lower(:email)
ORDER BY timestamp, id
