"""Fixtures of the follow-up reply tests: a real SMTP server in this process (aiosmtpd) whose answers
a test scripts, clients with reply settings, leads with a reply queued the way intake queues it."""
import uuid

import pytest

from shared.mail import outbox
from shared.platform import db


@pytest.fixture
def fresh_outbox(database):
    """The module's database with no reply left by an earlier test: the sender claims every client's."""
    database.sql("DELETE FROM lead_replies")
    database.sql("DELETE FROM unsubscribes")
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
