"""The database connection: one pg8000 connection per thread, reused across warm invocations,
re-opened after a failure; the two transaction paths (one client's, under row level security, and
the explicit cross-client admin path); the 503 path when PostgreSQL is unreachable."""
import contextlib
import threading
import uuid
from collections.abc import Iterator

from pg8000.core import Context

from shared.platform import settings, sql

# What the parts read as db's: the connection, its errors' reading, the transaction's steps.
from shared.platform.connection import (  # noqa: F401
    LOCK_NOT_AVAILABLE,
    Connection,
    begin_step,
    commit_step,
    is_unavailable,
    rollback_step,
    sqlstate,
)
from shared.platform.exceptions import ConfigError, Unavailable

_local = threading.local()
Q = sql.load(__file__)


# The role a client's transaction runs as: the reference's `authenticated` (Supabase's role for
# signed-in callers), NOLOGIN, neither owner nor superuser, so its policies (schema/004, 008) apply.
APP_ROLE = "authenticated"


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
        return [begin_step()] + ([(Q.admin_settings, params)] if custom_plans else [])
    return [begin_step(), (Q.client_settings, dict(params, client_id=str(uuid.UUID(str(client_id)))))]


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
            conn.pipeline([commit_step()])
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
        conn.pipeline([rollback_step()])
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
    results = conn.pipeline(list(steps) + ([commit_step()] if commit else []))
    return [_rows(result) for result in results[:len(steps)]]


def client_read(client_id, sql: str, /, custom_plans: bool = False, **params) -> list[dict]:
    """One read under the client's row level security: BEGIN, the client's settings, the statement
    and COMMIT in one round trip."""
    with transaction(client_id=client_id, custom_plans=custom_plans) as conn:
        return pipeline(conn, (sql, params), commit=True)[0]
