"""The follow-up sender: claim the due replies, render each once, send it through the client's own
SMTP server or the platform's sender, and record what happened (sent, retried later, failed, or
stopped because the lead was tagged away or unsubscribed)."""
import collections
import hashlib
import logging
import secrets
import threading
import time
from dataclasses import dataclass, field, fields
from email.message import Message

from shared.mail import outbox, render, transports
from shared.platform import cipher, db, logs, settings

log = logging.getLogger("avenir.mail")
BATCH_SIZE = 100
WORKERS = 4  # replies in flight at once: each mostly waits on a mail server or SES (ms to s)
LEASE_S = 300  # a claim outlives any run (the function's timeout is 60 s); then another sender takes over
LEASE_MARGIN_S = 60  # a reply not started this long before the lease ends is handed back, unsent
UNSUBSCRIBE_VALID_DAYS = 180  # the contract asks at least 60
PLATFORM_FROM = "replies@avenir.localhost"  # the local sink's From when AVENIR_SES_FROM is not set
STOPPING_TAGS = ("Converted", "Deleted", "Archived")
PLATFORM_ROUTE = ("platform",)


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
    with Workers(workers, SesClient(ses_client), summary) as pool:
        while run_ends is None or time.monotonic() < run_ends:
            claimed = outbox.claim(batch_size, LEASE_S)
            if not claimed:
                break
            _send_batch(claimed, pool, summary, run_ends)
    if any(summary.as_dict().values()):
        logs.event(log, "follow-up replies", **summary.as_dict())
    return summary


def _send_batch(claimed: list[dict], pool: "Workers", summary: Summary, run_ends: float | None) -> None:
    """Stop what must not go, save what the rest says (before any is sent), then send them."""
    lease_ends = time.monotonic() + LEASE_S - LEASE_MARGIN_S
    if run_ends is not None:
        lease_ends = min(lease_ends, run_ends)
    going = [reply for reply in claimed if not _stopped(reply, summary)]
    tokens = {reply["reply_id"]: secrets.token_urlsafe(24) for reply in going}
    outbox.save_rendered([_prepared(reply, tokens[reply["reply_id"]]) for reply in going], UNSUBSCRIBE_VALID_DAYS)
    pool.run([(reply, tokens[reply["reply_id"]], lease_ends) for reply in going])


def _stopped(reply: dict, summary: Summary) -> bool:
    """A reply that must not go any more: recorded as cancelled or skipped (or failed, when a sender
    died during its last attempt), and not sent."""
    if reply["unsubscribed"]:
        outcome = ("skipped", "unsubscribed")
    elif reply["current_tag"] in STOPPING_TAGS:
        outcome = ("cancelled", f"lead tagged {reply['current_tag']}")
    elif not reply["replies_on"]:
        outcome = ("cancelled", "the client turned replies off")
    elif reply["attempts"] >= outbox.MAX_ATTEMPTS:  # claimed again: the last attempt began and never ended
        outcome = ("failed", "the sender stopped during the last attempt")
    else:
        return False
    outbox.record(reply, *outcome)
    summary.count(outcome[0])
    return True


def _prepared(reply: dict, token: str) -> outbox.Prepared:
    """The reply's words and Message-ID: rendered now on its first attempt, else as first rendered."""
    digest = hashlib.sha256(token.encode()).hexdigest()
    if reply["provider_message_id"]:
        return outbox.Prepared(reply["reply_id"], reply["provider_message_id"], reply["subject"],
                               reply["body_text"], reply["body_html"], digest)
    rendered = render.reply(reply_context(reply))
    message_id = render.new_message_id(sender_address(reply))
    reply.update(provider_message_id=message_id, subject=rendered.subject, body_text=rendered.text,
                 body_html=rendered.html)
    return outbox.Prepared(reply["reply_id"], message_id, rendered.subject, rendered.text, rendered.html, digest)


def reply_context(reply: dict) -> render.ReplyContext:
    return render.ReplyContext(
        language=reply["language"], intent=reply["intent"], tone=reply["email_tone"],
        lead_name=reply["lead_name"] or "", business_name=reply["business_name"],
        primary_service=reply["primary_service"], booking_link=reply["booking_link"],
        custom_tagline=reply["custom_tagline"], mailing_address=reply["mailing_address"],
        contact_email=reply["client_email"])


def _deliver(reply: dict, token: str, lease_ends: float, routes: "Routes") -> str:
    """One reply, by a worker: sent and recorded; or handed back unsent, its attempts untouched, when
    its lease (or the run) nears its end, or when its server already failed in this run."""
    if time.monotonic() > lease_ends:
        outbox.record(reply, "queued", reply["last_error"])
        return "released"
    failed_earlier = routes.failed_earlier(reply)
    if failed_earlier:
        outbox.record(reply, "queued", failed_earlier, outbox.RETRY_DELAYS_S[0])
        return "released"
    if not outbox.begin_attempt(reply):
        return "released"  # the lease was lost: another sender has it
    return _attempt(reply, routes, token)


def _attempt(reply: dict, routes: "Routes", token: str) -> str:
    """Send one reply and record the outcome; returns the status it now has."""
    try:
        transport, sender = routes.transport(reply), sender_address(reply)
        transport.send(email_message(reply, sender, token), sender, reply["to_email"])
        status, error, retry_in_s = "sent", None, 0
    except transports.PermanentFailure as e:
        status, error, retry_in_s = "failed", str(e), 0
    except transports.TemporaryFailure as e:
        status, error, retry_in_s = _retry_or_fail(reply, str(e))
    except Exception as e:  # a bug here must not stop the other replies: retried, then failed
        log.exception("reply not sent", extra={"fields": {"reply_id": str(reply["reply_id"])}})
        status, error, retry_in_s = _retry_or_fail(reply, f"internal error: {type(e).__name__}")
    routes.note_failure(reply)
    outbox.record(reply, status, error, retry_in_s)
    logs.event(log, "reply attempt", level=logging.INFO if status == "sent" else logging.WARNING,
               reply_id=str(reply["reply_id"]), client_id=str(reply["client_id"]), status=status,
               attempt=reply["attempts"], error=error)
    return status


def _retry_or_fail(reply: dict, error: str) -> tuple[str, str, int]:
    if reply["attempts"] >= outbox.MAX_ATTEMPTS:
        return "failed", f"{error} (after {reply['attempts']} attempts)", 0
    return "queued", error, outbox.RETRY_DELAYS_S[reply["attempts"] - 1]


def email_message(reply: dict, sender: str, token: str) -> Message:
    url = unsubscribe_url(token)
    rendered = render.with_unsubscribe_url(
        render.Rendered(reply["subject"], reply["body_text"], reply["body_html"]), url)
    envelope = render.Envelope(from_name=reply["business_name"], from_address=sender,
                               to_name=reply["lead_name"] or "", to_address=reply["to_email"],
                               reply_to=reply["client_email"])
    # an outreach email is written by a program but answers no one (RFC 3834)
    auto_submitted = "auto-generated" if reply.get("outreach_id") else "auto-replied"
    return render.email_message(rendered, envelope, reply["provider_message_id"], reply["language"], url,
                                auto_submitted=auto_submitted)


def unsubscribe_url(token: str) -> str:
    return f"{settings.public_url()}/u/{token}"


def client_smtp_password(reply: dict) -> str | None:
    """The client's SMTP password in clear: clients.smtp_password is stored encrypted (shared/platform/cipher.py,
    written by PATCH /api/client); the one place the sender reads it."""
    return None if reply["smtp_password"] is None else cipher.decrypt(reply["smtp_password"])


def sender_address(reply: dict) -> str:
    """From: the client's outbound_email (else its email) through its own server, else the platform's."""
    if reply["smtp_host"]:
        return reply["outbound_email"] or reply["client_email"]
    return settings.ses_from() or PLATFORM_FROM


class Routes:
    """Which transport each reply takes, for one worker: the client's own SMTP server when smtp_host
    is set, else the platform's sender (AVENIR_SMTP_URL, else SES with AVENIR_SES_FROM). Each
    transport is opened once and reused for the worker's next replies."""

    def __init__(self, ses_client: "SesClient", failures: dict[tuple, str] | None = None):
        self.ses_client = ses_client
        self.failures = {} if failures is None else failures  # shared by the run's workers
        self._open: dict[tuple, transports.Transport] = {}

    def transport(self, reply: dict) -> transports.Transport:
        key = self.key(reply)
        if key not in self._open:
            self._open[key] = self._new(key, reply)
        return self._open[key]

    def failed_earlier(self, reply: dict) -> str | None:
        """Why the reply's server is not tried again in this run (it failed to connect or missed a
        deadline, for any worker), else None."""
        return self.failures.get(self.key(reply))

    def note_failure(self, reply: dict) -> None:
        """After an attempt: a server that the attempt found unreachable is, for every worker."""
        transport = self._open.get(self.key(reply))
        if transport is not None and getattr(transport, "unreachable", None):
            self.failures.setdefault(self.key(reply), transport.unreachable)

    @staticmethod
    def key(reply: dict) -> tuple:
        if reply["smtp_host"]:
            return ("client", reply["smtp_host"], reply["smtp_port"], reply["smtp_username"])
        return PLATFORM_ROUTE

    def _new(self, key: tuple, reply: dict) -> transports.Transport:
        timeout_s, deadline_s = settings.smtp_timeout_s(), settings.smtp_deadline_s()
        if key[0] == "client":
            port = reply["smtp_port"] or transports.DEFAULT_SUBMISSION_PORT
            return transports.SmtpTransport(reply["smtp_host"], port, reply["smtp_username"],
                                            client_smtp_password(reply), timeout_s, deadline_s=deadline_s,
                                            public_only=True)
        if settings.smtp_url():
            return transports.SmtpTransport.from_url(settings.smtp_url(), timeout_s, deadline_s)
        if settings.ses_from():
            return transports.SesTransport(self.ses_client())
        return transports.Unconfigured()

    def close(self) -> None:
        for transport in self._open.values():
            transport.close()
        self._open.clear()


class SesClient:
    """One boto3 SES client for the run's workers (boto3 clients are thread-safe; creating them is
    not), made on first use unless handed in (tests: moto)."""

    def __init__(self, client=None):
        self._client, self._lock = client, threading.Lock()

    def __call__(self):
        with self._lock:
            if self._client is None:
                import boto3  # here: only the SES path pays for boto3's import

                self._client = boto3.client("ses")
            return self._client


class Workers:
    """The run's sending threads, each with its own transports and database connection. run() hands
    them one batch and returns once every reply of it is done; a worker that died (the process is
    going down) makes run() raise the same, once the others finished their replies.

    Replies are taken by server: a client's own server has at most its share of the workers at once
    (the workers divided among the servers with replies waiting or in flight and the platform's
    sender, rounded up), so one slow server never holds every worker; the platform's sender, every
    other client's way out, is not limited. A server that failed to connect or missed a deadline is not
    tried again in the run."""

    def __init__(self, count: int, ses_client: SesClient, summary: Summary):
        self.count, self.summary, self.ses_client = max(1, count), summary, ses_client
        self.failures: dict[tuple, str] = {}
        self.died: BaseException | None = None
        self._changed = threading.Condition()
        self._waiting: dict[tuple, collections.deque] = {}
        self._busy: collections.Counter = collections.Counter()
        self._unfinished, self._closing = 0, False
        self.threads = [threading.Thread(target=self._work, name=f"followup-sender-{n}", daemon=True)
                        for n in range(self.count)]
        for thread in self.threads:
            thread.start()

    def run(self, items: list[tuple]) -> None:
        with self._changed:
            for item in items:
                self._waiting.setdefault(Routes.key(item[0]), collections.deque()).append(item)
            self._unfinished += len(items)
            self._changed.notify_all()
            while self._unfinished:
                self._changed.wait()
        if self.died is not None:
            raise self.died

    def _take(self) -> tuple[tuple | None, tuple | None]:
        """The next reply a worker may start (and its server), waiting while every server with
        replies waiting already has its share; (None, None) once the run is over."""
        with self._changed:
            while True:
                if self._closing and not any(self._waiting.values()):
                    return None, None
                share = self._share()
                for route, waiting in self._waiting.items():
                    if waiting and (route == PLATFORM_ROUTE or self._busy[route] < share):
                        self._busy[route] += 1
                        return route, waiting.popleft()
                self._changed.wait()

    def _share(self) -> int:
        servers = {route for route, waiting in self._waiting.items() if waiting} | set(+self._busy) | {PLATFORM_ROUTE}
        return max(1, -(-self.count // len(servers)))

    def _finish(self, route: tuple) -> None:
        with self._changed:
            self._busy[route] -= 1
            self._unfinished -= 1
            self._changed.notify_all()

    def _work(self) -> None:
        routes = Routes(self.ses_client, self.failures)
        try:
            while True:
                route, item = self._take()
                if item is None:
                    break
                try:
                    if self.died is None:
                        self.summary.count(_deliver(*item, routes))
                except BaseException as e:
                    self.died = e
                finally:
                    self._finish(route)
        finally:
            routes.close()
            db.discard()  # this thread's connection

    def __enter__(self) -> "Workers":
        return self

    def __exit__(self, *exc) -> None:
        with self._changed:
            self._closing = True
            self._changed.notify_all()
        for thread in self.threads:
            thread.join()
