"""A client's settings as its owner reads and changes them (GET and PATCH /api/client): read and
written under the client's row level security; the SMTP password is stored encrypted and never shown."""
import datetime
import uuid
import zoneinfo
from typing import Annotated, Literal

import pydantic

from shared import cipher, db, fields
from shared.clients import Client
from shared.enrichment import Language
from shared.mail.render import EmailTone

ZONES = sorted(zoneinfo.available_timezones())  # IANA names this machine (and Lambda's) knows
Text = Annotated[str, pydantic.StringConstraints(strip_whitespace=True, max_length=200)]
HttpUrl = Annotated[str, pydantic.StringConstraints(strip_whitespace=True, max_length=2048,
                                                    pattern=r"^[hH][tT][tT][pP][sS]?://[^\s/?#]+[^\s]*$")]


class Settings(pydantic.BaseModel):
    """GET /api/client: never password_hash, api_key or smtp_password."""

    client_id: uuid.UUID
    business_name: str
    contact_name: str | None
    email: str
    language: str | None
    industry_category: str | None
    primary_service: str | None
    booking_link: str | None
    custom_tagline: str | None
    email_tone: str | None
    followup_speed: str | None
    ai_personalized_reply: bool | None
    outbound_email: str | None
    smtp_host: str | None
    smtp_port: int | None
    smtp_username: str | None
    smtp_password_set: bool
    mailing_address: str | None
    timezone: str
    is_test: bool | None
    created_at: datetime.datetime | None
    last_login: datetime.datetime | None
    last_rotated: datetime.datetime | None


def _given_only():
    """A field that may be left out but not cleared: no default in the document, null refused."""
    return pydantic.Field(None, json_schema_extra=lambda schema: schema.pop("default", None))


class SettingsChange(fields.RequestModel):
    """PATCH /api/client: any subset of these; null clears an optional field; anything else is a 422."""

    model_config = pydantic.ConfigDict(extra="forbid")

    business_name: fields.text(200) = _given_only()
    contact_name: Text | None = None
    language: Language = _given_only()
    industry_category: Text | None = None
    primary_service: Text | None = None
    booking_link: HttpUrl | None = None
    custom_tagline: Text | None = None
    email_tone: EmailTone = _given_only()
    followup_speed: Literal["Instant", "Within 1 hour", "Same day"] = _given_only()
    ai_personalized_reply: bool = _given_only()
    outbound_email: fields.Email | None = None
    smtp_host: Annotated[str, pydantic.StringConstraints(strip_whitespace=True, max_length=255)] | None = None
    smtp_port: Annotated[int, pydantic.Field(ge=1, le=65535)] | None = None
    smtp_username: Annotated[str, pydantic.StringConstraints(max_length=255)] | None = None
    smtp_password: Annotated[str, pydantic.StringConstraints(max_length=500)] | None = pydantic.Field(
        None, json_schema_extra={"writeOnly": True})
    mailing_address: Annotated[str, pydantic.StringConstraints(strip_whitespace=True, max_length=300)] | None = None
    timezone: Annotated[str, pydantic.WithJsonSchema({"type": "string", "enum": ZONES})] = _given_only()

    @pydantic.field_validator("business_name", "language", "email_tone", "followup_speed", "ai_personalized_reply",
                              "timezone", mode="before")
    @classmethod
    def _required_when_given(cls, value):
        if value is None:
            raise ValueError("cannot be cleared: give a value")
        return value

    @pydantic.field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        if value not in ZONES:
            raise ValueError(f"expected an IANA time zone such as America/Toronto, got {value!r}")
        return value


READ = """
SELECT client_id, business_name, contact_name, email, language, industry_category, primary_service,
       booking_link, custom_tagline, email_tone, followup_speed, ai_personalized_reply, outbound_email,
       smtp_host, smtp_port, smtp_username, smtp_password IS NOT NULL AS smtp_password_set,
       mailing_address, timezone, is_test, created_at, last_login, last_rotated
FROM clients
WHERE client_id = :client_id
"""

# Each column is set only when the change names it (:set_<column>); the others keep their value.
UPDATE = """
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
  timezone = CASE WHEN :set_timezone THEN CAST(:timezone AS text) ELSE timezone END
WHERE client_id = :client_id
"""


def read(client: Client) -> Settings:
    with db.transaction(client_id=client.client_id) as conn:
        return Settings(**db.query_one(conn, READ, client_id=client.client_id))


def change(client: Client, requested: SettingsChange) -> Settings:
    """Write the fields the request names (the SMTP password encrypted) and return the settings."""
    given = requested.model_dump(exclude_unset=True)
    if given.get("smtp_password") is not None:
        given["smtp_password"] = cipher.encrypt(given["smtp_password"])
    params = {name: given.get(name) for name in SettingsChange.model_fields}
    params |= {f"set_{name}": name in given for name in SettingsChange.model_fields}
    with db.transaction(client_id=client.client_id) as conn:
        conn.run(UPDATE, client_id=client.client_id, **params)
        return Settings(**db.query_one(conn, READ, client_id=client.client_id))
