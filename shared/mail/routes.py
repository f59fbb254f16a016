"""Which transport each of the sender's replies takes, for one worker: the client's own SMTP server
when smtp_host is set, else the platform's sender (AVENIR_SMTP_URL, else SES with AVENIR_SES_FROM).
Each transport is opened once and reused for the worker's next replies."""
import threading

from shared.mail import outbox, smtp, transports
from shared.platform import cipher, settings

PLATFORM_ROUTE = ("platform",)


class Routes:
    """One worker's transports, by route (Routes.key), and the routes the run's workers found
    unreachable."""

    def __init__(self, ses_client: "SesClient", failures: dict[tuple, str] | None = None):
        self.ses_client = ses_client
        self.failures = {} if failures is None else failures  # shared by the run's workers
        self._open: dict[tuple, transports.Transport] = {}

    def transport(self, reply: outbox.Claim) -> transports.Transport:
        key = self.key(reply)
        if key not in self._open:
            self._open[key] = self._new(key, reply)
        return self._open[key]

    def failed_earlier(self, reply: outbox.Claim) -> str | None:
        """Why the reply's server is not tried again in this run (it failed to connect or missed a
        deadline, for any worker), else None."""
        return self.failures.get(self.key(reply))

    def note_failure(self, reply: outbox.Claim) -> None:
        """After an attempt: a server that the attempt found unreachable is, for every worker."""
        transport = self._open.get(self.key(reply))
        if transport is not None and getattr(transport, "unreachable", None):
            self.failures.setdefault(self.key(reply), transport.unreachable)

    @staticmethod
    def key(reply: outbox.Claim) -> tuple:
        if reply.smtp_host:
            return ("client", reply.smtp_host, reply.smtp_port, reply.smtp_username)
        return PLATFORM_ROUTE

    def _new(self, key: tuple, reply: outbox.Claim) -> transports.Transport:
        timeout_s, deadline_s = settings.smtp_timeout_s(), settings.smtp_deadline_s()
        if key[0] == "client":
            port = reply.smtp_port or smtp.DEFAULT_SUBMISSION_PORT
            return smtp.SmtpTransport(reply.smtp_host, port, reply.smtp_username, client_smtp_password(reply),
                                      timeout_s, deadline_s=deadline_s, public_only=True)
        if settings.smtp_url():
            return smtp.SmtpTransport.from_url(settings.smtp_url(), timeout_s, deadline_s)
        if settings.ses_from():
            return transports.SesTransport(self.ses_client(), settings.ses_configuration_set())
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


def client_smtp_password(reply: outbox.Claim) -> str | None:
    """The client's SMTP password in clear: clients.smtp_password is stored encrypted (shared/platform/cipher.py,
    written by PATCH /api/client); the one place the sender reads it."""
    return None if reply.smtp_password is None else cipher.decrypt(reply.smtp_password)
