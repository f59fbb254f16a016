"""Fixtures of the outreach tests: the internal client with a mailing address, prospects scored
through the real route, a clean slate of prospects and outbox per test, and the SMTP sink of the
reply tests (tests/mail/conftest.py)."""
import uuid

import pytest
from mail.conftest import platform_smtp, smtp_server  # noqa: F401 (fixtures used by name)

from shared import clients

INTERNAL = uuid.UUID("00000000-0000-0000-0000-000000000001")
ADDRESS = "1200 boulevard Saint-Martin Ouest, Laval QC H7S 2E4"


@pytest.fixture(scope="module")
def admin(database) -> str:
    """The internal client's key (issued once: key hashing is deliberately slow), with the mailing
    address every outreach email must carry."""
    key = clients.issue_internal_key("Avenir AI Solutions", "ops@avenir-leads.ca", "S3cret-pass!")[1]
    database.sql("UPDATE clients SET mailing_address = :address, email = 'ops@avenir-leads.ca' WHERE client_id = :c",
                  address=ADDRESS, c=INTERNAL)
    return key


@pytest.fixture
def clean(database):
    """No prospect, outreach email, outbox row or unsubscribe left by an earlier test."""
    for table in ("lead_replies", "prospect_outreach_log", "prospect_candidates", "unsubscribes"):
        database.sql(f"DELETE FROM {table}")
    return database


NO_REPLY = {"has_autoresponder": False, "response_time_ms": None, "is_personalized": False, "is_generic": False}


def prospect(name: str, test: dict = NO_REPLY, email: str | None = "auto", **fields) -> dict:
    """A prospect as POST /api/prospects/score takes it; its website and email derive from its name."""
    slug = "".join(c for c in name.lower() if c.isascii() and c.isalnum())
    body = {"business_name": name, "website": f"https://{slug}.ca", **fields, "test": dict(test)}
    if email:
        body["contact_email"] = f"info@{slug}.ca" if email == "auto" else email
    return body


@pytest.fixture
def score(api, admin):
    """score(*prospects) -> their ids, stored through POST /api/prospects/score."""
    def send(*prospects: dict) -> list[str]:
        answer = api.post("/api/prospects/score", {"prospects": list(prospects)}, key=admin)
        assert answer.status == 200, answer.json
        return [r["id"] for r in answer.json["results"]]
    return send


def insert_outreach(database, business_name: str, industry: str | None, region: str | None, status: str,
                    sent_days_ago: float | None = 1, opened: bool = False) -> uuid.UUID:
    """A prospect and one outreach email of it, written by hand."""
    prospect_id = database.scalar(
        "INSERT INTO prospect_candidates (business_name, contact_email, industry, region, contacted) "
        "VALUES (:n, :e, :i, :r, true) RETURNING id", n=business_name, i=industry, r=region,
        e=f"info@{uuid.uuid4().hex[:8]}.ca")
    return database.scalar(
        "INSERT INTO prospect_outreach_log (prospect_id, email_subject, email_body, status, sent_at, opened_at, "
        "replied_at) VALUES (:p, 'Subject', 'Body', :s, now() - :d * interval '1 day', "
        "CASE WHEN :o THEN now() END, CASE WHEN :s = 'replied' THEN now() END) RETURNING id",
        p=prospect_id, s=status, d=sent_days_ago, o=opened)
