"""A lead's stage in its life (Active, Follow-Up, Converted, Archived, Deleted): tagging and
reverting, each change logged once in lead_actions, serialised on the lead's row."""
import datetime
import uuid
from dataclasses import dataclass
from typing import Literal

import pydantic

from shared import db, fields, growth, leads
from shared.clients import Client
from shared.exceptions import Conflict, NotFound

Tag = fields.Tag

# action_type of the lead_actions row a tag writes; every other tag is a plain `tag`.
ACTION_TYPES = {"Archived": "archive", "Deleted": "delete"}


class TagRequest(fields.RequestModel):
    tag: Tag
    # Ignored unless the tag is Converted (it then goes into the conversion's learning snapshot).
    conversion_value: float | None = pydantic.Field(None, ge=0, allow_inf_nan=False, strict=True)


class TagResponse(pydantic.BaseModel):
    lead_id: uuid.UUID
    previous_tag: str
    current_tag: Tag
    changed: bool
    action_id: uuid.UUID | None


class RevertRequest(fields.RequestModel):
    reason: fields.text(500)


class RevertResponse(pydantic.BaseModel):
    lead_id: uuid.UUID
    previous_tag: Literal["Converted"]
    current_tag: Literal["Active"]
    action_id: uuid.UUID


# The lead, locked for the change, scoped to the caller: another client's lead is not found.
LOCK_LEAD = """
SELECT id, name, email, timestamp, coalesce(current_tag, 'Active') AS current_tag,
       avenir_initial_value(urgency_history, urgency) AS initial_urgency,
       avenir_initial_value(tone_history, tone) AS initial_tone
FROM lead_memory
WHERE id = :lead_id AND client_id = :client_id
FOR UPDATE
"""

# One change: the lead's new state and its lead_actions row, stamped with one clock_timestamp()
# read after the lock is held (now() would be the transaction's start, which can precede the
# change that held the lock before us). earlier_actions: the statement's snapshot does not see
# the row it inserts, so it counts the lead's actions before this one.
RECORD_CHANGE = """
WITH lead AS (
  UPDATE lead_memory
  SET current_tag = :tag::text,
      archived = (:tag::text = 'Archived'),
      deleted = (:tag::text = 'Deleted'),
      last_updated = clock_timestamp()
  WHERE id = :lead_id
  RETURNING id, client_id, coalesce(is_test, false) AS is_test, last_updated
)
INSERT INTO lead_actions (lead_id, client_id, action_type, tag, conversion_outcome, reversion_reason,
                          is_test, timestamp)
SELECT id, client_id, :action_type::text, :tag::text, :tag::text = 'Converted', :reason::text,
       is_test, last_updated
FROM lead
RETURNING id, timestamp, (SELECT count(*) FROM lead_actions WHERE lead_id = :lead_id) AS earlier_actions
"""


# Another live lead of the client with this email (case-insensitive, as intake dedupes), read
# once the email's intake lock is held, so no intake can create one while we look.
LIVE_LEAD_WITH_EMAIL = """
SELECT id
FROM lead_memory
WHERE client_id = :client_id AND (email COLLATE avenir_case_insensitive) = :email
  AND lower(email) = lower(:email) AND deleted IS NOT TRUE AND id <> :lead_id
LIMIT 1
"""


@dataclass(frozen=True)
class Lead:
    id: uuid.UUID
    name: str
    email: str
    since: datetime.datetime | None
    current_tag: str
    initial_urgency: str | None
    initial_tone: str | None


@dataclass(frozen=True)
class Change:
    action_id: uuid.UUID
    at: datetime.datetime
    earlier_actions: int


def tag_lead(client: Client, lead_id: str, tag: Tag, conversion_value: float | None = None) -> TagResponse:
    """Move the client's lead to `tag`. The same tag again changes and writes nothing; a Converted
    lead leaves Converted only through revert (409 otherwise)."""
    lead_uuid = _parse_lead_id(lead_id)
    with db.transaction(client_id=client.client_id) as conn:
        lead = _lock(conn, client, lead_uuid)
        if tag == lead.current_tag:
            return TagResponse(lead_id=lead.id, previous_tag=lead.current_tag, current_tag=tag,
                               changed=False, action_id=None)
        if lead.current_tag == "Converted":
            raise Conflict(f"Lead {lead.id} is Converted; it can leave Converted only through "
                           f"POST /api/leads/{lead.id}/revert with a reason, not by tagging it {tag}.")
        if lead.current_tag == "Deleted":
            _refuse_a_second_live_lead(conn, client, lead)
        change = _record(conn, lead, tag, ACTION_TYPES.get(tag, "tag"))
        if tag == "Converted":
            growth.record_conversion(
                conn, client_id=client.client_id, action_id=change.action_id, converted_at=change.at,
                lead_id=lead.id, lead_name=lead.name, lead_since=lead.since,
                initial_urgency=lead.initial_urgency, initial_tone=lead.initial_tone,
                touch_points=change.earlier_actions, conversion_value=conversion_value)
    return TagResponse(lead_id=lead.id, previous_tag=lead.current_tag, current_tag=tag, changed=True,
                       action_id=change.action_id)


def revert_lead(client: Client, lead_id: str, reason: str) -> RevertResponse:
    """Undo a conversion: the Converted lead becomes Active (not archived, not deleted), with the
    reason logged on a `revert` action and a `reversion` growth event. 409 unless Converted."""
    lead_uuid = _parse_lead_id(lead_id)
    with db.transaction(client_id=client.client_id) as conn:
        lead = _lock(conn, client, lead_uuid)
        if lead.current_tag != "Converted":
            raise Conflict(f"Only a Converted lead can be reverted; lead {lead.id} is {lead.current_tag}.")
        change = _record(conn, lead, "Active", "revert", reason=reason)
        growth.record_reversion(conn, client_id=client.client_id, reverted_at=change.at, lead_id=lead.id,
                                lead_name=lead.name, reason=reason)
    return RevertResponse(lead_id=lead.id, previous_tag="Converted", current_tag="Active",
                          action_id=change.action_id)


# A malformed id, a missing lead and another client's lead are one and the same 404, so that
# nobody can tell whether an id belongs to another client.
_NOT_FOUND = "No lead with this id for this API key."


def _parse_lead_id(lead_id: str) -> uuid.UUID:
    try:
        return uuid.UUID(lead_id)
    except (ValueError, TypeError, AttributeError):
        raise NotFound(_NOT_FOUND) from None


def _lock(conn: db.Connection, client: Client, lead_id: uuid.UUID) -> Lead:
    """The client's lead, row-locked until the transaction ends."""
    row = db.query_one(conn, LOCK_LEAD, lead_id=lead_id, client_id=client.client_id)
    if row is None:
        raise NotFound(_NOT_FOUND)
    return Lead(id=row["id"], name=row["name"], email=row["email"], since=row["timestamp"],
                current_tag=row["current_tag"], initial_urgency=row["initial_urgency"],
                initial_tone=row["initial_tone"])


def _refuse_a_second_live_lead(conn: db.Connection, client: Client, lead: Lead) -> None:
    """Un-deleting a lead whose email came back since as a new lead would leave two live leads
    with one email, which intake's dedupe cannot tell apart: 409 naming the live one."""
    conn.run(leads.lock_statement([leads.email_lock_id(client.client_id, lead.email)]))
    other = db.query_one(conn, LIVE_LEAD_WITH_EMAIL, client_id=client.client_id, email=lead.email, lead_id=lead.id)
    if other is not None:
        raise Conflict(f"Lead {lead.id} cannot come back: its email now belongs to the live lead {other['id']}. "
                       f"Work with that lead instead.", details=[{"field": "lead_id", "message": str(other["id"])}])


def _record(conn: db.Connection, lead: Lead, tag: str, action_type: str, reason: str | None = None) -> Change:
    row = db.query_one(conn, RECORD_CHANGE, lead_id=lead.id, tag=tag, action_type=action_type, reason=reason)
    return Change(action_id=row["id"], at=row["timestamp"], earlier_actions=row["earlier_actions"])
