"""Key rotation: POST /api/clients/rotate-key with the client's own key, and `avenir client
rotate-key` for an operator. The old key stops working at once; one audit row of fingerprints."""
import datetime
import json
import threading
import time
import uuid

import pytest

from shared.clients import accounts
from shared.platform.exceptions import NotFound, Unauthorized
from tests.helpers import apigw_event, avenir, invoke, load_function

pytestmark = pytest.mark.pooled

ROUTE = "/api/clients/rotate-key"


def rotation_log(database, client_id) -> list[dict]:
    return database.sql("SELECT * FROM api_key_rotation_log WHERE client_id = :c ORDER BY rotated_at", c=client_id)


def test_rotating_returns_a_new_key_once_and_the_old_key_stops_working(database, make_client, api):
    client = make_client()

    response = api.post(ROUTE, key=client.api_key)

    assert response.status == 200
    assert set(response.json) == {"client_id", "api_key", "rotated_at"}
    assert response.json["client_id"] == str(client.client_id)
    new_key = response.json["api_key"]
    assert new_key != client.api_key and new_key.startswith("avk_")
    assert response.headers["Cache-Control"] == "no-store"
    assert api.post(ROUTE, key=client.api_key).status == 401
    assert accounts.authenticate(client.api_key) is None
    assert accounts.authenticate(new_key).client_id == client.client_id


def test_a_rotation_sets_last_rotated_and_logs_fingerprints_only(database, make_client, api):
    client = make_client()

    response = api.post(ROUTE, key=client.api_key)

    new_key = response.json["api_key"]
    row = database.one("SELECT api_key, last_rotated FROM clients WHERE client_id = :c", c=client.client_id)
    assert row["api_key"] == accounts.key_digest(new_key)
    assert row["last_rotated"] == datetime.datetime.fromisoformat(response.json["rotated_at"])
    [entry] = rotation_log(database, client.client_id)
    assert entry["old_key_fingerprint"] == accounts.key_fingerprint(client.api_key)
    assert entry["new_key_fingerprint"] == accounts.key_fingerprint(new_key)
    assert entry["rotated_at"] == row["last_rotated"] and entry["rotated_by"] == "api"
    logged = database.scalar("SELECT row_to_json(l)::text FROM api_key_rotation_log l WHERE id = :i", i=entry["id"])
    for secret in (client.api_key, new_key, accounts.key_digest(client.api_key), accounts.key_digest(new_key)):
        assert secret not in logged


def test_the_new_key_can_itself_be_rotated(make_client, api, database):
    client = make_client()
    second = api.post(ROUTE, key=client.api_key).json["api_key"]
    third = api.post(ROUTE, key=second)
    assert third.status == 200 and third.json["api_key"] not in (client.api_key, second)
    assert [e["new_key_fingerprint"] for e in rotation_log(database, client.client_id)] == [
        accounts.key_fingerprint(second), accounts.key_fingerprint(third.json["api_key"])]


def test_a_legacy_plaintext_key_is_logged_by_the_fingerprint_of_the_presented_key(database, api):
    legacy, client_id = "legacy-" + uuid.uuid4().hex, uuid.uuid4()
    database.sql("INSERT INTO clients (client_id, business_name, email, password_hash, api_key) "
                 "VALUES (:c, 'Plâtrerie Lévis', :e, 'x', :k)", c=client_id, e=f"{client_id.hex}@levis.ca", k=legacy)

    response = api.post(ROUTE, key=legacy)

    assert response.status == 200
    [entry] = rotation_log(database, client_id)
    assert entry["old_key_fingerprint"] == accounts.key_fingerprint(legacy)
    assert api.post(ROUTE, key=legacy).status == 401


def test_without_a_valid_key_nothing_is_rotated(database, make_client, api):
    client = make_client()
    assert api.post(ROUTE).status == 401
    assert api.post(ROUTE, key=client.api_key + "x").status == 401
    assert api.post(ROUTE, key=accounts.new_api_key()).json["error"]["code"] == "unauthorized"
    assert api.get(ROUTE, key=client.api_key).status == 405
    assert rotation_log(database, client.client_id) == []
    assert accounts.authenticate(client.api_key).client_id == client.client_id


def test_a_body_is_not_needed_and_one_sent_is_ignored(make_client, api):
    client = make_client()
    assert api.post(ROUTE, {"reason": "laptop stolen"}, key=client.api_key).status == 200


def test_the_lambda_handler_rotates_like_the_served_route(database, make_client):
    client = make_client()
    module = load_function("rotate_key")

    response = invoke(module, apigw_event("POST", ROUTE, key=client.api_key, content_type=None))

    assert response.status == 200 and response.json["client_id"] == str(client.client_id)
    assert invoke(module, apigw_event("POST", ROUTE, key=client.api_key)).status == 401
    assert len(rotation_log(database, client.client_id)) == 1


def test_two_concurrent_rotations_with_the_same_key_let_exactly_one_win(database, make_client, api):
    client = make_client()
    # Hold the client's row so both requests are authenticated and then queue on its lock.
    holder = database.connect()
    holder.run("BEGIN")
    holder.run("SELECT 1 FROM clients WHERE client_id = :c FOR UPDATE", c=client.client_id)
    answers = []
    threads = [threading.Thread(target=lambda: answers.append(api.post(ROUTE, key=client.api_key)))
               for _ in range(2)]
    try:
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and database.scalar(
                "SELECT count(*) FROM pg_locks WHERE NOT granted AND locktype IN ('transactionid', 'tuple')") < 2:
            time.sleep(0.05)
    finally:
        holder.run("COMMIT")
        holder.close()
    for thread in threads:
        thread.join(60)

    assert sorted(a.status for a in answers) == [200, 401]
    [winner] = [a for a in answers if a.status == 200]
    [entry] = rotation_log(database, client.client_id)
    assert entry["new_key_fingerprint"] == accounts.key_fingerprint(winner.json["api_key"])
    assert accounts.authenticate(winner.json["api_key"]).client_id == client.client_id


def test_an_operator_rotates_a_clients_key_from_the_command_line(database, make_client):
    client = make_client()

    result = avenir("client", "rotate-key", "--client", str(client.client_id))

    assert result.returncode == 0, result.stderr
    printed = json.loads(result.stdout)
    assert set(printed) == {"client_id", "api_key", "rotated_at"}
    assert printed["client_id"] == str(client.client_id)
    assert accounts.authenticate(client.api_key) is None
    assert accounts.authenticate(printed["api_key"]).client_id == client.client_id
    [entry] = rotation_log(database, client.client_id)
    assert entry["rotated_by"] == "cli"
    assert entry["old_key_fingerprint"] == accounts.key_fingerprint(client.api_key)


def test_rotating_an_unknown_client_from_the_command_line_fails_and_says_so():
    result = avenir("client", "rotate-key", "--client", str(uuid.uuid4()))
    assert result.returncode == 1 and "No client with id" in result.stderr and result.stdout == ""


def test_a_key_whose_client_is_gone_cannot_rotate_anything(database):
    with pytest.raises(Unauthorized):
        accounts.rotate_key(uuid.uuid4(), presented_key=accounts.new_api_key())
    with pytest.raises(NotFound):
        accounts.rotate_key(uuid.uuid4())
