"""GET and PATCH /api/client over real HTTP and the Lambda handler: the round trip, validation
naming each field, null clearing, and the SMTP password stored encrypted, never returned or logged."""
import uuid

import pytest

from shared.clients import accounts
from shared.platform import cipher
from tests.helpers import apigw_event, invoke, load_function

pytestmark = pytest.mark.pooled

SECRET = "smtp-S3cret-" + uuid.uuid4().hex[:6]


@pytest.fixture
def owner(database):
    client_id, key = accounts.create_client("Dentisterie Lavoie", f"dr-{uuid.uuid4().hex[:8]}@lavoie-dentiste.ca")
    return {"client_id": str(client_id), "key": key}


def test_settings_round_trip_and_never_show_secrets(api, owner, database):
    change = {"business_name": "Dentisterie Lavoie inc.", "contact_name": "Dre Lavoie", "language": "fr",
              "primary_service": "Blanchiment", "booking_link": "https://lavoie-dentiste.ca/rdv",
              "custom_tagline": "Votre sourire, notre fierté", "email_tone": "Professional",
              "followup_speed": "Same day", "ai_personalized_reply": False, "outbound_email": "rdv@lavoie-dentiste.ca",
              "smtp_host": "smtp.lavoie-dentiste.ca", "smtp_port": 587, "smtp_username": "rdv",
              "smtp_password": SECRET, "mailing_address": "123 rue Principale, Québec QC G1R 2B5",
              "timezone": "America/Montreal"}
    changed = api.request("PATCH", "/api/client", change, key=owner["key"])
    read = api.get("/api/client", key=owner["key"])
    assert changed.status == read.status == 200 and changed.json == read.json
    expected = {k: v for k, v in change.items() if k != "smtp_password"}
    assert {k: read.json[k] for k in expected} == expected
    assert read.json["smtp_password_set"] is True
    assert not {"password_hash", "api_key", "smtp_password"} & set(read.json)
    stored = database.scalar("SELECT smtp_password FROM clients WHERE client_id = :c", c=owner["client_id"])
    assert SECRET not in stored and cipher.decrypt(stored) == SECRET


def test_null_clears_an_optional_field_and_leaves_the_others(api, owner):
    api.request("PATCH", "/api/client", {"custom_tagline": "Le sourire d'abord", "primary_service": "Nettoyage"},
                key=owner["key"])
    cleared = api.request("PATCH", "/api/client", {"custom_tagline": None}, key=owner["key"])
    assert cleared.status == 200
    assert cleared.json["custom_tagline"] is None and cleared.json["primary_service"] == "Nettoyage"


@pytest.mark.parametrize("change,field", [
    ({"booking_link": "ftp://lavoie.ca"}, "booking_link"), ({"custom_tagline": "x" * 201}, "custom_tagline"),
    ({"email_tone": "Casual"}, "email_tone"), ({"followup_speed": "Tomorrow"}, "followup_speed"),
    ({"smtp_port": 70000}, "smtp_port"), ({"mailing_address": "x" * 301}, "mailing_address"),
    ({"timezone": "Mars/Olympus"}, "timezone"), ({"api_key": "mine"}, "api_key"),
    ({"is_internal": True}, "is_internal"),
    ({"business_name": None}, "business_name"), ({"language": "de"}, "language"),
    ({"outbound_email": "not-an-email"}, "outbound_email"),
    ({"phone": "call me maybe"}, "phone"), ({"phone": "5" * 41}, "phone"),
    ({"phone": "+1 (418) 555-0142 ext"}, "phone"),
    ({"alert_phone": "418-555-0142"}, "alert_phone"), ({"alert_phone": "+0418"}, "alert_phone"),
    ({"alert_urgency": "Low"}, "alert_urgency"), ({"alert_urgency": None}, "alert_urgency"),
    ({"alert_email": "owner@"}, "alert_email"), ({"primary_service_fr": "x" * 101}, "primary_service_fr"),
])
def test_a_bad_change_is_a_422_naming_the_field_and_changes_nothing(api, owner, change, field):
    before = api.get("/api/client", key=owner["key"]).json
    answer = api.request("PATCH", "/api/client", dict(change, contact_name="Someone else"), key=owner["key"])
    assert answer.status == 422 and field in [d["field"] for d in answer.json["error"]["details"]]
    assert api.get("/api/client", key=owner["key"]).json == before


def test_settings_through_the_lambda_handler_match_http(api, owner):
    function = load_function("owner_settings")
    by_lambda = invoke(function, apigw_event("PATCH", "/api/client", {"timezone": "America/Vancouver"},
                                             key=owner["key"]))
    assert by_lambda.status == 200 and by_lambda.json == api.get("/api/client", key=owner["key"]).json


def test_each_client_sees_and_changes_only_its_own_settings(api, owner, database):
    other_id, other_key = accounts.create_client("Plomberie Roy", f"roy-{uuid.uuid4().hex[:6]}@plomberie-roy.ca")
    api.request("PATCH", "/api/client", {"business_name": "Renamed"}, key=other_key)
    assert api.get("/api/client", key=owner["key"]).json["business_name"] == "Dentisterie Lavoie"
    assert database.scalar("SELECT business_name FROM clients WHERE client_id = :c", c=other_id) == "Renamed"


def test_the_smtp_password_never_reaches_the_log(api, owner, capfd):
    api.request("PATCH", "/api/client", {"smtp_password": SECRET}, key=owner["key"])
    out, err = capfd.readouterr()
    assert SECRET not in out + err


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "0.0.0.0", "2130706433", "127.1", "::1",
                                  "::ffff:127.0.0.1", "169.254.169.254", "fd00:ec2::254", "10.0.0.7", "192.168.1.1",
                                  "224.0.0.1"])
def test_an_smtp_host_on_a_loopback_private_or_metadata_address_is_a_422_naming_it(api, owner, monkeypatch, host):
    monkeypatch.delenv("AVENIR_SMTP_ALLOW_PRIVATE", raising=False)
    answer = api.request("PATCH", "/api/client", {"smtp_host": host, "smtp_port": 25}, key=owner["key"])
    assert answer.status == 422 and [d["field"] for d in answer.json["error"]["details"]] == ["smtp_host"]
    assert api.get("/api/client", key=owner["key"]).json["smtp_host"] is None


def test_with_the_private_setting_a_local_smtp_host_is_accepted(api, owner, monkeypatch):
    monkeypatch.setenv("AVENIR_SMTP_ALLOW_PRIVATE", "1")
    answer = api.request("PATCH", "/api/client", {"smtp_host": "127.0.0.1"}, key=owner["key"])
    assert answer.status == 200 and answer.json["smtp_host"] == "127.0.0.1"


def test_urgent_reply_and_alert_settings_round_trip_and_alerts_go_to_the_clients_email_by_default(api, owner):
    fresh = api.get("/api/client", key=owner["key"]).json
    assert fresh["alert_email"] == fresh["email"] and fresh["alert_urgency"] == "High"
    assert fresh["phone"] is fresh["alert_phone"] is fresh["primary_service_en"] is None
    change = {"phone": "+1 (418) 555-0142 poste 12", "primary_service_en": "Teeth whitening",
              "primary_service_fr": "Blanchiment des dents", "alert_email": "urgences@lavoie-dentiste.ca",
              "alert_phone": "+14185550142", "alert_urgency": "Medium"}
    changed = api.request("PATCH", "/api/client", change, key=owner["key"])
    assert changed.status == 200 and {k: changed.json[k] for k in change} == change
    cleared = api.request("PATCH", "/api/client", {"alert_email": None, "alert_phone": None}, key=owner["key"])
    assert cleared.json["alert_email"] == fresh["email"] and cleared.json["alert_phone"] is None
