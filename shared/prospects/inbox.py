"""The probe inbox: mail to a probe's reply address (p-<token>@AVENIR_PROBE_DOMAIN), whether it came
through SES (receipt rule -> S3 -> the probe_inbox function) or the local SMTP server (`avenir
probe-inbox`): one ingest for both, idempotent by Message-ID. Each message is told apart as an
automatic reply, a person's answer or a bounce, read with the standard library's email parser and
never rendered; its raw form is kept at most 30 days."""
import datetime
import email
import email.policy
import hashlib
import html.parser
import re
from dataclasses import dataclass

from shared.platform import db, settings, sql

Q = sql.load(__file__)
EXCERPT_CHARS = 500
MAX_RAW_BYTES = 10 * 1024 * 1024  # SES's largest message: kept whole, or not at all past this


@dataclass(frozen=True)
class Ingested:
    stored: bool  # False: no probe has this address, or the message was stored before
    kind: str | None = None


def ingest(raw: bytes, recipients: list[str], received_at: datetime.datetime | None = None) -> Ingested:
    """Store one message for the probe its recipient names (the envelope's recipients first, then
    To/Cc/Delivered-To). `received_at`: when our mail server took it (SES's receipt time; now)."""
    message = email.message_from_bytes(raw, policy=email.policy.default)
    token = probe_token(recipients + _header_addresses(message))
    if token is None:
        return Ingested(False)
    kind = classify(message)
    when = received_at or datetime.datetime.now(datetime.UTC)
    with db.admin_transaction() as conn:
        row = db.query_one(conn, Q.store_message, token=token, message_id=_message_id(message, raw), kind=kind,
                           received_at=when, from_address=_text(message.get("From"))[:500],
                           subject=_text(message.get("Subject"))[:500], excerpt=excerpt(message),
                           raw=raw if len(raw) <= MAX_RAW_BYTES else None)
    return Ingested(row is not None, kind)


def receive_ses(event: dict, s3_client=None) -> dict:
    """The SES receipt rule's Lambda action, after its S3 action stored each message under
    AVENIR_PROBE_MAIL_PREFIX + its SES message id in AVENIR_PROBE_MAIL_BUCKET (the bucket's lifecycle
    deletes it after 30 days): each message read and ingested, at the time SES received it."""
    s3_client = s3_client or _s3()
    stored = 0
    for record in event.get("Records", []):
        mail, receipt = record["ses"]["mail"], record["ses"]["receipt"]
        key = settings.probe_mail_prefix() + mail["messageId"]
        raw = s3_client.get_object(Bucket=settings.probe_mail_bucket(), Key=key)["Body"].read()
        received_at = datetime.datetime.fromisoformat(mail["timestamp"].replace("Z", "+00:00"))
        stored += ingest(raw, list(receipt.get("recipients") or mail.get("destination") or []), received_at).stored
    return {"received": len(event.get("Records", [])), "stored": stored}


_S3 = None


def _s3():
    global _S3
    if _S3 is None:
        import boto3  # only in AWS: a cold start without mail to read never imports it

        _S3 = boto3.client("s3")
    return _S3


def probe_token(addresses: list[str]) -> str | None:
    domain = re.escape(settings.probe_domain())
    for address in addresses:
        found = re.search(rf"(?<![\w.+-])p-([a-z0-9]{{16,64}})@{domain}\b", address.lower())
        if found:
            return found.group(1)
    return None


def classify(message: email.message.EmailMessage) -> str:
    """`bounce`: a delivery status report (RFC 3464) or a mailer daemon's; `auto`: RFC 3834's
    Auto-Submitted other than `no`, X-Autoreply / X-Autorespond, Precedence auto_reply; else `person`."""
    sender = _text(message.get("From")).lower()
    report = message.get_content_type() == "multipart/report" and \
        message.get_param("report-type", "").lower() == "delivery-status"
    if report or re.search(r"mailer-daemon|postmaster@", sender) or _text(message.get("Return-Path")).strip() == "<>":
        return "bounce"
    auto_submitted = _text(message.get("Auto-Submitted")).strip().lower()
    if (auto_submitted and auto_submitted != "no") or message.get("X-Autoreply") is not None \
            or message.get("X-Autorespond") is not None \
            or _text(message.get("Precedence")).strip().lower() == "auto_reply":
        return "auto"
    return "person"


def excerpt(message: email.message.EmailMessage) -> str:
    """The first EXCERPT_CHARS of the text: the plain part, else the HTML part's text with its tags
    dropped (parsed, never rendered); whitespace collapsed."""
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    try:
        content = part.get_content()
    except (LookupError, ValueError):  # an unknown charset, a broken encoding
        content = part.get_payload(decode=True).decode("utf-8", "replace") if part.get_payload(decode=True) else ""
    if part.get_content_subtype() == "html":
        content = _TagStripper.text_of(content)
    return " ".join(content.replace("\x00", " ").split())[:EXCERPT_CHARS]


def clear_expired_raw() -> int:
    with db.admin_transaction() as conn:
        conn.run(Q.clear_expired_raw)
        return conn.row_count


def _header_addresses(message) -> list[str]:
    return [_text(message.get(name)) for name in ("Delivered-To", "X-Original-To", "To", "Cc") if message.get(name)]


def _message_id(message, raw: bytes) -> str:
    """The Message-ID; a message without one is named by its content's digest (a redelivery is the same)."""
    given = _text(message.get("Message-ID")).strip()
    return given[:500] if given else f"<sha256-{hashlib.sha256(raw).hexdigest()}@no-message-id>"


def _text(value) -> str:
    """A header as text, without NUL characters (which PostgreSQL's text refuses)."""
    return "" if value is None else str(value).replace("\x00", "")


class _TagStripper(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self.skipping = [], 0

    def handle_starttag(self, tag, attrs):
        self.skipping += tag in ("script", "style")

    def handle_endtag(self, tag):
        self.skipping -= tag in ("script", "style") and self.skipping > 0

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)

    @classmethod
    def text_of(cls, markup: str) -> str:
        stripper = cls()
        stripper.feed(markup)
        stripper.close()
        return " ".join(stripper.parts)
