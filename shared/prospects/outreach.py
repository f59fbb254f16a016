"""Prospect outreach: an email to each of the neediest uncontacted prospects, saying what its test
found and what that costs its industry, queued on the replies' outbox and logged in
prospect_outreach_log; then its engagement (opened, replied, ignored) and the funnel."""
import datetime
import functools
import json
import uuid
from decimal import Decimal
from typing import Literal

import pydantic

from shared.enrichment import trade
from shared.mail import envelope, html_part, markup, render, tokens
from shared.mail import sender as mail_sender
from shared.platform import db, fields, settings, sql
from shared.platform.exceptions import Conflict, NotFound

Q = sql.load(__file__)
OUTREACH_LOCK = 7_236_501_206  # any constant: "an outreach batch is being written"
MAX_BATCH = 100
STATUSES = ("sent", "opened", "replied", "ignored")
IGNORED_AFTER = datetime.timedelta(days=14)  # written in mark_ignored's statement
Text = fields.text(500)


# --- the email ------------------------------------------------------------------------------

def findings(prospect: dict) -> list[str]:
    """What the prospect's last test found, as keys of the [findings] words: no answer at all; no
    automatic acknowledgement; a first answer after N (when there was no autoresponder, or it took
    5 s or more); a generic answer. A prospect scored before the test was kept, or with nothing to
    report, gets its score (`scored`)."""
    if prospect["has_autoresponder"] is None:
        return ["scored"]
    time_ms, found = prospect["response_time_ms"], []
    if not prospect["has_autoresponder"]:
        if time_ms is None:
            return ["no_reply"]
        found.append("no_autoresponder")
    if time_ms is not None and (not prospect["has_autoresponder"] or time_ms >= 5000):
        found.append("answered_after")
    if prospect["is_generic"] and not prospect["is_personalized"]:
        found.append("generic_reply")
    return found or ["scored"]


def delay(time_ms: int, language: str) -> str:
    """A measured delay in words: seconds under 2 minutes, minutes under 2 hours, else hours."""
    seconds = time_ms / 1000
    n, unit = ((max(1, round(seconds)), "second") if seconds < 120 else
               (round(seconds / 60), "minute") if seconds < 7200 else (round(seconds / 3600), "hour"))
    words = _words(language)["delay"]
    return words[unit] if n == 1 else render.fill(words[f"{unit}s"], {"n": str(n)})


def cost(business_name: str | None, industry: str | None, language: str) -> str:
    """What a slow answer costs the prospect's trade: its [cost.<family>] section, the family read
    with the replies' trade reader (shared/enrichment/trade.py) from what the business calls itself
    (`Toitures Laval` is a roofer whatever label it was filed under), else from its industry;
    [cost.default] for any other trade. The industry label itself is never pasted into the email."""
    words = _words(language)
    section = f"cost.{trade.family_of(business_name, industry)}"
    return words[section if words.has_section(section) else "cost.default"]["text"]


def email(prospect: dict, sign: dict, open_url: str) -> render.Rendered:
    """The outreach email to one prospect, in its language (English unless French), signed by the
    internal client (`sign`: business_name, email, mailing_address), with the unsubscribe link left as
    render.UNSUBSCRIBE_MARK (put in at sending time, as for replies) and the open pixel at the end."""
    language = prospect["language"] if prospect["language"] in render.LANGUAGES else "en"
    words = _words(language)
    time_ms = prospect["response_time_ms"]
    values = {"business_name": render.one_line(prospect["business_name"]),
              "delay": "" if time_ms is None else delay(time_ms, language),
              "response_score": _number(prospect["response_score"]),
              "sender_name": render.one_line(sign["business_name"]), "sender_email": render.one_line(sign["email"]),
              "mailing_address": "\n".join(filter(None, map(render.one_line, sign["mailing_address"].splitlines()))),
              "unsubscribe_url": render.UNSUBSCRIBE_MARK,
              "probe_optout_url": f"{settings.public_url()}/p/{prospect['probe_token']}"
              if prospect.get("probe_token") else ""}
    said = _measured_by_us(prospect)
    blocks = {name: render.fill(words["email"][_wording(name, said)], values)
              for name in ("greeting", "finding_intro", "offer", "sign_off")}
    blocks["findings"] = "\n".join(render.fill(words["findings"][_wording(key, said)], values)
                                   for key in findings(prospect))
    blocks["cost"] = render.fill(cost(prospect["business_name"], prospect["industry"], language), values)
    blocks["footer"] = render.fill(words["footer"]["text"], values)
    text = render.fill(_layout(), {**values, **blocks})
    subject = render.one_line(render.fill(words["email"][_wording("subject", said)], values))
    pixel = markup.fill('<img src="$url" width="1" height="1" alt="" style="display:block;border:0">\n',
                        url=open_url)
    return render.Rendered(subject, text, html_part.as_html(text, subject, language, [render.UNSUBSCRIBE_MARK], pixel))


def _measured_by_us(prospect: dict) -> bool:
    """Whether our own probe wrote to the prospect (test_source 'probe'): only then may the email say
    "we wrote to you". A test a caller supplied (POST /api/prospects/score) is quoted as a test."""
    return prospect.get("test_source") == "probe"


def _wording(key: str, measured_by_us: bool) -> str:
    """The words' key: `x`, or `x.supplied` where one exists for a test we did not run ourselves."""
    return key if measured_by_us or f"{key}.supplied" not in _SUPPLIED_KEYS else f"{key}.supplied"


_SUPPLIED_KEYS = {"subject.supplied", "finding_intro.supplied", "answered_after.supplied"}


def _number(value) -> str:
    """NUMERIC(5,2) as written: 10.00 -> 10, 72.50 -> 72.5."""
    return "" if value is None else format(Decimal(value).normalize(), "f")


def open_url(token: str) -> str:
    return f"{settings.public_url()}/o/{token}.gif"


@functools.cache
def _words(language: str):
    return render.ini(f"{language}/outreach.ini")


@functools.cache
def _layout() -> str:
    return (render.TEMPLATES / "outreach.txt").read_text(encoding="utf-8")


# --- POST /api/prospects/outreach -----------------------------------------------------------

class OutreachRequest(fields.RequestModel):
    limit: int = pydantic.Field(20, ge=1, le=MAX_BATCH)
    min_score: float = pydantic.Field(70, ge=0, le=100, allow_inf_nan=False)
    dry_run: pydantic.StrictBool = False


class QueuedEmail(pydantic.BaseModel):
    prospect_id: uuid.UUID
    outreach_id: uuid.UUID | None = pydantic.Field(description="null in a dry run: nothing was written")
    email_subject: str
    business_name: str
    to_email: str
    language: str
    email_body: str


class OutreachBatch(pydantic.BaseModel):
    queued: list[QueuedEmail]
    dry_run: bool
    daily_cap: int
    remaining_today: int = pydantic.Field(description="what the daily cap still allows after this batch")


def send_batch(client_id: uuid.UUID, request: OutreachRequest) -> OutreachBatch:
    """Write to the neediest prospects (Q.candidates), at most `limit` and what the daily cap leaves,
    and queue the emails on the outbox (Q.queue), all in one transaction taken in turns
    (Q.lock_batches): two batches at once never write to one prospect twice, nor pass the cap.
    A dry run reads the same and writes nothing. 409 while the internal client has no mailing
    address: Canada's anti-spam law asks every commercial email to carry one."""
    cap = settings.outreach_daily_cap()
    with db.admin_transaction() as conn:  # prospects belong to no client: the admin path
        conn.run(Q.lock_batches, key=OUTREACH_LOCK)
        sign = db.query_one(conn, Q.sender, client_id=client_id)
        if sign is None or not (sign["mailing_address"] or "").strip():
            raise Conflict("The internal client has no mailing_address; every outreach email must carry one. "
                           "Set it with PATCH /api/client.")
        left = max(0, cap - sign["queued_today"])
        chosen = db.query(conn, Q.candidates, client_id=client_id, min_score=request.min_score,
                          limit=min(request.limit, left)) if left else []
        emails = [_prepare(prospect, sign) for prospect in chosen]
        if emails and not request.dry_run:
            conn.run(Q.queue, client_id=client_id, batch=json.dumps([e["row"] for e in emails]))
    queued = [QueuedEmail(outreach_id=None if request.dry_run else e["row"]["outreach_id"], **e["shown"])
              for e in emails]
    return OutreachBatch(queued=queued, dry_run=request.dry_run, daily_cap=cap,
                         remaining_today=left - (0 if request.dry_run else len(queued)))


def _prepare(prospect: dict, sign: dict) -> dict:
    """One prospect's email: its outbox row (words, Message-ID, pixel token's digest) and what the
    answer shows."""
    token = tokens.new()
    rendered = email(prospect, sign, open_url(token))
    to_email = prospect["contact_email"].strip()
    from_address = mail_sender.sender_address(sign["smtp_host"], sign["outbound_email"], sign["email"])
    row = {"outreach_id": str(uuid.uuid4()), "prospect_id": str(prospect["id"]), "to_email": to_email,
           "language": "fr" if prospect["language"] == "fr" else "en", "subject": rendered.subject,
           "body_text": rendered.text, "body_html": rendered.html,
           "message_id": envelope.new_message_id(from_address), "open_token_digest": tokens.digest(token)}
    shown = {"prospect_id": prospect["id"], "email_subject": rendered.subject,
             "business_name": prospect["business_name"], "to_email": to_email, "language": row["language"],
             "email_body": rendered.text}
    return {"row": row, "shown": shown}


# --- erasure on request ---------------------------------------------------------------------

def erase_contact(conn: db.Connection, client_id: uuid.UUID, email: str) -> int:
    """Within the internal client's erasure (on the admin path, the email's lock held): the prospects
    with this contact email, their outreach and its outbox rows deleted, the address's digest kept
    among the internal client's unsubscribes (Q.erase_contact). Returns the outbox rows deleted."""
    conn.run(Q.lock_batches, key=OUTREACH_LOCK)
    return db.query_one(conn, Q.erase_contact, client_id=client_id, email=email)["outbox"]


# --- engagement -----------------------------------------------------------------------------

def record_open(token: str) -> bool:
    """The open pixel was fetched: the email is `opened` when it was `sent` (only then). True when
    this fetch changed it."""
    if not tokens.well_formed(token):
        return False
    with db.admin_transaction() as conn:
        conn.run(Q.opened, token_digest=tokens.digest(token))
        return conn.row_count == 1


def mark_replied(outreach_id: str) -> "OutreachRow":
    """The prospect answered: `replied` (from sent, opened or ignored; again: unchanged). 404 for
    an unknown email (or an id that is no UUID), 409 for one not sent yet."""
    try:
        outreach_id = uuid.UUID(outreach_id)
    except ValueError:
        raise NotFound(f"No outreach email with id {outreach_id!r}.") from None
    with db.admin_transaction() as conn:
        conn.run(Q.replied, outreach_id=outreach_id)
        row = db.query_one(conn, Q.list, outreach_id=outreach_id, status=None, industry=None, region=None, limit=1)
    if row is None:
        raise NotFound(f"No outreach email with id {outreach_id}.")
    if row["sent_at"] is None:
        raise Conflict(f"Outreach email {outreach_id} has not been sent yet (delivery: {row['delivery']}).")
    return OutreachRow.model_validate(row)


def mark_ignored(now: datetime.datetime) -> int:
    """The nightly rule: every email `sent` or `opened` more than 14 days before `now` with no reply
    becomes `ignored` (one statement). Returns how many. The time is a parameter so the maintenance
    run (and its tests) decide what "now" is."""
    with db.admin_transaction() as conn:
        conn.run(Q.mark_ignored, now=now)
        return conn.row_count


# --- GET /api/outreach ----------------------------------------------------------------------

class OutreachQuery(fields.RequestModel):
    """The list's query string; an unknown parameter is ignored."""
    status: Literal["queued", "not_sent", "sent", "opened", "replied", "ignored"] | None = None
    industry: Text | None = None
    region: Text | None = None
    limit: int = pydantic.Field(100, ge=1, le=500)


class OutreachRow(pydantic.BaseModel):
    outreach_id: uuid.UUID
    prospect_id: uuid.UUID | None
    business_name: str
    contact_email: str | None
    industry: str | None
    region: str | None
    language: str | None
    email_subject: str
    email_body: str
    status: str = pydantic.Field(description="queued (in the outbox, not sent yet), not_sent (the outbox gave up), "
                                             "then sent, opened, replied or ignored: as the funnel counts it")
    sent_at: datetime.datetime | None = pydantic.Field(description="null while the email waits in the outbox")
    opened_at: datetime.datetime | None
    replied_at: datetime.datetime | None
    delivery: str | None = pydantic.Field(description="the outbox's state: queued, sending, sent, failed, skipped")
    delivery_error: str | None


class Funnel(pydantic.BaseModel):
    """Of the emails sent: all of them, those opened (or replied: a reply proves it was read),
    replied, ignored."""
    sent: int
    opened: int
    replied: int
    ignored: int


class OutreachList(pydantic.BaseModel):
    outreach: list[OutreachRow]
    funnel: Funnel


def list_outreach(query: OutreachQuery) -> OutreachList:
    """The outreach emails (sent newest first, those still queued before them), and the funnel of
    the sent ones of that industry and region, whatever their status."""
    with db.admin_transaction() as conn:
        rows = db.query(conn, Q.list, outreach_id=None, **query.model_dump())
        funnel = db.query_one(conn, Q.funnel, industry=query.industry, region=query.region)
    return OutreachList(outreach=[OutreachRow.model_validate(row) for row in rows], funnel=Funnel(**funnel))


def funnel_by_segment(conn: db.Connection, end: datetime.datetime) -> list[dict]:
    """For the nightly intelligence: the funnel of the emails sent before `end`, per industry and
    per region ({"dimension", "segment", "sent", "opened", "replied", "ignored"})."""
    return db.query(conn, Q.funnel_by_segment, end=end)
