"""`avenir enrich --rerun` as an operator runs it, on leads the real intake route stored
and then aged by hand to look read by an older engine: the messages and the leads' current labels
get the current engine's reading (the very one the intake gave, follow-up context included), the
histories and texts stay, a second run finds nothing, --client and --since narrow it."""
import datetime
import json
import uuid

import pytest

from shared.clients import accounts
from shared.enrichment import ENGINE_VERSION
from tests.helpers import avenir

OLD = "2026.01-lexicon-only"
LABELS = "intent, tone, urgency, confidence_score, ai_summary"


@pytest.fixture
def client(database):
    client_id, key = accounts.create_client("Toitures Reprise", f"owner-{uuid.uuid4().hex[:6]}@reprise.ca")
    return client_id, key


def deliver(api, key, email, *messages, name="Olivia Park"):
    """Each message delivered through the intake route; the lead's id."""
    for message in messages:
        response = api.post("/api/lead", {"name": name, "email": email, "message": message}, key=key)
        assert response.status in (200, 201), response.json
    return response.json["lead_id"]


def age(database, client_id):
    """Every message and lead of the client made to look read by an older, worse engine."""
    database.sql("UPDATE lead_messages SET enrichment_version = :old, intent = 'other', tone = 'Neutral', "
                 "urgency = 'Low', confidence_score = 0.1, ai_summary = 'old reading' WHERE client_id = :c",
                 old=OLD, c=client_id)
    database.sql("UPDATE lead_memory SET intent = 'other', tone = 'Neutral', urgency = 'Low', confidence_score = 0.1, "
                 "ai_summary = 'old reading' WHERE client_id = :c", c=client_id)


def messages(database, client_id):
    return database.sql(f"SELECT lead_id, message, {LABELS}, enrichment_version FROM lead_messages "
                        "WHERE client_id = :c ORDER BY lead_id, received_at, id", c=client_id)


def leads(database, client_id):
    return database.sql(f"SELECT id, {LABELS}, tone_history, urgency_history, confidence_history, message "
                        "FROM lead_memory WHERE client_id = :c ORDER BY id", c=client_id)


def rerun(*args):
    result = avenir("enrich", "--rerun", *args)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout), result.stderr.splitlines()


def test_a_rerun_gives_back_the_current_engine_s_reading_and_leaves_the_histories(api, database, client):
    client_id, key = client
    leak = deliver(api, key, "leak@gmail.com",
                   "Our roof is leaking badly since last night's storm, can someone come today?",
                   "any news?")
    deliver(api, key, "prix@videotron.ca", "Bonjour, combien pour refaire une toiture de bardeaux?", name="Luc Roy")
    read_at_intake, leads_at_intake = messages(database, client_id), leads(database, client_id)
    age(database, client_id)

    summary, progress = rerun("--client", str(client_id), "--batch", "2")

    assert summary == {"version": ENGINE_VERSION, "messages": 3, "leads": 2}
    assert progress == ["re-enriched 2 messages, 1 leads' current labels",
                        "re-enriched 3 messages, 2 leads' current labels"]
    assert messages(database, client_id) == read_at_intake
    assert [m["urgency"] for m in read_at_intake if str(m["lead_id"]) == leak] == ["High", "High"]  # with its thread
    assert leads(database, client_id) == leads_at_intake  # current labels back; histories and text untouched


def test_a_second_run_finds_nothing_to_do(api, database, client):
    client_id, key = client
    deliver(api, key, "a@gmail.com", "Need a quote for gutters")
    age(database, client_id)
    assert rerun("--client", str(client_id))[0]["messages"] == 1
    assert rerun("--client", str(client_id))[0] == {"version": ENGINE_VERSION, "messages": 0, "leads": 0}


def test_client_and_since_narrow_the_run(api, database, client):
    client_id, key = client
    other_id, other_key = accounts.create_client("Autre", f"owner-{uuid.uuid4().hex[:6]}@autre.ca")
    deliver(api, key, "old@gmail.com", "Need a quote for gutters")
    deliver(api, key, "new@gmail.com", "My furnace stopped working, can you come today?")
    deliver(api, other_key, "x@gmail.com", "Need a quote for a deck")
    age(database, client_id)
    age(database, other_id)
    database.sql("UPDATE lead_messages SET received_at = :at WHERE client_id = :c AND message LIKE 'Need a quote%'",
                 at=datetime.datetime(2026, 1, 5, tzinfo=datetime.UTC), c=client_id)

    summary, _ = rerun("--client", str(client_id), "--since", "2026-06-01")

    assert summary["messages"] == 1
    versions = {m["message"]: m["enrichment_version"] for m in messages(database, client_id)}
    assert versions == {"Need a quote for gutters": OLD,
                        "My furnace stopped working, can you come today?": ENGINE_VERSION}
    assert {m["enrichment_version"] for m in messages(database, other_id)} == {OLD}


@pytest.mark.parametrize("args, error", [
    (["--since", "last week"], "--since must be a date"),
    (["--batch", "0"], "--batch must be at least 1"),
])
def test_a_bad_argument_is_one_line_exit_2_and_writes_nothing(api, database, client, args, error):
    client_id, key = client
    deliver(api, key, "a@gmail.com", "Need a quote for gutters")
    age(database, client_id)
    result = avenir("enrich", "--rerun", *args)
    assert result.returncode == 2 and error in result.stderr and len(result.stderr.splitlines()) == 1
    assert {m["enrichment_version"] for m in messages(database, client_id)} == {OLD}


LEAK = ("Water is pouring through our kitchen ceiling, can someone come TODAY? Address is 45 Maple Crescent. "
        "Please call 514-555-0187")


def test_a_lead_is_read_in_its_clients_trade_at_intake_and_at_a_rerun(api, database, client):
    """A roofer's leak is a roof repair, today, at the address given: the client's industry_category
    steers the reading, and a rerun reads it in the same terms."""
    client_id, key = client
    assert api.request("PATCH", "/api/client", {"industry_category": "Roofing"}, key=key).status == 200
    lead_id = deliver(api, key, "leak@gmail.com", LEAK, name="Jordan Lee")
    story = api.get(f"/api/leads/{lead_id}", key=key).json
    expected = ("Jordan Lee reports a roof leak (roof repair) and wants someone today, at 45 Maple Crescent; "
                "high urgency.")
    assert story["lead"]["ai_summary"] == expected
    age(database, client_id)
    rerun("--client", str(client_id))
    assert [row["ai_summary"] for row in messages(database, client_id)] == [expected]
