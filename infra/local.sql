-- name: demo_client
SELECT client_id FROM clients WHERE email = :email

-- name: demo_address
UPDATE clients SET mailing_address = :address WHERE client_id = :c AND mailing_address IS NULL

-- name: client_email
SELECT email FROM clients WHERE client_id = :c
