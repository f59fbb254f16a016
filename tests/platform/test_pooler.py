"""Behind a pooler in transaction mode (Debian's PgBouncer, tests/pooler.py), as managed PostgreSQL
runs behind Supabase's pooler or RDS Proxy: with AVENIR_PREPARED_STATEMENTS=0 the functions work,
their transactions share server connections, and row level security still holds per transaction.
(`make test` also runs the HTTP suites through it: AVENIR_TEST_POOLER=1.)"""
import uuid

import pytest

from shared.platform import db
from tests import pooler
from tests.helpers import apigw_event, invoke, load_function

pytestmark = pytest.mark.pooled


@pytest.fixture
def pooled(pg, database, monkeypatch):
    with pooler.pgbouncer(pg) as port:
        monkeypatch.setenv("DATABASE_URL", database.url.replace(f":{pg.port}/", f":{port}/"))
        monkeypatch.setenv("AVENIR_PREPARED_STATEMENTS", "0")
        db.discard()
        yield port
        db.discard()


def test_transactions_share_server_connections_and_each_sees_only_its_client(pooled, database, make_client):
    olivia, other = make_client(), make_client()
    intake, inbox = load_function("lead_intake"), load_function("lead_inbox")
    email = f"olivia.{uuid.uuid4().hex[:8]}@parkhomes.ca"
    lead = {"name": "Olivia Park", "email": email, "message": "Can you quote a new roof?"}
    assert invoke(intake, apigw_event("POST", "/api/lead", lead, key=olivia.api_key)).status == 201
    assert invoke(intake, apigw_event("POST", "/api/lead", lead, key=olivia.api_key)).status == 200  # the same lead

    def inbox_of(client):
        answer = invoke(inbox, apigw_event("GET", "/api/leads", key=client.api_key, content_type=None))
        return [lead["email"] for lead in answer.json["leads"]]

    assert inbox_of(olivia) == [email] and inbox_of(other) == []

    # two connections of the functions, one after the other, are served by one PostgreSQL backend
    first, second = (db.connect() for _ in range(2))
    try:
        pids = [db.query(conn, "SELECT pg_backend_pid() AS pid")[0]["pid"] for conn in (first, second)]
    finally:
        first.close()
        second.close()
    assert pids[0] == pids[1]


def test_the_pooler_keeps_answering_after_hundreds_of_client_connections(pooled):
    # Each served request opens and closes a client connection, and PgBouncer logs two lines for
    # each: a whole pooled run makes thousands. Its stderr once went to a pipe nobody read, so
    # after 64 KB (some 200 connections) PgBouncer blocked writing it and every request timed out.
    for _ in range(400):
        conn = db.connect()
        try:
            assert db.query(conn, "SELECT 1 AS one") == [{"one": 1}]
        finally:
            conn.close()
