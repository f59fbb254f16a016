"""Time bounds and conflicts found from outside: a timeout costs one statement timeout, a frozen
database ends a request in a 503 inside the function's own timeout, a key still in flight is a 409,
an un-deleted lead never makes two live leads with one email, and every 401 says how to authenticate."""
import os
import signal
import subprocess
import threading
import time
import uuid

import pg8000.native
import pytest

from shared.clients import accounts
from shared.leads import intake as leads
from shared.platform import db, idempotency, settings
from tests.deploy import stack
from tests.helpers import apigw_event, invoke, load_function, migrated_database, throwaway_cluster


@pytest.fixture(scope="module")
def owner(database):
    return accounts.create_client("Toitures Bouchard", f"owner-{uuid.uuid4().hex[:6]}@toitures-bouchard.ca")


@pytest.fixture(scope="module")
def intake():
    return load_function("lead_intake")


@pytest.fixture(scope="module")
def tag():
    return load_function("tag_lead")


def lead(email: str) -> dict:
    return {"name": "Sophie Gagnon", "email": email, "message": "Une soumission pour notre toiture, svp."}


def test_a_key_lookup_blocked_by_a_lock_costs_one_statement_timeout_not_two(database, owner, intake):
    """A lookup cancelled by the statement timeout (57014) is not tried again: the request waits once.
    Counted on the server (each wait of the product's connection on the lock is one statement start
    in pg_stat_activity), not by a wall clock, which a loaded machine stretches."""
    os.environ["AVENIR_STATEMENT_TIMEOUT_MS"] = "1500"
    db.discard()  # the next connection takes the shorter statement timeout
    holder, watcher = database.connect(), database.connect()
    holder.run("BEGIN")
    holder.run("LOCK TABLE clients IN ACCESS EXCLUSIVE MODE")
    waits: set = set()
    answered = threading.Event()

    def watch():
        while not answered.is_set():
            waits.update(row[0] for row in watcher.run(
                "SELECT query_start FROM pg_stat_activity WHERE application_name = 'avenir' "
                "AND wait_event_type = 'Lock'"))
            time.sleep(0.05)

    thread = threading.Thread(target=watch)
    thread.start()
    try:
        answer = invoke(intake, apigw_event("POST", "/api/lead", lead("lock@gagnon.ca"), key=owner[1]))
    finally:
        answered.set()
        thread.join()
        holder.run("ROLLBACK")
        holder.close()
        watcher.close()
        db.discard()
    assert answer.status == 503 and answer.headers["Retry-After"]
    assert len(waits) == 1  # one statement waited, once


def test_the_socket_timeout_derives_from_the_statement_timeout_and_fits_the_functions_timeout():
    """A frozen database ends a request after one socket timeout: inside every HTTP function's timeout."""
    os.environ.pop("AVENIR_STATEMENT_TIMEOUT_MS", None)
    http_functions = [f for f in stack.functions(stack.load()) if f.routes()]
    assert http_functions and all(settings.socket_timeout_s() < f.properties["Timeout"] for f in http_functions)


@pytest.fixture
def freezable_database():
    """A cluster of its own (to be frozen with SIGSTOP) with a migrated database and a client."""
    saved = os.environ.get("DATABASE_URL")
    with throwaway_cluster("avenir-test-frozen-") as cluster:
        try:
            os.environ["DATABASE_URL"] = migrated_database(cluster, "frozen")
            yield cluster, accounts.create_client("Toitures Gel", "owner@toitures-gel.ca")[1]
        finally:
            db.discard()
            if saved is not None:
                os.environ["DATABASE_URL"] = saved


def postgres_pids(cluster) -> list[int]:
    postmaster = int((cluster.data / "postmaster.pid").read_text().split()[0])
    children = subprocess.run(["pgrep", "-P", str(postmaster)], capture_output=True, text=True).stdout.split()
    return [postmaster, *map(int, children)]


def test_a_frozen_database_ends_a_request_in_a_503_after_one_socket_timeout(freezable_database, intake):
    """A frozen database ends the request in a 503 after one socket timeout (pg8000's own default of
    30 s would hold it past the functions' timeout, 15 s in template.yaml): inside that timeout."""
    cluster, key = freezable_database
    os.environ["AVENIR_STATEMENT_TIMEOUT_MS"] = "1000"
    db.discard()
    assert invoke(intake, apigw_event("POST", "/api/lead", lead("warm@gel.ca"), key=key)).status == 201
    pids = postgres_pids(cluster)
    for pid in pids:
        os.kill(pid, signal.SIGSTOP)
    try:
        started = time.monotonic()
        answer = invoke(intake, apigw_event("POST", "/api/lead", lead("frozen@gel.ca"), key=key))
        elapsed = time.monotonic() - started
    finally:
        for pid in pids:
            os.kill(pid, signal.SIGCONT)
    assert answer.status == 503 and answer.json["error"]["code"] == "unavailable"
    assert elapsed < min(f.properties["Timeout"] for f in stack.functions(stack.load()) if f.routes())
    assert invoke(intake, apigw_event("POST", "/api/lead", lead("thawed@gel.ca"), key=key)).status == 201


def test_a_key_still_in_flight_after_the_wait_is_a_409_with_retry_after(database, owner, intake):
    """A delivery still waiting for its key's first delivery after the wait is a 409 with
    Retry-After, not a 503 'database unavailable'."""
    client_id, key = owner
    os.environ["AVENIR_STATEMENT_TIMEOUT_MS"] = "1000"
    holder = database.connect()
    holder.run("BEGIN")
    holder.run("SELECT pg_advisory_xact_lock(:id)", id=idempotency.lock_id(client_id, leads.ROUTE, "form-991"))
    try:
        answer = invoke(intake, apigw_event("POST", "/api/lead", lead("inflight@gagnon.ca"), key=key,
                                            headers={"Idempotency-Key": "form-991"}))
    finally:
        holder.run("ROLLBACK")
        holder.close()
    assert answer.status == 409 and answer.json["error"]["code"] == "idempotency_key_in_flight"
    assert int(answer.headers["Retry-After"]) >= 1
    assert database.scalar("SELECT count(*) FROM lead_memory WHERE email = 'inflight@gagnon.ca'") == 0


@pytest.mark.parametrize("first,again", [('"form-7731"', "form-7731"), ("form-7732", '"form-7732"'),
                                         ('"form \\"q\\" 7733"', 'form "q" 7733')])
def test_a_quoted_idempotency_key_is_the_same_key_as_the_bare_one(owner, intake, first, again):
    email = f"quoted.{uuid.uuid4().hex[:6]}@gmail.com"
    one, two = (invoke(intake, apigw_event("POST", "/api/lead", lead(email), key=owner[1],
                                           headers={"Idempotency-Key": key})) for key in (first, again))
    assert one.status == two.status == 201 and two.json == one.json
    assert two.headers.get("Idempotent-Replayed") == "true"


def test_undeleting_a_lead_whose_email_came_back_as_a_new_lead_is_a_409_naming_it(database, owner, intake, tag):
    """Undeleting would leave two live leads with one email: a 409 naming the lead that came back."""
    key = owner[1]
    email = f"retour.{uuid.uuid4().hex[:6]}@videotron.ca"
    old = invoke(intake, apigw_event("POST", "/api/lead", lead(email), key=key)).json["lead_id"]
    assert invoke(tag, apigw_event("POST", f"/api/leads/{old}/tag", {"tag": "Deleted"}, key=key)).status == 200
    new = invoke(intake, apigw_event("POST", "/api/lead", lead(email.upper()), key=key)).json["lead_id"]
    assert new != old

    answer = invoke(tag, apigw_event("POST", f"/api/leads/{old}/tag", {"tag": "Active"}, key=key))
    assert answer.status == 409 and new in answer.json["error"]["message"]
    assert database.scalar("SELECT current_tag FROM lead_memory WHERE id = :id", id=old) == "Deleted"
    assert database.scalar("SELECT count(*) FROM lead_actions WHERE lead_id = :id", id=old) == 2


def test_undeleting_a_lead_whose_email_is_free_brings_it_back(database, owner, intake, tag):
    key = owner[1]
    lead_id = invoke(intake, apigw_event("POST", "/api/lead", lead(f"seul.{uuid.uuid4().hex[:6]}@bell.ca"),
                                         key=key)).json["lead_id"]
    assert invoke(tag, apigw_event("POST", f"/api/leads/{lead_id}/tag", {"tag": "Deleted"}, key=key)).status == 200
    answer = invoke(tag, apigw_event("POST", f"/api/leads/{lead_id}/tag", {"tag": "Follow-Up"}, key=key))
    assert answer.status == 200 and answer.json["current_tag"] == "Follow-Up"


@pytest.mark.parametrize("key", [None, "avk_00000000_not-a-key"])
def test_every_401_says_how_to_authenticate(database, intake, key):
    answer = invoke(intake, apigw_event("POST", "/api/lead", lead("who@gagnon.ca"), key=key))
    assert answer.status == 401 and answer.headers["WWW-Authenticate"] == "Bearer"


def test_a_401_over_http_carries_www_authenticate(api):
    answer = api.post("/api/leads/00000000-0000-0000-0000-000000000000/tag", {"tag": "Active"})
    assert answer.status == 401 and answer.headers["WWW-Authenticate"] == "Bearer"


def test_a_broken_connection_is_still_retried_once(database, owner, intake):
    """The retry kept for what it is for: a backend ended under a warm connection (a restart)."""
    assert invoke(intake, apigw_event("POST", "/api/lead", lead("warm@gagnon.ca"), key=owner[1])).status in (200, 201)
    killer = pg8000.native.Connection(user="postgres", host="127.0.0.1", port=database.cluster.port,
                                      database=database.name)
    killer.run("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
               "WHERE application_name = 'avenir' AND datname = :name", name=database.name)
    killer.close()
    assert invoke(intake, apigw_event("POST", "/api/lead", lead("again@gagnon.ca"), key=owner[1])).status in (200, 201)
