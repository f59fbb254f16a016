"""The connection: reused while warm, re-opened after a failure, transactions all or nothing."""
import contextlib
import datetime
import os
import socket

import pytest

from shared.platform import db


def test_the_connection_is_reused_across_invocations(database):
    with db.transaction() as first:
        pass
    with db.transaction() as second:
        pass
    assert first is second


def test_a_connection_killed_under_the_runtime_is_reopened_on_next_use(database):
    with db.transaction() as conn:
        pid = conn.run("SELECT pg_backend_pid()")[0][0]
    database.sql("SELECT pg_terminate_backend(:pid)", pid=pid)
    with db.transaction() as conn:
        assert conn.run("SELECT pg_backend_pid()")[0][0] != pid


def test_a_failed_transaction_writes_nothing(database):
    with pytest.raises(RuntimeError):
        with db.transaction() as conn:
            conn.run("INSERT INTO prospect_candidates (business_name) VALUES ('Half Written Inc')")
            raise RuntimeError("fail after the first write")
    assert database.scalar("SELECT count(*) FROM prospect_candidates WHERE business_name = 'Half Written Inc'") == 0


def test_a_client_transaction_carries_the_client_for_row_level_security(database, make_client):
    client = make_client()
    with db.transaction(client_id=client.client_id) as conn:
        assert conn.run("SELECT current_setting('app.current_client_id')")[0][0] == str(client.client_id)
    with db.transaction() as conn:
        assert conn.run("SELECT current_setting('app.current_client_id', true)")[0][0] in (None, "")


COUNT_PROSPECTS = "SELECT count(*) FROM prospect_candidates WHERE business_name = :name"


def _prepared_here(conn) -> int:
    return conn.run("SELECT count(*) FROM pg_prepared_statements "
                    "WHERE statement LIKE '%FROM prospect_candidates%'")[0][0]


def test_a_parametrised_statement_is_prepared_once_per_connection(database, monkeypatch):
    monkeypatch.setenv("AVENIR_PREPARED_STATEMENTS", "1")  # the default, also when the suite runs pooled
    db.discard()
    try:
        with db.admin_transaction() as conn:
            for name in ("Toitures Laval", "Plomberie Brossard", "Notaires Lumen"):
                assert db.query(conn, COUNT_PROSPECTS, name=name) == [{"count": 0}]
            assert _prepared_here(conn) == 1
            conn.run("DEALLOCATE ALL")  # behind a transaction pooler the server connection serves others next
    finally:
        db.discard()


def test_prepared_statements_can_be_turned_off_for_transaction_poolers(database, monkeypatch):
    monkeypatch.setenv("AVENIR_PREPARED_STATEMENTS", "0")
    db.discard()
    try:
        with db.admin_transaction() as conn:
            assert db.query(conn, COUNT_PROSPECTS, name="Toitures Laval") == [{"count": 0}]
            assert db.pipeline(conn, (COUNT_PROSPECTS, {"name": "A"}), (COUNT_PROSPECTS, {"name": "B"})) == [
                [{"count": 0}], [{"count": 0}]]
            assert _prepared_here(conn) == 0
    finally:
        db.discard()


def test_a_key_lookup_on_a_connection_killed_under_the_runtime_reopens_it(database, make_client):
    from shared.clients import accounts

    client = make_client()
    with db.admin_transaction() as conn:
        pid = conn.run("SELECT pg_backend_pid()")[0][0]
    database.sql("SELECT pg_terminate_backend(:pid)", pid=pid)
    assert accounts.authenticate(client.api_key).client_id == client.client_id


def test_a_pipeline_runs_each_statement_in_order_and_stops_at_the_first_error(database):
    with db.admin_transaction() as conn:
        written, seen = db.pipeline(
            conn, ("INSERT INTO prospect_candidates (business_name) VALUES (:name) RETURNING business_name",
                   {"name": "Pipelined Inc"}),
            ("SELECT count(*) AS n FROM prospect_candidates WHERE business_name = :name", {"name": "Pipelined Inc"}))
        assert written == [{"business_name": "Pipelined Inc"}] and seen == [{"n": 1}]
    with pytest.raises(Exception, match="division by zero"):
        with db.admin_transaction() as conn:
            db.pipeline(conn, ("INSERT INTO prospect_candidates (business_name) VALUES (:name)", {"name": "Never Inc"}),
                        ("SELECT 1 / :zero", {"zero": 0}),
                        ("INSERT INTO prospect_candidates (business_name) VALUES (:name)", {"name": "Never Either"}))
    assert database.scalar("SELECT count(*) FROM prospect_candidates WHERE business_name LIKE 'Never%'") == 0
    with db.admin_transaction() as conn:  # the connection is back in sync
        assert db.query(conn, "SELECT :a::int + 1 AS b", a=1) == [{"b": 2}]


def _nodelay_of_socket(local_port: int) -> list[int]:
    """TCP_NODELAY of this process's TCP socket bound to `local_port` (read from its open files)."""
    found = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            probe = socket.socket(fileno=os.dup(int(fd)))
        except OSError:
            continue
        with probe:
            if probe.family in (socket.AF_INET, socket.AF_INET6) and probe.type == socket.SOCK_STREAM:
                with contextlib.suppress(OSError):
                    if probe.getsockname()[1] == local_port:
                        found.append(probe.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
    return found


def test_the_connection_sends_without_nagle_delay_as_after_a_reopen(database):
    """A pipeline larger than the driver's write buffer leaves in two writes; with Nagle's algorithm
    the second waited for PostgreSQL's delayed acknowledgement (up to 40 ms). TCP_NODELAY, as libpq.
    The function's socket is found by its port as the server sees it."""
    db.discard()
    with db.transaction() as conn:
        pid, port = conn.run("SELECT pg_backend_pid(), inet_client_port()")[0]
    assert _nodelay_of_socket(port) == [1]
    database.sql("SELECT pg_terminate_backend(:pid)", pid=pid)
    with db.transaction() as conn:
        port = conn.run("SELECT inet_client_port()")[0][0]
    assert _nodelay_of_socket(port) == [1]


# Values the driver cannot send: each fails while a pipeline's parameters are converted or written,
# after BEGIN and the client's settings were already buffered for the same round trip.
UNSENDABLE = {
    "a date that overflows once moved to UTC": datetime.datetime(9999, 12, 31, 23, 59, 59,
                                                                 tzinfo=datetime.timezone(-datetime.timedelta(hours=14))),
    "a lone surrogate, which UTF-8 cannot encode": "\ud800",
}


@pytest.mark.parametrize("value", UNSENDABLE.values(), ids=UNSENDABLE.keys())
def test_a_value_the_driver_cannot_send_leaves_no_connection_out_of_step(database, make_client, value):
    first, second = make_client(), make_client()
    for _ in range(3):  # each failure would leave one more unread answer behind
        with pytest.raises((OverflowError, UnicodeEncodeError)):
            with db.transaction(client_id=first.client_id) as conn:
                db.query(conn, "SELECT :value AS value", value=value)
    for client in (second, first, second):
        with db.transaction(client_id=client.client_id) as conn:
            assert db.query(conn, "SELECT current_setting('app.current_client_id') AS id, current_user AS role"
                            ) == [{"id": str(client.client_id), "role": db.APP_ROLE}]
            assert db.query(conn, "SELECT 1 + :n AS n", n=1) == [{"n": 2}]
    with db.admin_transaction() as conn:  # and the admin path is not left in a client's role
        assert db.query(conn, "SELECT current_setting('app.current_client_id', true) AS id") in (
            [{"id": None}], [{"id": ""}])


def test_an_error_in_the_code_between_statements_rolls_back_and_keeps_a_clean_connection(database, make_client):
    client = make_client()
    with pytest.raises(RuntimeError):
        with db.transaction(client_id=client.client_id) as conn:
            db.query(conn, "SELECT 1")
            raise RuntimeError("a bug of ours between two statements")
    with db.admin_transaction() as conn:
        assert db.query(conn, "SELECT current_user = session_user AS admin, "
                              "current_setting('app.current_client_id', true) AS id") in (
            [{"admin": True, "id": None}], [{"admin": True, "id": ""}])

