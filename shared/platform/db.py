"""The database connection: one pg8000 connection per thread, reused across warm invocations,
re-opened after a failure; the two transaction paths (one client's, under row level security, and
the explicit cross-client admin path); the 503 path when PostgreSQL is unreachable."""
import contextlib
import socket
import threading
import uuid
from collections.abc import Iterator

import pg8000.native
from pg8000.converters import make_params
from pg8000.core import NULL_BYTE, Context
from pg8000.exceptions import DatabaseError, InterfaceError

from shared.platform import settings, sql
from shared.platform.exceptions import ConfigError, Unavailable

_local = threading.local()
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


# The role a client's transaction runs as: the reference's `authenticated` (Supabase's role for
# signed-in callers), NOLOGIN, neither owner nor superuser, so its policies (schema/004, 008) apply.
APP_ROLE = "authenticated"


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


def connect(**overrides) -> Connection:
    """A new connection with the configured settings; Unavailable when it cannot be opened."""
    params = dict(settings.connection_params(), **overrides)
    try:
        return Connection(timeout=settings.socket_timeout_s(), application_name="avenir",
                          prepare=settings.prepared_statements(), **params,
                          opening=[(Q.session_settings, {"statement_timeout": str(settings.statement_timeout_ms())})])
    except ConfigError:
        raise
    except Exception as e:
        if is_unavailable(e) or sqlstate(e) is not None:
            raise Unavailable() from e
        raise


def shared_connection() -> Connection:
    """This thread's connection, opened on first use and kept while the runtime stays warm."""
    key = settings.database_source()  # a new URL or secret (tests, re-configuration) means a new connection
    conn = getattr(_local, "conn", None)
    if conn is None or conn.broken or getattr(_local, "key", None) != key:
        discard()
        conn = _local.conn = connect()
        _local.key = key
    return conn


def discard() -> None:
    conn = getattr(_local, "conn", None)
    _local.conn = None
    if conn is not None:
        with contextlib.suppress(Exception):
            conn.close()


def opening_steps(client_id=None, custom_plans: bool = False) -> list[tuple[str, dict]]:
    """What opens a transaction, sent with its first statement: BEGIN, then for a client the
    switch to APP_ROLE for this transaction only and the client the row level security policies
    compare with (parameters, not text); every transaction also bounds its statements, which
    holds behind a pooler too (a session's SET would stay on whichever server connection it
    reached). custom_plans: statements whose optional filters are NULL when unused (the inbox) are
    planned for the values given, so each filter can use its own index."""
    params = {"statement_timeout": str(settings.statement_timeout_ms()),
              "plan_cache_mode": "force_custom_plan" if custom_plans else "auto"}
    if client_id is None:  # the session's statement_timeout; nothing before a job's SET TRANSACTION
        return [(Q.begin, {})] + ([(Q.admin_settings, params)] if custom_plans else [])
    return [(Q.begin, {}), (Q.client_settings, dict(params, client_id=str(uuid.UUID(str(client_id)))))]


def admin_read(sql: str, **params) -> list[dict]:
    """One read-only statement on the admin path, outside any transaction (autocommit): one round
    trip where BEGIN, the statement and COMMIT take three. For the API key lookup every request makes.
    A connection that went stale while the runtime slept is re-opened once (see pipeline)."""
    conn = shared_connection()
    try:
        return _rows(conn.pipeline([(sql, params)])[0])
    except Exception as e:
        if is_unavailable(e):
            discard()
            raise Unavailable() from e
        raise


@contextlib.contextmanager
def _transaction(client_id, custom_plans: bool = False) -> Iterator[Connection]:
    conn = shared_connection()
    opening = conn.pending = opening_steps(client_id, custom_plans)  # sent with the block's first statement
    try:
        yield conn
        if conn.pending is opening:
            conn.pending = []  # nothing ran: nothing to begin or end
        elif conn.in_transaction:
            conn.pipeline([(Q.commit, {})])
    except BaseException as e:
        conn.pending = []
        if conn.in_transaction and not _rolled_back(conn):
            discard()  # a transaction that may still be open is never handed to the next request
        if is_unavailable(e):
            discard()
            raise Unavailable() from e
        raise


def _rolled_back(conn: Connection) -> bool:
    try:
        conn.pipeline([(Q.rollback, {})])
        return True
    except Exception:
        return False


def transaction(client_id=None, custom_plans: bool = False) -> contextlib.AbstractContextManager[Connection]:
    """One transaction: COMMIT when the block ends, ROLLBACK when it raises. A lost connection
    becomes Unavailable (503) and the connection is re-opened on next use. BEGIN and the
    settings travel with the block's first statement (`pipeline`); `pipeline(..., commit=True)` sends
    the block's last statement with its COMMIT.

    With a client_id (the application path) the transaction runs as APP_ROLE with
    `app.current_client_id` set: PostgreSQL's row level security then shows and accepts only that
    client's leads, actions and growth events, whatever the WHERE clause says. Without one it is
    the admin path: prefer the explicit `admin_transaction()`. custom_plans: see opening_steps."""
    return _transaction(client_id, custom_plans)


def admin_transaction() -> contextlib.AbstractContextManager[Connection]:
    """A transaction as the connecting role (the tables' owner, so row level security does not
    apply), for the paths that cross clients on purpose: the API key lookup, key management, the
    nightly job, the internal client's prospect routes, operators' commands."""
    return _transaction(None)


def _rows(result: Context) -> list[dict]:
    if not result.columns:
        return []
    names = [c["name"] for c in result.columns]
    return [dict(zip(names, row, strict=True)) for row in result.rows or []]


def query(conn: Connection, sql: str, **params) -> list[dict]:
    """Rows as dicts keyed by column name (one round trip, with any pending BEGIN)."""
    return _rows(conn.pipeline([(sql, params)])[0])


def query_one(conn: Connection, sql: str, **params) -> dict | None:
    rows = query(conn, sql, **params)
    return rows[0] if rows else None


def pipeline(conn: Connection, *steps: tuple[str, dict], commit: bool = False) -> list[list[dict]]:
    """Several statements in one round trip, each run on its own and in order (a later one sees
    what an earlier one wrote, and takes its snapshot after an earlier one's locks are held); the
    rows of each. The first error is raised and the rest did not run. commit: the transaction's
    COMMIT goes in the same round trip."""
    results = conn.pipeline(list(steps) + ([(Q.commit, {})] if commit else []))
    return [_rows(result) for result in results[:len(steps)]]


def client_read(client_id, sql: str, /, custom_plans: bool = False, **params) -> list[dict]:
    """One read under the client's row level security: BEGIN, the client's settings, the statement
    and COMMIT in one round trip."""
    with transaction(client_id=client_id, custom_plans=custom_plans) as conn:
        return pipeline(conn, (sql, params), commit=True)[0]
