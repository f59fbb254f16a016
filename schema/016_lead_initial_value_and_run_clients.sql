-- Two definitions the SQL of several modules shares, written once here (plain SQL functions, which
-- the planner inlines into the statements that call them).

-- A lead's initial urgency or tone: the first entry of its history (urgency_history, tone_history),
-- else the column; an empty value is none. A conversion's snapshot (shared/leads/tagging.py) and the
-- nightly conversion model (shared/growth/intelligence/store.py) read a lead's start the same way.
CREATE FUNCTION avenir_initial_value(history JSONB, current_value TEXT) RETURNS TEXT
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN coalesce(nullif(history -> 0 ->> 'value', ''), nullif(current_value, ''));

-- The clients a nightly run covers: every non-test client, or only the one named, even a test
-- client (so that the run can refuse it by name).
CREATE FUNCTION avenir_run_clients(only_client UUID)
  RETURNS TABLE (client_id UUID, is_test BOOLEAN, is_internal BOOLEAN)
  LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT c.client_id, coalesce(c.is_test, false), coalesce(c.is_internal, false)
  FROM clients c
  WHERE CASE WHEN only_client IS NULL THEN NOT coalesce(c.is_test, false) ELSE c.client_id = only_client END
$$;

GRANT EXECUTE ON FUNCTION avenir_initial_value(JSONB, TEXT) TO authenticated;
