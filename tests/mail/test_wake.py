"""Seconds, not the next minute (contract Part 3, "Urgent leads"; shared/mail/wake.py): an intake that
commits a reply or alert due now wakes the sender — locally a LISTENing connection, in AWS a message
on the sender's SQS queue (moto) that the follow-up sender's Lambda consumes — and one that queues
nothing due now wakes no one. make run's sender sends an urgent lead's reply long before its minute."""
import time
import uuid

import boto3
import pytest
from moto import mock_aws

from infra import mailsink
from infra.pgcluster import free_port
from shared.mail import wake
from tests.helpers import load_function

pytestmark = pytest.mark.usefixtures("fresh_outbox")
LEAK = ("Water is pouring through our kitchen ceiling, can someone come TODAY? Address is 45 Maple Crescent, "
        "Pointe-Claire. Please call 514-555-0187")
QUOTE = "Hi, could you send me a quote to replace the shingles on a bungalow sometime this spring?"


@pytest.fixture
def roofer(api, make_client):
    client = make_client("Toitures Beauport", email=f"owner-{uuid.uuid4().hex[:6]}@beauport-roofing.ca")
    assert api.request("PATCH", "/api/client", {"followup_speed": "Same day", "alert_urgency": "off"},
                       key=client.api_key).status == 200
    return client


def post(api, client, message, email="jordan.lee@gmail.com") -> str:
    answer = api.post("/api/lead", {"name": "Jordan Lee", "email": email, "message": message}, key=client.api_key)
    assert answer.status in (200, 201), answer.json
    return answer.json["lead_id"]


@pytest.fixture
def listener():
    listening = wake.Listener()
    yield listening
    listening.close()


def test_an_urgent_lead_wakes_a_listening_sender_and_a_same_day_one_does_not(api, roofer, listener):
    post(api, roofer, QUOTE, email="sam@videotron.ca")
    assert listener.wait(0.5) is False
    post(api, roofer, LEAK)
    assert listener.wait(5) is True


@pytest.fixture
def wake_queue(monkeypatch):
    monkeypatch.setenv("AWS_DEFAULT_REGION", "ca-central-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    wake._sqs.cache_clear()
    with mock_aws():
        sqs = boto3.client("sqs", region_name="ca-central-1")
        url = sqs.create_queue(QueueName="avenir-sender-wake")["QueueUrl"]
        monkeypatch.setenv("AVENIR_WAKE_QUEUE_URL", url)
        yield sqs, url
    wake._sqs.cache_clear()


def messages(sqs, url) -> list[dict]:
    return sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0).get("Messages", [])


def test_in_aws_an_urgent_lead_puts_one_wake_up_on_the_sender_s_queue(api, roofer, wake_queue):
    sqs, url = wake_queue
    post(api, roofer, QUOTE, email="sam@videotron.ca")
    assert messages(sqs, url) == []
    post(api, roofer, LEAK)
    assert len(messages(sqs, url)) == 1


def test_the_sender_s_lambda_woken_by_the_queue_sends_the_urgent_reply(api, roofer, platform_smtp, wake_queue):
    sqs, url = wake_queue
    post(api, roofer, LEAK)
    [message] = messages(sqs, url)
    event = {"Records": [{"messageId": message["MessageId"], "receiptHandle": message["ReceiptHandle"],
                          "body": message["Body"], "eventSource": "aws:sqs", "awsRegion": "ca-central-1",
                          "eventSourceARN": "arn:aws:sqs:ca-central-1:123456789012:avenir-sender-wake"}]}
    result = load_function("followup_sender").handler(event, None)
    assert result["statusCode"] == 200
    assert [r.rcpt_tos for r in platform_smtp.received] == [["jordan.lee@gmail.com"]]


def test_an_unreachable_queue_costs_the_lead_nothing(api, roofer, monkeypatch, database):
    monkeypatch.setenv("AVENIR_WAKE_QUEUE_URL", "https://sqs.ca-central-1.amazonaws.com/1/none")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "ca-central-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_ENDPOINT_URL_SQS", f"http://127.0.0.1:{free_port()}")  # nothing listens there
    wake._sqs.cache_clear()
    try:
        lead_id = post(api, roofer, LEAK)
    finally:
        wake._sqs.cache_clear()
    assert database.one("SELECT status FROM lead_replies WHERE lead_id = :l", l=lead_id)["status"] == "queued"


def test_make_run_s_sender_sends_an_urgent_reply_long_before_its_minute(api, roofer, tmp_path, monkeypatch,
                                                                      database):
    monkeypatch.delenv("AVENIR_SMTP_URL", raising=False)
    stop = mailsink.start_local_mail(tmp_path / "mail", free_port())
    try:
        time.sleep(1)  # its first run (nothing due) is over: what follows is the wake-up's
        lead_id = post(api, roofer, LEAK)
        deadline = time.monotonic() + mailsink.SEND_EVERY_S / 2
        while not list((tmp_path / "mail").glob("*.eml")) and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        stop()
    assert database.one("SELECT status FROM lead_replies WHERE lead_id = :l", l=lead_id)["status"] == "sent"
