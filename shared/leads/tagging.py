"""A lead's stage in its life (Active, Follow-Up, Converted, Archived, Deleted): tagging and
reverting, each change logged once in lead_actions, serialised on the lead's row."""
import datetime
import uuid
from dataclasses import dataclass
from typing import Literal

import pydantic

from shared.clients.accounts import Client
from shared.growth import events
from shared.leads import intake
from shared.platform import db, fields, sql
from shared.platform.exceptions import Conflict, NotFound

Q = sql.load(__file__)

Tag = fields.Tag

# action_type of the lead_actions row a tag writes; every other tag is a plain `tag`.
ACTION_TYPES = {"Archived": "archive", "Deleted": "delete"}


class TagRequest(fields.RequestModel):
    tag: Tag
    # Ignored unless the tag is Converted (it then goes into the conversion's learning snapshot).
    conversion_value: float | None = pydantic.Field(None, ge=0, le=fields.MAX_AMOUNT, allow_inf_nan=False,
                                                    strict=True)


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
    lead_uuid = parse_lead_id(lead_id)
    with db.transaction(client_id=client.client_id) as conn:
        lead, conversion = _lock(conn, client, lead_uuid, converting=tag == "Converted")
        if tag == lead.current_tag:
            return TagResponse(lead_id=lead.id, previous_tag=lead.current_tag, current_tag=tag,
                               changed=False, action_id=None)
        if lead.current_tag == "Converted":
            raise Conflict(f"Lead {lead.id} is Converted; it can leave Converted only through "
                           f"POST /api/leads/{lead.id}/revert with a reason, not by tagging it {tag}.")
        if lead.current_tag == "Deleted":
            _refuse_a_second_live_lead(conn, client, lead)
        if tag == "Converted":
            change = _convert(conn, client, lead, conversion, conversion_value)
        else:
            change = _record(conn, lead, tag, ACTION_TYPES.get(tag, "tag"), commit=True)
    return TagResponse(lead_id=lead.id, previous_tag=lead.current_tag, current_tag=tag, changed=True,
                       action_id=change.action_id)


def revert_lead(client: Client, lead_id: str, reason: str) -> RevertResponse:
    """Undo a conversion: the Converted lead becomes Active (not archived, not deleted), with the
    reason logged on a `revert` action and a `reversion` growth event. 409 unless Converted."""
    lead_uuid = parse_lead_id(lead_id)
    with db.transaction(client_id=client.client_id) as conn:
        lead, _ = _lock(conn, client, lead_uuid)
        if lead.current_tag != "Converted":
            raise Conflict(f"Only a Converted lead can be reverted; lead {lead.id} is {lead.current_tag}.")
        # the change, its reversion event and the COMMIT in one round trip
        (row,), _ = db.pipeline(conn, _record_step(lead, "Active", "revert", reason),
                                events.reversion_step(client_id=client.client_id, lead_id=lead.id,
                                                      lead_name=lead.name, reason=reason), commit=True)
        change = _change(row)
    return RevertResponse(lead_id=lead.id, previous_tag="Converted", current_tag="Active",
                          action_id=change.action_id)


# A malformed id, a missing lead and another client's lead are one and the same 404, so that
# nobody can tell whether an id belongs to another client.
_NOT_FOUND = "No lead with this id for this API key."


def parse_lead_id(lead_id: str) -> uuid.UUID:
    try:
        return uuid.UUID(lead_id)
    except (ValueError, TypeError, AttributeError):
        raise NotFound(_NOT_FOUND) from None


@dataclass(frozen=True)
class Conversion:
    """What a conversion's growth event needs before the change is written: the change's time and
    the lead's actions before it (conversion_moment), and the client's conversion record."""
    at: datetime.datetime
    earlier_actions: int
    record: dict


def _lock(conn: db.Connection, client: Client, lead_id: uuid.UUID,
          converting: bool = False) -> tuple[Lead, Conversion | None]:
    """The client's lead, row-locked until the transaction ends (and, for a conversion, its
    Conversion, read in the same round trip after the lock)."""
    steps = [(Q.lock_lead, {"lead_id": lead_id, "client_id": client.client_id})]
    if converting:
        steps += [(Q.conversion_moment, {"lead_id": lead_id}), events.conversion_record_step(client.client_id)]
    found, *conversion = db.pipeline(conn, *steps)
    if not found:
        raise NotFound(_NOT_FOUND)
    row = found[0]
    lead = Lead(id=row["id"], name=row["name"], email=row["email"], since=row["timestamp"],
                current_tag=row["current_tag"], initial_urgency=row["initial_urgency"],
                initial_tone=row["initial_tone"])
    if not converting:
        return lead, None
    (moment,), (record,) = conversion
    return lead, Conversion(at=moment["at"], earlier_actions=moment["earlier_actions"], record=record)


def _convert(conn: db.Connection, client: Client, lead: Lead, conversion: Conversion,
             conversion_value: float | None) -> Change:
    """The change to Converted, its growth event and the COMMIT in one round trip: the event's time
    and touch points were read with the lock, so it does not wait for the change's answer."""
    (row,), _ = db.pipeline(
        conn, _record_step(lead, "Converted", "tag", at=conversion.at),
        events.conversion_step(
            client_id=client.client_id, converted_at=conversion.at, lead_id=lead.id, lead_name=lead.name,
            lead_since=lead.since, initial_urgency=lead.initial_urgency, initial_tone=lead.initial_tone,
            touch_points=conversion.earlier_actions, conversion_value=conversion_value, record=conversion.record),
        commit=True)
    return _change(row)


def _refuse_a_second_live_lead(conn: db.Connection, client: Client, lead: Lead) -> None:
    """Un-deleting a lead whose email came back since as a new lead would leave two live leads
    with one email, which intake's dedupe cannot tell apart: 409 naming the live one."""
    _, found = db.pipeline(conn, intake.lock_email_step(client.client_id, lead.email),
                           (Q.live_lead_with_email, {"client_id": client.client_id, "email": lead.email,
                                                     "lead_id": lead.id}))
    if found:
        other = found[0]
        raise Conflict(f"Lead {lead.id} cannot come back: its email now belongs to the live lead {other['id']}. "
                       f"Work with that lead instead.", details=[{"field": "lead_id", "message": str(other["id"])}])


def _record_step(lead: Lead, tag: str, action_type: str, reason: str | None = None,
                 at: datetime.datetime | None = None) -> tuple[str, dict]:
    return Q.record_change, {"lead_id": lead.id, "tag": tag, "action_type": action_type, "reason": reason,
                             "at": at}


def _record(conn: db.Connection, lead: Lead, tag: str, action_type: str, reason: str | None = None,
            commit: bool = False) -> Change:
    """The change; commit: with the COMMIT in the same round trip (nothing follows it)."""
    (row,), = db.pipeline(conn, _record_step(lead, tag, action_type, reason), commit=commit)
    return _change(row)


def _change(row: dict) -> Change:
    return Change(action_id=row["id"], at=row["timestamp"], earlier_actions=row["earlier_actions"])
