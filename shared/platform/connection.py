"""One connection to PostgreSQL: pg8000's, running statements in the round trips we choose
(pipelines), never reused once out of step with the server, and the reading of its errors (which
mean "unavailable", which mean "the connection is gone")."""
import contextlib
import socket

import pg8000.native
from pg8000.converters import make_params
from pg8000.core import NULL_BYTE, Context
from pg8000.exceptions import DatabaseError, InterfaceError

from shared.platform import sql

Q = sql.load(__file__)

# SQLSTATEs meaning "the server is not there or not taking work now": retry later (503).
_UNAVAILABLE_STATES = ("08", "53", "57P01", "57P02", "57P03", "57014", "40001", "40P01")
LOCK_NOT_AVAILABLE = "55P03"  # lock_timeout ran out


class Connection(pg8000.native.Connection):
    """pg8000's connection, running statements in the round trips we choose. `pipeline` sends
    several statements (Bind and Execute each) and one Sync: one round trip for all of them, each
    still run on its own, in order, with its own snapshot; an error skips the rest. Each statement
    is prepared once per connection (parsed once, later runs are Bind/Execute only); with
    AVENIR_PREPARED_STATEMENTS=0 (a pooler in transaction mode that cannot keep prepared statements)
    it travels unnamed instead (Parse, Describe, Bind, Execute), still in the same round trip.
    Only pg8000's public protocol methods are used; three message handlers route each statement's
    answer to its own result. A transaction's BEGIN and settings wait in `pending` and travel
    with its first statement."""

    MAX_PREPARED = 256  # SQL texts are loaded from files; the bound only guards against a leak

    def __init__(self, *args, prepare: bool = True, opening: list | None = None, **kwargs):
        self.results: list[Context] = []  # the pipeline's statements still to answer
        self.arguments = (args, kwargs)
        self.socket = _socket(**kwargs)
        super().__init__(*args, sock=self.socket, **kwargs)
        self.prepare_statements = prepare
        self.statements: dict[str, tuple] = {}
        self.pending: list[tuple[str, dict]] = []
        self.in_transaction = False
        self.broken = False  # out of step with the server after an error: see _guarded
        self.opening = opening or []  # the session's settings, run again when re-opened
        if self.opening:
            self.pipeline(self.opening)

    def reopen(self) -> None:
        """The same object on a new server connection (the old one was lost)."""
        with contextlib.suppress(Exception):
            self.close()
        args, kwargs = self.arguments
        self.socket = _socket(**kwargs)
        super().__init__(*args, sock=self.socket, **kwargs)
        self.statements.clear()
        self.in_transaction = self.broken = False
        if self.opening:
            self.pipeline(self.opening)

    def pipeline(self, steps: list[tuple[str, dict]]) -> list[Context]:
        """Run the pending steps and `steps` ((sql, params) each) in one round trip; a result
        (`rows`, `columns`) per step of `steps`. The first error is raised once all are answered.
        The first round trip of a transaction (pending steps), or a statement outside one (the
        read-only admin_read), is sent again on a new server connection when the connection went
        stale while the runtime slept (database restarted): nothing of the unit ran yet."""
        pending, self.pending = self.pending, []
        nothing_ran_yet = bool(pending) or not self.in_transaction
        try:
            return self._guarded(self._round_trip, pending, steps)
        except Exception as e:
            if not (nothing_ran_yet and is_broken_connection(e)):
                raise
        self.reopen()
        return self._guarded(self._round_trip, pending, steps)

    def _guarded(self, call, *args, **kwargs):
        """call(*args, **kwargs); when it raises anything but an error the server reported (which
        pg8000 raises only once it has read every answer, up to ReadyForQuery), where the protocol
        stands is unknown: a message half written or buffered (a value the driver could not
        convert or encode), an answer left unread (a timeout, an error in a handler). Such a
        connection is closed and `broken`: never used again, so that no answer meant for one
        request is read by the next, which may be another client's."""
        try:
            return call(*args, **kwargs)
        except BaseException as e:
            if sqlstate(e) is None:
                self.broken, self.in_transaction = True, False
                with contextlib.suppress(OSError):
                    self.socket.shutdown(socket.SHUT_RDWR)  # what is still buffered is never sent
                with contextlib.suppress(Exception):
                    self.close()
            raise

    def _round_trip(self, pending: list, steps: list) -> list[Context]:
        steps, skipped = pending + list(steps), len(pending)
        if not steps:
            return []
        known = [self._statement(sql) for sql, _ in steps]  # any first preparation before sending
        if any(statement == Q.begin for statement, _ in steps):
            self.in_transaction = True  # until a COMMIT or ROLLBACK succeeds
        results = [Context(statement, columns=columns, input_funcs=funcs)
                   for (statement, _), (_, columns, funcs, _, _) in zip(steps, known, strict=True)]
        for i, ((statement, params), (name, columns, funcs, text, make_vals)) in enumerate(
                zip(steps, known, strict=True)):
            if name is None:
                name = NULL_BYTE
                self.send_PARSE(NULL_BYTE, text, ())
                self.send_DESCRIBE_STATEMENT(NULL_BYTE)
            values = make_params(self.py_types, make_vals(params))
            if i < len(steps) - 1:
                self.send_BIND(name, values)
                self.send_EXECUTE()
            else:  # the last one is sent with the Sync, and every answer is read
                self.results = list(results)
                try:
                    self.execute_named(name, values, columns, funcs, statement)
                finally:
                    self.results = []
        if any(statement in (Q.commit, Q.rollback) for statement, _ in steps):
            self.in_transaction = False
        return results[skipped:]

    def _statement(self, sql: str) -> tuple:
        known = self.statements.get(sql)
        if known is None:
            text, make_vals = pg8000.native.to_statement(sql)
            if len(self.statements) >= self.MAX_PREPARED:
                for name, *_ in self.statements.values():
                    if name is not None:
                        self.close_prepared_statement(name)
                self.statements.clear()
            prepared = self.prepare_statement(text, ()) if self.prepare_statements else (None, None, [])
            known = (*prepared, text, make_vals)
            self.statements[sql] = known
        return known

    # While a pipeline's answers are read, each statement's go to its own result, in order.
    def handle_ROW_DESCRIPTION(self, data, context):
        super().handle_ROW_DESCRIPTION(data, self.results[0] if self.results else context)

    def handle_DATA_ROW(self, data, context):
        super().handle_DATA_ROW(data, self.results[0] if self.results else context)

    def handle_COMMAND_COMPLETE(self, data, context):
        super().handle_COMMAND_COMPLETE(data, self.results.pop(0) if self.results else context)

    def run(self, sql, stream=None, types=None, **params):
        """pg8000's own run (tests, migrations), after any pending BEGIN."""
        if self.pending:
            self.pipeline([])
        return self._guarded(super().run, sql, stream=stream, types=types, **params)


def _socket(host: str, port: int = 5432, timeout: float | None = None, **_) -> socket.socket:
    """The TCP connection pg8000 then speaks over, with Nagle's algorithm off (TCP_NODELAY, as libpq
    sets it). A pipeline larger than the driver's 8 KB write buffer leaves in two writes; with Nagle
    on, the second would wait for the server to acknowledge the first, which PostgreSQL delays (it
    answers nothing before the Sync) by up to 40 ms. An intake's writes stay under 8 KB (strace), so
    this guards the large pipelines (batches), not the intake's own latency."""
    sock = socket.create_connection((host, port), timeout)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)  # as pg8000 does for its own sockets
    return sock


def sqlstate(error: BaseException) -> str | None:
    """The SQLSTATE of a server error (pg8000 puts it in args[0]["C"])."""
    if isinstance(error, DatabaseError) and error.args and isinstance(error.args[0], dict):
        return error.args[0].get("C")
    return None


def is_unavailable(error: BaseException) -> bool:
    if isinstance(error, (InterfaceError, OSError)):
        return True
    state = sqlstate(error)
    return state is not None and state.startswith(_UNAVAILABLE_STATES)


def is_broken_connection(error: BaseException) -> bool:
    """The connection itself is gone (the server restarted, or ended the backend): a new one may
    work at once. A timeout is not that: the server is there but slow or frozen, and retrying
    would only double the wait."""
    if isinstance(error, (InterfaceError, OSError)):
        return not any(isinstance(e, TimeoutError) for e in (error, error.__cause__, error.__context__))
    state = sqlstate(error)
    return state is not None and state.startswith(("08", "57P01", "57P02"))


def commit_step() -> tuple[str, dict]:
    return Q.commit, {}


def rollback_step() -> tuple[str, dict]:
    return Q.rollback, {}


def begin_step() -> tuple[str, dict]:
    return Q.begin, {}
