"""POST /api/lead by every way a request reaches it: served HTTP (functions-framework behind `avenir
serve`'s app), and the Lambda handler with API Gateway v2 events, plain and base64 bodies. What
depends on the runtime runs on each: the body as bytes, the headers read, the method and path, the
answer's status and headers."""
import os

import pytest

from infra.pgcluster import free_port
from tests.helpers import apigw_event, invoke
from tests.leads.deliveries import (
    PATH,
    QUOTE,
    Sender,
    actions_of,
    assert_history,
    leads_of,
    new_email,
    new_key,
    rows_written,
    table_sizes,
)

pytestmark = pytest.mark.pooled


@pytest.fixture(params=["http", "lambda", "lambda-base64"])
def sender(request, intake_function) -> Sender:
    """Each test here runs once per way in: served HTTP, a Lambda API Gateway v2 event, the same
    event with a base64 body."""
    if request.param == "http":
        return Sender("http", api=request.getfixturevalue("api"))
    return Sender(request.param, function=intake_function)


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

    [lead] = leads_of(database, client, email)
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
    assert lead["last_updated"] == lead["timestamp"]
    [action] = actions_of(database, client, email)
    assert (action["lead_id"], action["action_type"], action["tag"], action["is_test"]) == \
        (lead["id"], "insert", "Active", False)
    assert action["timestamp"] == lead["timestamp"]


def test_authorization_bearer_is_accepted_like_x_api_key(sender, client):
    response = sender.post({"name": "Olivia Park", "email": new_email()},
                           headers={"Authorization": f"Bearer {client.api_key}"})

    assert response.status == 201


@pytest.mark.parametrize("headers", [{}, {"x-api-key": "avk_00000000_not-a-key"},
                                     {"Authorization": "Bearer avk_00000000_not-a-key"},
                                     {"Authorization": "Basic dXNlcjpwYXNz"},
                                     {"x-api-key": "internal-api-key-placeholder"}])
def test_a_missing_or_unknown_api_key_is_401(sender, database, headers):
    before = table_sizes(database)
    response = sender.post({"name": "Olivia Park", "email": new_email()}, headers=headers)

    assert response.status == 401 and response.json["error"]["code"] == "unauthorized"
    assert table_sizes(database) == before


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
], ids=["truncated", "empty", "array", "string", "null", "form", "text-plain", "over-64-kib"])
def test_a_body_that_is_not_a_json_object_is_refused(sender, client, database, raw, content_type, status, code):
    before = table_sizes(database)
    response = sender.post(raw=raw, content_type=content_type, key=client.api_key)

    assert response.status == status and response.json["error"]["code"] == code
    assert response.json["error"]["message"]
    assert table_sizes(database) == before


def test_a_body_of_exactly_64_kib_is_read(sender, client):
    prefix = b'{"name": "Olivia Park", "email": "' + new_email().encode() + b'", "padding": "'
    raw = prefix + b"x" * (64 * 1024 - len(prefix) - 2) + b'"}'
    assert len(raw) == 64 * 1024

    response = sender.post(raw=raw, key=client.api_key)

    assert response.status == 201


def test_get_on_the_intake_route_is_405(sender, client, database):
    before = table_sizes(database)
    response = sender.send("GET", PATH, key=client.api_key, content_type=None)

    assert response.status == 405 and response.json["error"]["code"] == "method_not_allowed"
    assert table_sizes(database) == before


def test_the_handler_answers_404_for_a_path_it_does_not_serve(intake_function, client):
    response = invoke(intake_function, apigw_event("POST", "/api/leads", {"name": "Olivia Park",
                                                                   "email": new_email()}, key=client.api_key))

    assert response.status == 404 and response.json["error"]["code"] == "not_found"


def test_an_unreachable_database_is_503_with_retry_after(sender, client):
    os.environ["DATABASE_URL"] = f"postgresql://postgres@127.0.0.1:{free_port()}/nowhere"

    response = sender.post({"name": "Olivia Park", "email": new_email()}, key=client.api_key)

    assert response.status == 503 and response.json["error"]["code"] == "unavailable"
    assert int(response.headers["Retry-After"]) > 0


def test_a_repeated_idempotency_key_replays_the_first_response_and_writes_nothing(sender, client, database):
    email, key = new_email(), new_key()
    body = {"name": "Olivia Park", "email": email, "message": QUOTE}
    first = sender.post(body, key=client.api_key, headers={"Idempotency-Key": key})
    again = sender.post(body, key=client.api_key, headers={"Idempotency-Key": key})

    assert (again.status, again.json) == (first.status, first.json) == (201, first.json)
    assert again.headers.get("Idempotent-Replayed") == "true" and "Idempotent-Replayed" not in first.headers
    assert rows_written(database, client, email, key) == (1, 1, 1)


def test_a_keyed_body_with_any_unicode_in_an_ignored_field_is_stored_and_replayed(sender, client, database):
    email, key = new_email(), new_key()
    raw = f'{{"name": "Élodie Côté", "email": "{email}", "note": "\\ud800 \\u0000 😀"}}'.encode()
    first = sender.post(raw=raw, key=client.api_key, headers={"Idempotency-Key": key})
    again = sender.post(raw=raw, key=client.api_key, headers={"Idempotency-Key": key})

    assert (first.status, again.status) == (201, 201) and again.json == first.json
    assert rows_written(database, client, email, key) == (1, 1, 1)
