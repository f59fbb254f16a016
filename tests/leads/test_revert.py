"""POST /api/leads/{lead_id}/revert over real HTTP against the real PostgreSQL."""
import uuid
from decimal import Decimal

import pytest

pytestmark = pytest.mark.pooled


def tag_path(lead_id) -> str:
    return f"/api/leads/{lead_id}/tag"


def revert_path(lead_id) -> str:
    return f"/api/leads/{lead_id}/revert"


@pytest.fixture
def converted_lead(api, client, make_lead):
    """A lead of the module's client that was just tagged Converted (through the route)."""
    def make(**kwargs):
        lead = make_lead(client.client_id, **kwargs)
        assert api.post(tag_path(lead.id), {"tag": "Converted"}, key=client.api_key).status == 200
        return lead
    return make


def test_reverting_a_converted_lead_makes_it_active_with_the_reason_logged(
        api, client, converted_lead, ledger):
    lead = converted_lead(name="Marc Tremblay", updates=1)

    r = api.post(revert_path(lead.id), {"reason": "  Placed in converted by accident  "}, key=client.api_key)

    assert r.status == 200
    assert set(r.json) == {"lead_id", "previous_tag", "current_tag", "action_id"}
    assert (r.json["lead_id"], r.json["previous_tag"], r.json["current_tag"]) == (lead.id, "Converted", "Active")
    state = ledger.lead(lead.id)
    assert (state["current_tag"], state["archived"], state["deleted"]) == ("Active", False, False)
    log = ledger.actions(lead.id)
    assert [(a["action_type"], a["tag"]) for a in log] == [
        ("insert", "Active"), ("update", "Active"), ("tag", "Converted"), ("revert", "Active")]
    revert = log[-1]
    assert str(revert["id"]) == r.json["action_id"]
    assert revert["conversion_outcome"] is False
    assert revert["reversion_reason"] == "Placed in converted by accident"
    assert revert["client_id"] == client.client_id
    assert revert["timestamp"] == state["last_updated"]


def test_a_reversion_writes_one_growth_event_with_exactly_its_keys(api, client, converted_lead, ledger):
    lead = converted_lead(name="Marc Tremblay")

    r = api.post(revert_path(lead.id), {"reason": "The client cancelled the contract"}, key=client.api_key)

    assert r.status == 200
    [event] = ledger.growth(lead.id, "reversion")
    assert event["learning_snapshot"] == {"lead_id": lead.id, "lead_name": "Marc Tremblay",
                                          "reason": "The client cancelled the contract", "previous_tag": "Converted"}
    assert event["client_id"] == client.client_id
    assert event["insight_text"] == ('Lead "Marc Tremblay" was reverted from Converted to Active: '
                                     'The client cancelled the contract')
    assert event["confidence"] == Decimal("1.00")
    assert event["created_at"] == ledger.actions(lead.id)[-1]["timestamp"]
    assert len(ledger.growth(lead.id, "conversion")) == 1


@pytest.mark.parametrize("tag", ["Active", "Follow-Up", "Archived", "Deleted"])
def test_only_a_converted_lead_can_be_reverted(api, client, make_lead, ledger, tag):
    lead = make_lead(client.client_id, tag=tag, updates=1)
    before, counts = ledger.lead(lead.id), ledger.counts(lead.id)

    r = api.post(revert_path(lead.id), {"reason": "Wrong button"}, key=client.api_key)

    assert r.status == 409
    assert r.json["error"]["code"] == "conflict"
    assert tag in r.json["error"]["message"]
    assert ledger.lead(lead.id) == before
    assert ledger.counts(lead.id) == counts


def test_a_second_revert_is_a_409(api, client, converted_lead, ledger):
    lead = converted_lead()
    assert api.post(revert_path(lead.id), {"reason": "Duplicate entry"}, key=client.api_key).status == 200
    counts = ledger.counts(lead.id)

    r = api.post(revert_path(lead.id), {"reason": "Duplicate entry"}, key=client.api_key)

    assert r.status == 409
    assert ledger.counts(lead.id) == counts


def test_a_reverted_lead_can_move_on_and_convert_again(api, client, converted_lead, ledger):
    lead = converted_lead(updates=1)
    assert api.post(revert_path(lead.id), {"reason": "Deposit bounced"}, key=client.api_key).status == 200

    for tag in ("Follow-Up", "Converted"):
        r = api.post(tag_path(lead.id), {"tag": tag, "conversion_value": 1200}, key=client.api_key)
        assert r.status == 200 and r.json["changed"] is True

    conversions = ledger.growth(lead.id, "conversion")
    assert len(conversions) == 2
    # insert, update, Converted, revert, Follow-Up came before the second conversion
    assert [c["learning_snapshot"]["touch_points"] for c in conversions] == [2, 5]
    assert conversions[1]["learning_snapshot"]["conversion_value"] == 1200


def test_reverting_another_clients_lead_is_a_404_exactly_like_a_missing_lead(
        api, make_client, converted_lead, ledger):
    lead = converted_lead()
    stranger = make_client("Northwind Renovation")
    counts = ledger.counts(lead.id)

    foreign = api.post(revert_path(lead.id), {"reason": "Not ours"}, key=stranger.api_key)
    missing = api.post(revert_path(uuid.uuid4()), {"reason": "Not ours"}, key=stranger.api_key)
    malformed = api.post(revert_path("not-a-lead"), {"reason": "Not ours"}, key=stranger.api_key)

    assert foreign.status == missing.status == malformed.status == 404
    assert foreign.json == missing.json == malformed.json
    assert ledger.lead(lead.id)["current_tag"] == "Converted"
    assert ledger.counts(lead.id) == counts


@pytest.mark.parametrize("body", [{}, {"reason": ""}, {"reason": "   \n\t "}, {"reason": "x" * 501},
                                  {"reason": None}, {"reason": 42}, {"reason": ["Wrong lead"]}])
def test_a_reason_that_is_missing_empty_or_too_long_is_a_422(api, client, converted_lead, ledger, body):
    lead = converted_lead()
    counts = ledger.counts(lead.id)

    r = api.post(revert_path(lead.id), body, key=client.api_key)

    assert r.status == 422
    assert r.json["error"]["code"] == "validation_error"
    assert [d["field"] for d in r.json["error"]["details"]] == ["reason"]
    assert ledger.lead(lead.id)["current_tag"] == "Converted"
    assert ledger.counts(lead.id) == counts


def test_a_reason_of_exactly_500_characters_is_kept_whole(api, client, converted_lead, ledger):
    lead = converted_lead()
    reason = ("Client asked to pause the project until spring; " * 11)[:500]

    r = api.post(revert_path(lead.id), {"reason": f" {reason} "}, key=client.api_key)

    assert r.status == 200
    assert ledger.actions(lead.id)[-1]["reversion_reason"] == reason


def test_a_revert_body_that_is_not_json_is_refused(api, client, converted_lead):
    lead = converted_lead()

    assert api.post(revert_path(lead.id), raw=b"reason=oops", key=client.api_key).status == 400
    assert api.post(revert_path(lead.id), raw=b"oops", content_type="text/plain", key=client.api_key).status == 415
    assert api.post(revert_path(lead.id), {"reason": "oops"}).status == 401
