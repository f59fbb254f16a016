"""A reply through an SMTP server (a client's own, or the platform's AVENIR_SMTP_URL): one
connection kept for the next messages, STARTTLS or implicit TLS, a deadline per message, and every
failure sorted into temporary or permanent by its reply code."""
import re
import smtplib
import socket
import ssl
import time
from email.message import Message
from urllib.parse import unquote, urlsplit

from shared.mail import smtp_hosts
from shared.mail.smtp_connection import Deadline, PinnedSMTP, PinnedSMTPSSL
from shared.mail.transports import PermanentFailure, RecipientRefused, TemporaryFailure

IMPLICIT_TLS_PORT = 465  # SMTPS; any other port speaks plain SMTP upgraded with STARTTLS
DEFAULT_SUBMISSION_PORT = 587
ENHANCED_STATUS = re.compile(r"\s*([245]\.\d{1,3}\.\d{1,3})(?!\S)")
IDLE_CHECK_S = 5  # a connection idle this long is checked (NOOP) before the next message


class SmtpTransport:
    """One SMTP server, its connection opened on first use and kept for the next messages. Port 465
    is implicit TLS; any other port uses STARTTLS when the server offers it, and a password is never
    sent without TLS. Each message has deadline_s for its whole exchange (connecting included), on
    top of timeout_s per command. A server that failed to connect or missed a deadline is not tried
    again by this transport: the replies after it are retried later instead of each waiting it out.
    With public_only (a client's own server), the host is resolved and refused unless every address
    is public (smtp_hosts.py), and the connection goes to that checked address itself."""

    def __init__(self, host: str, port: int, username: str | None = None, password: str | None = None,
                 timeout_s: float = 10, ssl_context: ssl.SSLContext | None = None, implicit_tls: bool | None = None,
                 deadline_s: float = 60, public_only: bool = False):
        self.host, self.port, self.username, self.password = host, port, username, password
        self.timeout_s, self.deadline_s, self.public_only = timeout_s, deadline_s, public_only
        self.implicit_tls = port == IMPLICIT_TLS_PORT if implicit_tls is None else implicit_tls
        self.ssl_context = ssl_context
        self._conn: smtplib.SMTP | None = None
        self._last_used = 0.0
        self._unreachable: str | None = None
        self._deadline: Deadline | None = None

    @classmethod
    def from_url(cls, url: str, timeout_s: float = 10, deadline_s: float = 60) -> "SmtpTransport":
        """smtp://[user:password@]host[:port] (STARTTLS when offered) or smtps://... (implicit TLS)."""
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError(f"AVENIR_SMTP_URL must look like smtp://host:port, got scheme {parts.scheme!r}")
        implicit = parts.scheme == "smtps"
        return cls(parts.hostname, parts.port or (IMPLICIT_TLS_PORT if implicit else 25),
                   unquote(parts.username) if parts.username else None,
                   unquote(parts.password) if parts.password else None, timeout_s, implicit_tls=implicit,
                   deadline_s=deadline_s)

    @property
    def unreachable(self) -> str | None:
        """Why this server is not tried again in this run, once it failed to connect or missed a deadline."""
        return self._unreachable

    def send(self, message: Message, sender: str, recipient: str) -> None:
        """Never sent twice by this call: a connection lost mid-message is a temporary failure (the
        server may have taken the message; the retry carries the same Message-ID)."""
        if self._unreachable:
            raise TemporaryFailure(self._unreachable)
        connected = self._conn is not None
        with Deadline(self.deadline_s) as self._deadline:
            try:
                if self._conn is not None:
                    self._deadline.watch(self._conn.sock)
                conn = self._connection()
                connected = True
                conn.send_message(message, from_addr=sender, to_addrs=[recipient])
                self._last_used = time.monotonic()
            except (smtplib.SMTPException, OSError, TemporaryFailure, PermanentFailure) as e:
                self.close()  # after an error the session's state is unknown: the next message starts anew
                failure = self._failure(e, connected)
                raise failure from e
        if self._deadline.expired:  # the answer came as the deadline ended: sent, but the socket is shut
            self.close()

    def _failure(self, error: Exception, connected: bool) -> TemporaryFailure | PermanentFailure:
        if self._deadline is not None and self._deadline.expired:
            failure = TemporaryFailure(f"timed out: no complete answer within the {self.deadline_s:g} s deadline")
        else:
            failure = smtp_failure(error)
        if isinstance(failure, TemporaryFailure) and (not connected or self._deadline.expired):
            self._unreachable = f"not tried: the server failed earlier in this run ({failure})"
        return failure

    def _connection(self) -> smtplib.SMTP:
        if self._conn is not None and time.monotonic() - self._last_used > IDLE_CHECK_S and not self._alive():
            self.close()  # a server drops an idle connection: find out before a message is on the way
        if self._conn is None:
            self._conn = self._open()
        return self._conn

    def _alive(self) -> bool:
        try:
            return self._conn.noop()[0] == 250
        except (smtplib.SMTPException, OSError):
            return False

    def _open(self) -> smtplib.SMTP:
        addresses = self._addresses()
        context = self.ssl_context or ssl.create_default_context()
        kind = PinnedSMTPSSL if self.implicit_tls else PinnedSMTP
        conn = kind(addresses, self._deadline, timeout=min(self.timeout_s, self.deadline_s),
                    **({"context": context} if self.implicit_tls else {}))
        try:
            code, banner = conn.connect(self.host, self.port)
            if code != 220:
                raise smtplib.SMTPConnectError(code, banner)
            conn.ehlo()
            if not self.implicit_tls and conn.has_extn("starttls"):
                conn.starttls(context=context)
                self._deadline.watch(conn.sock)
                conn.ehlo()
            elif not self.implicit_tls and self.username:
                raise PermanentFailure(f"{self.host}:{self.port} offers no STARTTLS; the password is not sent "
                                       "in clear (use port 465 or a server with STARTTLS)")
            if self.username:
                conn.login(self.username, self.password or "")
            return conn
        except BaseException:
            conn.close()
            raise

    def _addresses(self) -> list[str] | None:
        """The checked addresses of a client's server (None: the platform's own, resolved as given)."""
        if not self.public_only:
            return None
        try:
            return smtp_hosts.public_addresses(self.host, self.port)
        except smtp_hosts.RefusedHost as e:
            raise PermanentFailure(f"refused: {e}") from None

    def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                if self._deadline is not None and self._deadline.expired:
                    raise OSError("deadline passed: no QUIT")
                conn.quit()
            except (smtplib.SMTPException, OSError):
                conn.close()


def smtp_failure(error: Exception) -> TemporaryFailure | PermanentFailure:
    """An SMTP reply code decides (4xx temporary, 5xx permanent); a connection refused, lost or
    timed out is temporary; a certificate that does not verify is permanent. The text says what
    failed, with the reply code and enhanced status code only: never the server's own words (a
    client's server could be anyone's, and last_error is shown to the client)."""
    if isinstance(error, (TemporaryFailure, PermanentFailure)):
        return error
    code, status = _smtp_reply(error)
    if code is not None:
        failure = PermanentFailure if 500 <= code <= 599 else TemporaryFailure
        if failure is PermanentFailure and isinstance(error, smtplib.SMTPRecipientsRefused):
            failure = RecipientRefused
        return failure(f"{_refused_what(error, code)} ({code}{status})")
    if isinstance(error, ssl.SSLCertVerificationError):
        return PermanentFailure(f"TLS certificate not trusted: {error.verify_message}")
    if isinstance(error, TimeoutError) or "timed out" in str(error):  # smtplib reports some as a disconnect
        return TemporaryFailure("timed out: the SMTP server did not answer in time (timeout)")
    if isinstance(error, ConnectionRefusedError):
        return TemporaryFailure("connection refused")
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return TemporaryFailure("connection lost")
    if isinstance(error, socket.gaierror):
        return TemporaryFailure("host not found")
    return TemporaryFailure(f"connection failed ({type(error).__name__})")


def _refused_what(error: Exception, code: int) -> str:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return "recipient refused" if code >= 500 else "recipient deferred"
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return "authentication failed"
    if isinstance(error, smtplib.SMTPSenderRefused):
        return "sender refused" if code >= 500 else "sender deferred"
    if isinstance(error, smtplib.SMTPConnectError):
        return "server refused the connection"
    return "message refused" if code >= 500 else "temporary failure"


def _smtp_reply(error: Exception) -> tuple[int | None, str]:
    """The reply code, and " x.y.z" when the text starts with an enhanced status code (RFC 3463)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused) and error.recipients:
        code, text = next(iter(error.recipients.values()))
    elif isinstance(error, smtplib.SMTPResponseException):
        code, text = error.smtp_code, error.smtp_error
    else:
        return None, ""
    text = text.decode(errors="replace") if isinstance(text, bytes) else str(text)
    status = ENHANCED_STATUS.match(text)
    return (code if isinstance(code, int) and 200 <= code <= 599 else None), (f" {status[1]}" if status else "")
