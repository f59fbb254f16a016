"""What the lead already said (contract Part 3): the phone number, address and wanted time read from
each message are stored with it, shown on the lead's page, and kept on the lead when a later message
gives none."""
import uuid

import pytest

from shared.clients import accounts


@pytest.fixture
def key(database):
    return accounts.create_client("Toitures Beauport", f"owner-{uuid.uuid4().hex[:6]}@beauport.ca")[1]


def test_the_phone_address_and_when_of_each_message_are_on_the_lead_s_page(api, key):
    first = api.post("/api/lead", {"name": "Jordan Lee", "email": "jordan@gmail.com", "message":
                                   "Water is pouring through our kitchen ceiling, can someone come TODAY? Address is "
                                   "45 Maple Crescent, Pointe-Claire. Please call (514) 555-0187"}, key=key)
    assert first.status == 201
    again = api.post("/api/lead", {"name": "Jordan Lee", "email": "jordan@gmail.com",
                                   "message": "Any news? No rush for the invoice."}, key=key)
    assert again.status == 200
    story = api.get(f"/api/leads/{first.json['lead_id']}", key=key).json
    said = [{k: m[k] for k in ("phone", "address", "when")} for m in story["messages"]]
    assert said == [{"phone": "+15145550187", "address": "45 Maple Crescent", "when": "today"},
                    {"phone": None, "address": None, "when": "flexible"}]
    assert (story["lead"]["phone"], story["lead"]["address"]) == ("+15145550187", "45 Maple Crescent")
    assert story["alerts"] == [{"channel": "email", "status": "queued", "sent_at": None}]  # urgent: the owner is told
    assert story["replies"] and all(set(r) >= {"text", "subject", "status"} for r in story["replies"])
