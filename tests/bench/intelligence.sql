-- name: one_pass
-- The baseline: every lead and every action read once, grouped by client, as any daily job must.
SELECT (SELECT count(*) FROM (SELECT client_id, count(*), avg(confidence_score),
                                     count(*) FILTER (WHERE urgency = 'High')
                              FROM lead_memory GROUP BY client_id) AS leads) AS clients_with_leads,
       (SELECT count(*) FROM (SELECT client_id, count(*), count(*) FILTER (WHERE conversion_outcome)
                              FROM lead_actions GROUP BY client_id) AS actions) AS clients_with_actions
