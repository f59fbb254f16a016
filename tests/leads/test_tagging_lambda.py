"""The Lambda handlers of tag_lead and revert_lead answer API Gateway HTTP API v2 events exactly
as their HTTP routes answer the same requests, with the same effects in the database."""
import json
import uuid

import pytest

from tests.helpers import apigw_event, invoke, load_function

pytestmark = pytest.mark.pooled


@pytest.fixture(scope="module")
def tag_lead():
    return load_function("tag_lead")


@pytest.fixture(scope="module")
def revert_lead():
    return load_function("revert_lead")


def tag_event(lead_id, body, key, **kwargs):
    return apigw_event("POST", f"/api/leads/{lead_id}/tag", body, key=key, path_params={"lead_id": str(lead_id)},
                       **kwargs)


def revert_event(lead_id, body, key, **kwargs):
    return apigw_event("POST", f"/api/leads/{lead_id}/revert", body, key=key,
                       path_params={"lead_id": str(lead_id)}, **kwargs)


def without_ids(body):
    return {k: v for k, v in body.items() if k not in ("lead_id", "action_id")}


def anonymous(answer, lead_id) -> str:
    """The answer with its lead's id blanked (errors name the lead) and without the new action's id."""
    body = without_ids(answer.json) if "error" not in answer.json else answer.json
    return json.dumps(body).replace(lead_id, "<lead>")


def test_the_tag_handler_changes_the_lead_like_the_route(api, client, make_lead, ledger, tag_lead):
    by_lambda, by_http = make_lead(client.client_id, updates=1), make_lead(client.client_id, updates=1)

    for tag in ("Follow-Up", "Follow-Up", "Archived", "Converted", "Deleted"):
        lam = invoke(tag_lead, tag_event(by_lambda.id, {"tag": tag, "conversion_value": 950}, client.api_key))
        web = api.post(f"/api/leads/{by_http.id}/tag", {"tag": tag, "conversion_value": 950}, key=client.api_key)
        assert lam.status == web.status
        assert anonymous(lam, by_lambda.id) == anonymous(web, by_http.id)
        assert lam.headers["Content-Type"] == "application/json"

    assert lam.status == 409
    assert ledger.lead(by_lambda.id)["current_tag"] == ledger.lead(by_http.id)["current_tag"] == "Converted"
    fields = ("action_type", "tag", "conversion_outcome", "reversion_reason", "is_test")
    assert [[a[f] for f in fields] for a in ledger.actions(by_lambda.id)] == [
        [a[f] for f in fields] for a in ledger.actions(by_http.id)]
    [lam_event], [web_event] = ledger.growth(by_lambda.id), ledger.growth(by_http.id)
    assert without_ids(lam_event["learning_snapshot"]) == without_ids(web_event["learning_snapshot"])
    assert lam_event["learning_snapshot"]["lead_id"] == by_lambda.id
    assert lam_event["learning_snapshot"]["conversion_value"] == 950


def test_the_tag_handler_answers_with_the_action_it_logged(client, make_lead, ledger, tag_lead):
    lead = make_lead(client.client_id)

    r = invoke(tag_lead, tag_event(lead.id, {"tag": "Archived"}, client.api_key))

    assert r.status == 200
    assert r.json == {"lead_id": lead.id, "previous_tag": "Active", "current_tag": "Archived", "changed": True,
                      "action_id": str(ledger.actions(lead.id)[-1]["id"])}
    assert ledger.lead(lead.id)["archived"] is True


def test_the_revert_handler_reverts_like_the_route(api, client, make_lead, ledger, tag_lead, revert_lead):
    by_lambda, by_http = make_lead(client.client_id), make_lead(client.client_id)
    for lead in (by_lambda, by_http):
        assert invoke(tag_lead, tag_event(lead.id, {"tag": "Converted"}, client.api_key)).status == 200

    lam = invoke(revert_lead, revert_event(by_lambda.id, {"reason": "Booked by mistake"}, client.api_key))
    web = api.post(f"/api/leads/{by_http.id}/revert", {"reason": "Booked by mistake"}, key=client.api_key)

    assert lam.status == web.status == 200
    assert lam.json == {"lead_id": by_lambda.id, "previous_tag": "Converted", "current_tag": "Active",
                        "action_id": str(ledger.actions(by_lambda.id)[-1]["id"])}
    assert without_ids(lam.json) == without_ids(web.json)
    assert ledger.actions(by_lambda.id)[-1]["reversion_reason"] == "Booked by mistake"
    [event] = ledger.growth(by_lambda.id, "reversion")
    assert event["learning_snapshot"] == {"lead_id": by_lambda.id, "lead_name": by_lambda.name,
                                          "reason": "Booked by mistake", "previous_tag": "Converted"}
    second = invoke(revert_lead, revert_event(by_lambda.id, {"reason": "Again"}, client.api_key))
    assert second.status == 409 and second.json["error"]["code"] == "conflict"


def test_the_handlers_hide_another_clients_lead_like_the_route(api, client, make_client, make_lead, ledger,
                                                               tag_lead, revert_lead):
    lead = make_lead(client.client_id)
    stranger = make_client("Northwind Renovation")
    missing = api.post(f"/api/leads/{uuid.uuid4()}/tag", {"tag": "Deleted"}, key=stranger.api_key)

    for answer in (invoke(tag_lead, tag_event(lead.id, {"tag": "Deleted"}, stranger.api_key)),
                   invoke(tag_lead, tag_event("not-a-uuid", {"tag": "Deleted"}, stranger.api_key)),
                   invoke(revert_lead, revert_event(lead.id, {"reason": "Not ours"}, stranger.api_key))):
        assert answer.status == 404
        assert answer.json == missing.json
    assert ledger.lead(lead.id)["current_tag"] == "Active"
    assert ledger.counts(lead.id) == (1, 0)


@pytest.mark.parametrize("kwargs, status, code", [
    ({"raw": '{"tag": "Won"}'}, 422, "validation_error"),
    ({"raw": "not json"}, 400, "invalid_json"),
    ({"raw": '{"tag": "Follow-Up"}', "content_type": "text/plain"}, 415, "unsupported_media_type"),
])
def test_the_tag_handler_refuses_bad_bodies_like_the_route(api, client, make_lead, tag_lead, kwargs, status, code):
    lead = make_lead(client.client_id)
    raw = kwargs["raw"].encode()

    lam = invoke(tag_lead, tag_event(lead.id, None, client.api_key, **kwargs))
    web = api.post(f"/api/leads/{lead.id}/tag", raw=raw, key=client.api_key,
                   content_type=kwargs.get("content_type", "application/json"))

    assert (lam.status, lam.json["error"]["code"]) == (web.status, web.json["error"]["code"]) == (status, code)
    assert lam.json == web.json


def test_the_tag_handler_reads_a_base64_body(client, make_lead, tag_lead):
    lead = make_lead(client.client_id)

    r = invoke(tag_lead, tag_event(lead.id, {"tag": "Follow-Up"}, client.api_key, base64_body=True))

    assert r.status == 200 and r.json["current_tag"] == "Follow-Up"


def test_the_handlers_need_a_key(client, make_lead, tag_lead, revert_lead):
    lead = make_lead(client.client_id)

    assert invoke(tag_lead, tag_event(lead.id, {"tag": "Deleted"}, None)).status == 401
    assert invoke(revert_lead, revert_event(lead.id, {"reason": "x"}, None)).status == 401
