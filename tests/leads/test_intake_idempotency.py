"""POST /api/lead with an Idempotency-Key: a repeated delivery replays the first answer and writes
nothing, for 24 hours and within its own client; keys are purged after that and must be 1 to 200
printable characters."""
from datetime import UTC, datetime, timedelta

import pytest

from shared.platform import db
from tests.helpers import apigw_event, invoke
from tests.leads.deliveries import (
    LEAK,
    PATH,
    QUOTE,
    keys_of,
    leads_of,
    new_email,
    new_key,
    rows_written,
    table_sizes,
)

pytestmark = pytest.mark.pooled


def test_a_replay_is_the_first_response_even_after_the_lead_changed(sender, client, database):
    email, key, other_key = new_email(), new_key(), new_key()
    body = {"name": "Olivia Park", "email": email, "message": QUOTE}
    first = sender.post(body, key=client.api_key, headers={"Idempotency-Key": key})
    update = sender.post({**body, "message": LEAK}, key=client.api_key, headers={"Idempotency-Key": other_key})
    again = sender.post(body, key=client.api_key, headers={"Idempotency-Key": key})

    assert (first.status, update.status) == (201, 200)
    assert (again.status, again.json) == (201, first.json)
    assert rows_written(database, client, email, key, other_key) == (1, 2, 2)


def test_the_same_body_spelled_differently_is_the_same_delivery(sender, client, database):
    email, key = new_email(), new_key()
    first = sender.post({"name": "Olivia Park", "email": email}, key=client.api_key,
                        headers={"Idempotency-Key": key})
    again = sender.post(raw=f'{{ "email" : "{email}",\n  "name": "Olivia Park" }}'.encode(), key=client.api_key,
                        headers={"Idempotency-Key": key})

    assert (again.status, again.json) == (201, first.json)
    assert rows_written(database, client, email, key) == (1, 1, 1)


def test_the_same_key_with_another_body_is_refused_and_writes_nothing(sender, client, database):
    email, key = new_email(), new_key()
    sender.post({"name": "Olivia Park", "email": email}, key=client.api_key, headers={"Idempotency-Key": key})
    reused = sender.post({"name": "Olivia Park", "email": email, "message": LEAK}, key=client.api_key,
                         headers={"Idempotency-Key": key})

    assert reused.status == 422 and reused.json["error"]["code"] == "idempotency_key_reuse"
    assert rows_written(database, client, email, key) == (1, 1, 1)
    [lead] = leads_of(database, client, email)
    assert lead["message"] is None


def test_a_key_is_the_clients_own(sender, client, other_client, database):
    email, key = new_email(), new_key()
    mine = sender.post({"name": "Olivia Park", "email": email}, key=client.api_key,
                       headers={"Idempotency-Key": key})
    theirs = sender.post({"name": "Olivia Park", "email": email, "message": QUOTE}, key=other_client.api_key,
                         headers={"Idempotency-Key": key})

    assert (mine.status, theirs.status) == (201, 201) and mine.json["lead_id"] != theirs.json["lead_id"]


def test_a_key_older_than_24_hours_is_a_new_delivery(sender, client, database):
    email, key = new_email(), new_key()
    body = {"name": "Olivia Park", "email": email}
    first = sender.post(body, key=client.api_key, headers={"Idempotency-Key": key})
    database.sql("UPDATE idempotency_keys SET created_at = now() - interval '25 hours' "
                 "WHERE client_id = :c AND idempotency_key = :k", c=client.client_id, k=key)

    later = sender.post({**body, "message": QUOTE}, key=client.api_key, headers={"Idempotency-Key": key})

    assert (first.status, later.status) == (201, 200) and later.json["action"] == "update"
    [stored] = keys_of(database, client, key)
    assert stored["response_status"] == 200 and stored["response_body"] == later.json
    assert stored["created_at"] > datetime.now(UTC) - timedelta(hours=1)


def test_a_keyed_delivery_purges_expired_keys(sender, client, database):
    stale, recent, fresh = [new_key() for _ in range(5)], new_key(), new_key()
    database.sql("""INSERT INTO idempotency_keys (client_id, route, idempotency_key, request_hash,
                                                  response_status, response_body, created_at)
                    SELECT CAST(:c AS uuid), 'POST /api/lead', k, repeat('0', 64), 201, CAST('{}' AS json),
                           now() - interval '24 hours' - n * interval '1 minute'
                    FROM unnest(CAST(:stale AS text[])) WITH ORDINALITY AS s(k, n)
                    UNION ALL
                    SELECT CAST(:c AS uuid), 'POST /api/lead', :recent, repeat('0', 64), 201, CAST('{}' AS json),
                           now() - interval '23 hours'
                 """, c=client.client_id, stale=stale, recent=recent)

    sender.post({"name": "Olivia Park", "email": new_email()}, key=client.api_key,
                headers={"Idempotency-Key": fresh})

    assert {row["idempotency_key"] for row in keys_of(database, client, *stale, recent, fresh)} == {recent, fresh}


def test_a_delivery_purges_only_its_own_clients_expired_keys(client, other_client, database, intake_function):
    theirs = new_key()
    database.sql("""INSERT INTO idempotency_keys (client_id, route, idempotency_key, request_hash,
                                                  response_status, response_body, created_at)
                    VALUES (CAST(:c AS uuid), 'POST /api/lead', :k, repeat('0', 64), 201, CAST('{}' AS json),
                            now() - interval '30 hours')""", c=other_client.client_id, k=theirs)

    invoke(intake_function, apigw_event("POST", PATH, {"name": "Olivia Park", "email": new_email()}, key=client.api_key,
                                 headers={"Idempotency-Key": new_key()}))

    assert len(keys_of(database, other_client, theirs)) == 1


def test_a_clients_transaction_sees_only_its_own_idempotency_keys(client, other_client, intake_function):
    mine, theirs = new_key(), new_key()
    for owner, key in ((client, mine), (other_client, theirs)):
        invoke(intake_function, apigw_event("POST", PATH, {"name": "Olivia Park", "email": new_email()},
                                     key=owner.api_key, headers={"Idempotency-Key": key}))

    with db.transaction(client_id=client.client_id) as conn:
        visible = {row[0] for row in conn.run("SELECT idempotency_key FROM idempotency_keys")}
    assert mine in visible and theirs not in visible


@pytest.mark.parametrize("idempotency_key", ["k" * 201, "x" * 500])
def test_an_idempotency_key_longer_than_200_characters_is_a_validation_error(sender, client, database,
                                                                             idempotency_key):
    before = table_sizes(database)
    response = sender.post({"name": "Olivia Park", "email": new_email()}, key=client.api_key,
                           headers={"Idempotency-Key": idempotency_key})

    assert response.status == 422 and response.json["error"]["code"] == "validation_error"
    assert [d["field"] for d in response.json["error"]["details"]] == ["Idempotency-Key"]
    assert table_sizes(database) == before


def test_a_200_character_idempotency_key_is_accepted(sender, client, database):
    email, key = new_email(), new_key().ljust(200, "k")
    response = sender.post({"name": "Olivia Park", "email": email}, key=client.api_key,
                           headers={"Idempotency-Key": key})

    assert response.status == 201 and rows_written(database, client, email, key) == (1, 1, 1)


@pytest.mark.parametrize("idempotency_key", ["", "zap\x00", "zap\n1", "\ud800"],
                         ids=["empty", "nul", "newline", "lone-surrogate"])
def test_an_empty_or_unprintable_idempotency_key_is_a_validation_error(intake_function, client, database,
                                                                       idempotency_key):
    before = table_sizes(database)
    event = apigw_event("POST", PATH, {"name": "Olivia Park", "email": new_email()}, key=client.api_key,
                        headers={"Idempotency-Key": idempotency_key})
    response = invoke(intake_function, event)

    assert response.status == 422 and response.json["error"]["details"][0]["field"] == "Idempotency-Key"
    assert table_sizes(database) == before
