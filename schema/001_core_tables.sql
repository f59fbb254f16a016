-- The schema reference (seed/000_6864cdc204d722ee.txt), reproduced table by table.
-- Where the reference defines lead_actions and prospect_candidates twice, both definitions
-- hold: every CHECK, every index and the later comment wins where both comment one thing.

-- 1. clients -----------------------------------------------------------------------------
CREATE TABLE public.clients (
  id                    UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  client_id             UUID UNIQUE NOT NULL,
  business_name         TEXT NOT NULL,
  contact_name          TEXT,
  name                  TEXT,
  email                 TEXT UNIQUE NOT NULL,
  password_hash         TEXT NOT NULL,
  api_key               TEXT UNIQUE NOT NULL,
  language              TEXT DEFAULT 'en' CHECK (language IN ('en', 'fr')),
  is_internal           BOOLEAN DEFAULT false,
  is_test               BOOLEAN DEFAULT false,
  industry_category     TEXT,
  primary_service       TEXT,
  booking_link          TEXT,
  custom_tagline        TEXT,
  email_tone            TEXT DEFAULT 'Friendly' CHECK (email_tone IN ('Friendly', 'Professional', 'Formal', 'Energetic')),
  followup_speed        TEXT DEFAULT 'Instant' CHECK (followup_speed IN ('Instant', 'Within 1 hour', 'Same day')),
  ai_personalized_reply BOOLEAN DEFAULT true,
  outbound_email        TEXT,
  smtp_host             TEXT,
  smtp_port             INTEGER,
  smtp_username         TEXT,
  smtp_password         TEXT,
  created_at            TIMESTAMPTZ DEFAULT NOW(),
  last_login            TIMESTAMPTZ,
  last_connection       TIMESTAMPTZ,
  last_rotated          TIMESTAMPTZ
);

CREATE UNIQUE INDEX idx_clients_email ON clients(email);
CREATE UNIQUE INDEX idx_clients_api_key ON clients(api_key);
CREATE UNIQUE INDEX idx_clients_client_id ON clients(client_id);
CREATE INDEX idx_clients_is_test ON clients(is_test);
CREATE INDEX idx_clients_is_internal ON clients(is_internal);
CREATE INDEX idx_clients_created_at ON clients(created_at DESC);

COMMENT ON TABLE public.clients IS 'Client accounts with personalization settings and API credentials';
COMMENT ON COLUMN clients.client_id IS 'Unique client identifier used in all foreign key relationships';
COMMENT ON COLUMN clients.api_key IS 'Authentication token for lead submission API';
COMMENT ON COLUMN clients.is_test IS 'Auto-detected from email containing "test" or "example.com"';
COMMENT ON COLUMN clients.is_internal IS 'Flag for Avenir AI internal client (UUID: 00000000-0000-0000-0000-000000000001)';

-- 2. lead_memory -------------------------------------------------------------------------
CREATE TABLE public.lead_memory (
  id                    UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  email                 TEXT NOT NULL,
  name                  TEXT NOT NULL,
  message               TEXT,
  language              TEXT DEFAULT 'en',
  ai_summary            TEXT,
  intent                TEXT,
  tone                  TEXT,
  urgency               TEXT,
  confidence_score      NUMERIC(3,2) CHECK (confidence_score >= 0 AND confidence_score <= 1),
  client_id             UUID REFERENCES clients(client_id) ON DELETE CASCADE,
  current_tag           TEXT DEFAULT 'Active',
  archived              BOOLEAN DEFAULT false,
  deleted               BOOLEAN DEFAULT false,
  is_test               BOOLEAN DEFAULT false,
  tone_history          JSONB DEFAULT '[]'::jsonb,
  urgency_history       JSONB DEFAULT '[]'::jsonb,
  confidence_history    JSONB DEFAULT '[]'::jsonb,
  relationship_insight  TEXT,
  timestamp             TIMESTAMPTZ DEFAULT NOW(),
  last_updated          TIMESTAMPTZ DEFAULT NOW()
);

CREATE INDEX idx_lead_memory_client_id ON lead_memory(client_id);
CREATE INDEX idx_lead_memory_email ON lead_memory(email);
CREATE INDEX idx_lead_memory_is_test ON lead_memory(is_test);
CREATE INDEX idx_lead_memory_current_tag ON lead_memory(current_tag);
CREATE INDEX idx_lead_memory_timestamp ON lead_memory(timestamp DESC);
CREATE INDEX idx_lead_memory_urgency ON lead_memory(urgency);
CREATE INDEX idx_lead_memory_archived ON lead_memory(archived) WHERE archived = false;
CREATE INDEX idx_lead_memory_deleted ON lead_memory(deleted) WHERE deleted = false;
CREATE INDEX idx_lead_memory_client_active ON lead_memory(client_id, current_tag, is_test, timestamp DESC);

COMMENT ON TABLE public.lead_memory IS 'Core lead storage with AI enrichment and historical tracking';
COMMENT ON COLUMN lead_memory.confidence_score IS 'AI confidence that lead is qualified (0.0 to 1.0)';
COMMENT ON COLUMN lead_memory.tone_history IS 'Array of {value, timestamp} objects tracking tone changes';

-- 3. lead_actions (union of reference sections 3 and 6) ----------------------------------
CREATE TABLE public.lead_actions (
  id                    UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  lead_id               UUID REFERENCES lead_memory(id) ON DELETE CASCADE,
  client_id             UUID REFERENCES clients(client_id) ON DELETE CASCADE,
  action_type           TEXT NOT NULL CHECK (action_type IN ('insert', 'update', 'tag', 'archive', 'delete', 'revert')),
  tag                   TEXT,
  conversion_outcome    BOOLEAN DEFAULT false,
  reversion_reason      TEXT,
  is_test               BOOLEAN DEFAULT false,
  timestamp             TIMESTAMPTZ DEFAULT NOW()
);

CREATE INDEX idx_lead_actions_lead_id ON lead_actions(lead_id);
CREATE INDEX idx_lead_actions_client_id ON lead_actions(client_id);
CREATE INDEX idx_lead_actions_timestamp ON lead_actions(timestamp DESC);
CREATE INDEX idx_lead_actions_action_type ON lead_actions(action_type);
CREATE INDEX idx_lead_actions_conversion ON lead_actions(conversion_outcome) WHERE conversion_outcome = true;
CREATE INDEX idx_lead_actions_tag ON lead_actions(tag);
CREATE INDEX idx_lead_actions_client_timeline ON lead_actions(client_id, timestamp DESC);

COMMENT ON TABLE public.lead_actions IS 'Immutable audit log of all lead state changes and actions';
COMMENT ON COLUMN lead_actions.action_type IS 'insert, update, tag, archive, delete, revert';
COMMENT ON COLUMN lead_actions.conversion_outcome IS 'Set to true when tag changes to "Converted"';
COMMENT ON COLUMN lead_actions.reversion_reason IS 'User-provided reason when reverting a converted lead';

-- 4. growth_brain ------------------------------------------------------------------------
CREATE TABLE public.growth_brain (
  id                  UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  client_id           UUID REFERENCES clients(client_id) ON DELETE CASCADE,
  event_type          TEXT NOT NULL,
  learning_snapshot   JSONB,
  insight_text        TEXT,
  confidence          NUMERIC(3,2) CHECK (confidence >= 0 AND confidence <= 1),
  created_at          TIMESTAMPTZ DEFAULT NOW()
);

CREATE INDEX idx_growth_brain_client_id ON growth_brain(client_id);
CREATE INDEX idx_growth_brain_event_type ON growth_brain(event_type);
CREATE INDEX idx_growth_brain_created_at ON growth_brain(created_at DESC);
CREATE INDEX idx_growth_brain_confidence ON growth_brain(confidence DESC);
CREATE INDEX idx_growth_brain_snapshot ON growth_brain USING GIN (learning_snapshot);

COMMENT ON TABLE public.growth_brain IS 'AI learning snapshots and growth analytics with feedback loop';
COMMENT ON COLUMN growth_brain.event_type IS 'conversion, reversion, pattern_detected, engagement_score, urgency_trend, tone_distribution, conversion_prediction';
COMMENT ON COLUMN growth_brain.learning_snapshot IS 'Flexible JSONB containing patterns, metrics, predictions';
COMMENT ON COLUMN growth_brain.insight_text IS 'Human-readable insight for dashboard display';

-- 5. prospect_candidates (union of reference sections 4 and 7) ---------------------------
CREATE TABLE public.prospect_candidates (
  id                      UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  business_name           TEXT NOT NULL,
  website                 TEXT,
  contact_email           TEXT,
  form_url                TEXT,
  industry                TEXT,
  region                  TEXT,
  language                TEXT DEFAULT 'en',
  response_score          NUMERIC(5,2) CHECK (response_score >= 0 AND response_score <= 100),
  automation_need_score   NUMERIC(5,2) CHECK (automation_need_score >= 0 AND automation_need_score <= 100),
  contacted               BOOLEAN DEFAULT false,
  last_tested             TIMESTAMPTZ,
  created_at              TIMESTAMPTZ DEFAULT NOW()
);

CREATE INDEX idx_prospects_automation_score ON prospect_candidates(automation_need_score DESC);
CREATE INDEX idx_prospects_contacted ON prospect_candidates(contacted);
CREATE INDEX idx_prospects_industry ON prospect_candidates(industry);
CREATE INDEX idx_prospects_region ON prospect_candidates(region);
CREATE INDEX idx_prospects_created_at ON prospect_candidates(created_at DESC);
CREATE INDEX idx_prospects_high_priority ON prospect_candidates(automation_need_score DESC, contacted)
  WHERE automation_need_score >= 70;

COMMENT ON TABLE public.prospect_candidates IS 'Businesses discovered via crawler with automation need scoring';
COMMENT ON COLUMN prospect_candidates.response_score IS 'Quality of current autoresponder (0-100, higher = better)';
COMMENT ON COLUMN prospect_candidates.automation_need_score IS 'Calculated as 100 - response_score (higher = better prospect)';

-- 6. prospect_outreach_log ---------------------------------------------------------------
CREATE TABLE public.prospect_outreach_log (
  id              UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  prospect_id     UUID REFERENCES prospect_candidates(id) ON DELETE CASCADE,
  email_subject   TEXT NOT NULL,
  email_body      TEXT NOT NULL,
  status          TEXT DEFAULT 'sent' CHECK (status IN ('sent', 'opened', 'replied', 'ignored')),
  sent_at         TIMESTAMPTZ DEFAULT NOW(),
  opened_at       TIMESTAMPTZ,
  replied_at      TIMESTAMPTZ
);

CREATE INDEX idx_outreach_prospect_id ON prospect_outreach_log(prospect_id);
CREATE INDEX idx_outreach_status ON prospect_outreach_log(status);
CREATE INDEX idx_outreach_sent_at ON prospect_outreach_log(sent_at DESC);

COMMENT ON TABLE public.prospect_outreach_log IS 'Outreach email tracking with engagement metrics';
COMMENT ON COLUMN prospect_outreach_log.status IS 'Progression: sent → opened → replied (or ignored)';

-- 7. relationship_insights: deprecated in the reference (use growth_brain), kept so that
-- older readers find it. The reference gives no columns; this is the smallest useful shape.
CREATE TABLE public.relationship_insights (
  id          UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  client_id   UUID REFERENCES clients(client_id) ON DELETE CASCADE,
  lead_id     UUID REFERENCES lead_memory(id) ON DELETE CASCADE,
  insight     TEXT,
  created_at  TIMESTAMPTZ DEFAULT NOW()
);
COMMENT ON TABLE public.relationship_insights IS 'Deprecated/Legacy: use growth_brain instead';
