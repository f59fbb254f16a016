-- The prospect probe (contract Part 3): prospects imported and crawled, what the crawl found (the
-- contact form and its kind, the published email and the page that proves it was published), the
-- crawler's per-host politeness state shared by every worker, the probes (one inquiry sent through
-- a prospect's form) and the mail that answered them.

-- What the crawl found, and where a prospect's test came from: 'supplied' (POST /api/prospects/score's
-- `test`) or 'probe' (measured by our own probe). Outreach says "we wrote to you" only for 'probe'.
ALTER TABLE prospect_candidates
  ADD COLUMN form_kind TEXT CHECK (form_kind IN ('static', 'captcha', 'js', 'none')),
  ADD COLUMN form JSONB,
  ADD COLUMN contact_email_source_url TEXT,
  ADD COLUMN crawl_status TEXT CHECK (crawl_status IN ('queued', 'crawling', 'crawled', 'blocked', 'unreachable')),
  ADD COLUMN crawl_queued_at TIMESTAMPTZ,
  ADD COLUMN crawl_lease_until TIMESTAMPTZ,
  ADD COLUMN crawled_at TIMESTAMPTZ,
  ADD COLUMN crawl_pages JSONB,
  ADD COLUMN crawl_error TEXT,
  ADD COLUMN test_source TEXT CHECK (test_source IN ('supplied', 'probe')),
  ADD COLUMN opted_out_at TIMESTAMPTZ;

COMMENT ON COLUMN prospect_candidates.form IS 'The contact form the crawl found: {"action", "method", "fields": [{"name", "type", "value", "role"}]}';
COMMENT ON COLUMN prospect_candidates.contact_email_source_url IS 'The page contact_email was found on: the proof it was published (CASL)';
COMMENT ON COLUMN prospect_candidates.crawl_pages IS 'Crawl evidence: [{"url", "status", "fetched_at"}] in fetch order';
COMMENT ON COLUMN prospect_candidates.test_source IS 'supplied: a caller''s test (POST /api/prospects/score); probe: our own probe measured it';
COMMENT ON COLUMN prospect_candidates.opted_out_at IS 'The prospect asked (GET/POST /p/{token}) never to be probed or contacted again';

UPDATE prospect_candidates SET test_source = 'supplied' WHERE has_autoresponder IS NOT NULL;

-- The worker claims the oldest queued crawl (or one whose lease ran out).
CREATE INDEX idx_prospects_crawl_queue ON prospect_candidates (crawl_queued_at)
  WHERE crawl_status IN ('queued', 'crawling');

-- One row per host the crawler has reached: robots.txt as last fetched (kept a day), the earliest
-- moment the next request to the host may start, and whether a worker has a request in flight there.
-- A worker claims the host here (one statement) before each request and sets the next moment when
-- the answer is in, so across all workers one request at a time goes to a host, each starting at
-- least the delay after the previous one ended.
CREATE TABLE public.crawl_hosts (
  host               TEXT PRIMARY KEY,
  robots_status      TEXT CHECK (robots_status IN ('found', 'missing')),
  robots_txt         TEXT,
  robots_fetched_at  TIMESTAMPTZ,
  robots_lease_until TIMESTAMPTZ,
  next_request_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
  in_flight_until    TIMESTAMPTZ
);

COMMENT ON TABLE public.crawl_hosts IS 'The crawler''s politeness state per host: cached robots.txt and the next free request slot';
COMMENT ON COLUMN crawl_hosts.robots_lease_until IS 'One worker is fetching robots.txt until then: the others wait for its answer';
COMMENT ON COLUMN crawl_hosts.in_flight_until IS 'A worker has a request to the host in flight (a lease: a worker that died frees it then)';
COMMENT ON COLUMN crawl_hosts.robots_status IS 'found: robots_txt applies; missing: a 4xx, everything allowed (RFC 9309 2.3.1.3)';

ALTER TABLE crawl_hosts ENABLE ROW LEVEL SECURITY;
-- Like the other prospect tables: the internal client's admin path only, never a client's transaction
-- (schema/008's default privileges granted it; no policy, so with RLS on nobody else sees a row).
REVOKE ALL ON crawl_hosts FROM authenticated;

-- A probe: one disclosed inquiry sent through a prospect's static contact form, with a reply address
-- of its own (p-<token>@AVENIR_PROBE_DOMAIN; the token also names its opt-out page /p/{token}), and
-- what its answers measured once its window closed.
CREATE TABLE public.prospect_probes (
  id                 UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  prospect_id        UUID NOT NULL REFERENCES prospect_candidates(id) ON DELETE CASCADE,
  token              TEXT NOT NULL UNIQUE CHECK (token ~ '^[a-z0-9]{16,64}$'),
  status             TEXT NOT NULL DEFAULT 'queued'
                     CHECK (status IN ('queued', 'submitted', 'skipped', 'failed', 'closed')),
  form_url           TEXT,
  form_action        TEXT,
  fields             JSONB NOT NULL DEFAULT '{}'::jsonb,
  language           TEXT NOT NULL DEFAULT 'en' CHECK (language IN ('en', 'fr')),
  asked_name         TEXT,
  asked_service      TEXT,
  created_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
  submitted_at       TIMESTAMPTZ,
  submit_status      INTEGER,
  error              TEXT,
  first_reply_at     TIMESTAMPTZ,
  response_time_ms   INTEGER CHECK (response_time_ms >= 0),
  has_autoresponder  BOOLEAN,
  is_personalized    BOOLEAN,
  is_generic         BOOLEAN,
  reply_excerpt      TEXT,
  closed_at          TIMESTAMPTZ
);

CREATE INDEX idx_prospect_probes_prospect ON prospect_probes (prospect_id, created_at DESC);
CREATE INDEX idx_prospect_probes_created ON prospect_probes (created_at);
CREATE INDEX idx_prospect_probes_open ON prospect_probes (status, submitted_at) WHERE status IN ('queued', 'submitted');

COMMENT ON TABLE public.prospect_probes IS 'One disclosed inquiry through a prospect''s contact form, and what its answers measured';
COMMENT ON COLUMN prospect_probes.fields IS 'Exactly what is (or was) posted to form_action: {name: value}';

-- A message that reached a probe's address: an automatic reply, a person's answer or a bounce. Its raw
-- form is kept at most 30 days (raw_expires_at; the nightly maintenance and the inbox clear it), its
-- Message-ID makes a second delivery of the same message (SES and SMTP both retry) change nothing.
CREATE TABLE public.probe_messages (
  id              UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  probe_id        UUID NOT NULL REFERENCES prospect_probes(id) ON DELETE CASCADE,
  message_id      TEXT NOT NULL UNIQUE,
  kind            TEXT NOT NULL CHECK (kind IN ('auto', 'person', 'bounce')),
  received_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
  from_address    TEXT,
  subject         TEXT,
  excerpt         TEXT,
  raw             BYTEA,
  raw_expires_at  TIMESTAMPTZ
);

CREATE INDEX idx_probe_messages_probe ON probe_messages (probe_id, received_at);
CREATE INDEX idx_probe_messages_raw_expiry ON probe_messages (raw_expires_at) WHERE raw IS NOT NULL;

ALTER TABLE prospect_probes ENABLE ROW LEVEL SECURITY;
ALTER TABLE probe_messages ENABLE ROW LEVEL SECURITY;
REVOKE ALL ON prospect_probes, probe_messages FROM authenticated;
