-- Row level security that PostgreSQL enforces on the application's per-client path.
--
-- Who is subject to it. A client's request runs in a transaction that switches to the NOLOGIN role
-- `authenticated` (shared/platform/db.py: set_config('role', 'authenticated', true), i.e. SET LOCAL ROLE,
-- together with app.current_client_id, in the transaction's first round trip). That role is the
-- reference's (Supabase's role for signed-in callers; schema/004 created it on a plain cluster and
-- its SELECT policies name it); it owns nothing, is not a superuser and has no BYPASSRLS, so every
-- policy below applies to it whatever WHERE clause the application writes.
--
-- FORCE ROW LEVEL SECURITY is deliberately not set. A table's owner bypasses its policies unless
-- FORCE is set; here the owner is the role that runs the migrations and connects, and acting as it
-- is the explicit cross-client path (db.admin_transaction(): the API key lookup, key rotation, the
-- nightly job, the internal client's prospect routes, operators' commands, migrations). FORCE
-- would only make that path add an "admin sees everything" policy, which is a bypass by another
-- name; the per-client path never acts as the owner, because the role switch happens before its
-- first statement.
--
-- Fail closed: the new policies read current_setting('app.current_client_id', true), which is NULL
-- (or '' once the setting was used earlier in the session) when no client was named; NULLIF turns
-- '' into NULL and `client_id = NULL` is never true, so such a transaction sees and writes nothing.

DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'authenticated') THEN
    CREATE ROLE authenticated NOLOGIN;
  END IF;
  -- The connecting role must be allowed to switch to it. A superuser always is; a managed
  -- database's admin user (RDS, Supabase) is granted membership here.
  IF NOT pg_has_role(current_user, 'authenticated', 'MEMBER') THEN
    EXECUTE format('GRANT authenticated TO %I', current_user);
  END IF;
END
$$;

-- Privileges: the tenant tables and the tables of the per-client path (including those later
-- migrations create, through the default privileges of the migrating role). Not the migration
-- ledger, not the internal client's prospect tables: a client's transaction has no business there.
GRANT USAGE ON SCHEMA public TO authenticated;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO authenticated;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO authenticated;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO authenticated;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO authenticated;
REVOKE ALL ON schema_migrations, prospect_candidates, prospect_outreach_log FROM authenticated;
REVOKE INSERT, DELETE ON clients FROM authenticated;

-- lead_memory, lead_actions, growth_brain: schema/004 gives SELECT; these give the writes.
-- UPDATE checks both the row it changes (USING) and the row it leaves (WITH CHECK), so a row can
-- neither be changed for another client nor moved to one.
CREATE POLICY client_data_insert ON lead_memory FOR INSERT TO authenticated
  WITH CHECK (client_id = nullif(current_setting('app.current_client_id', true), '')::uuid);
CREATE POLICY client_data_update ON lead_memory FOR UPDATE TO authenticated
  USING (client_id = nullif(current_setting('app.current_client_id', true), '')::uuid)
  WITH CHECK (client_id = nullif(current_setting('app.current_client_id', true), '')::uuid);
CREATE POLICY client_data_delete ON lead_memory FOR DELETE TO authenticated
  USING (client_id = nullif(current_setting('app.current_client_id', true), '')::uuid);

CREATE POLICY client_actions_insert ON lead_actions FOR INSERT TO authenticated
  WITH CHECK (client_id = nullif(current_setting('app.current_client_id', true), '')::uuid);
CREATE POLICY client_actions_update ON lead_actions FOR UPDATE TO authenticated
  USING (client_id = nullif(current_setting('app.current_client_id', true), '')::uuid)
  WITH CHECK (client_id = nullif(current_setting('app.current_client_id', true), '')::uuid);
CREATE POLICY client_actions_delete ON lead_actions FOR DELETE TO authenticated
  USING (client_id = nullif(current_setting('app.current_client_id', true), '')::uuid);

CREATE POLICY client_brain_insert ON growth_brain FOR INSERT TO authenticated
  WITH CHECK (client_id = nullif(current_setting('app.current_client_id', true), '')::uuid);
CREATE POLICY client_brain_update ON growth_brain FOR UPDATE TO authenticated
  USING (client_id = nullif(current_setting('app.current_client_id', true), '')::uuid)
  WITH CHECK (client_id = nullif(current_setting('app.current_client_id', true), '')::uuid);
CREATE POLICY client_brain_delete ON growth_brain FOR DELETE TO authenticated
  USING (client_id = nullif(current_setting('app.current_client_id', true), '')::uuid);

-- The other tables that carry a client_id: on the per-client path a client sees its own account
-- row (and may update it), its own key rotations and its own legacy insights, nothing else.
ALTER TABLE clients ENABLE ROW LEVEL SECURITY;
ALTER TABLE api_key_rotation_log ENABLE ROW LEVEL SECURITY;
ALTER TABLE relationship_insights ENABLE ROW LEVEL SECURITY;

CREATE POLICY client_own_account ON clients FOR ALL TO authenticated
  USING (client_id = nullif(current_setting('app.current_client_id', true), '')::uuid)
  WITH CHECK (client_id = nullif(current_setting('app.current_client_id', true), '')::uuid);
CREATE POLICY client_own_key_rotations ON api_key_rotation_log FOR ALL TO authenticated
  USING (client_id = nullif(current_setting('app.current_client_id', true), '')::uuid)
  WITH CHECK (client_id = nullif(current_setting('app.current_client_id', true), '')::uuid);
CREATE POLICY client_own_insights ON relationship_insights FOR ALL TO authenticated
  USING (client_id = nullif(current_setting('app.current_client_id', true), '')::uuid)
  WITH CHECK (client_id = nullif(current_setting('app.current_client_id', true), '')::uuid);
