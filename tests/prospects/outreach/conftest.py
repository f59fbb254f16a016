"""Fixtures of the outreach tests: prospects scored through the real route (as the internal client,
the `admin` fixture), a clean slate of prospects and outbox per test, and the SMTP sink of the
reply tests (tests/conftest.py)."""

import pytest


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
        answer = api.post("/api/prospects/score", {"prospects": list(prospects)}, key=admin.api_key)
        assert answer.status == 200, answer.json
        return [r["id"] for r in answer.json["results"]]
    return send
