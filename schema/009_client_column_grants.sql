-- What a client's own transaction may change in its `clients` row.
--
-- schema/008 let the `authenticated` role (the per-client path, shared/platform/db.py) UPDATE its own
-- clients row, every column of it: a client could make itself the internal client (is_internal),
-- choose its own API key digest (api_key), leave or join the test clients (is_test), or rewrite
-- client_id, email, created_at and last_rotated. Row level security picks the row; only column
-- privileges can pick the columns. So UPDATE is granted column by column: the owner's settings
-- (the writable fields of PATCH /api/client in the contract), the password (POST
-- /api/client/password) and the sign-in timestamps. Identity, keys and flags change only on the
-- admin path (db.admin_transaction(): key issuing and rotation, operators' commands), which runs as
-- the tables' owner and is not concerned by these grants.
--
-- A later migration that adds a column an owner may edit grants UPDATE on that column here too.

REVOKE UPDATE ON clients FROM authenticated;
GRANT UPDATE (business_name, contact_name, language, industry_category, primary_service, booking_link,
              custom_tagline, email_tone, followup_speed, ai_personalized_reply, outbound_email,
              smtp_host, smtp_port, smtp_username, smtp_password,
              password_hash, last_login, last_connection)
  ON clients TO authenticated;
