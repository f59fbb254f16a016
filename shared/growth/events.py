"""The growth brain's lessons from one lead's life: a `conversion` event when a lead is tagged
Converted and a `reversion` event when that is undone. (The nightly engine writes its own events
from shared/growth/intelligence/.)"""
import datetime
import json
import uuid
from decimal import Decimal
from typing import Literal

import pydantic

from shared.growth import wording
from shared.platform import sql

Q = sql.load(__file__)


class ConversionSnapshot(pydantic.BaseModel):
    lead_id: uuid.UUID
    lead_name: str
    initial_urgency: str | None
    initial_tone: str | None
    days_to_convert: int
    touch_points: int
    conversion_value: int | float | None
    final_tag: Literal["Converted"] = "Converted"


class ReversionSnapshot(pydantic.BaseModel):
    lead_id: uuid.UUID
    lead_name: str
    reason: str
    previous_tag: Literal["Converted"] = "Converted"


# The prior behind conversion confidence: 19 kept conversions out of 20, i.e. 0.95.
_PRIOR_KEPT, _PRIOR_TOTAL = 19, 20


def days_to_convert(lead_since: datetime.datetime | None, converted_at: datetime.datetime) -> int:
    """Whole days from the lead's `timestamp` to its conversion: floor(elapsed seconds / 86400),
    never negative (0 when the lead has no timestamp)."""
    if lead_since is None:
        return 0
    return max(0, int((converted_at - lead_since).total_seconds() // 86400))


def conversion_confidence(conversions: int, reversions: int) -> Decimal:
    """How sure the growth brain is that this conversion will stand.

    A conversion is an outcome a person recorded, not an inference, so it starts high; but people
    mis-click (that is what revert is for), so it is not 1. The estimate is the share of this
    client's conversions that were not reverted, smoothed towards a prior of 19 kept out of 20:
    (conversions - reversions + 19) / (conversions + 20), two decimals. A new client gets 0.95 (the
    schema reference's value); a client who often reverts gets less.
    """
    kept = max(0, conversions - reversions)
    return Decimal(kept + _PRIOR_KEPT) / Decimal(conversions + _PRIOR_TOTAL)


def conversion_record_step(client_id: uuid.UUID) -> tuple[str, dict]:
    """The client's conversions and reversions so far, read with the lead's lock (before the new
    conversion is written)."""
    return Q.client_conversion_record, {"client_id": client_id}


def conversion_step(*, client_id: uuid.UUID, converted_at: datetime.datetime, lead_id: uuid.UUID, lead_name: str,
                    lead_since: datetime.datetime | None, initial_urgency: str | None, initial_tone: str | None,
                    touch_points: int, conversion_value: float | None, record: dict) -> tuple[str, dict]:
    """One `conversion` event for the change that tagged the lead Converted at `converted_at`,
    its confidence from the client's `record` (conversion_record_step)."""
    days = days_to_convert(lead_since, converted_at)
    snapshot = ConversionSnapshot(
        lead_id=lead_id, lead_name=lead_name, initial_urgency=initial_urgency, initial_tone=initial_tone,
        days_to_convert=days, touch_points=touch_points, conversion_value=_plain_number(conversion_value))
    snapshot = snapshot.model_dump(mode="json")
    confidence = conversion_confidence(record["conversions"], record["reversions"])
    return Q.insert_event, {"client_id": client_id, "event_type": "conversion",
                            "snapshot": json.dumps(snapshot),
                            "insight_text": wording.render("conversion", snapshot, "en").text,
                            "confidence": confidence.quantize(Decimal("0.01")), "created_at": converted_at}


def reversion_step(*, client_id: uuid.UUID, lead_id: uuid.UUID, lead_name: str, reason: str) -> tuple[str, dict]:
    """One `reversion` event, as a step of the revert's last round trip: stamped with the lead's
    last_updated, which the revert's change just set to its action's time. Its confidence is 1: a
    person undid the conversion and said why; nothing about it is inferred."""
    snapshot = ReversionSnapshot(lead_id=lead_id, lead_name=lead_name, reason=reason).model_dump(mode="json")
    return Q.insert_reversion, {"client_id": client_id, "lead_id": lead_id, "snapshot": json.dumps(snapshot),
                                "insight_text": wording.render("reversion", snapshot, "en").text}


def _plain_number(value: float | None) -> int | float | None:
    """5000.0 is written as 5000: the value a person typed, not a float artefact."""
    return int(value) if isinstance(value, float) and value.is_integer() else value
