"""POST /api/lead refuses a body breaking the field rules with a 422 naming each field, and writes
nothing; the longest allowed fields are stored. (Bodies that are no JSON object, keys, methods:
test_intake_runtimes.py.)"""
import pytest

from tests.leads.deliveries import leads_of, new_email, table_sizes

pytestmark = pytest.mark.pooled


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
    ({"name": "Olivia\x00Park", "email": "olivia@gmail.com"}, ["name"]),
    ({"name": "Olivia Park", "email": "olivia@gmail.com", "message": "Hello\x00"}, ["message"]),
    ({"name": "", "email": "nope", "message": "m" * 5001, "language": "EN"}, ["name", "email", "message", "language"]),
], ids=["empty-object", "blank-name", "long-name", "number-name", "no-at", "no-dot", "null-email",
        "long-message", "list-message", "language-de", "nul-in-name", "nul-in-message", "all-four"])
def test_a_body_breaking_the_rules_is_422_naming_each_field(sender, client, database, body, fields):
    before = table_sizes(database)
    response = sender.post(body, key=client.api_key)

    assert response.status == 422 and response.json["error"]["code"] == "validation_error"
    assert sorted(d["field"] for d in response.json["error"]["details"]) == sorted(fields)
    assert all(d["message"] for d in response.json["error"]["details"])
    assert table_sizes(database) == before


def test_the_longest_allowed_fields_are_accepted(sender, client, database):
    email = new_email()
    response = sender.post({"name": "N" * 200, "email": email, "message": "m" * 5000, "language": "en"},
                           key=client.api_key)

    assert response.status == 201
    [lead] = leads_of(database, client, email)
    assert len(lead["name"]) == 200 and len(lead["message"]) == 5000
