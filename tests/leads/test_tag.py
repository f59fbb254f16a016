"""POST /api/leads/{lead_id}/tag over real HTTP against the real PostgreSQL."""
import urllib.parse
import uuid

import pytest

pytestmark = pytest.mark.pooled

TAG_EFFECTS = [
    # tag, action_type, archived, deleted, conversion_outcome
    ("Follow-Up", "tag", False, False, False),
    ("Converted", "tag", False, False, True),
    ("Archived", "archive", True, False, False),
    ("Deleted", "delete", False, True, False),
]


def tag_path(lead_id) -> str:
    return f"/api/leads/{lead_id}/tag"


@pytest.mark.parametrize("tag, action_type, archived, deleted, conversion_outcome", TAG_EFFECTS)
def test_tagging_an_active_lead_sets_its_flags_and_logs_one_action(
        api, client, make_lead, ledger, tag, action_type, archived, deleted, conversion_outcome):
    lead = make_lead(client.client_id, updates=1)
    before = ledger.lead(lead.id)

    r = api.post(tag_path(lead.id), {"tag": tag}, key=client.api_key)

    assert r.status == 200
    assert set(r.json) == {"lead_id", "previous_tag", "current_tag", "changed", "action_id"}
    assert r.json["lead_id"] == lead.id
    assert (r.json["previous_tag"], r.json["current_tag"], r.json["changed"]) == ("Active", tag, True)
    after = ledger.lead(lead.id)
    assert (after["current_tag"], after["archived"], after["deleted"]) == (tag, archived, deleted)
    assert after["last_updated"] > before["last_updated"]
    log = ledger.actions(lead.id)
    assert [a["action_type"] for a in log] == ["insert", "update", action_type]
    action = log[-1]
    assert str(action["id"]) == r.json["action_id"]
    assert action["tag"] == tag
    assert action["conversion_outcome"] is conversion_outcome
    assert action["reversion_reason"] is None
    assert action["is_test"] is False
    assert action["client_id"] == client.client_id
    assert action["timestamp"] == after["last_updated"]


def test_a_lead_walks_through_every_stage_and_each_step_is_logged(api, client, make_lead, ledger):
    lead = make_lead(client.client_id)
    steps = ["Follow-Up", "Archived", "Active", "Deleted", "Follow-Up", "Deleted", "Active", "Archived",
             "Follow-Up", "Converted"]
    previous = "Active"
    for tag in steps:
        r = api.post(tag_path(lead.id), {"tag": tag}, key=client.api_key)
        assert r.status == 200, r.json
        assert (r.json["previous_tag"], r.json["current_tag"], r.json["changed"]) == (previous, tag, True)
        state = ledger.lead(lead.id)
        assert (state["current_tag"], state["archived"], state["deleted"]) == (
            tag, tag == "Archived", tag == "Deleted")
        previous = tag

    log = ledger.actions(lead.id)
    assert [(a["action_type"], a["tag"]) for a in log] == [("insert", "Active")] + [
        ({"Archived": "archive", "Deleted": "delete"}.get(tag, "tag"), tag) for tag in steps]
    assert [a["conversion_outcome"] for a in log[1:]] == [tag == "Converted" for tag in steps]
    timestamps = [a["timestamp"] for a in log]
    assert timestamps == sorted(timestamps) and len(set(timestamps)) == len(timestamps)


@pytest.mark.parametrize("tag", ["Active", "Follow-Up", "Converted", "Archived", "Deleted"])
def test_the_same_tag_again_changes_and_writes_nothing(api, client, make_lead, ledger, tag):
    lead = make_lead(client.client_id, tag=tag)
    before, counts = ledger.lead(lead.id), ledger.counts(lead.id)

    r = api.post(tag_path(lead.id), {"tag": tag, "conversion_value": 900}, key=client.api_key)

    assert r.status == 200
    assert r.json == {"lead_id": lead.id, "previous_tag": tag, "current_tag": tag, "changed": False,
                      "action_id": None}
    assert ledger.lead(lead.id) == before
    assert ledger.counts(lead.id) == counts


@pytest.mark.parametrize("tag", ["Active", "Follow-Up", "Archived", "Deleted"])
def test_tagging_a_converted_lead_away_is_a_409_pointing_to_revert(api, client, make_lead, ledger, tag):
    lead = make_lead(client.client_id, updates=2)
    assert api.post(tag_path(lead.id), {"tag": "Converted"}, key=client.api_key).status == 200
    before, counts = ledger.lead(lead.id), ledger.counts(lead.id)

    r = api.post(tag_path(lead.id), {"tag": tag}, key=client.api_key)

    assert r.status == 409
    assert r.json["error"]["code"] == "conflict"
    assert f"/api/leads/{lead.id}/revert" in r.json["error"]["message"]
    assert ledger.lead(lead.id) == before
    assert ledger.counts(lead.id) == counts


def test_another_clients_lead_is_a_404_exactly_like_a_missing_lead(api, client, make_client, make_lead,
                                                                   ledger):
    stranger = make_client("Northwind Renovation")
    lead = make_lead(client.client_id)
    before, counts = ledger.lead(lead.id), ledger.counts(lead.id)

    foreign = api.post(tag_path(lead.id), {"tag": "Archived"}, key=stranger.api_key)
    missing = api.post(tag_path(uuid.uuid4()), {"tag": "Archived"}, key=stranger.api_key)

    assert foreign.status == missing.status == 404
    assert foreign.json == missing.json
    assert foreign.json["error"]["code"] == "not_found"
    assert ledger.lead(lead.id) == before
    assert ledger.counts(lead.id) == counts


@pytest.mark.parametrize("lead_id", ["not-a-uuid", "42", "0", "' OR '1'='1", "x" * 300,
                                     "6f0e1d2c-3b4a-5968-7766-55443322110", "lead 7", "\x00", "é"])
def test_a_malformed_lead_id_is_a_404_like_a_missing_lead(api, client, lead_id):
    missing = api.post(tag_path(uuid.uuid4()), {"tag": "Archived"}, key=client.api_key)

    r = api.post(tag_path(urllib.parse.quote(lead_id, safe="")), {"tag": "Archived"}, key=client.api_key)

    assert r.status == 404
    assert r.json == missing.json


def test_a_test_leads_actions_are_marked_test(api, client, make_lead, ledger):
    lead = make_lead(client.client_id, is_test=True, email="qa+test@harbourdental.ca")

    assert api.post(tag_path(lead.id), {"tag": "Follow-Up"}, key=client.api_key).status == 200

    assert [a["is_test"] for a in ledger.actions(lead.id)] == [True, True]


def test_a_conversion_value_on_another_tag_is_ignored(api, client, make_lead, ledger):
    lead = make_lead(client.client_id)

    r = api.post(tag_path(lead.id), {"tag": "Follow-Up", "conversion_value": 4500}, key=client.api_key)

    assert r.status == 200 and r.json["changed"] is True
    assert ledger.growth(lead.id) == []


def test_the_dashboards_latest_action_agrees_with_each_leads_tag(api, make_client, make_lead, ledger):
    client = make_client("Lakeside Physio")
    leads = [make_lead(client.client_id, name=f"Lead {i}", age_days=i, updates=i % 3) for i in range(4)]
    for lead, tags in zip(leads, [["Follow-Up"], ["Archived", "Active"], ["Converted"], ["Deleted"]],
                           strict=True):
        for tag in tags:
            assert api.post(tag_path(lead.id), {"tag": tag}, key=client.api_key).status == 200

    rows = ledger.dashboard(client.client_id)

    assert len(rows) == 4
    assert all(row["tag"] == row["current_tag"] for row in rows)
    assert [row["current_tag"] for row in rows] == ["Follow-Up", "Active", "Converted", "Deleted"]


@pytest.mark.parametrize("body, field", [
    ({}, "tag"),
    ({"tag": "Won"}, "tag"),
    ({"tag": "converted"}, "tag"),
    ({"tag": None}, "tag"),
    ({"tag": ["Converted"]}, "tag"),
    ({"tag": "Converted", "conversion_value": -1}, "conversion_value"),
    ({"tag": "Converted", "conversion_value": "5000"}, "conversion_value"),
    ({"tag": "Converted", "conversion_value": True}, "conversion_value"),
    ({"tag": "Converted", "conversion_value": {"amount": 5000}}, "conversion_value"),
])
def test_a_body_that_breaks_the_rules_is_a_422_naming_the_field(api, client, make_lead, ledger, body, field):
    lead = make_lead(client.client_id)
    counts = ledger.counts(lead.id)

    r = api.post(tag_path(lead.id), body, key=client.api_key)

    assert r.status == 422
    assert r.json["error"]["code"] == "validation_error"
    assert field in [d["field"] for d in r.json["error"]["details"]]
    assert ledger.counts(lead.id) == counts


def test_an_infinite_or_nan_conversion_value_is_a_422(api, client, make_lead):
    lead = make_lead(client.client_id)
    for raw in (b'{"tag": "Converted", "conversion_value": NaN}',
                b'{"tag": "Converted", "conversion_value": Infinity}',
                b'{"tag": "Converted", "conversion_value": 1e999}'):
        r = api.post(tag_path(lead.id), raw=raw, key=client.api_key)
        assert r.status == 422, raw
        assert r.json["error"]["details"][0]["field"] == "conversion_value"


@pytest.mark.parametrize("raw, content_type, status, code", [
    (b"tag=Converted", "application/json", 400, "invalid_json"),
    (b'["Converted"]', "application/json", 400, "invalid_json"),
    (b"", "application/json", 400, "invalid_json"),
    (b"tag=Converted", "application/x-www-form-urlencoded", 415, "unsupported_media_type"),
    (b'{"tag": "Converted"}', "text/plain", 415, "unsupported_media_type"),
])
def test_a_body_that_is_not_a_json_object_is_refused(api, client, make_lead, ledger, raw, content_type,
                                                      status, code):
    lead = make_lead(client.client_id)

    r = api.post(tag_path(lead.id), raw=raw, content_type=content_type, key=client.api_key)

    assert (r.status, r.json["error"]["code"]) == (status, code)
    assert ledger.lead(lead.id)["current_tag"] == "Active"


def test_a_request_without_a_valid_key_is_a_401(api, client, make_lead, ledger):
    lead = make_lead(client.client_id)

    assert api.post(tag_path(lead.id), {"tag": "Deleted"}).status == 401
    assert api.post(tag_path(lead.id), {"tag": "Deleted"}, key="avk_00000000_nope").status == 401
    assert ledger.lead(lead.id)["current_tag"] == "Active"


def test_the_key_may_come_as_a_bearer_token(api, client, make_lead):
    lead = make_lead(client.client_id)

    r = api.post(tag_path(lead.id), {"tag": "Follow-Up"}, headers={"Authorization": f"Bearer {client.api_key}"})

    assert r.status == 200 and r.json["current_tag"] == "Follow-Up"


def test_another_method_on_the_route_is_a_405(api, client, make_lead):
    lead = make_lead(client.client_id)

    r = api.get(tag_path(lead.id), key=client.api_key)

    assert r.status == 405
    assert r.json["error"]["code"] == "method_not_allowed"
