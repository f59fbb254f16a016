"""Mail events: what mail servers said back about the outbox's emails. An SES bounce or complaint
(through SNS) or an SMTP 5xx to RCPT TO is recorded once per notification and recipient; a permanent
bounce suppresses the address for every client, a complaint unsubscribes it from the client whose
email it was (the internal client's: from outreach). A transient bounce changes nothing."""
import datetime
import json
import uuid
from dataclasses import asdict, dataclass
from email.utils import parseaddr
from typing import Literal

import pydantic

from shared.mail import sns, transports
from shared.platform import db, fields, sql
from shared.platform.exceptions import ValidationFailed

Q = sql.load(__file__)


@dataclass(frozen=True)
class MailEvent:
    """One recipient of one notification."""

    source: str  # ses or smtp
    notification_id: str  # SNS MessageId; smtp:<reply_id>
    feedback_id: str | None
    kind: str  # bounce (permanent) or complaint
    email: str
    message_id: str | None  # the email's Message-ID header, <...>, to find whose email it was
    reply_id: str | None
    occurred_at: str


@dataclass(frozen=True)
class Recorded:
    """What one notification did: rows recorded (0 for a replay, a transient bounce or a delivery)
    and suppressions added."""

    recorded: int = 0
    suppressed: int = 0

    def as_dict(self) -> dict:
        return asdict(self)


def from_ses(notification_id: str, notification: dict) -> list[MailEvent]:
    """The events of an SES notification (identity notification or configuration set event
    publishing: `notificationType` or `eventType`): one per bounced or complained recipient of a
    permanent bounce or a complaint; none for anything else (a transient bounce, a delivery)."""
    kind = notification.get("notificationType") or notification.get("eventType")
    if kind == "Bounce" and notification.get("bounce", {}).get("bounceType") == "Permanent":
        detail, recipients = notification["bounce"], "bouncedRecipients"
    elif kind == "Complaint":
        detail, recipients = notification.get("complaint", {}), "complainedRecipients"
    else:
        return []
    mail = notification.get("mail", {})
    occurred_at = detail.get("timestamp") or mail.get("timestamp") or _now()
    return [MailEvent("ses", notification_id, detail.get("feedbackId"), kind.lower(), address,
                      _message_id(mail), None, occurred_at)
            for address in _addresses(detail.get(recipients, []))]


def smtp_bounce(reply_id: uuid.UUID, email: str) -> MailEvent:
    """A 5xx to RCPT TO when sending a reply: a permanent bounce, recorded once per reply."""
    return MailEvent("smtp", f"smtp:{reply_id}", None, "bounce", email, None, str(reply_id), _now())


def record(events: list[MailEvent]) -> Recorded:
    """Record the events and what they suppress, in one statement on the admin path (the
    notification is about any client's email). Replayed events change nothing."""
    if not events:
        return Recorded()
    with db.admin_transaction() as conn:
        row = db.query_one(conn, Q.record_events, events=json.dumps([asdict(e) for e in events]))
    return Recorded(recorded=row["recorded"], suppressed=row["suppressed"])


def _addresses(recipients: list) -> list[str]:
    found = (parseaddr(r.get("emailAddress", ""))[1] for r in recipients if isinstance(r, dict))
    return [address for address in found if "@" in address]


def _message_id(mail: dict) -> str | None:
    """The Message-ID the outbox gave the email: from the tag the sender gave it (configuration set
    events carry the email's tags), else as SES reports its original headers."""
    tagged = (mail.get("tags") or {}).get(transports.MESSAGE_TAG)
    if isinstance(tagged, list) and tagged and (from_tag := transports.message_id_from_tag(str(tagged[0]))):
        return from_tag
    value = mail.get("commonHeaders", {}).get("messageId")
    if not value:
        value = next((h.get("value") for h in mail.get("headers", [])
                      if isinstance(h, dict) and str(h.get("name", "")).lower() == "message-id"), None)
    if not value:
        return None
    return f"<{str(value).strip().strip('<>')}>"


def _now() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat()


class SnsMessage(fields.RequestModel):
    """An Amazon SNS message as SNS posts it over HTTP(S) (any other field is kept, for the signature)."""

    model_config = pydantic.ConfigDict(extra="allow")
    Type: Literal["Notification", "SubscriptionConfirmation", "UnsubscribeConfirmation"]
    MessageId: fields.text(200)
    Message: str = ""
    TopicArn: fields.text(300) | None = None
    Timestamp: fields.text(40) | None = None
    SignatureVersion: fields.text(4) | None = None
    Signature: fields.text(2000) | None = None
    SigningCertURL: fields.text(1000) | None = None
    SubscribeURL: fields.text(2000) | None = None
    Token: fields.text(2000) | None = None


class Received(pydantic.BaseModel):
    type: str = pydantic.Field(description="The SNS message's Type.")
    confirmed: bool = pydantic.Field(False, description="A subscription confirmed (SubscriptionConfirmation).")
    recorded: int = pydantic.Field(0, description="Bounces and complaints recorded (0 for a replay, a transient "
                                                  "bounce or any other notification).")
    suppressed: int = pydantic.Field(0, description="Addresses suppressed by them.")


def receive(message: dict, fetch=None) -> Received:
    """One SNS message, as posted: from our topic and its signature verified (sns.Refused, a 403,
    otherwise),
    a subscription confirmed, a notification's bounces and complaints recorded. An SES notification
    that is not JSON is refused (422) and records nothing."""
    checked = SnsMessage.model_validate(message)
    sns.check_topic(message)
    sns.verify(message, fetch)
    if checked.Type == "SubscriptionConfirmation":
        sns.confirm_subscription(message, fetch)
        return Received(type=checked.Type, confirmed=True)
    if checked.Type != "Notification":
        return Received(type=checked.Type)
    try:
        notification = json.loads(checked.Message)
    except ValueError:
        raise ValidationFailed("The SNS Message is not an SES notification (JSON).") from None
    if not isinstance(notification, dict):
        raise ValidationFailed("The SNS Message is not an SES notification (a JSON object).")
    done = record(from_ses(checked.MessageId, notification))
    return Received(type=checked.Type, recorded=done.recorded, suppressed=done.suppressed)
