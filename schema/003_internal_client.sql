-- The reference's internal client (Avenir AI Solutions). Its placeholder key is stored as the
-- reference gives it, but the application refuses it (shared/clients/accounts.py): it never authenticates.
-- `avenir client create --internal` issues a real key for this row.
INSERT INTO clients (client_id, business_name, email, password_hash, api_key, is_internal, is_test)
VALUES ('00000000-0000-0000-0000-000000000001', 'Avenir AI Solutions', 'internal@aveniraisolutions.ca',
        '$2a$10$placeholder', 'internal-api-key-placeholder', true, false)
ON CONFLICT (client_id) DO UPDATE SET is_internal = true;
