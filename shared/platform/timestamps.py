"""One spelling of a moment in every answer: ISO 8601 in UTC with microseconds and a `Z`
(`2026-12-07T11:53:53.198210Z`), whether pydantic wrote it (`...53.19821Z`, or no fraction at all),
PostgreSQL's JSON did (`...53.19821+00:00`), or str() did (`2026-12-07 11:53:53.198210+00:00`).
The JSON answer (shared/platform/http/request.py) and the CSV files use it."""
import datetime
import re
from typing import Any

# A whole string that is a moment with its zone: date, time, optional fraction, then Z or an offset.
_SPELLED = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$")  # already as `spelled` writes it
_MOMENT = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2})?)(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})$")


def spelled(moment: datetime.datetime) -> str:
    """A moment as the API writes it (a naive one is taken as UTC, as the database keeps them)."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(datetime.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def respelled(value: Any) -> Any:
    """`value` (decoded JSON: dicts, lists, strings, ...) with every datetime, and every string that
    is a whole moment with its zone, written as `spelled` writes it; anything else as it is."""
    if isinstance(value, dict):
        return {key: respelled(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [respelled(item) for item in value]
    if isinstance(value, datetime.datetime):
        return spelled(value)
    if isinstance(value, str) and 16 <= len(value) <= 40 and value[0].isdigit() and not _SPELLED.match(value):
        match = _MOMENT.match(value)
        return (_from_text(match) or value) if match else value
    return value


def _from_text(match: re.Match) -> str | None:
    day, time, fraction, zone = match.groups()
    zone = "+00:00" if zone == "Z" else zone if ":" in zone else f"{zone[:3]}:{zone[3:]}"
    text = f"{day}T{time if len(time) == 8 else time + ':00'}.{(fraction or '0')[:6].ljust(6, '0')}"
    try:
        moment = datetime.datetime.fromisoformat(text + zone)  # checks that it is a real moment
        return text + "Z" if zone in ("+00:00", "-00:00") else spelled(moment)
    except (ValueError, OverflowError):  # no real moment (2026-02-30), or none UTC can hold (year 1 at +14:00)
        return None
