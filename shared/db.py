"""The database connection: one pg8000 connection per thread, reused across warm invocations,
re-opened after a failure; the two transaction paths (one client's, under row level security, and
the explicit cross-client admin path); the 503 path when PostgreSQL is unreachable."""
import contextlib
import threading
import uuid
from collections.abc import Iterator

import pg8000.native
from pg8000.exceptions import DatabaseError, InterfaceError

from shared import settings
from shared.exceptions import ConfigError, Unavailable

_local = threading.local()

# SQLSTATEs meaning "the server is not there or not taking work now": retry later (503).
_UNAVAILABLE_STATES = ("08", "53", "57P01", "57P02", "57P03", "57014", "40001", "40P01")
LOCK_NOT_AVAILABLE = "55P03"  # lock_timeout ran out



class Connection(pg8000.native.Connection):
    """pg8000's connection, preparing each statement that has parameters once per connection: its
    SQL is rewritten to $n placeholders and parsed once, and every later run is one round trip
    (Bind, Execute, Sync) instead of three, with no per-call rewriting in Python (tests/bench
    measured the difference). A statement without parameters keeps the simple protocol (one round
    trip, several statements allowed). AVENIR_PREPARED_STATEMENTS=0 turns this off for a pooler in
    transaction mode that cannot keep named statements across transactions."""

    MAX_PREPARED = 256  # SQL texts are module constants; the bound only guards against a leak

    def __init__(self, *args, prepare: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self._prepared: dict[str, pg8000.native.PreparedStatement] = {}
        self._prepare = prepare

    def run(self, sql, stream=None, types=None, **params):
        if not params or stream is not None or types is not None or not self._prepare:
            return super().run(sql, stream=stream, types=types, **params)
        statement = self._prepared.get(sql)
        if statement is None:
            if len(self._prepared) >= self.MAX_PREPARED:
                for old in self._prepared.values():
                    old.close()
                self._prepared.clear()
            statement = self._prepared[sql] = self.prepare(sql)
        rows = statement.run(**params)
        self._context = statement._context  # so conn.columns and conn.row_count describe this run
        return rows

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
        conn = Connection(timeout=settings.socket_timeout_s(), application_name="avenir",
                          prepare=settings.prepared_statements(), **params)
        conn.run(f"SET statement_timeout = {int(settings.statement_timeout_ms())}")
        return conn
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
    if conn is None or getattr(_local, "key", None) != key:
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


def begin_statement(client_id=None, custom_plans: bool = False) -> str:
    """What opens a transaction. For a client: in the same round trip, switch to APP_ROLE for this
    transaction only and name the client the row level security policies compare with. The id is
    normalised by uuid.UUID, so only hex digits and dashes reach the SQL text; it is inlined
    because a parameter would force the extended protocol and a second round trip (SET LOCAL
    costs ~15 us over a bare BEGIN; SELECT set_config(...) ~40 us, a second round trip more).
    custom_plans: statements whose optional filters are NULL when unused (the inbox) are planned
    for the values given, so each filter can use its own index."""
    statement = "BEGIN"
    if client_id is not None:
        client = uuid.UUID(str(client_id))
        statement += f"; SET LOCAL ROLE {APP_ROLE}; SET LOCAL app.current_client_id = '{client}'"
    return statement + ("; SET LOCAL plan_cache_mode = force_custom_plan" if custom_plans else "")


def _first_statement(run):
    """run(conn) on the shared connection, as the first statement of a unit of work; a connection
    that went stale while the runtime slept (database restarted) is re-opened once, which is safe
    because nothing of this unit ran yet. Returns (conn, what run returned)."""
    for attempt in (1, 2):
        conn = shared_connection()
        try:
            return conn, run(conn)
        except Exception as e:
            discard()
            if not is_unavailable(e):
                raise
            if attempt == 2 or not is_broken_connection(e):
                raise Unavailable() from e
    raise AssertionError("unreachable")


def _begin(client_id, custom_plans: bool = False) -> Connection:
    statement = begin_statement(client_id, custom_plans)
    return _first_statement(lambda conn: conn.run(statement))[0]


def admin_read(sql: str, **params) -> list[dict]:
    """One read-only statement on the admin path, outside any transaction (autocommit): one round
    trip where BEGIN, the statement and COMMIT take three. For the API key lookup every request makes."""
    return _first_statement(lambda conn: query(conn, sql, **params))[1]


@contextlib.contextmanager
def _transaction(client_id, custom_plans: bool = False) -> Iterator[Connection]:
    conn = _begin(client_id, custom_plans)
    try:
        yield conn
        conn.run("COMMIT")
    except BaseException as e:
        with contextlib.suppress(Exception):
            conn.run("ROLLBACK")
        if is_unavailable(e):
            discard()
            raise Unavailable() from e
        raise


def transaction(client_id=None, custom_plans: bool = False) -> contextlib.AbstractContextManager[Connection]:
    """One transaction: COMMIT when the block ends, ROLLBACK when it raises. A lost connection
    becomes Unavailable (503) and the connection is re-opened on next use.

    With a client_id (the application path) the transaction runs as APP_ROLE with
    `app.current_client_id` set: PostgreSQL's row level security then shows and accepts only that
    client's leads, actions and growth events, whatever the WHERE clause says. Without one it is
    the admin path: prefer the explicit `admin_transaction()`. custom_plans: see begin_statement."""
    return _transaction(client_id, custom_plans)


def admin_transaction() -> contextlib.AbstractContextManager[Connection]:
    """A transaction as the connecting role (the tables' owner, so row level security does not
    apply), for the paths that cross clients on purpose: the API key lookup, key management, the
    nightly job, the internal client's prospect routes, operators' commands."""
    return _transaction(None)


def query(conn: Connection, sql: str, **params) -> list[dict]:
    """Rows as dicts keyed by column name."""
    rows = conn.run(sql, **params)
    if not conn.columns:
        return []
    names = [c["name"] for c in conn.columns]
    return [dict(zip(names, row, strict=True)) for row in rows]


def query_one(conn: Connection, sql: str, **params) -> dict | None:
    rows = query(conn, sql, **params)
    return rows[0] if rows else None
