"""The probe inbox: automatic replies told apart from people and bounces, bodies read as text and
never rendered, one row per Message-ID, raw mail cleared after 30 days; `avenir probe-inbox`'s SMTP
server and the probe_inbox Lambda (SES receipt -> S3, in moto) hand mail to the same ingest."""
import json
import smtplib
import time

import boto3
import pytest
import yaml
from moto import mock_aws

from shared.prospects import inbox
from tests.deploy import stack
from tests.helpers import load_function
from tests.prospects.probe.conftest import PROBE_DOMAIN, PROBE_MAIL, probe_mail


def messages_of(database, token: str) -> list[dict]:
    return database.sql("SELECT m.* FROM probe_messages AS m JOIN prospect_probes AS p ON p.id = m.probe_id "
                        "WHERE p.token = :t ORDER BY m.received_at", t=token)


@pytest.mark.parametrize("name,kind", [("auto_submitted.eml", "auto"), ("x_autoreply.eml", "auto"),
                                       ("precedence_auto_reply.eml", "auto"), ("person.eml", "person"),
                                       ("bounce.eml", "bounce")])
def test_each_message_is_told_apart_as_automatic_a_person_or_a_bounce(database, submitted_probe, name, kind):
    _, token = submitted_probe()
    assert inbox.ingest(probe_mail(name, token), [f"p-{token}@{PROBE_DOMAIN}"]) == inbox.Ingested(True, kind)
    [stored] = messages_of(database, token)
    assert stored["kind"] == kind and stored["raw"] is not None


def test_an_html_only_reply_is_read_as_text_without_its_scripts_styles_or_images(database, submitted_probe):
    _, token = submitted_probe()
    inbox.ingest(probe_mail("precedence_auto_reply.eml", token), [f"p-{token}@{PROBE_DOMAIN}"])
    [stored] = messages_of(database, token)
    assert stored["excerpt"] == "Thanks & welcome! We will call you back."


def test_a_quoted_printable_french_answer_is_decoded(database, submitted_probe):
    _, token = submitted_probe()
    inbox.ingest(probe_mail("person.eml", token), [])  # the token found in To when the envelope says nothing
    [stored] = messages_of(database, token)
    assert stored["excerpt"].startswith("Bonjour Camille, bien reçu. Pour une réparation de toiture")


def test_the_same_message_delivered_twice_is_stored_once(database, submitted_probe):
    _, token = submitted_probe()
    raw = probe_mail("auto_submitted.eml", token)
    assert inbox.ingest(raw, []).stored is True
    assert inbox.ingest(raw, []).stored is False
    assert len(messages_of(database, token)) == 1


def test_mail_for_an_unknown_probe_is_not_stored(database, submitted_probe):
    _, token = submitted_probe()
    other = "0" * 32
    assert inbox.ingest(probe_mail("auto_submitted.eml", other), [f"p-{other}@{PROBE_DOMAIN}"]).stored is False
    assert database.one("SELECT count(*) AS n FROM probe_messages WHERE message_id LIKE :m",
                        m=f"%{other}%")["n"] == 0


def test_raw_mail_is_cleared_after_30_days_and_what_it_measured_stays(database, submitted_probe):
    _, token = submitted_probe()
    inbox.ingest(probe_mail("auto_submitted.eml", token), [])
    database.sql("UPDATE probe_messages SET raw_expires_at = now() - interval '1 second' WHERE message_id = :m",
                 m=f"<auto-1-{token}@toitures-beauport.ca>")
    assert inbox.clear_expired_raw() >= 1
    [stored] = messages_of(database, token)
    assert stored["raw"] is None and stored["kind"] == "auto" and stored["excerpt"]


def test_the_local_smtp_inbox_takes_probe_mail_and_refuses_any_other_recipient(database, submitted_probe,
                                                                              probe_inbox):
    _, token = submitted_probe()
    with smtplib.SMTP("127.0.0.1", probe_inbox.port, timeout=10) as smtp:
        with pytest.raises(smtplib.SMTPRecipientsRefused):
            smtp.sendmail("x@example.ca", ["someone@avenir-test.ca"], b"Subject: hi\r\n\r\nhello\r\n")
        smtp.sendmail("info@toitures-beauport.ca", [f"p-{token}@{PROBE_DOMAIN}"],
                      probe_mail("auto_submitted.eml", token))
    deadline = time.monotonic() + 10
    while not messages_of(database, token) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [m["kind"] for m in messages_of(database, token)] == ["auto"]


def test_the_lambda_reads_the_message_ses_stored_in_s3_and_ingests_it_once(database, submitted_probe, monkeypatch):
    _, token = submitted_probe()
    template = yaml.load((stack.ROOT / "template.yaml").read_text(), Loader=stack.CloudFormationLoader)
    [action] = [a["S3Action"] for a in template["Resources"]["ProbeInboxRule"]["Properties"]["Rule"]["Actions"]
                if "S3Action" in a]
    event = json.loads((PROBE_MAIL / "ses_receipt.json").read_text().replace("{to}", f"p-{token}@{PROBE_DOMAIN}"))
    message_id = event["Records"][0]["ses"]["mail"]["messageId"]
    monkeypatch.setenv("AVENIR_PROBE_MAIL_BUCKET", "avenir-probe-mail")
    monkeypatch.setenv("AVENIR_PROBE_MAIL_PREFIX", action["ObjectKeyPrefix"])
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="avenir-probe-mail")
        s3.put_object(Bucket="avenir-probe-mail", Key=action["ObjectKeyPrefix"] + message_id,
                      Body=probe_mail("auto_submitted.eml", token))
        handler = load_function("probe_inbox").handler
        assert handler(event, None, s3_client=s3) == {"received": 1, "stored": 1}
        assert handler(event, None, s3_client=s3) == {"received": 1, "stored": 0}  # SES retried: nothing new
    [stored] = messages_of(database, token)
    assert stored["kind"] == "auto"
    assert stored["received_at"].isoformat().startswith("2026-12-07T16:02:03.120")  # SES's receipt time


@pytest.mark.parametrize("header, body", [
    ("Subject: =?utf-8?B?AAAA?=", "Merci, nous vous revenons sous peu."),
    ("Subject: Merci\r\nFrom: =?utf-8?B?AEE=?= <a@b.ca>", "Merci!"),
    ("Subject: Merci\r\nContent-Transfer-Encoding: quoted-printable", "hel=00lo, merci"),
])
def test_a_nul_character_anywhere_in_a_reply_is_dropped_and_the_reply_stored(database, submitted_probe, header, body):
    _, token = submitted_probe()
    raw = (f"{header}\r\nTo: p-{token}@{PROBE_DOMAIN}\r\nMessage-ID: <nul-{token}@b.ca>\r\n"
           f"Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n").encode()
    assert inbox.ingest(raw, []).stored is True
    [stored] = messages_of(database, token)
    assert "\x00" not in stored["subject"] + stored["from_address"] + stored["excerpt"]


def test_a_message_the_inbox_cannot_read_gets_a_local_error_without_its_details(database, submitted_probe,
                                                                                probe_inbox):
    _, token = submitted_probe()
    nested = "".join(f'Content-Type: multipart/mixed; boundary="b{i}"\r\n\r\n--b{i}\r\n' for i in range(2000))
    raw = f"Subject: deep\r\nTo: p-{token}@{PROBE_DOMAIN}\r\nMIME-Version: 1.0\r\n{nested}".encode()
    with smtplib.SMTP("127.0.0.1", probe_inbox.port, timeout=30) as smtp:
        with pytest.raises(smtplib.SMTPDataError) as refused:
            smtp.sendmail("x@b.ca", [f"p-{token}@{PROBE_DOMAIN}"], raw)
    assert refused.value.smtp_code == 451 and b"Recursion" not in refused.value.smtp_error
