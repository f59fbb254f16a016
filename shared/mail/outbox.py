"""The replies outbox (lead_replies): a reply queued in the lead intake's own transaction by the
contract's rules, claimed by senders without blocking one another, and its outcome recorded."""
import datetime
import json
import re
import uuid
from dataclasses import asdict, dataclass, field, replace

from shared.platform import db, sql

Q = sql.load(__file__)

MAX_ATTEMPTS = 6
RECENT_REPLY = datetime.timedelta(minutes=10)
# Temporary failure after attempt n (1..5): the next attempt is due RETRY_DELAYS_S[n - 1] later.
RETRY_DELAYS_S = (60, 5 * 60, 15 * 60, 30 * 60, 60 * 60)
STATUSES = ("queued", "sending", "sent", "failed", "cancelled", "skipped")
ERROR_MAX_CHARS = 500
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]+")  # NUL: refused by PostgreSQL; the rest: unreadable


def queue_reply(conn: db.Connection, *, client_id: uuid.UUID, lead_id: uuid.UUID, message_id: uuid.UUID | None,
                to_email: str, language: str | None, intent: str | None, is_test: bool,
                received_at: datetime.datetime | None = None, urgency: str | None = None) -> str | None:
    """Queue the reply to a lead just stored, in the caller's transaction (one round trip). Returns
    "queued", or why not: "replies_off" (ai_personalized_reply false: nothing written), "test_lead",
    "spam", "unsubscribed" or "recent_reply" (a `skipped` row saying so); None when the client is
    unknown. received_at defaults to the message's, else the statement's clock."""
    (rows,) = db.pipeline(conn, queue_reply_step(client_id=client_id, lead_id=lead_id, message_id=message_id,
                                                 to_email=to_email, language=language, intent=intent,
                                                 is_test=is_test, received_at=received_at, urgency=urgency))
    return rows[0]["outcome"] if rows else None


def queue_reply_step(*, client_id: uuid.UUID, lead_id: uuid.UUID, message_id: uuid.UUID | None, to_email: str,
                     language: str | None, intent: str | None, is_test: bool,
                     received_at: datetime.datetime | None = None, urgency: str | None = None,
                     suspicious: bool = False) -> tuple[str, dict]:
    """queue_reply as a (statement, parameters) step, to travel in the intake's last round trip;
    `suspicious`: the message has spam signals (no reply, whatever its lead's status)."""
    return Q.queue_reply, {"client_id": client_id, "lead_id": lead_id, "message_id": message_id,
                           "to_email": to_email, "language": language, "intent": intent, "is_test": is_test,
                           "received_at": received_at, "urgency": urgency, "suspicious": suspicious}


def queue_alerts_step(*, client_id: uuid.UUID, lead_id: uuid.UUID, message_id: uuid.UUID, urgency: str,
                      intent: str, is_test: bool, suspicious: bool = False) -> tuple[str, dict]:
    """The owner's alerts about a lead just stored (Q.queue_alerts), as a step of the intake's last
    round trip: no round trip of their own. None for a message with spam signals."""
    return Q.queue_alerts, {"client_id": client_id, "lead_id": lead_id, "message_id": message_id,
                            "urgency": urgency, "intent": intent, "is_test": is_test, "suspicious": suspicious}


@dataclass(frozen=True)
class Claim:
    """A reply claimed by this sender (the columns of Q.claim, built once from its row): the reply
    itself, its lead's name and tag, its client's settings, and whether the address unsubscribed.
    Never changed in place: what the sender learns makes a new one (dataclasses.replace)."""

    reply_id: uuid.UUID
    client_id: uuid.UUID
    lead_id: uuid.UUID | None
    outreach_id: uuid.UUID | None  # an outreach email (no lead): its client is the internal client
    to_email: str | None  # None for an SMS alert (to_phone)
    language: str
    intent: str | None
    kind: str  # reply (to the lead) or alert (to the owner, about the lead)
    channel: str  # email, or sms (alerts only)
    to_phone: str | None
    attempts: int
    lease_until: datetime.datetime  # the fence: outcomes are recorded only while it is still this
    provider_message_id: str | None  # with subject and bodies: set once rendered, before the first attempt
    subject: str | None
    body_text: str | None
    body_html: str | None
    due_at: datetime.datetime
    last_error: str | None
    lead_name: str | None
    lead_email: str | None  # an alert's Reply-To: answering it writes to the lead
    current_tag: str | None
    lead_urgency: str | None  # of the message the reply answers
    wanted: str | None  # when the lead wants the service: today, this_week, flexible
    lead_message: str | None
    lead_summary: str | None
    lead_phone: str | None  # the latest the lead gave
    lead_address: str | None
    business_name: str
    client_email: str
    outbound_email: str | None
    smtp_host: str | None
    smtp_port: int | None
    smtp_username: str | None
    smtp_password: str | None = field(repr=False)  # encrypted (shared/platform/cipher.py)
    primary_service: str | None
    booking_link: str | None
    custom_tagline: str | None
    email_tone: str | None
    mailing_address: str | None
    client_language: str
    business_phone: str | None
    primary_service_en: str | None
    primary_service_fr: str | None
    industry_category: str | None  # with primary_service, the client's trade (a clinic's leads come in)
    replies_on: bool
    unsubscribed: bool
    suppressed: str | None  # bounced or complained (mail_suppressions), else None


def claim(batch_size: int, lease_s: int) -> list[Claim]:
    """Up to batch_size due replies, now `sending` and leased to this sender for lease_s seconds."""
    with db.admin_transaction() as conn:
        return [Claim(**row) for row in db.query(conn, Q.claim, batch_size=batch_size, lease_s=lease_s)]


@dataclass(frozen=True)
class Prepared:
    """One claimed reply ready to go: what it says and its unsubscribe token's digest."""

    reply_id: uuid.UUID
    provider_message_id: str
    subject: str
    body_text: str
    body_html: str
    token_digest: str

    @classmethod
    def of(cls, reply: Claim, token_digest: str) -> "Prepared":
        return cls(reply.reply_id, reply.provider_message_id, reply.subject, reply.body_text, reply.body_html,
                   token_digest)


def save_rendered(prepared: list[Prepared], valid_days: int) -> None:
    if not prepared:
        return
    # one JSON document rather than six arrays: the driver escapes array text in Python, json in C
    rendered = json.dumps([{**asdict(p), "reply_id": str(p.reply_id)} for p in prepared])
    with db.admin_transaction() as conn:
        db.query(conn, Q.save_rendered, rendered=rendered, valid_days=valid_days)


def begin_attempt(reply: Claim) -> Claim | None:
    """Count the attempt the sender is starting on a claimed reply: the reply with its attempts now,
    or None when the lease was lost meanwhile (the reply is then not sent). A claim alone counts
    none, so replies claimed by a run that died before reaching them keep every attempt."""
    with db.admin_transaction() as conn:
        rows = db.query(conn, Q.begin_attempt, reply_id=reply.reply_id, lease_until=reply.lease_until)
    return replace(reply, attempts=rows[0]["attempts"]) if rows else None


def record(reply: Claim, status: str, error: str | None = None, retry_in_s: int = 0) -> bool:
    """The outcome of the attempt on a claimed reply: sent, queued again (in retry_in_s; handed back
    unsent, it keeps its attempts: only begin_attempt counts one), failed, cancelled or skipped.
    False when the lease was lost meanwhile.

    Committed without waiting for the disk (synchronous_commit off, this transaction only): a record
    lost in a database crash leaves the reply `sending` until its lease ends, and it is then sent again
    with the same Message-ID, exactly as after the sender's own crash; waiting would cost a disk
    flush per reply, most of the sender's time."""
    with db.admin_transaction() as conn:
        _, recorded = db.pipeline(
            conn, (Q.commit_without_flush, {}),
            (Q.record, {"reply_id": reply.reply_id, "lease_until": reply.lease_until, "status": status,
                        "error": clean_error(error), "retry_in_s": retry_in_s}))
        return len(recorded) == 1


def clean_error(error: str | None) -> str | None:
    """An error text as stored in last_error: control characters (NUL among them, which PostgreSQL
    refuses in text) become one space, and it is cut at ERROR_MAX_CHARS. Part of it may come from
    outside (a mail server, SES, an exception's message): whatever it holds, recording it cannot fail."""
    if error is None:
        return None
    return " ".join(_UNPRINTABLE.sub(" ", str(error)).split())[:ERROR_MAX_CHARS]


def retry_failed(client_id: uuid.UUID | None = None) -> int:
    """Queue every failed reply (of one client, or all) again, due now with six fresh attempts; the
    sender still checks unsubscribes and tags before sending. Returns how many."""
    with db.admin_transaction() as conn:
        return len(db.query(conn, Q.retry_failed, client_id=client_id))
