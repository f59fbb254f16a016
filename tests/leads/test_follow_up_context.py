"""A returning lead's message is read with its previous one: a short follow-up of an
urgent thread stays urgent, through the real intake route."""
import uuid

import pytest

from shared.clients import accounts

pytestmark = pytest.mark.pooled


@pytest.fixture
def key(database):
    return accounts.create_client("Toitures Urgence", f"owner-{uuid.uuid4().hex[:6]}@urgence.ca")[1]


def test_a_follow_up_of_a_leaking_roof_keeps_its_high_urgency(api, key, database):
    email = f"leak.{uuid.uuid4().hex[:6]}@gmail.com"
    first = api.post("/api/lead", {"name": "Olivia Park", "email": email, "message":
                                   "Our roof is leaking badly since last night's storm, can someone come today?"},
                     key=key)
    follow_up = api.post("/api/lead", {"name": "Olivia Park", "email": email,
                                       "message": "water is now coming through the ceiling!"}, key=key)
    assert first.json["enrichment"]["urgency"] == "High"
    assert follow_up.status == 200 and follow_up.json["enrichment"]["urgency"] == "High"
    logged = database.sql("SELECT urgency FROM lead_messages WHERE lead_id = :id ORDER BY received_at",
                          id=first.json["lead_id"])
    assert [row["urgency"] for row in logged] == ["High", "High"]
