-- A conversion's confidence reads the client's whole conversion record (shared/growth/events.py,
-- CLIENT_CONVERSION_RECORD). Without this index that count walked the global conversion and
-- action_type indexes filtered by client: 20 ms per conversion for a client with 100,000 actions
-- (tests/bench/findings.md). This one holds only conversions and reverts, per client, with what the
-- count reads, so it is answered from the index.
CREATE INDEX IF NOT EXISTS idx_lead_actions_client_conversion_record
  ON lead_actions (client_id) INCLUDE (id, conversion_outcome, action_type)
  WHERE conversion_outcome OR action_type = 'revert';
