"""A lead's whole life through the public routes: intake, a second message, follow-up, conversion,
revert, as an outside caller drives it over HTTP."""
from decimal import Decimal

import pytest

pytestmark = pytest.mark.pooled


def test_a_lead_from_intake_to_conversion_and_back(api, client, ledger):
    first = api.post("/api/lead", {"name": "Sarah Chen", "email": "sarah.chen@lumenarchitects.ca",
                                   "message": "Hello, we would like a quote for a new office fit-out."},
                     key=client.api_key)
    assert first.status == 201, first.json
    lead_id = first.json["lead_id"]
    again = api.post("/api/lead", {"name": "Sarah Chen", "email": "Sarah.Chen@LumenArchitects.ca",
                                   "message": "We need this urgently, can you call me today? Our move is next week."},
                     key=client.api_key)
    assert again.status == 200 and again.json["lead_id"] == lead_id

    follow_up = api.post(f"/api/leads/{lead_id}/tag", {"tag": "Follow-Up"}, key=client.api_key)
    converted = api.post(f"/api/leads/{lead_id}/tag", {"tag": "Converted", "conversion_value": 18500.0},
                         key=client.api_key)

    assert (follow_up.status, converted.status) == (200, 200)
    assert converted.json["previous_tag"] == "Follow-Up"
    [event] = ledger.growth(lead_id, "conversion")
    assert event["learning_snapshot"] == {
        "lead_id": lead_id, "lead_name": "Sarah Chen",
        "initial_urgency": first.json["enrichment"]["urgency"], "initial_tone": first.json["enrichment"]["tone"],
        "days_to_convert": 0, "touch_points": 3, "conversion_value": 18500, "final_tag": "Converted"}
    assert event["insight_text"] == 'Lead "Sarah Chen" converted in 0 days with 3 touch points, worth $18,500.'
    assert event["confidence"] == Decimal("0.95")

    reverted = api.post(f"/api/leads/{lead_id}/revert", {"reason": "Signed with another firm"}, key=client.api_key)

    assert reverted.status == 200
    assert [(a["action_type"], a["tag"]) for a in ledger.actions(lead_id)][2:] == [
        ("tag", "Follow-Up"), ("tag", "Converted"), ("revert", "Active")]
    assert ledger.actions(lead_id)[1]["action_type"] == "update"
    assert ledger.lead(lead_id)["current_tag"] == "Active"
    assert len(ledger.growth(lead_id, "reversion")) == 1
