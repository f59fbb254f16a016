-- The reference's recommended RLS policies. `authenticated` is Supabase's role for signed-in
-- callers; on a plain PostgreSQL it is created here so the same policies apply.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'authenticated') THEN
    CREATE ROLE authenticated NOLOGIN;
  END IF;
END
$$;

ALTER TABLE lead_memory ENABLE ROW LEVEL SECURITY;
ALTER TABLE lead_actions ENABLE ROW LEVEL SECURITY;
ALTER TABLE growth_brain ENABLE ROW LEVEL SECURITY;

CREATE POLICY client_data_isolation ON lead_memory
  FOR SELECT
  TO authenticated
  USING (client_id = current_setting('app.current_client_id')::uuid);

CREATE POLICY client_actions_isolation ON lead_actions
  FOR SELECT
  TO authenticated
  USING (client_id = current_setting('app.current_client_id')::uuid);

CREATE POLICY client_brain_isolation ON growth_brain
  FOR SELECT
  TO authenticated
  USING (client_id = current_setting('app.current_client_id')::uuid);
