"""POST /api/lead end to end: the same requests over real HTTP (functions-framework behind
`avenir serve`'s app) and through the Lambda handler with API Gateway v2 events (plain and
base64 bodies), checked against the rows they leave in PostgreSQL."""
import os
import threading
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from conftest import apigw_event, invoke, load_function

from infra.pgcluster import free_port
from shared.enrichment import Enrichment, relationship_insight

PATH = "/api/lead"
QUOTE = ("Hi, I'd like a quote for repainting three bedrooms in our condo in Verdun sometime next month. "
         "No rush, we are flexible.")
LEAK = ("Water is pouring through our kitchen ceiling right now! We need someone today, it is an emergency. "
        "Please call me back ASAP.")
SOUMISSION = "Bonjour, j'aimerais recevoir une soumission pour refaire la toiture de notre duplex à Rosemont."


@dataclass
class Sender:
    """One way in: "http" (a real port), "lambda" or "lambda-base64" (the handler, v2 events)."""

    runtime: str
    api: object = None
    function: object = None

    def send(self, method="POST", path=PATH, body=None, key=None, headers=None, raw=None,
             content_type="application/json"):
        if self.runtime == "http":
            return self.api.request(method, path, body, key=key, headers=headers, raw=raw,
                                    content_type=content_type)
        event = apigw_event(method, path, body=body, key=key, headers=headers, raw=raw,
                            base64_body=self.runtime == "lambda-base64", content_type=content_type)
        return invoke(self.function, event)

    def post(self, body=None, **kwargs):
        return self.send("POST", PATH, body, **kwargs)


@pytest.fixture(scope="module")
def function():
    return load_function("lead_intake")


@pytest.fixture(params=["http", "lambda", "lambda-base64"])
def sender(request, function) -> Sender:
    if request.param == "http":
        return Sender("http", api=request.getfixturevalue("api"))
    return Sender(request.param, function=function)


@pytest.fixture
def client(make_client):
    return make_client("Rénovations Tremblay")


def new_email(local="client") -> str:
    return f"{local}.{uuid.uuid4().hex[:8]}@gmail.com"


def leads_of(database, client_id) -> list[dict]:
    return database.sql("SELECT * FROM lead_memory WHERE client_id = :c ORDER BY timestamp", c=client_id)


def actions_of(database, client_id) -> list[dict]:
    return database.sql("SELECT * FROM lead_actions WHERE client_id = :c ORDER BY timestamp", c=client_id)


def rows_written(database, client_id) -> tuple[int, int, int]:
    return (len(leads_of(database, client_id)), len(actions_of(database, client_id)),
            database.scalar("SELECT count(*) FROM idempotency_keys WHERE client_id = :c", c=client_id))


def assert_history(entries: list, values: list) -> None:
    assert [entry["value"] for entry in entries] == values
    stamps = [datetime.fromisoformat(entry["timestamp"]) for entry in entries]
    assert all(stamp.tzinfo is not None for stamp in stamps) and stamps == sorted(stamps)


# --- insert, update, dedupe ---------------------------------------------------------------------

def test_a_new_email_inserts_an_active_lead_with_its_first_history_entries(sender, client, database):
    email = new_email()
    response = sender.post({"name": "Olivia Park", "email": email, "message": QUOTE}, key=client.api_key)

    assert response.status == 201
    body = response.json
    assert set(body) == {"lead_id", "action", "is_test", "enrichment"}
    assert body["action"] == "insert" and body["is_test"] is False
    enrichment = body["enrichment"]
    assert set(enrichment) == {"language", "intent", "tone", "urgency", "confidence_score", "ai_summary"}
    assert enrichment["language"] == "en" and enrichment["intent"] == "quote_request"
    assert 0 <= enrichment["confidence_score"] <= 1 and enrichment["ai_summary"]

    [lead] = leads_of(database, client.client_id)
    assert str(lead["id"]) == body["lead_id"]
    assert (lead["email"], lead["name"], lead["message"]) == (email, "Olivia Park", QUOTE)
    assert (lead["current_tag"], lead["archived"], lead["deleted"], lead["is_test"]) == ("Active", False, False, False)
    assert {k: lead[k] for k in ("language", "intent", "tone", "urgency", "ai_summary")} == \
        {k: enrichment[k] for k in ("language", "intent", "tone", "urgency", "ai_summary")}
    assert float(lead["confidence_score"]) == enrichment["confidence_score"]
    assert_history(lead["tone_history"], [enrichment["tone"]])
    assert_history(lead["urgency_history"], [enrichment["urgency"]])
    assert_history(lead["confidence_history"], [enrichment["confidence_score"]])
    assert lead["relationship_insight"] is None
    [action] = actions_of(database, client.client_id)
    assert (action["lead_id"], action["action_type"], action["tag"], action["is_test"]) == \
        (lead["id"], "insert", "Active", False)


def test_the_same_email_again_updates_the_lead_and_appends_to_its_history(sender, client, database):
    email = new_email()
    first = sender.post({"name": "David Chen", "email": email, "message": QUOTE}, key=client.api_key)
    second = sender.post({"name": "David Chen", "email": email, "message": LEAK}, key=client.api_key)

    assert (first.status, second.status) == (201, 200)
    assert second.json["lead_id"] == first.json["lead_id"] and second.json["action"] == "update"
    before, after = first.json["enrichment"], second.json["enrichment"]
    assert (before["urgency"], after["urgency"]) == ("Low", "High")

    [lead] = leads_of(database, client.client_id)
    assert lead["message"] == LEAK and lead["urgency"] == "High" and lead["tone"] == after["tone"]
    assert_history(lead["tone_history"], [before["tone"], after["tone"]])
    assert_history(lead["urgency_history"], ["Low", "High"])
    assert_history(lead["confidence_history"], [before["confidence_score"], after["confidence_score"]])
    assert lead["relationship_insight"] == relationship_insight(before, Enrichment(**after))
    assert lead["last_updated"] > lead["timestamp"]
    assert lead["last_updated"] == datetime.fromisoformat(lead["urgency_history"][-1]["timestamp"])
    actions = actions_of(database, client.client_id)
    assert [(a["action_type"], a["tag"]) for a in actions] == [("insert", "Active"), ("update", None)]
    assert all(a["lead_id"] == lead["id"] for a in actions)


def test_the_same_email_in_another_case_updates_the_same_lead(sender, client, database):
    local = f"Marie.Tremblay.{uuid.uuid4().hex[:6]}"
    first = sender.post({"name": "Marie Tremblay", "email": f"{local}@Videotron.ca", "message": SOUMISSION},
                        key=client.api_key)
    second = sender.post({"name": "Marie Tremblay", "email": f"{local.upper()}@VIDEOTRON.CA"}, key=client.api_key)

    assert (first.status, second.status) == (201, 200)
    assert second.json["lead_id"] == first.json["lead_id"]
    assert len(leads_of(database, client.client_id)) == 1


def test_a_deleted_lead_is_not_revived_a_new_lead_is_inserted(sender, client, database):
    email = new_email()
    first = sender.post({"name": "Olivia Park", "email": email}, key=client.api_key)
    database.sql("UPDATE lead_memory SET deleted = true, current_tag = 'Deleted' WHERE id = :id",
                 id=uuid.UUID(first.json["lead_id"]))

    second = sender.post({"name": "Olivia Park", "email": email, "message": QUOTE}, key=client.api_key)

    assert second.status == 201 and second.json["action"] == "insert"
    assert second.json["lead_id"] != first.json["lead_id"]


def test_an_archived_lead_is_updated_and_keeps_its_tag(sender, client, database):
    email = new_email()
    first = sender.post({"name": "Olivia Park", "email": email}, key=client.api_key)
    database.sql("UPDATE lead_memory SET archived = true, current_tag = 'Archived' WHERE id = :id",
                 id=uuid.UUID(first.json["lead_id"]))

    second = sender.post({"name": "Olivia Park", "email": email, "message": QUOTE}, key=client.api_key)

    assert second.status == 200 and second.json["lead_id"] == first.json["lead_id"]
    [lead] = leads_of(database, client.client_id)
    assert (lead["current_tag"], lead["archived"]) == ("Archived", True)


def test_the_same_email_at_another_client_is_that_clients_own_lead(sender, client, make_client, database):
    other = make_client("Plomberie Gagnon")
    email = new_email()
    mine = sender.post({"name": "Olivia Park", "email": email}, key=client.api_key)
    theirs = sender.post({"name": "Olivia Park", "email": email}, key=other.api_key)

    assert (mine.status, theirs.status) == (201, 201)
    assert mine.json["lead_id"] != theirs.json["lead_id"]
    assert len(leads_of(database, other.client_id)) == 1


def test_the_language_sent_is_kept_and_unknown_fields_are_ignored(sender, client, database):
    response = sender.post({"name": "  Jean Roy  ", "email": new_email(), "message": QUOTE, "language": "fr",
                            "source": "website", "utm": {"campaign": "fall"}}, key=client.api_key)

    assert response.status == 201 and response.json["enrichment"]["language"] == "fr"
    [lead] = leads_of(database, client.client_id)
    assert (lead["name"], lead["language"]) == ("Jean Roy", "fr")


def test_a_french_message_is_detected_as_french(sender, client):
    response = sender.post({"name": "Marc Gagnon", "email": new_email(), "message": SOUMISSION},
                           key=client.api_key)

    assert response.json["enrichment"]["language"] == "fr"


# --- is_test --------------------------------------------------------------------------------------

@pytest.mark.parametrize("client_email, lead_email, expected", [
    ("owner@plomberie-gagnon.ca", "olivia.park@gmail.com", False),
    ("owner@plomberie-gagnon.ca", "QA.Tester@gmail.com", True),
    ("owner@plomberie-gagnon.ca", "olivia@EXAMPLE.COM", True),
    ("owner@plomberie-gagnon.ca", "olivia@mail.example.com", True),
    ("owner@plomberie-gagnon.ca", "olivia@example.com.au", False),
    ("qa-test@plomberie-gagnon.ca", "olivia.park@gmail.com", True),
])
def test_is_test_follows_the_client_and_the_lead_email(sender, make_client, database, client_email,
                                                       lead_email, expected):
    client = make_client("Plomberie Gagnon", email=client_email.replace("@", f"+{uuid.uuid4().hex[:6]}@"))
    response = sender.post({"name": "Olivia Park", "email": lead_email}, key=client.api_key)

    assert response.status == 201 and response.json["is_test"] is expected
    [lead], [action] = leads_of(database, client.client_id), actions_of(database, client.client_id)
    assert lead["is_test"] is expected and action["is_test"] is expected


# --- Idempotency-Key ------------------------------------------------------------------------------

def test_a_repeated_idempotency_key_replays_the_first_response_and_writes_nothing(sender, client, database):
    body = {"name": "Olivia Park", "email": new_email(), "message": QUOTE}
    first = sender.post(body, key=client.api_key, headers={"Idempotency-Key": "zap-8841"})
    again = sender.post(body, key=client.api_key, headers={"Idempotency-Key": "zap-8841"})

    assert (again.status, again.json) == (first.status, first.json) == (201, first.json)
    assert again.headers.get("Idempotent-Replayed") == "true" and "Idempotent-Replayed" not in first.headers
    assert rows_written(database, client.client_id) == (1, 1, 1)


def test_a_replay_is_the_first_response_even_after_the_lead_changed(sender, client, database):
    body = {"name": "Olivia Park", "email": new_email(), "message": QUOTE}
    first = sender.post(body, key=client.api_key, headers={"Idempotency-Key": "delivery-1"})
    update = sender.post({**body, "message": LEAK}, key=client.api_key, headers={"Idempotency-Key": "delivery-2"})
    again = sender.post(body, key=client.api_key, headers={"Idempotency-Key": "delivery-1"})

    assert (first.status, update.status) == (201, 200)
    assert (again.status, again.json) == (201, first.json)
    assert rows_written(database, client.client_id) == (1, 2, 2)


def test_the_same_body_spelled_differently_is_the_same_delivery(sender, client, database):
    email = new_email()
    first = sender.post({"name": "Olivia Park", "email": email}, key=client.api_key,
                        headers={"Idempotency-Key": "k-1"})
    again = sender.post(raw=f'{{ "email" : "{email}",\n  "name": "Olivia Park" }}'.encode(), key=client.api_key,
                        headers={"Idempotency-Key": "k-1"})

    assert (again.status, again.json) == (201, first.json)
    assert rows_written(database, client.client_id) == (1, 1, 1)


def test_the_same_key_with_another_body_is_refused_and_writes_nothing(sender, client, database):
    email = new_email()
    sender.post({"name": "Olivia Park", "email": email}, key=client.api_key, headers={"Idempotency-Key": "k-2"})
    reused = sender.post({"name": "Olivia Park", "email": email, "message": LEAK}, key=client.api_key,
                         headers={"Idempotency-Key": "k-2"})

    assert reused.status == 422 and reused.json["error"]["code"] == "idempotency_key_reuse"
    assert rows_written(database, client.client_id) == (1, 1, 1)
    [lead] = leads_of(database, client.client_id)
    assert lead["message"] is None


def test_a_key_is_the_clients_own(sender, client, make_client, database):
    other = make_client("Plomberie Gagnon")
    email = new_email()
    mine = sender.post({"name": "Olivia Park", "email": email}, key=client.api_key,
                       headers={"Idempotency-Key": "shared-key"})
    theirs = sender.post({"name": "Olivia Park", "email": email, "message": QUOTE}, key=other.api_key,
                         headers={"Idempotency-Key": "shared-key"})

    assert (mine.status, theirs.status) == (201, 201) and mine.json["lead_id"] != theirs.json["lead_id"]


def test_a_key_older_than_24_hours_is_a_new_delivery(sender, client, database):
    body = {"name": "Olivia Park", "email": new_email()}
    first = sender.post(body, key=client.api_key, headers={"Idempotency-Key": "old-key"})
    database.sql("UPDATE idempotency_keys SET created_at = now() - interval '25 hours' WHERE client_id = :c",
                 c=client.client_id)

    later = sender.post({**body, "message": QUOTE}, key=client.api_key, headers={"Idempotency-Key": "old-key"})

    assert (first.status, later.status) == (201, 200) and later.json["action"] == "update"
    stored = database.one("SELECT response_status, created_at FROM idempotency_keys WHERE client_id = :c",
                          c=client.client_id)
    assert stored["response_status"] == 200
    assert stored["created_at"] > datetime.now(UTC) - timedelta(hours=1)


def test_a_keyed_delivery_purges_expired_keys(sender, client, database):
    database.sql("""INSERT INTO idempotency_keys (client_id, route, idempotency_key, request_hash,
                                                  response_status, response_body, created_at)
                    SELECT :c, 'POST /api/lead', 'stale-' || n, repeat('0', 64), 201, '{}',
                           now() - interval '24 hours' - n * interval '1 minute'
                    FROM generate_series(1, 5) AS n""", c=client.client_id)
    database.sql("""INSERT INTO idempotency_keys (client_id, route, idempotency_key, request_hash,
                                                  response_status, response_body, created_at)
                    VALUES (:c, 'POST /api/lead', 'recent', repeat('0', 64), 201, '{}',
                            now() - interval '23 hours')""", c=client.client_id)

    sender.post({"name": "Olivia Park", "email": new_email()}, key=client.api_key,
                headers={"Idempotency-Key": "fresh"})

    keys = {row["idempotency_key"] for row in
            database.sql("SELECT idempotency_key FROM idempotency_keys WHERE client_id = :c", c=client.client_id)}
    assert keys == {"recent", "fresh"}


@pytest.mark.parametrize("idempotency_key", ["k" * 201, "x" * 500])
def test_an_idempotency_key_longer_than_200_characters_is_a_validation_error(sender, client, database,
                                                                             idempotency_key):
    response = sender.post({"name": "Olivia Park", "email": new_email()}, key=client.api_key,
                           headers={"Idempotency-Key": idempotency_key})

    assert response.status == 422 and response.json["error"]["code"] == "validation_error"
    assert [d["field"] for d in response.json["error"]["details"]] == ["Idempotency-Key"]
    assert rows_written(database, client.client_id) == (0, 0, 0)


def test_a_200_character_idempotency_key_is_accepted(sender, client, database):
    response = sender.post({"name": "Olivia Park", "email": new_email()}, key=client.api_key,
                           headers={"Idempotency-Key": "k" * 200})

    assert response.status == 201 and rows_written(database, client.client_id) == (1, 1, 1)


def test_an_empty_idempotency_key_is_a_validation_error(function, client, database):
    event = apigw_event("POST", PATH, {"name": "Olivia Park", "email": new_email()}, key=client.api_key,
                        headers={"Idempotency-Key": ""})
    response = invoke(function, event)

    assert response.status == 422 and response.json["error"]["details"][0]["field"] == "Idempotency-Key"
    assert rows_written(database, client.client_id) == (0, 0, 0)


# --- every bad input: its status and code, and nothing written ------------------------------------

def test_authorization_bearer_is_accepted_like_x_api_key(sender, client):
    response = sender.post({"name": "Olivia Park", "email": new_email()},
                           headers={"Authorization": f"Bearer {client.api_key}"})

    assert response.status == 201


@pytest.mark.parametrize("headers", [{}, {"x-api-key": "avk_00000000_not-a-key"},
                                     {"Authorization": "Bearer avk_00000000_not-a-key"},
                                     {"Authorization": "Basic dXNlcjpwYXNz"}])
def test_a_missing_or_unknown_api_key_is_401(sender, client, database, headers):
    email = new_email()
    response = sender.post({"name": "Olivia Park", "email": email}, headers=headers)

    assert response.status == 401 and response.json["error"]["code"] == "unauthorized"
    assert database.scalar("SELECT count(*) FROM lead_memory WHERE email = :e", e=email) == 0


@pytest.mark.parametrize("raw, content_type, status, code", [
    (b'{"name": "Olivia Park", "email": ', "application/json", 400, "invalid_json"),
    (b"", "application/json", 400, "invalid_json"),
    (b'["Olivia Park", "olivia@gmail.com"]', "application/json", 400, "invalid_json"),
    (b'"olivia@gmail.com"', "application/json", 400, "invalid_json"),
    (b"null", "application/json", 400, "invalid_json"),
    (b"name=Olivia+Park&email=olivia%40gmail.com", "application/x-www-form-urlencoded", 415,
     "unsupported_media_type"),
    (b'{"name": "Olivia Park", "email": "olivia@gmail.com"}', "text/plain", 415, "unsupported_media_type"),
    (b'{"name": "Olivia Park", "email": "olivia@gmail.com", "message": "' + b"x" * (64 * 1024) + b'"}',
     "application/json", 413, "payload_too_large"),
])
def test_a_body_that_is_not_a_json_object_is_refused(sender, client, database, raw, content_type, status, code):
    response = sender.post(raw=raw, content_type=content_type, key=client.api_key)

    assert response.status == status and response.json["error"]["code"] == code
    assert response.json["error"]["message"]
    assert rows_written(database, client.client_id) == (0, 0, 0)


def test_a_body_of_exactly_64_kib_is_read(sender, client):
    prefix = b'{"name": "Olivia Park", "email": "' + new_email().encode() + b'", "padding": "'
    raw = prefix + b"x" * (64 * 1024 - len(prefix) - 2) + b'"}'
    assert len(raw) == 64 * 1024

    response = sender.post(raw=raw, key=client.api_key)

    assert response.status == 201


@pytest.mark.parametrize("body, fields", [
    ({}, ["name", "email"]),
    ({"name": "   ", "email": "olivia@gmail.com"}, ["name"]),
    ({"name": "O" * 201, "email": "olivia@gmail.com"}, ["name"]),
    ({"name": 42, "email": "olivia@gmail.com"}, ["name"]),
    ({"name": "Olivia Park", "email": "olivia-at-gmail.com"}, ["email"]),
    ({"name": "Olivia Park", "email": "olivia@gmail"}, ["email"]),
    ({"name": "Olivia Park", "email": None}, ["email"]),
    ({"name": "Olivia Park", "email": "olivia@gmail.com", "message": "m" * 5001}, ["message"]),
    ({"name": "Olivia Park", "email": "olivia@gmail.com", "message": ["hi"]}, ["message"]),
    ({"name": "Olivia Park", "email": "olivia@gmail.com", "language": "de"}, ["language"]),
    ({"name": "", "email": "nope", "message": "m" * 5001, "language": "EN"}, ["name", "email", "message", "language"]),
])
def test_a_body_breaking_the_rules_is_422_naming_each_field(sender, client, database, body, fields):
    response = sender.post(body, key=client.api_key)

    assert response.status == 422 and response.json["error"]["code"] == "validation_error"
    assert sorted(d["field"] for d in response.json["error"]["details"]) == sorted(fields)
    assert all(d["message"] for d in response.json["error"]["details"])
    assert rows_written(database, client.client_id) == (0, 0, 0)


def test_the_longest_allowed_fields_are_accepted(sender, client, database):
    response = sender.post({"name": "N" * 200, "email": new_email(), "message": "m" * 5000, "language": "en"},
                           key=client.api_key)

    assert response.status == 201
    [lead] = leads_of(database, client.client_id)
    assert len(lead["name"]) == 200 and len(lead["message"]) == 5000


def test_get_on_the_intake_route_is_405(sender, client, database):
    response = sender.send("GET", PATH, key=client.api_key, content_type=None)

    assert response.status == 405 and response.json["error"]["code"] == "method_not_allowed"
    assert rows_written(database, client.client_id) == (0, 0, 0)


def test_the_handler_answers_404_for_a_path_it_does_not_serve(function, client):
    response = invoke(function, apigw_event("POST", "/api/leads", {"name": "Olivia Park",
                                                                   "email": new_email()}, key=client.api_key))

    assert response.status == 404 and response.json["error"]["code"] == "not_found"


def test_an_unreachable_database_is_503_with_retry_after(sender, client):
    os.environ["DATABASE_URL"] = f"postgresql://postgres@127.0.0.1:{free_port()}/nowhere"

    response = sender.post({"name": "Olivia Park", "email": new_email()}, key=client.api_key)

    assert response.status == 503 and response.json["error"]["code"] == "unavailable"
    assert int(response.headers["Retry-After"]) > 0


# --- concurrency ----------------------------------------------------------------------------------

def send_at_once(count: int, send) -> list:
    """`count` threads released together, each calling send(); their results in thread order."""
    barrier, results = threading.Barrier(count), [None] * count

    def run(i):
        barrier.wait()
        results[i] = send()
    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def test_eight_concurrent_first_deliveries_of_one_email_make_one_lead(api, client, database):
    email = new_email()
    responses = send_at_once(8, lambda: api.post(PATH, {"name": "Olivia Park", "email": email.upper(),
                                                        "message": QUOTE}, key=client.api_key))

    assert sorted(r.status for r in responses) == [200] * 7 + [201]
    assert len({r.json["lead_id"] for r in responses}) == 1
    [lead] = leads_of(database, client.client_id)
    actions = actions_of(database, client.client_id)
    assert sorted(a["action_type"] for a in actions) == ["insert"] + ["update"] * 7
    assert actions[0]["action_type"] == "insert"
    assert len(lead["tone_history"]) == len(lead["urgency_history"]) == len(lead["confidence_history"]) == 8
    assert_history(lead["urgency_history"], [lead["urgency"]] * 8)


def test_eight_concurrent_deliveries_with_one_key_write_once(api, client, database):
    body = {"name": "Olivia Park", "email": new_email(), "message": LEAK}
    responses = send_at_once(8, lambda: api.post(PATH, body, key=client.api_key,
                                                 headers={"Idempotency-Key": "webhook-retry-77"}))

    assert {r.status for r in responses} == {201}
    assert all(r.json == responses[0].json for r in responses)
    assert sum(r.headers.get("Idempotent-Replayed") == "true" for r in responses) == 7
    assert rows_written(database, client.client_id) == (1, 1, 1)


def test_concurrent_deliveries_with_one_key_and_different_bodies_write_one(api, client, database):
    email = new_email()
    responses = send_at_once(6, lambda: api.post(
        PATH, {"name": "Olivia Park", "email": email, "message": f"{QUOTE} ({uuid.uuid4().hex[:4]})"},
        key=client.api_key, headers={"Idempotency-Key": "one-key"}))

    assert sorted(r.status for r in responses) == [201] + [422] * 5
    assert {r.json["error"]["code"] for r in responses if r.status == 422} == {"idempotency_key_reuse"}
    assert rows_written(database, client.client_id) == (1, 1, 1)


def test_concurrent_deliveries_of_different_emails_each_insert_their_lead(api, client, database):
    emails = iter([new_email() for _ in range(6)])
    lock = threading.Lock()

    def post():
        with lock:
            email = next(emails)
        return api.post(PATH, {"name": "Olivia Park", "email": email}, key=client.api_key)
    responses = send_at_once(6, post)

    assert [r.status for r in responses] == [201] * 6
    assert len(leads_of(database, client.client_id)) == 6
