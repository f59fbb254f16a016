"""An emergency answered as one (contract Part 3, "Urgent leads"): a lead posted over real HTTP whose
message is urgent gets the urgent reply at once, whatever followup_speed, and the owner an email alert
and an SMS, all in one sender run, through a real SMTP server; exactly once even with two senders
running; never for test leads or spam; the SMS through Amazon SNS (moto) or AVENIR_SMS_DIR."""
import threading
import uuid

import boto3
import pytest
from moto import mock_aws
from moto.core import DEFAULT_ACCOUNT_ID
from moto.sns import sns_backends

from shared.mail import sender, sms

pytestmark = pytest.mark.usefixtures("fresh_outbox")
LEAK = ("Water is pouring through our kitchen ceiling, can someone come TODAY? Address is 45 Maple Crescent, "
        "Pointe-Claire. Please call 514-555-0187")
FUITE = ("Il y a une fuite dans le toit, l'eau coule dans la cuisine! Pouvez-vous venir aujourd'hui? "
         "C'est au 45 rue des Érables. Appelez-moi au 514-555-0187")
SETTINGS = {"phone": "418-555-0142", "alert_phone": "+14185550100", "followup_speed": "Same day",
            "industry_category": "Roofing", "language": "en"}


@pytest.fixture
def roofer(api, make_client):
    client = make_client("Toitures Beauport", email=f"owner-{uuid.uuid4().hex[:6]}@beauport-roofing.ca")
    assert api.request("PATCH", "/api/client", SETTINGS, key=client.api_key).status == 200
    return client


@pytest.fixture
def sms_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("AVENIR_SMS_DIR", str(tmp_path / "sms"))
    return tmp_path / "sms"


def post(api, key, message, email="jordan.lee@gmail.com", name="Jordan Lee"):
    answer = api.post("/api/lead", {"name": name, "email": email, "message": message}, key=key)
    assert answer.status in (200, 201), answer.json
    return answer.json["lead_id"]


def owner_email(api, client) -> str:
    return api.get("/api/client", key=client.api_key).json["alert_email"]


def by_recipient(smtp) -> dict:
    return {r.rcpt_tos[0]: r.message for r in smtp.received}


def test_an_urgent_lead_gets_the_urgent_reply_and_the_owner_an_email_and_an_sms_in_one_run(
        api, roofer, platform_smtp, sms_dir, database):
    lead_id = post(api, roofer.api_key, LEAK)
    summary = sender.send_due()
    assert summary.sent == 3
    mail = by_recipient(platform_smtp)
    reply, alert = mail["jordan.lee@gmail.com"], mail[owner_email(api, roofer)]
    reply_text = reply.get_body(("plain",)).get_content()
    assert reply["Subject"] == "Urgent: we received your request"
    assert "today" in reply_text and "418-555-0142" in reply_text
    assert "two or three times" not in reply_text and "address" not in reply_text.split("--")[0].lower()
    assert alert["Subject"].startswith("Urgent: Jordan Lee")
    alert_text = alert.get_content()
    assert LEAK in alert_text and "514-555-0187" in alert_text and "45 Maple Crescent" in alert_text
    assert f"/#/leads/{lead_id}" in alert_text
    [sms] = list(sms_dir.iterdir())
    number, text = sms.read_text().split("\n", 1)
    assert number == "+14185550100" and text.startswith("Urgent: Jordan Lee, call 514-555-0187")
    story = api.get(f"/api/leads/{lead_id}", key=roofer.api_key).json
    assert sorted((a["channel"], a["status"]) for a in story["alerts"]) == [("email", "sent"), ("sms", "sent")]
    assert story["replies"][0]["text"].startswith("Hi Jordan,")


def test_a_french_lead_of_the_english_roofer_gets_the_urgent_reply_wholly_in_french(
        api, roofer, platform_smtp, sms_dir):
    post(api, roofer.api_key, FUITE, email="marie.tremblay@videotron.ca", name="Marie Tremblay")
    sender.send_due()
    reply = by_recipient(platform_smtp)["marie.tremblay@videotron.ca"]
    text = reply.get_body(("plain",)).get_content()
    assert reply["Subject"] == "Urgent : nous avons bien reçu votre demande"
    body = text.split("\n-- ")[0]  # the footer names the client's email address, whatever its words
    assert "aujourd'hui" in body and "418-555-0142" in body and "roof" not in body.lower()


def test_two_senders_running_at_once_send_each_alert_and_reply_exactly_once(api, roofer, platform_smtp, sms_dir):
    post(api, roofer.api_key, LEAK)
    runs = [threading.Thread(target=sender.send_due) for _ in range(2)]
    for run in runs:
        run.start()
    for run in runs:
        run.join()
    assert sorted(r.rcpt_tos[0] for r in platform_smtp.received) == sorted(["jordan.lee@gmail.com",
                                                                             owner_email(api, roofer)])
    assert len(list(sms_dir.iterdir())) == 1


def test_a_second_urgent_message_within_a_day_alerts_no_one_again(api, roofer, platform_smtp, sms_dir, database):
    lead_id = post(api, roofer.api_key, LEAK)
    post(api, roofer.api_key, "Still pouring, please hurry, we need someone today!")
    alerts = database.sql("SELECT channel FROM lead_replies WHERE lead_id = :l AND kind = 'alert'", l=lead_id)
    assert sorted(a["channel"] for a in alerts) == ["email", "sms"]


@pytest.mark.parametrize("email, message", [
    ("test.lead@gmail.com", LEAK),  # a test lead
    ("jordan@example.com", LEAK),  # a test lead
    ("promo@spam.biz", "URGENT!!! Buy cheap followers and SEO backlinks now!!! Click http://spam.biz today"),
])
def test_test_leads_and_spam_alert_no_one(api, roofer, database, email, message):
    lead_id = post(api, roofer.api_key, message, email=email)
    assert database.sql("SELECT 1 FROM lead_replies WHERE lead_id = :l AND kind = 'alert'", l=lead_id) == []


def test_alerts_off_or_from_medium_follow_the_owner_s_setting(api, roofer, database):
    api.request("PATCH", "/api/client", {"alert_urgency": "off"}, key=roofer.api_key)
    quiet = post(api, roofer.api_key, LEAK, email="quiet@gmail.com")
    assert database.sql("SELECT 1 FROM lead_replies WHERE lead_id = :l AND kind = 'alert'", l=quiet) == []


def test_without_an_sms_folder_the_alert_goes_through_amazon_sns(api, roofer, platform_smtp, monkeypatch):
    monkeypatch.delenv("AVENIR_SMS_DIR", raising=False)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "ca-central-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    sms._sns.cache_clear()
    with mock_aws():
        post(api, roofer.api_key, LEAK)
        sender.send_due(ses_client=boto3.client("ses", region_name="ca-central-1"))
        sent = sns_backends[DEFAULT_ACCOUNT_ID]["ca-central-1"].sms_messages
    [(number, text)] = [tuple(v)[:2] for v in sent.values()]
    assert number == "+14185550100" and text.startswith("Urgent: Jordan Lee")
