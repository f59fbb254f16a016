"""Every 422 says, for each field, why it was refused as a code a page can say in its own language
(`{"field", "reason", "message"}`), one example of each reason across the routes; and a booking link
written without its scheme is completed, not refused. (tests/end_to_end/test_boundaries.py checks
the reason of every refusal of every field of every route.)"""
import pytest

from shared.platform.exceptions import REASONS

pytestmark = pytest.mark.pooled

LEAD = "00000000-0000-4000-8000-000000000001"

CASES = [
    ("required", "POST", "/api/lead", {"name": "Olivia Park"}, "email"),
    ("required", "PATCH", "/api/client", {"language": None}, "language"),
    ("too_long", "PATCH", "/api/client", {"contact_name": "x" * 201}, "contact_name"),
    ("too_long", "POST", "/api/client/password", {"current_password": "S3cret-pass!", "new_password": "é" * 40},
     "new_password"),
    ("too_short", "POST", "/api/client/password", {"current_password": "S3cret-pass!", "new_password": "short"},
     "new_password"),
    ("too_short", "POST", "/api/lead", {"name": "   ", "email": "olivia@parkhomes.ca"}, "name"),
    ("not_a_url", "PATCH", "/api/client", {"booking_link": "ftp://demo-roofing.ca/booking"}, "booking_link"),
    ("not_a_url", "PATCH", "/api/client", {"booking_link": "call us"}, "booking_link"),
    ("not_an_email", "POST", "/api/lead", {"name": "Olivia Park", "email": "olivia.parkhomes.ca"}, "email"),
    ("not_an_email", "PATCH", "/api/client", {"alert_email": "owner@"}, "alert_email"),
    ("not_a_phone", "PATCH", "/api/client", {"phone": "call the office"}, "phone"),
    ("not_a_phone", "PATCH", "/api/client", {"alert_phone": "514-555-0101"}, "alert_phone"),
    ("not_allowed", "POST", f"/api/leads/{LEAD}/tag", {"tag": "Won"}, "tag"),
    ("not_allowed", "PATCH", "/api/client", {"timezone": "Mars/Olympus_Mons"}, "timezone"),
    ("not_allowed", "GET", "/api/insights?lang=de", None, "lang"),
    ("out_of_range", "GET", "/api/analytics?days=3", None, "days"),
    ("out_of_range", "GET", "/api/insights?date=1899-12-31", None, "date"),
    ("out_of_range", "PATCH", "/api/client", {"smtp_port": 70000}, "smtp_port"),
    ("wrong_type", "PATCH", "/api/client", {"ai_personalized_reply": "maybe"}, "ai_personalized_reply"),
    ("wrong_type", "GET", "/api/leads?limit=ten", None, "limit"),
    ("wrong_type", "POST", "/api/lead", {"name": ["Olivia"], "email": "olivia@parkhomes.ca"}, "name"),
    ("unknown_field", "PATCH", "/api/client", {"colour": "blue"}, "colour"),
    ("invalid", "GET", "/api/insights?date=2026-13-01", None, "date"),
    ("invalid", "POST", "/api/lead", {"name": "Ana\u0000", "email": "ana@silva.ca"}, "name"),
]


def test_every_reason_has_an_example_here():
    assert {case[0] for case in CASES} == set(REASONS)


@pytest.mark.parametrize(("reason", "method", "path", "body", "field"), CASES,
                         ids=[f"{c[0]}-{c[4]}" for c in CASES])
def test_a_refused_field_says_why(api, make_client, reason, method, path, body, field):
    owner = make_client()
    answer = api.request(method, path, body, key=owner.api_key)
    assert answer.status == 422, answer.json
    [detail] = answer.json["error"]["details"]
    assert detail["field"] == field and detail["reason"] == reason and detail["message"], detail


def test_a_bad_idempotency_key_says_why(api, make_client):
    answer = api.post("/api/lead", {"name": "Olivia Park", "email": "olivia@parkhomes.ca"},
                      key=make_client().api_key, headers={"Idempotency-Key": " spaced "})
    assert answer.status == 422
    assert answer.json["error"]["details"][0] | {"message": ""} == {
        "field": "Idempotency-Key", "reason": "invalid", "message": ""}


@pytest.mark.parametrize(("given", "kept"), [
    ("www.demo-roofing.ca/booking", "https://www.demo-roofing.ca/booking"),
    ("  demo-roofing.ca  ", "https://demo-roofing.ca"),
    ("http://demo-roofing.ca/rdv?x=1", "http://demo-roofing.ca/rdv?x=1"),
    ("HTTPS://Demo-Roofing.ca", "HTTPS://Demo-Roofing.ca"),
])
def test_a_booking_link_without_its_scheme_is_completed_not_refused(api, make_client, given, kept):
    owner = make_client()
    answer = api.request("PATCH", "/api/client", {"booking_link": given}, key=owner.api_key)
    assert answer.status == 200, answer.json
    assert answer.json["booking_link"] == kept
    assert api.get("/api/client", key=owner.api_key).json["booking_link"] == kept
