"""Concurrent POST /api/lead deliveries: of one email they make one lead, with one Idempotency-Key
they write once, of different emails each inserts its own."""
import pytest

from tests.helpers import apigw_event, invoke
from tests.leads.deliveries import (
    LEAK,
    PATH,
    QUOTE,
    actions_of,
    assert_history,
    leads_of,
    new_email,
    new_key,
    rows_written,
    send_at_once,
)

pytestmark = pytest.mark.pooled


def test_eight_concurrent_first_deliveries_of_one_email_make_one_lead(api, client, database):
    email = new_email()
    responses = send_at_once(8, lambda i: api.post(PATH, {"name": "Olivia Park", "email": email.upper(),
                                                          "message": QUOTE}, key=client.api_key))

    assert sorted(r.status for r in responses) == [200] * 7 + [201]
    assert len({r.json["lead_id"] for r in responses}) == 1
    [lead] = leads_of(database, client, email)
    actions = actions_of(database, client, email)
    assert [a["action_type"] for a in actions] == ["insert"] + ["update"] * 7
    assert len(lead["tone_history"]) == len(lead["urgency_history"]) == len(lead["confidence_history"]) == 8
    assert_history(lead["urgency_history"], [lead["urgency"]] * 8)


def test_eight_concurrent_deliveries_with_one_key_write_once(api, client, database):
    email, key = new_email(), new_key()
    body = {"name": "Olivia Park", "email": email, "message": LEAK}
    responses = send_at_once(8, lambda i: api.post(PATH, body, key=client.api_key,
                                                   headers={"Idempotency-Key": key}))

    assert {r.status for r in responses} == {201}
    assert all(r.json == responses[0].json for r in responses)
    assert sum(r.headers.get("Idempotent-Replayed") == "true" for r in responses) == 7
    assert rows_written(database, client, email, key) == (1, 1, 1)


def test_concurrent_deliveries_with_one_key_and_different_bodies_write_one(api, client, database):
    email, key = new_email(), new_key()
    responses = send_at_once(6, lambda i: api.post(
        PATH, {"name": "Olivia Park", "email": email, "message": f"{QUOTE} (try {i})"},
        key=client.api_key, headers={"Idempotency-Key": key}))

    assert sorted(r.status for r in responses) == [201] + [422] * 5
    assert {r.json["error"]["code"] for r in responses if r.status == 422} == {"idempotency_key_reuse"}
    assert rows_written(database, client, email, key) == (1, 1, 1)


def test_concurrent_deliveries_of_different_emails_each_insert_their_lead(api, client, database):
    emails = [new_email() for _ in range(6)]
    responses = send_at_once(6, lambda i: api.post(PATH, {"name": "Olivia Park", "email": emails[i]},
                                                   key=client.api_key))

    assert [r.status for r in responses] == [201] * 6
    assert [rows_written(database, client, email) for email in emails] == [(1, 1, 0)] * 6


def test_concurrent_lambda_invocations_of_one_email_make_one_lead(intake_function, client, database):
    email = new_email()
    responses = send_at_once(4, lambda i: invoke(intake_function, apigw_event(
        "POST", PATH, {"name": "Olivia Park", "email": email, "message": LEAK}, key=client.api_key)))

    assert sorted(r.status for r in responses) == [200, 200, 200, 201]
    assert rows_written(database, client, email) == (1, 4, 0)
