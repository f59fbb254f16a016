"""A client's settings as its owner reads and changes them (GET and PATCH /api/client): read and
written under the client's row level security; the SMTP password is stored encrypted and never shown."""
import datetime
import uuid
import zoneinfo
from typing import Annotated, Literal

import pydantic
from pydantic_core import PydanticCustomError

from shared.clients.accounts import Client
from shared.enrichment import Language
from shared.mail import smtp_hosts
from shared.mail.render import EmailTone
from shared.platform import cipher, db, fields, sql

Q = sql.load(__file__)

ZONES = sorted(zoneinfo.available_timezones())  # IANA names this machine (and Lambda's) knows
Text = Annotated[str, pydantic.StringConstraints(strip_whitespace=True, max_length=200)]
# A business phone as owners write it: digits, spaces, + ( ) - . and an optional extension ("ext 12").
PHONE = fields.matching(r"^[0-9 +().-]*[0-9][0-9 +().-]*( ?(ext\.?|poste|x) ?[0-9]{1,6})?$", "not_a_phone")
Phone = Annotated[str, pydantic.StringConstraints(strip_whitespace=True, max_length=40, pattern=PHONE)]
E164 = Annotated[str, pydantic.StringConstraints(strip_whitespace=True,
                                                 pattern=fields.matching(r"^\+[1-9][0-9]{6,14}$", "not_a_phone"))]


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
    phone: str | None
    primary_service_en: str | None
    primary_service_fr: str | None
    alert_email: str = pydantic.Field(description="Where owner alerts go (the client's email unless set).")
    alert_phone: str | None
    alert_urgency: str
    is_test: bool | None
    created_at: datetime.datetime | None
    last_login: datetime.datetime | None
    last_rotated: datetime.datetime | None


class SettingsChange(fields.RequestModel):
    """PATCH /api/client: any subset of these; null clears an optional field; anything else is a 422."""

    model_config = pydantic.ConfigDict(extra="forbid")

    business_name: fields.text(200) = fields.given_only()
    contact_name: Text | None = None
    language: Language = fields.given_only()
    industry_category: Text | None = None
    primary_service: Text | None = None
    booking_link: fields.HttpUrl | None = None
    custom_tagline: Text | None = None
    email_tone: EmailTone = fields.given_only()
    followup_speed: Literal["Instant", "Within 1 hour", "Same day"] = fields.given_only()
    ai_personalized_reply: bool = fields.given_only()
    outbound_email: fields.Email | None = None
    smtp_host: Annotated[str, pydantic.StringConstraints(strip_whitespace=True, max_length=255)] | None = None
    smtp_port: Annotated[int, pydantic.Field(ge=1, le=65535)] | None = None
    smtp_username: Annotated[str, pydantic.StringConstraints(max_length=255)] | None = None
    smtp_password: Annotated[str, pydantic.StringConstraints(max_length=500)] | None = pydantic.Field(
        None, json_schema_extra={"writeOnly": True})
    mailing_address: Annotated[str, pydantic.StringConstraints(strip_whitespace=True, max_length=300)] | None = None
    timezone: Annotated[str, pydantic.WithJsonSchema({"type": "string", "enum": ZONES})] = fields.given_only()
    phone: Phone | None = None
    primary_service_en: Annotated[str, pydantic.StringConstraints(strip_whitespace=True, max_length=100)] | None = None
    primary_service_fr: Annotated[str, pydantic.StringConstraints(strip_whitespace=True, max_length=100)] | None = None
    alert_email: fields.Email | None = None
    alert_phone: E164 | None = None
    alert_urgency: Literal["High", "Medium", "off"] = fields.given_only()

    _not_cleared = pydantic.field_validator("business_name", "language", "email_tone", "followup_speed",
                                            "ai_personalized_reply", "timezone", "alert_urgency",
                                            mode="before")(fields.refuse_null)

    @pydantic.field_validator("smtp_host")
    @classmethod
    def _public_mail_server(cls, value: str | None) -> str | None:
        """Refused when it resolves to a loopback, private, link-local or reserved address (the
        sender checks again when it connects: DNS can change)."""
        try:
            return value if value is None else smtp_hosts.check(value)
        except smtp_hosts.RefusedHost as e:
            raise PydanticCustomError("not_allowed", "{problem}", {"problem": str(e)}) from None

    @pydantic.field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        if value not in ZONES:
            raise PydanticCustomError("not_allowed", "expected an IANA time zone such as America/Toronto, "
                                                     "got {value}", {"value": repr(value)})
        return value


def read(client: Client) -> Settings:
    return Settings(**db.client_read(client.client_id, Q.read, client_id=client.client_id)[0])


def change(client: Client, requested: SettingsChange) -> Settings:
    """Write the fields the request names (the SMTP password encrypted) and return the settings."""
    given = requested.model_dump(exclude_unset=True)
    if given.get("smtp_password") is not None:
        given["smtp_password"] = cipher.encrypt(given["smtp_password"])
    params = {name: given.get(name) for name in SettingsChange.model_fields}
    params |= {f"set_{name}": name in given for name in SettingsChange.model_fields}
    with db.transaction(client_id=client.client_id) as conn:
        _, (row,) = db.pipeline(conn, (Q.update, dict(params, client_id=client.client_id)),
                                (Q.read, {"client_id": client.client_id}), commit=True)
        return Settings(**row)
