-- name: read
SELECT client_id, business_name, contact_name, email, language, industry_category, primary_service,
       booking_link, custom_tagline, email_tone, followup_speed, ai_personalized_reply, outbound_email,
       smtp_host, smtp_port, smtp_username, smtp_password IS NOT NULL AS smtp_password_set,
       mailing_address, timezone, is_test, created_at, last_login, last_rotated,
       phone, primary_service_en, primary_service_fr, coalesce(alert_email, email) AS alert_email, alert_phone,
       alert_urgency
FROM clients
WHERE client_id = :client_id

-- name: update
-- Each column is set only when the change names it (:set_<column>); the others keep their value.
UPDATE clients SET
  business_name = CASE WHEN :set_business_name THEN CAST(:business_name AS text) ELSE business_name END,
  contact_name = CASE WHEN :set_contact_name THEN CAST(:contact_name AS text) ELSE contact_name END,
  language = CASE WHEN :set_language THEN CAST(:language AS text) ELSE language END,
  industry_category = CASE WHEN :set_industry_category THEN CAST(:industry_category AS text)
                           ELSE industry_category END,
  primary_service = CASE WHEN :set_primary_service THEN CAST(:primary_service AS text) ELSE primary_service END,
  booking_link = CASE WHEN :set_booking_link THEN CAST(:booking_link AS text) ELSE booking_link END,
  custom_tagline = CASE WHEN :set_custom_tagline THEN CAST(:custom_tagline AS text) ELSE custom_tagline END,
  email_tone = CASE WHEN :set_email_tone THEN CAST(:email_tone AS text) ELSE email_tone END,
  followup_speed = CASE WHEN :set_followup_speed THEN CAST(:followup_speed AS text) ELSE followup_speed END,
  ai_personalized_reply = CASE WHEN :set_ai_personalized_reply THEN CAST(:ai_personalized_reply AS boolean)
                               ELSE ai_personalized_reply END,
  outbound_email = CASE WHEN :set_outbound_email THEN CAST(:outbound_email AS text) ELSE outbound_email END,
  smtp_host = CASE WHEN :set_smtp_host THEN CAST(:smtp_host AS text) ELSE smtp_host END,
  smtp_port = CASE WHEN :set_smtp_port THEN CAST(:smtp_port AS integer) ELSE smtp_port END,
  smtp_username = CASE WHEN :set_smtp_username THEN CAST(:smtp_username AS text) ELSE smtp_username END,
  smtp_password = CASE WHEN :set_smtp_password THEN CAST(:smtp_password AS text) ELSE smtp_password END,
  mailing_address = CASE WHEN :set_mailing_address THEN CAST(:mailing_address AS text) ELSE mailing_address END,
  timezone = CASE WHEN :set_timezone THEN CAST(:timezone AS text) ELSE timezone END,
  phone = CASE WHEN :set_phone THEN CAST(:phone AS text) ELSE phone END,
  primary_service_en = CASE WHEN :set_primary_service_en THEN CAST(:primary_service_en AS text)
                            ELSE primary_service_en END,
  primary_service_fr = CASE WHEN :set_primary_service_fr THEN CAST(:primary_service_fr AS text)
                            ELSE primary_service_fr END,
  alert_email = CASE WHEN :set_alert_email THEN CAST(:alert_email AS text) ELSE alert_email END,
  alert_phone = CASE WHEN :set_alert_phone THEN CAST(:alert_phone AS text) ELSE alert_phone END,
  alert_urgency = CASE WHEN :set_alert_urgency THEN CAST(:alert_urgency AS text) ELSE alert_urgency END
WHERE client_id = :client_id
