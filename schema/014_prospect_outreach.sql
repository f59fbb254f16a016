-- Prospect outreach (contract Part 2): an email to a high-need prospect, queued on the replies'
-- outbox and logged in the reference's prospect_outreach_log; what the prospect's test found, kept
-- so the email can say it; the open pixel's token; the nightly funnel event.
-- 013 is another branch's; the migrator applies files in name order, so the gap is harmless.

-- What the last test measured (POST /api/prospects/score's `test`): the email says it. NULL for a
-- prospect scored before this migration (its email then quotes its score instead).
ALTER TABLE prospect_candidates
  ADD COLUMN has_autoresponder BOOLEAN,
  ADD COLUMN response_time_ms INTEGER CHECK (response_time_ms >= 0),
  ADD COLUMN is_personalized BOOLEAN,
  ADD COLUMN is_generic BOOLEAN;

COMMENT ON COLUMN prospect_candidates.response_time_ms IS 'The last test''s first answer, in ms; NULL: no answer (or not recorded)';

-- An outreach email is logged when it is queued; sent_at stays NULL until the mail server accepts
-- it (the reference's vocabulary has no "queued": status `sent` with sent_at NULL means on its way,
-- and the funnel counts only emails with a sent_at). The open pixel's link names the row by a
-- random token kept only as its digest.
ALTER TABLE prospect_outreach_log
  ADD COLUMN open_token_digest TEXT UNIQUE CHECK (open_token_digest ~ '^[0-9a-f]{64}$');

COMMENT ON COLUMN prospect_outreach_log.sent_at IS 'When the mail server accepted it; NULL while queued (or if it never went)';
COMMENT ON COLUMN prospect_outreach_log.open_token_digest IS 'SHA-256 of the token in the open pixel''s link (GET /o/{token}.gif)';

-- The outbox carries outreach too: the same claim, lease, retries, transports, unsubscribe check
-- and Message-ID discipline as a reply, with no second sender to keep in step. An outbox row is
-- either a reply to a lead or an outreach email, never both; its client is the internal client
-- (the sender, whose unsubscribe list a prospect joins).
ALTER TABLE lead_replies ALTER COLUMN lead_id DROP NOT NULL;
ALTER TABLE lead_replies
  ADD COLUMN outreach_id UUID UNIQUE REFERENCES prospect_outreach_log(id) ON DELETE CASCADE,
  ADD CONSTRAINT lead_replies_one_recipient CHECK (num_nonnulls(lead_id, outreach_id) = 1);

COMMENT ON COLUMN lead_replies.outreach_id IS 'Set for an outreach email to a prospect (prospect_outreach_log.id); lead_id is then NULL';

-- The daily cap counts the outreach queued since midnight UTC.
CREATE INDEX idx_lead_replies_outreach_created ON lead_replies(created_at) WHERE outreach_id IS NOT NULL;

-- The nightly run replaces its outreach_funnel row like its other daily rows: the partial index of
-- schema/007 is rebuilt with that type, so the run's one DELETE still finds its rows through it.
DROP INDEX IF EXISTS idx_growth_brain_daily_run;
CREATE INDEX idx_growth_brain_daily_run
  ON growth_brain (client_id, (learning_snapshot ->> 'run_date'))
  WHERE event_type IN ('engagement_score', 'urgency_trend', 'tone_distribution', 'conversion_prediction',
                       'pattern_detected', 'outreach_funnel');
