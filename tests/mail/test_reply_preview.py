"""POST /api/client/reply-preview (contract Part 3, "Preview"): over real HTTP, the preview of a
message is, byte for byte, the reply a lead sending that message then gets through the real sender and
SMTP server (its unsubscribe link aside); it says when the reply is due and whether the owner would be
alerted, follows the settings as they are now, and writes nothing."""
import re
import uuid

import pytest

from shared.mail import sender

pytestmark = pytest.mark.usefixtures("fresh_outbox")
LEAK = ("Water is pouring through our kitchen ceiling, can someone come TODAY? Address is 45 Maple Crescent, "
        "Pointe-Claire. Please call 514-555-0187")
FUITE = ("Il y a une fuite dans le toit, l'eau coule dans la cuisine! Pouvez-vous venir aujourd'hui? "
         "C'est au 45 rue des Érables. Appelez-moi au 514-555-0187")
QUOTE = "Hi, could you send me a quote to replace the shingles on a bungalow sometime this spring?"
SETTINGS = {"phone": "418-555-0142", "followup_speed": "Same day", "industry_category": "Roofing",
            "primary_service": "roof replacement", "booking_link": "https://cal.beauport-roofing.ca/book",
            "mailing_address": "45 rue Seigneuriale, Québec QC G1E 4Y4", "language": "en"}
UNSUBSCRIBE = re.compile(r"https?://[^\s\"<>]+/u/[A-Za-z0-9_-]+")


@pytest.fixture
def roofer(api, make_client):
    client = make_client("Toitures Beauport", email=f"owner-{uuid.uuid4().hex[:6]}@beauport-roofing.ca")
    assert api.request("PATCH", "/api/client", SETTINGS, key=client.api_key).status == 200
    return client


def preview(api, key, body) -> dict:
    answer = api.post("/api/client/reply-preview", body, key=key)
    assert answer.status == 200, answer.json
    return answer.json


def without_link(text: str) -> str:
    """The words, less the unsubscribe link's token, with the lines ended as in the API (mail's CRLF)."""
    return UNSUBSCRIBE.sub("<unsubscribe>", text.replace("\r\n", "\n"))


@pytest.mark.parametrize("name, message", [("Jordan Lee", LEAK), ("Marie Tremblay", FUITE), ("Sam Ortiz", QUOTE)])
def test_the_preview_is_byte_for_byte_the_reply_the_lead_then_gets(api, roofer, platform_smtp, database,
                                                                   name, message):
    shown = preview(api, roofer.api_key, {"name": name, "message": message})
    api.post("/api/lead", {"name": name, "email": "lead@videotron.ca", "message": message}, key=roofer.api_key)
    database.sql("UPDATE lead_replies SET due_at = now()")  # a same-day reply's words do not depend on when
    sender.send_due()
    [sent] = [r.message for r in platform_smtp.received if r.rcpt_tos == ["lead@videotron.ca"]]
    assert sent["Subject"] == shown["subject"]
    assert without_link(sent.get_body(("plain",)).get_content()) == without_link(shown["text"])
    assert without_link(sent.get_body(("html",)).get_content()) == without_link(shown["html"])
    assert "/u/preview" in shown["text"]


def test_an_urgent_message_is_due_at_once_and_alerts_the_owner_an_ordinary_one_waits(api, roofer):
    urgent = preview(api, roofer.api_key, {"message": LEAK})
    ordinary = preview(api, roofer.api_key, {"message": QUOTE})
    assert (urgent["due"], urgent["alert"], urgent["enrichment"]["urgency"]) == ("instant", True, "High")
    assert urgent["subject"] == "Urgent: we received your request" and "418-555-0142" in urgent["text"]
    assert (ordinary["due"], ordinary["alert"]) == ("same_day", False)
    assert ordinary["text"].startswith("Hi there,")


def test_the_preview_follows_the_settings_as_they_are_now(api, roofer):
    api.request("PATCH", "/api/client", {"ai_personalized_reply": False, "alert_urgency": "off"}, key=roofer.api_key)
    shown = preview(api, roofer.api_key, {"message": LEAK, "language": "fr"})
    assert (shown["due"], shown["skipped"], shown["alert"]) == ("never", "replies_off", False)
    assert shown["subject"] == "Urgent : nous avons bien reçu votre demande"


def test_spam_would_get_no_reply(api, roofer):
    shown = preview(api, roofer.api_key, {"message": "Buy cheap followers and SEO backlinks now!!! "
                                                     "Click http://spam.biz http://spam.biz/now"})
    assert (shown["due"], shown["skipped"], shown["alert"]) == ("never", "spam", False)


def test_a_preview_writes_nothing(api, roofer, database):
    def counts():
        return database.one("SELECT (SELECT count(*) FROM lead_memory) AS leads, "
                            "(SELECT count(*) FROM lead_messages) AS messages, "
                            "(SELECT count(*) FROM lead_replies) AS replies, "
                            "(SELECT count(*) FROM lead_actions) AS actions")
    before = counts()
    preview(api, roofer.api_key, {"name": "Jordan Lee", "message": LEAK})
    assert counts() == before


@pytest.mark.parametrize("body, field", [({}, "message"), ({"message": ""}, "message"),
                                         ({"message": "x" * 5001}, "message"),
                                         ({"message": "hi", "language": "de"}, "language"),
                                         ({"message": "hi", "name": "n" * 201}, "name")])
def test_a_bad_preview_request_is_a_422_naming_the_field(api, roofer, body, field):
    answer = api.post("/api/client/reply-preview", body, key=roofer.api_key)
    assert answer.status == 422 and field in [d["field"] for d in answer.json["error"]["details"]]


def test_a_preview_needs_the_client_s_key(api):
    assert api.post("/api/client/reply-preview", {"message": LEAK}).status == 401
