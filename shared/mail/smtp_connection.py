"""The connection under a client's or the platform's SMTP server: made to the checked addresses
themselves (never resolving the name again), with TLS verified for the host name, and bounded by a
Deadline that shuts the socket once a message's whole exchange has taken too long."""
import smtplib
import socket
import threading


class Deadline:
    """A message's whole exchange with a server, bounded: once `seconds` have passed, the socket it
    waits on is shut down (whatever the server trickles), so the read in progress ends at once.
    `expired` tells afterwards whether that happened."""

    def __init__(self, seconds: float):
        self.expired, self._done, self._socket = False, False, None
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def watch(self, sock: socket.socket | None) -> None:
        with self._lock:
            self._socket = sock
            if self.expired:
                _shut(sock)

    def _expire(self) -> None:
        with self._lock:
            if not self._done:
                self.expired = True
                _shut(self._socket)

    def __enter__(self) -> "Deadline":
        self._timer.start()
        return self

    def __exit__(self, *exc) -> None:
        with self._lock:
            self._done = True
        self._timer.cancel()


def _shut(sock: socket.socket | None) -> None:
    if sock is not None:
        try:
            socket.socket.shutdown(sock, socket.SHUT_RDWR)  # the plain socket's: a TLS one shuts without a goodbye
        except OSError:
            pass


def _connect(addresses: list[str] | None, host: str, port: int, timeout: float, deadline: Deadline) -> socket.socket:
    """A TCP connection to the first of the checked addresses that answers (or to host as resolved
    now, for the platform's server), watched by the message's deadline."""
    if addresses is None:
        sock = socket.create_connection((host, port), timeout)
    else:
        sock, error = None, OSError("no address")
        for address in addresses:
            try:
                sock = socket.create_connection((address, port), timeout)
                break
            except OSError as e:
                error = e
        if sock is None:
            raise error
    deadline.watch(sock)
    return sock


class PinnedSMTP(smtplib.SMTP):
    """smtplib.SMTP connecting to checked addresses; STARTTLS still verifies the certificate for the
    host name given to connect()."""

    def __init__(self, addresses: list[str] | None, deadline: Deadline, **options):
        self._addresses, self._deadline = addresses, deadline
        super().__init__(**options)

    def _get_socket(self, host, port, timeout):
        self._host = host  # what STARTTLS checks the certificate for (set only by __init__ otherwise)
        return _connect(self._addresses, host, port, timeout, self._deadline)


class PinnedSMTPSSL(smtplib.SMTP_SSL):
    """smtplib.SMTP_SSL likewise: TLS from the first byte, the certificate checked for the host name."""

    def __init__(self, addresses: list[str] | None, deadline: Deadline, **options):
        self._addresses, self._deadline = addresses, deadline
        super().__init__(**options)

    def _get_socket(self, host, port, timeout):
        self._host = host
        sock = _connect(self._addresses, host, port, timeout, self._deadline)
        tls = self.context.wrap_socket(sock, server_hostname=self._host)
        self._deadline.watch(tls)
        return tls

