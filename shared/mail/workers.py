"""The follow-up sender's threads: each with its own transports (routes.py) and database connection,
taking replies by server so that one slow client's server never holds every thread."""
import collections
import threading
from collections.abc import Callable
from dataclasses import dataclass

from shared.mail import outbox
from shared.mail.routes import PLATFORM_ROUTE, Routes, SesClient
from shared.platform import db


@dataclass(frozen=True)
class Delivery:
    """One claimed reply handed to a worker: the unsubscribe token its email carries, and the moment
    (time.monotonic) after which it is handed back unsent rather than started."""

    reply: outbox.Claim
    token: str
    lease_ends: float


class Workers:
    """The run's sending threads, each with its own transports and database connection. run() hands
    them one batch and returns once every reply of it is done; a worker that died (the process is
    going down) makes run() raise the same, once the others finished their replies.

    Replies are taken by server: a client's own server has at most its share of the workers at once
    (the workers divided among the servers with replies waiting or in flight and the platform's
    sender, rounded up), so one slow server never holds every worker; the platform's sender, every
    other client's way out, is not limited. A server that failed to connect or missed a deadline is not
    tried again in the run."""

    def __init__(self, count: int, deliver: Callable[[Delivery, Routes], None], ses_client: SesClient):
        self.count, self.deliver, self.ses_client = max(1, count), deliver, ses_client
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

    def run(self, deliveries: list[Delivery]) -> None:
        with self._changed:
            for delivery in deliveries:
                self._waiting.setdefault(Routes.key(delivery.reply), collections.deque()).append(delivery)
            self._unfinished += len(deliveries)
            self._changed.notify_all()
            while self._unfinished:
                self._changed.wait()
        if self.died is not None:
            raise self.died

    def _take(self) -> tuple[tuple | None, Delivery | None]:
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
                route, delivery = self._take()
                if delivery is None:
                    break
                try:
                    if self.died is None:
                        self.deliver(delivery, routes)
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
