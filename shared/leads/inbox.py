"""The owner's inbox (GET /api/leads): the client's leads newest first with their latest action,
filtered, keyset-paged on (timestamp, id) so paging never repeats or skips a lead while leads
arrive, or streamed whole as CSV; and a lead's whole story (GET /api/leads/{lead_id})."""
import csv
import datetime
import io
import uuid
from collections.abc import Iterator
from typing import Annotated, Literal

import pydantic

from shared.clients.accounts import Client
from shared.enrichment import Intent, Language, Urgency
from shared.growth import wording
from shared.mail import facts as reply_facts
from shared.mail import render
from shared.platform import db, fields, sql, timestamps
from shared.platform.exceptions import NotFound

Q = sql.load(__file__)

CSV_MAX_ROWS = 100_000
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
CURSOR_PATTERN = r"^[0-9]{1,17}\.[0-9a-f]{32}$"  # microseconds up to year 5138, then the lead's id
CSV_BATCH = 1000


class InboxQuery(fields.RequestModel):
    """The inbox's query string; an unknown parameter is ignored."""

    tag: fields.Tag | None = pydantic.Field(None, description="Default: every tag but Deleted.")
    urgency: Urgency | None = None
    intent: Intent | None = None
    language: Language | None = None
    q: Annotated[str, pydantic.StringConstraints(min_length=1, max_length=200)] | None = pydantic.Field(
        None, description="Text found in the name, the email or the latest message (any case).")
    since: fields.Moment | None = pydantic.Field(
        None, description="On the lead's timestamp: a timestamp or a date (its whole day), years 1900 to 2099.")
    until: fields.Moment | None = None
    include_test: bool = False
    spam: Literal["exclude", "only", "include"] = pydantic.Field(
        "exclude", description="Quarantined leads: left out (default), only them (the Spam folder), or included.")
    limit: int = pydantic.Field(25, ge=1, le=100)
    cursor: Annotated[str, pydantic.StringConstraints(pattern=CURSOR_PATTERN)] | None = pydantic.Field(
        None, description="next_cursor of the previous page: the last lead's timestamp (microseconds since "
                          "1970 UTC) and id, `<micros>.<id hex>`.")

    @pydantic.field_validator("since", "until", mode="before")
    @classmethod
    def _a_date_is_its_whole_day(cls, value):
        """`2026-01-15` is that date (its whole day), not its midnight."""
        if isinstance(value, str) and len(value) == 10:
            return datetime.date.fromisoformat(value)
        return value


class LastAction(pydantic.BaseModel):
    action_type: str | None
    tag: str | None
    timestamp: datetime.datetime | None


class InboxLead(pydantic.BaseModel):
    lead_id: uuid.UUID
    name: str
    email: str
    language: str | None
    intent: str | None
    tone: str | None
    urgency: str | None
    confidence_score: float | None
    ai_summary: str | None
    current_tag: str
    is_test: bool
    timestamp: datetime.datetime | None
    last_updated: datetime.datetime | None
    message_count: int
    last_action: LastAction | None
    spam_status: Literal["ok", "quarantined"] = "ok"
    spam_signals: list[str] = pydantic.Field(default_factory=list, description="Why it was quarantined.")


class InboxPage(pydantic.BaseModel):
    leads: list[InboxLead]
    next_cursor: str | None



SEARCH_CAP = 2000


def page(client: Client, query: InboxQuery) -> InboxPage:
    """One page; next_cursor names its last lead when more may follow."""
    rows = _rows(client, query, _after(query.cursor), query.limit + 1)
    more = len(rows) > query.limit
    leads = [_lead(row) for row in rows[:query.limit]]
    return InboxPage(leads=leads, next_cursor=_cursor(rows[query.limit - 1]) if more else None)


def _rows(client: Client, query: InboxQuery, after: tuple | None, limit: int) -> list[dict]:
    pattern, ids = _like_pattern(query.q), None
    if pattern is not None:
        found = [row["id"] for row in db.admin_read(Q.search, client_id=client.client_id, pattern=pattern,
                                                    cap=SEARCH_CAP)]
        if len(found) < SEARCH_CAP:
            pattern, ids = None, found
    return db.client_read(client.client_id, Q.page, custom_plans=True, client_id=client.client_id, tag=query.tag,
                          urgency=query.urgency, intent=query.intent, language=query.language,
                          include_test=query.include_test, spam=query.spam, pattern=pattern, ids=ids,
                          since=_moment(query.since),
                          until=_moment(query.until, end_of_day=True), after_at=after[0] if after else None,
                          after_id=after[1] if after else None, limit=limit)


def _like_pattern(q: str | None) -> str | None:
    """`50%` is looked for as written: LIKE's wildcards and escape character are escaped."""
    if q is None:
        return None
    escaped = q.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _moment(value, *, end_of_day: bool = False) -> datetime.datetime | None:
    """A date means its whole day (UTC): `since` from its start, `until` to its end."""
    if value is None or isinstance(value, datetime.datetime):
        return value
    start = datetime.datetime.combine(value, datetime.time(), datetime.UTC)
    return start + datetime.timedelta(days=1, microseconds=-1) if end_of_day else start


def _cursor(row: dict) -> str:
    """Where the next page starts: after this lead, in (timestamp, id) order. Every value the
    pattern allows is a position (the document says which), so no cursor is refused as invalid."""
    micros = (row["timestamp"] - EPOCH) // datetime.timedelta(microseconds=1)
    return f"{micros}.{row['lead_id'].hex}"


def _after(cursor: str | None) -> tuple[datetime.datetime, uuid.UUID] | None:
    if cursor is None:
        return None
    micros, lead_hex = cursor.split(".")
    return EPOCH + datetime.timedelta(microseconds=int(micros)), uuid.UUID(lead_hex)


def _lead(row: dict) -> InboxLead:
    last = None
    if row["last_action_type"] is not None:
        last = LastAction(action_type=row["last_action_type"], tag=row["last_action_tag"],
                          timestamp=row["last_action_at"])
    return InboxLead(last_action=last, **{k: v for k, v in row.items() if not k.startswith("last_action")})


CSV_COLUMNS = ["lead_id", "name", "email", "language", "intent", "tone", "urgency", "confidence_score",
               "ai_summary", "current_tag", "is_test", "timestamp", "last_updated", "message_count",
               "last_action_type", "last_action_tag", "last_action_at"]


def csv_file(client: Client, query: InboxQuery) -> Iterator[bytes]:
    """Every matching lead (at most CSV_MAX_ROWS) as CSV, UTF-8 with a byte-order mark so that
    spreadsheets show accents, header first; read and written a batch at a time, never whole."""
    yield "\ufeff".encode() + _csv_line(CSV_COLUMNS)
    after, sent = _after(query.cursor), 0
    while sent < CSV_MAX_ROWS:
        rows = _rows(client, query, after, min(CSV_BATCH, CSV_MAX_ROWS - sent))
        if not rows:
            return
        yield b"".join(_csv_line([row[column] for column in CSV_COLUMNS]) for row in rows)
        sent, after = sent + len(rows), (rows[-1]["timestamp"], rows[-1]["lead_id"])


def _csv_line(values: list) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerow([_cell(value) for value in values])
    return out.getvalue().encode()


def _cell(value) -> str:
    """A value as a spreadsheet cell; text a spreadsheet would run as a formula (`=`, `+`, `-`, `@`
    first: a lead may type anything) is quoted with a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = timestamps.spelled(value) if isinstance(value, datetime.datetime) else str(value)
    return "'" + text if isinstance(value, str) and text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


class LeadStory(pydantic.BaseModel):
    """GET /api/leads/{lead_id}: the lead, and each list oldest first."""

    lead: dict = pydantic.Field(description="Every lead_memory column but client_id.")
    messages: list[dict] = pydantic.Field(description="Every delivery ever received, one entry each: message_id, "
                                          "received_at, message, language, intent, tone, urgency, "
                                          "confidence_score, ai_summary, and what it said: phone "
                                          "(+1XXXXXXXXXX), address (as written), when (today, this_week, "
                                          "flexible or null).")
    actions: list[dict] = pydantic.Field(description="action_id, action_type, tag, conversion_outcome, "
                                         "reversion_reason, timestamp.")
    growth_events: list[dict] = pydantic.Field(description="The conversion and reversion events that name the "
                                               "lead: event_type, title, insight_text (in the client's language or "
                                               "`lang`), confidence, learning_snapshot, created_at.")
    replies: list[dict] = pydantic.Field(description="The follow-up replies to it: reply_id, status, due_at, "
                                         "sent_at, subject, text (the plain body sent or to be sent), "
                                         "attempts, last_error.")
    alerts: list[dict] = pydantic.Field(description="The owner's alerts about it: channel (email or sms), status, "
                                        "sent_at.")
    email_status: Literal["ok", "bounced", "complained"] = pydantic.Field(
        description="Whether its email takes mail: bounced (a permanent bounce, of any client's email: no "
                    "client's mail goes to it), complained (marked as spam: this client's mail no longer "
                    "goes to it), else ok.")

    @pydantic.field_validator("replies")
    @classmethod
    def _words(cls, replies: list[dict]) -> list[dict]:
        """Each reply's words: as sent, or for a queued one not yet written, as they would be written
        now (shared/mail/facts.py); its unsubscribe link's place shown as "[…]" (a stored reply keeps
        the place, not the link, whose token exists only as a digest)."""
        return [_with_words(reply) for reply in replies]


def _with_words(reply: dict) -> dict:
    facts = reply.pop("facts", None)
    if facts:
        reply["subject"], reply["text"] = reply_facts.words(facts)
    if reply.get("text"):
        reply["text"] = reply["text"].replace(render.UNSUBSCRIBE_MARK, "[…]")
    return reply


class StoryQuery(fields.RequestModel):
    lang: Language | None = pydantic.Field(
        None, description="The language of the growth events' texts: en or fr (default: the client's language).")


def story(client: Client, lead_id: str, query: StoryQuery) -> LeadStory:
    """The client's lead with its messages, actions and growth events; 404 as for tagging."""
    try:
        lead_uuid = uuid.UUID(lead_id)
    except ValueError:
        raise NotFound("No lead with this id for this client.") from None
    rows = db.client_read(client.client_id, Q.story, lead_id=lead_uuid, client_id=client.client_id)
    row = rows[0] if rows else None
    if row is None:
        raise NotFound("No lead with this id for this client.")
    return _story(row, query.lang)


def _story(row: dict, language: Language | None) -> LeadStory:
    """The story with its growth events said in `language` (default: the client's)."""
    language = language or row["client_language"] or "en"
    return LeadStory(**{**row, "growth_events": [wording.localized(e, language) for e in row["growth_events"]]})


def story_in(conn: db.Connection, client_id: uuid.UUID, lead_id: uuid.UUID) -> LeadStory:
    """The story of a lead the caller found, read in the caller's transaction (the privacy export
    reads each lead with an email this way, so the export is the lead detail)."""
    return _story(db.query_one(conn, Q.story, lead_id=lead_id, client_id=client_id), None)
