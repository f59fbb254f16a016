-- The nightly intelligence run replaces one run date's rows per client:
--   DELETE ... WHERE client_id = ANY(...) AND event_type IN (<daily types>)
--     AND learning_snapshot->>'run_date' = :run_date
-- This partial index finds them without reading the client's whole growth history.
CREATE INDEX IF NOT EXISTS idx_growth_brain_daily_run
  ON growth_brain (client_id, (learning_snapshot ->> 'run_date'))
  WHERE event_type IN ('engagement_score', 'urgency_trend', 'tone_distribution', 'conversion_prediction',
                       'pattern_detected');
