"""Fixtures of the follow-up reply tests: a real SMTP server in this process (aiosmtpd) whose answers
a test scripts, clients with reply settings, leads with a reply queued the way intake queues it."""
import base64
import datetime
import json
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

from shared.mail import outbox, sns
from shared.platform import db


@pytest.fixture
def fresh_outbox(database):
    """The module's database with no reply left by an earlier test: the sender claims every client's."""
    database.sql("DELETE FROM lead_replies")
    database.sql("DELETE FROM unsubscribes")
    database.sql("DELETE FROM mail_events")
    database.sql("DELETE FROM mail_suppressions")
    return database


REPLY_SETTINGS = """
UPDATE clients
SET ai_personalized_reply = :replies_on, followup_speed = :speed, timezone = :timezone, email_tone = :tone,
    primary_service = :service, booking_link = :booking_link, custom_tagline = :tagline,
    mailing_address = :mailing_address, language = :language
WHERE client_id = :client_id
"""


@pytest.fixture
def mail_client(database, make_client):
    """mail_client(**settings) -> client_id: a client whose reply settings are given (realistic defaults)."""
    def make(business_name="Toitures Laval", replies_on=True, speed="Instant", timezone="America/Toronto",
             tone="Friendly", service="roof replacement", booking_link="https://cal.toitures-laval.ca/book",
             tagline="Roofs that outlast winter", mailing_address="123 rue Principale, Laval QC H7N 1A1",
             language="en", email=None):
        client = make_client(business_name, email=email)
        database.sql(REPLY_SETTINGS, client_id=client.client_id, replies_on=replies_on, speed=speed,
                     timezone=timezone, tone=tone, service=service, booking_link=booking_link, tagline=tagline,
                     mailing_address=mailing_address, language=language)
        return client.client_id
    return make


INSERT_LEAD = """
INSERT INTO lead_memory (client_id, email, name, message, language, intent, is_test)
VALUES (:client_id, :email, :name, 'Can you quote a new roof?', :language, :intent, :is_test)
RETURNING id
"""


@pytest.fixture
def lead_with_reply(database):
    """lead_with_reply(client_id, ...) -> (lead_id, outcome): a lead stored, and its reply queued as the
    intake queues it (outbox.queue_reply in the client's own transaction, under row level security)."""
    def make(client_id, email=None, name="Olivia Park", language="en", intent="quote_request", is_test=False,
             received_at=None, lead_id=None):
        email = email or f"olivia-{uuid.uuid4().hex[:8]}@parkhomes.ca"
        if lead_id is None:
            lead_id = database.one(INSERT_LEAD, client_id=client_id, email=email, name=name, language=language,
                                   intent=intent, is_test=is_test)["id"]
        with db.transaction(client_id=client_id) as conn:
            outcome = outbox.queue_reply(conn, client_id=client_id, lead_id=lead_id, message_id=None,
                                         to_email=email, language=language, intent=intent, is_test=is_test,
                                         received_at=received_at)
        return lead_id, outcome
    return make


@pytest.fixture
def replies_of(database):
    """replies_of(lead_id) -> the lead's lead_replies rows, oldest first."""
    def rows(lead_id) -> list[dict]:
        return database.sql("SELECT * FROM lead_replies WHERE lead_id = :lead_id ORDER BY created_at",
                            lead_id=lead_id)
    return rows


@pytest.fixture
def time_passes(database):
    """time_passes(): every queued reply is due now (its due time or retry delay has passed)."""
    def make_all_due() -> None:
        database.sql("UPDATE lead_replies SET due_at = now() - interval '1 second' WHERE status = 'queued'")
    return make_all_due


@pytest.fixture(autouse=True)
def _local_mail_servers_allowed(monkeypatch):
    """These tests' mail servers listen on 127.0.0.1: a client's smtp_host may name it here (the
    setting is off by default; test_sender_isolation.py checks what it refuses then)."""
    monkeypatch.setenv("AVENIR_SMTP_ALLOW_PRIVATE", "1")


# --- Amazon SNS, as it signs and posts (mail events) -------------------------------------------------

SNS_CERT_URL = "https://sns.ca-central-1.amazonaws.com/SimpleNotificationService-7ff5318490ec183fbaddaa2a969abfda.pem"
SNS_TOPIC = "arn:aws:sns:ca-central-1:123456789012:avenir-mail-events"
SNS_FIXTURES = Path(__file__).parent.parent / "fixtures" / "sns"


@dataclass
class FakeSns:
    """Signs messages as SNS does, with a key and certificate made for the test; `visited` lists the
    URLs the product fetched (the certificate's, a SubscribeURL), answered from here: an SNS host
    cannot be served locally, so the one network call (sns.fetch_url) is replaced by this."""

    key: rsa.RSAPrivateKey
    certificate_pem: bytes
    visited: list[str] = field(default_factory=list)

    def fetch(self, url: str) -> bytes:
        self.visited.append(url)
        return self.certificate_pem if url == SNS_CERT_URL else b"<ConfirmSubscriptionResponse/>"

    def sign(self, message: dict, version: str = "2", key: rsa.RSAPrivateKey | None = None) -> dict:
        signed = {**message, "SignatureVersion": version, "SigningCertURL": message.get("SigningCertURL",
                                                                                            SNS_CERT_URL)}
        algorithm = hashes.SHA1() if version == "1" else hashes.SHA256()
        signature = (key or self.key).sign(sns.canonical_string(signed), padding.PKCS1v15(), algorithm)
        return {**signed, "Signature": base64.b64encode(signature).decode()}

    def notification(self, fixture: str, recipient: str, message_id: str | None, version: str = "2",
                     sns_message_id: str | None = None, tags: dict | None = None) -> dict:
        """An SES notification from tests/fixtures/sns/, naming the recipient and the email's
        Message-ID (and, as configuration set events do, the email's tags), wrapped in a signed SNS
        Notification."""
        text = (SNS_FIXTURES / f"{fixture}.json").read_text()
        ses = json.loads(text.replace("RECIPIENT", recipient).replace("MESSAGE_ID", message_id or "<unknown@x>"))
        if tags is not None:
            ses["mail"]["tags"] = tags
        return self.sign({"Type": "Notification", "MessageId": sns_message_id or str(uuid.uuid4()),
                          "TopicArn": SNS_TOPIC, "Message": json.dumps(ses),
                          "Timestamp": "2026-12-07T11:30:03.120Z"}, version)

    def subscription(self, subscribe_url: str) -> dict:
        return self.sign({"Type": "SubscriptionConfirmation", "MessageId": str(uuid.uuid4()),
                          "Token": "2336412f37fb687f5d51e6e2425c464de12884ca", "TopicArn": SNS_TOPIC,
                          "Message": f"You have chosen to subscribe to the topic {SNS_TOPIC}.",
                          "SubscribeURL": subscribe_url, "Timestamp": "2026-12-07T11:00:00.000Z"})


def self_signed(key: rsa.RSAPrivateKey) -> bytes:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "sns.amazonaws.com")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                   .serial_number(x509.random_serial_number()).not_valid_before(now)
                   .not_valid_after(now + datetime.timedelta(days=1)).sign(key, hashes.SHA256()))
    return certificate.public_bytes(serialization.Encoding.PEM)


@pytest.fixture(scope="session")
def sns_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def install_fake_sns(monkeypatch, key: rsa.RSAPrivateKey | None = None) -> FakeSns:
    """SNS for one test: its certificate served to the product, no certificate cached before."""
    key = key or rsa.generate_private_key(public_exponent=65537, key_size=2048)
    fake = FakeSns(key, self_signed(key))
    monkeypatch.setattr(sns, "fetch_url", fake.fetch)
    monkeypatch.setattr(sns, "_certificates", {})
    return fake


@pytest.fixture
def fake_sns(sns_key, monkeypatch) -> FakeSns:
    return install_fake_sns(monkeypatch, sns_key)
