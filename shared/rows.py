"""Pydantic models of the schema reference's rows, one per table, for code that reads whole rows
(dashboards, exports, tests). Each field is a column; tests/foundation/test_rows.py holds them to
the migrated schema, so a column added to one and not the other fails the suite."""
import datetime
import uuid
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Row(BaseModel):
    model_config = ConfigDict(frozen=True)


class ClientRow(Row):
    id: uuid.UUID
    client_id: uuid.UUID
    business_name: str
    contact_name: str | None = None
    name: str | None = None
    email: str
    password_hash: str = Field(repr=False)
    api_key: str = Field(repr=False)  # `sha256:<hex>` digest, never the key itself
    language: str | None = "en"
    is_internal: bool | None = False
    is_test: bool | None = False
    industry_category: str | None = None
    primary_service: str | None = None
    booking_link: str | None = None
    custom_tagline: str | None = None
    email_tone: str | None = "Friendly"
    followup_speed: str | None = "Instant"
    ai_personalized_reply: bool | None = True
    outbound_email: str | None = None
    smtp_host: str | None = None
    smtp_port: int | None = None
    smtp_username: str | None = None
    smtp_password: str | None = Field(None, repr=False)
    created_at: datetime.datetime | None = None
    last_login: datetime.datetime | None = None
    last_connection: datetime.datetime | None = None
    last_rotated: datetime.datetime | None = None
    timezone: str = "America/Toronto"  # schema/011: the client's own days
    mailing_address: str | None = None  # schema/011: what a commercial email must carry


class HistoryEntry(BaseModel):
    """One element of tone_history, urgency_history or confidence_history."""
    value: Any
    timestamp: datetime.datetime


class LeadRow(Row):
    id: uuid.UUID
    email: str
    name: str
    message: str | None = None
    language: str | None = "en"
    ai_summary: str | None = None
    intent: str | None = None
    tone: str | None = None
    urgency: str | None = None
    confidence_score: Decimal | None = None
    client_id: uuid.UUID | None = None
    current_tag: str | None = "Active"
    archived: bool | None = False
    deleted: bool | None = False
    is_test: bool | None = False
    tone_history: list[HistoryEntry] | None = None
    urgency_history: list[HistoryEntry] | None = None
    confidence_history: list[HistoryEntry] | None = None
    relationship_insight: str | None = None
    timestamp: datetime.datetime | None = None
    last_updated: datetime.datetime | None = None


class LeadActionRow(Row):
    id: uuid.UUID
    lead_id: uuid.UUID | None = None
    client_id: uuid.UUID | None = None
    action_type: str
    tag: str | None = None
    conversion_outcome: bool | None = False
    reversion_reason: str | None = None
    is_test: bool | None = False
    timestamp: datetime.datetime | None = None


class GrowthEventRow(Row):
    id: uuid.UUID
    client_id: uuid.UUID | None = None
    event_type: str
    learning_snapshot: dict[str, Any] | None = None
    insight_text: str | None = None
    confidence: Decimal | None = None
    created_at: datetime.datetime | None = None


class ProspectCandidateRow(Row):
    id: uuid.UUID
    business_name: str
    website: str | None = None
    contact_email: str | None = None
    form_url: str | None = None
    industry: str | None = None
    region: str | None = None
    language: str | None = "en"
    response_score: Decimal | None = None
    automation_need_score: Decimal | None = None
    contacted: bool | None = False
    last_tested: datetime.datetime | None = None
    created_at: datetime.datetime | None = None
    # schema/014: what the last test measured (the outreach email says it)
    has_autoresponder: bool | None = None
    response_time_ms: int | None = None
    is_personalized: bool | None = None
    is_generic: bool | None = None


class OutreachRow(Row):
    id: uuid.UUID
    prospect_id: uuid.UUID | None = None
    email_subject: str
    email_body: str
    status: str | None = "sent"
    sent_at: datetime.datetime | None = None
    opened_at: datetime.datetime | None = None
    replied_at: datetime.datetime | None = None
    open_token_digest: str | None = None  # schema/014: the open pixel's token, as its SHA-256


class KeyRotationRow(Row):
    id: uuid.UUID
    client_id: uuid.UUID
    old_key_fingerprint: str
    new_key_fingerprint: str
    rotated_at: datetime.datetime
    reason: str
    rotated_by: str | None = None


TABLES: dict[str, type[Row]] = {
    "clients": ClientRow, "lead_memory": LeadRow, "lead_actions": LeadActionRow, "growth_brain": GrowthEventRow,
    "prospect_candidates": ProspectCandidateRow, "prospect_outreach_log": OutreachRow,
    "api_key_rotation_log": KeyRotationRow,
}
