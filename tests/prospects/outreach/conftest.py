"""Fixtures of the outreach tests: the internal client with a mailing address, prospects scored
through the real route, a clean slate of prospects and outbox per test, and the SMTP sink of the
reply tests (tests/conftest.py)."""

import pytest

from shared.clients import accounts
from tests.helpers import ADDRESS, INTERNAL


@pytest.fixture(scope="module")
def admin(database) -> str:
    """The internal client's key (issued once: its password's bcrypt is deliberately slow), with the mailing
    address every outreach email must carry."""
    key = accounts.issue_internal_key("Avenir AI Solutions", "ops@avenir-leads.ca", "S3cret-pass!")[1]
    database.sql("UPDATE clients SET mailing_address = :address, email = 'ops@avenir-leads.ca' WHERE client_id = :c",
                  address=ADDRESS, c=INTERNAL)
    return key


@pytest.fixture
def clean(database):
    """No prospect, outreach email, outbox row or unsubscribe left by an earlier test."""
    for table in ("lead_replies", "prospect_outreach_log", "prospect_candidates", "unsubscribes"):
        database.sql(f"DELETE FROM {table}")
    return database


@pytest.fixture
def score(api, admin):
    """score(*prospects) -> their ids, stored through POST /api/prospects/score."""
    def send(*prospects: dict) -> list[str]:
        answer = api.post("/api/prospects/score", {"prospects": list(prospects)}, key=admin)
        assert answer.status == 200, answer.json
        return [r["id"] for r in answer.json["results"]]
    return send
