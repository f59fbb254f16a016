"""The quarantine measured on text (issue 31): the bot corpus (tests/fixtures/spam/bot_corpus.jsonl)
and every real lead message in tests/fixtures, posted to forms through the Lambda handler as API
Gateway delivers them (each with its sourceIp). Prints spam caught and real leads wrongly held, by
kind, and holds them to the goal: at least 95% caught, at most 1% of real leads quarantined.
`pytest -s tests/leads/test_spam_measure.py` shows the table."""
import json
import random
import time
import uuid
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from shared.leads import spam
from tests.helpers import apigw_event, invoke, load_function

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
REAL_SOURCES = ("labelled_leads.jsonl", "enrichment/holdout-06-rural-and-seasonal.jsonl",
                "enrichment/holdout-07-condos-and-professionals.jsonl")
REAL_PER_FORM = 100  # a form's real leads over some days: the daily cap (500) is not what is measured
GOAL_CAUGHT, GOAL_WRONGLY_HELD = 0.95, 0.01


def bot_corpus() -> list[dict]:
    return [json.loads(line) for line in (FIXTURES / "spam" / "bot_corpus.jsonl").read_text().splitlines()]


def real_leads() -> list[dict]:
    leads = []
    for source in REAL_SOURCES:
        for line in (FIXTURES / source).read_text().splitlines():
            lead = json.loads(line)
            if lead.get("intent") != "spam" and not lead.get("spam"):
                leads.append({"kind": "real", "name": lead["name"], "message": lead["message"]})
    rng = random.Random(31)
    return [dict(lead, email=f"lead{i}.{uuid.uuid4().hex[:6]}@videotron.ca", ip=f"10.{i // 250}.{i % 250}.1",
                 token="valid", age_s=rng.uniform(5, 120), gotcha="") for i, lead in enumerate(leads)]


@pytest.fixture(scope="module")
def front_door():
    return load_function("public_forms"), load_function("lead_forms")


def new_form(forms_function, client) -> str:
    answer = invoke(forms_function, apigw_event("POST", "/api/forms", {"allowed_origins": ["https://site.example"]},
                                                key=client.api_key))
    return answer.json["form_key"]


def post(public_function, form_key: str, entry: dict) -> int:
    """The entry posted as its sender would: JSON from a page's script, its token as its kind says."""
    fields = {"name": entry["name"], "email": entry["email"], "message": entry["message"], "_gotcha": entry["gotcha"]}
    if entry["token"] == "valid":
        fields["_ts"] = spam.issue_token(form_key, time.time() - entry["age_s"])
    elif entry["token"] == "other_form":
        fields["_ts"] = spam.issue_token("avf_someotherformskey000000", time.time() - entry["age_s"])
    event = apigw_event("POST", f"/f/{form_key}", fields, path_params={"form_key": form_key},
                        headers={"Origin": "https://site.example"})
    event["requestContext"]["http"]["sourceIp"] = entry["ip"]
    return invoke(public_function, event).status


def outcomes(database, client, entries: list[dict], statuses: list[int]) -> list[str]:
    """Each post's fate: limited (429), blocked (the honeypot: answered, nothing stored), quarantined or ok."""
    rows = database.sql("SELECT email, spam_status FROM lead_memory WHERE client_id = :c", c=client.client_id)
    stored = {row["email"]: row["spam_status"] for row in rows}
    return ["limited" if status == 429 else stored.get(entry["email"], "blocked")
            for entry, status in zip(entries, statuses, strict=True)]


def test_the_quarantine_catches_the_bots_and_holds_almost_no_real_lead(front_door, make_client, database):
    public_function, forms_function = front_door
    bots_client, real_client = make_client("Toitures Mesure"), make_client("Toitures Vraies")
    bots, real = bot_corpus(), real_leads()

    bot_form = new_form(forms_function, bots_client)
    bot_fates = outcomes(database, bots_client, bots, [post(public_function, bot_form, bot) for bot in bots])
    real_statuses = []
    for start in range(0, len(real), REAL_PER_FORM):
        form_key = new_form(forms_function, real_client)
        real_statuses += [post(public_function, form_key, lead) for lead in real[start:start + REAL_PER_FORM]]
    real_fates = outcomes(database, real_client, real, real_statuses)

    caught = defaultdict(Counter)
    for bot, fate in zip(bots, bot_fates, strict=True):
        caught[bot["kind"]][fate != "ok"] += 1
    held = [lead["message"][:60] for lead, fate in zip(real, real_fates, strict=True) if fate != "ok"]
    caught_share = sum(c[True] for c in caught.values()) / len(bots)
    held_share = len(held) / len(real)
    report = "\n".join([f"{'kind':<20}{'posts':>6}{'caught':>8}"]
                       + [f"{kind:<20}{sum(c.values()):>6}{c[True]:>8}" for kind, c in caught.items()]
                       + [f"spam caught: {caught_share:.1%} of {len(bots)} bot posts",
                          f"real leads wrongly held: {held_share:.2%} of {len(real)} ({held})"])
    print("\n" + report)
    assert caught_share >= GOAL_CAUGHT and held_share <= GOAL_WRONGLY_HELD, report
