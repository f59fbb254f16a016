"""POST /api/lead marks a lead as a test (is_test on the lead and its actions) when its client is a
test client or its email looks like a test address."""
import uuid

import pytest

from tests.leads.deliveries import QUOTE, actions_of, leads_of, new_email

pytestmark = pytest.mark.pooled


@pytest.mark.parametrize("by_test_client, lead_email, expected", [
    (False, "olivia.park@gmail.com", False),
    (False, "QA.Tester@gmail.com", True),
    (False, "olivia@EXAMPLE.COM", True),
    (False, "olivia@mail.example.com", True),
    (False, "olivia@example.com.au", False),
    (True, "olivia.park@gmail.com", True),
])
def test_is_test_follows_the_client_and_the_lead_email(sender, client, a_test_client, database, by_test_client,
                                                       lead_email, expected):
    owner = a_test_client if by_test_client else client
    email = lead_email.replace("@", f"+{uuid.uuid4().hex[:6]}@")
    response = sender.post({"name": "Olivia Park", "email": email}, key=owner.api_key)

    assert response.status == 201 and response.json["is_test"] is expected
    [lead], [action] = leads_of(database, owner, email), actions_of(database, owner, email)
    assert lead["is_test"] is expected and action["is_test"] is expected


def test_an_update_of_a_test_lead_is_logged_as_test(sender, client, database):
    email = new_email("tester")
    sender.post({"name": "Olivia Park", "email": email}, key=client.api_key)
    response = sender.post({"name": "Olivia Park", "email": email, "message": QUOTE}, key=client.api_key)

    assert response.status == 200 and response.json["is_test"] is True
    assert [a["is_test"] for a in actions_of(database, client, email)] == [True, True]
