"""The follow-up sender: claim the due replies, render each once, send it through the client's own
SMTP server or the platform's sender (routes.py), and record what happened (sent, retried later,
failed, or stopped because the lead was tagged away or unsubscribed). Its threads: workers.py."""
import dataclasses
import logging
import threading
import time
from dataclasses import dataclass, field, fields
from email.message import Message

from shared.mail import alerts, envelope, events, facts, outbox, render, sms, tokens, transports, unsubscribe
from shared.mail.routes import Routes, SesClient
from shared.mail.workers import Delivery, Workers
from shared.platform import logs, settings

log = logging.getLogger("avenir.mail")
BATCH_SIZE = 100
WORKERS = 4  # replies in flight at once: each mostly waits on a mail server or SES (ms to s)
LEASE_S = 300  # a claim outlives any run (the function's timeout is 60 s); then another sender takes over
LEASE_MARGIN_S = 60  # a reply not started this long before the lease ends is handed back, unsent
UNSUBSCRIBE_VALID_DAYS = 180  # the contract asks at least 60
PLATFORM_FROM = "replies@avenir.localhost"  # the local sink's From when AVENIR_SES_FROM is not set
STOPPING_TAGS = ("Converted", "Deleted", "Archived")


@dataclass
class Summary:
    """What one run did, reply by reply (counted from several threads)."""

    sent: int = 0
    retrying: int = 0
    failed: int = 0
    cancelled: int = 0
    skipped: int = 0
    released: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def count(self, status: str) -> None:
        name = {"queued": "retrying"}.get(status, status)
        with self._lock:
            setattr(self, name, getattr(self, name) + 1)

    def as_dict(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self) if not f.name.startswith("_")}


def send_due(budget_s: float | None = None, batch_size: int = BATCH_SIZE, ses_client=None,
             workers: int = WORKERS) -> Summary:
    """Send every due reply, batch after batch, until none is due (or, with budget_s, until that many
    seconds have passed: no batch is claimed and no reply started after that; each started one ends
    within AVENIR_SMTP_DEADLINE_S), `workers` replies in flight at once, a client's own server taking
    no more than its share of them. Safe to run on several machines at once."""
    summary, started = Summary(), time.monotonic()
    run_ends = None if budget_s is None else started + budget_s

    def deliver(delivery: Delivery, routes: Routes) -> None:  # by a worker
        summary.count(_deliver(delivery, routes))

    with Workers(workers, deliver, SesClient(ses_client)) as pool:
        while run_ends is None or time.monotonic() < run_ends:
            claimed = outbox.claim(batch_size, LEASE_S)
            if not claimed:
                break
            _send_batch(claimed, pool, summary, run_ends)
    if any(summary.as_dict().values()):
        logs.event(log, "follow-up replies", **summary.as_dict())
    return summary


def _send_batch(claimed: list[outbox.Claim], pool: Workers, summary: Summary, run_ends: float | None) -> None:
    """Stop what must not go, save what the rest says (before any is sent), then send them."""
    lease_ends = time.monotonic() + LEASE_S - LEASE_MARGIN_S
    if run_ends is not None:
        lease_ends = min(lease_ends, run_ends)
    going = [_with_words(reply) for reply in claimed if not _stopped(reply, summary)]
    deliveries = [Delivery(reply, tokens.new(), lease_ends) for reply in going]
    outbox.save_rendered([outbox.Prepared.of(d.reply, tokens.digest(d.token)) for d in deliveries],
                         UNSUBSCRIBE_VALID_DAYS)
    pool.run(deliveries)


def _stopped(reply: outbox.Claim, summary: Summary) -> bool:
    """A reply that must not go any more: recorded as cancelled or skipped (or failed, when a sender
    died during its last attempt), and not sent."""
    is_reply = reply.kind == "reply"  # an alert (to the owner) is not stopped by the lead's unsubscribe

    if is_reply and reply.suppressed:
        outcome = ("skipped", f"suppressed: {reply.suppressed}")
    elif is_reply and reply.unsubscribed:
        outcome = ("skipped", "unsubscribed")
    elif reply.current_tag in STOPPING_TAGS:
        outcome = ("cancelled", f"lead tagged {reply.current_tag}")
    elif is_reply and not reply.replies_on:
        outcome = ("cancelled", "the client turned replies off")
    elif reply.attempts >= outbox.MAX_ATTEMPTS:  # claimed again: the last attempt began and never ended
        outcome = ("failed", "the sender stopped during the last attempt")
    else:
        return False
    outbox.record(reply, *outcome)
    summary.count(outcome[0])
    return True


def _with_words(reply: outbox.Claim) -> outbox.Claim:
    """The reply with its words and Message-ID: rendered now on its first attempt, else as first rendered."""
    if reply.provider_message_id:
        return reply
    if reply.kind == "alert":
        subject, text = alerts.words(reply) if reply.channel == "email" else ("", alerts.sms_text(reply))
        rendered = render.Rendered(subject, text, "")
    else:
        rendered = render.reply(facts.reply_context(vars(reply)))
    return dataclasses.replace(reply, provider_message_id=envelope.new_message_id(_from(reply)),
                               subject=rendered.subject, body_text=rendered.text, body_html=rendered.html)


def _deliver(delivery: Delivery, routes: Routes) -> str:
    """One reply, by a worker: sent and recorded; or handed back unsent, its attempts untouched, when
    its lease (or the run) nears its end, or when its server already failed in this run. Returns the
    status it now has ("released" when handed back)."""
    reply = delivery.reply
    if time.monotonic() > delivery.lease_ends:
        outbox.record(reply, "queued", reply.last_error)
        return "released"
    failed_earlier = None if reply.channel == "sms" else routes.failed_earlier(reply)
    if failed_earlier:
        outbox.record(reply, "queued", failed_earlier, outbox.RETRY_DELAYS_S[0])
        return "released"
    attempted = outbox.begin_attempt(reply)
    if attempted is None:
        return "released"  # the lease was lost: another sender has it
    return _attempt(attempted, routes, delivery.token)


def _attempt(reply: outbox.Claim, routes: Routes, token: str) -> str:
    """Send one reply (its attempt counted) and record the outcome; returns the status it now has."""
    bounced = False
    try:
        if reply.channel == "sms":
            sms.send(reply.to_phone, reply.body_text, reply.reply_id)
        else:
            transport, sender = routes.transport(reply), _from(reply)
            message = (alerts.email_message(reply, sender, reply.provider_message_id) if reply.kind == "alert"
                       else email_message(reply, sender, token))
            transport.send(message, sender, reply.to_email)
        status, error, retry_in_s = "sent", None, 0
    except transports.PermanentFailure as e:
        status, error, retry_in_s = "failed", str(e), 0
        bounced = isinstance(e, transports.RecipientRefused)  # a 5xx to RCPT TO: a permanent bounce
    except transports.TemporaryFailure as e:
        status, error, retry_in_s = _retry_or_fail(reply, str(e))
    except Exception as e:  # a bug here must not stop the other replies: retried, then failed
        log.exception("reply not sent", extra={"fields": {"reply_id": str(reply.reply_id)}})
        status, error, retry_in_s = _retry_or_fail(reply, f"internal error: {type(e).__name__}")
    if reply.channel == "email":
        routes.note_failure(reply)
    outbox.record(reply, status, error, retry_in_s)
    if bounced:  # the address is suppressed for every client's next email
        events.record([events.smtp_bounce(reply.reply_id, reply.to_email)])
    logs.event(log, "reply attempt", level=logging.INFO if status == "sent" else logging.WARNING,
               reply_id=str(reply.reply_id), client_id=str(reply.client_id), status=status,
               attempt=reply.attempts, error=error)
    return status


def _retry_or_fail(reply: outbox.Claim, error: str) -> tuple[str, str, int]:
    if reply.attempts >= outbox.MAX_ATTEMPTS:
        return "failed", f"{error} (after {reply.attempts} attempts)", 0
    return "queued", error, outbox.RETRY_DELAYS_S[reply.attempts - 1]


def email_message(reply: outbox.Claim, sender: str, token: str) -> Message:
    url = unsubscribe.unsubscribe_url(token)
    rendered = render.with_unsubscribe_url(render.Rendered(reply.subject, reply.body_text, reply.body_html), url)
    addresses = envelope.Envelope(from_name=reply.business_name, from_address=sender, to_name=reply.lead_name or "",
                               to_address=reply.to_email, reply_to=reply.client_email)
    # an outreach email is written by a program but answers no one (RFC 3834)
    auto_submitted = "auto-generated" if reply.outreach_id else "auto-replied"
    return envelope.email_message(rendered, addresses, reply.provider_message_id, reply.language, url,
                                auto_submitted=auto_submitted)


def _from(reply: outbox.Claim) -> str:
    return sender_address(reply.smtp_host, reply.outbound_email, reply.client_email)


def sender_address(smtp_host: str | None, outbound_email: str | None, client_email: str) -> str:
    """From: the client's outbound_email (else its email) through its own server, else the platform's."""
    if smtp_host:
        return outbound_email or client_email
    return settings.ses_from() or PLATFORM_FROM
