"""GET /api/leads and GET /api/leads/{lead_id} over real HTTP and the Lambda handler: newest first,
every filter, paging that never repeats or skips while leads arrive, CSV bytes, a lead's every
message, action and growth event, histories capped at 100, and another client never seen."""
import csv
import io
import uuid

import pytest

from shared.clients import accounts
from tests.helpers import apigw_event, invoke, load_function

pytestmark = pytest.mark.pooled


@pytest.fixture
def owner(database):
    client_id, key = accounts.create_client("Rénovations Côté", f"owner-{uuid.uuid4().hex[:8]}@renos-cote.ca")
    return {"client_id": str(client_id), "key": key}


def post_lead(api, key, name, email, message=None, **headers):
    body = {"name": name, "email": email} | ({"message": message} if message else {})
    answer = api.post("/api/lead", body, key=key, headers=headers or None)
    assert answer.status in (200, 201), answer.json
    return answer.json["lead_id"]


def leads(api, key, **query):
    path = "/api/leads?" + "&".join(f"{k}={v}" for k, v in query.items())
    answer = api.get(path, key=key)
    assert answer.status == 200, answer.json
    return answer.json


def test_the_inbox_lists_newest_first_with_the_latest_action_and_message_count(api, owner):
    first = post_lead(api, owner["key"], "Olivia Park", "olivia@parkhomes.ca", "A quote for our roof, please.")
    second = post_lead(api, owner["key"], "Marc Roy", "marc@roy.ca", "Water is coming through the ceiling now!")
    post_lead(api, owner["key"], "Olivia Park", "OLIVIA@parkhomes.ca", "Any news about the quote?")
    api.post(f"/api/leads/{second}/tag", {"tag": "Follow-Up"}, key=owner["key"])

    page = leads(api, owner["key"])
    assert [lead["lead_id"] for lead in page["leads"]] == [second, first] and page["next_cursor"] is None
    by_id = {lead["lead_id"]: lead for lead in page["leads"]}
    assert by_id[first]["message_count"] == 2 and by_id[first]["last_action"]["action_type"] == "update"
    assert by_id[second]["last_action"] | {"timestamp": None} == {"action_type": "tag", "tag": "Follow-Up",
                                                                  "timestamp": None}
    assert by_id[second]["current_tag"] == "Follow-Up" and by_id[second]["urgency"] in ("High", "Medium", "Low")


def test_paging_never_repeats_or_skips_a_lead_while_leads_arrive(api, owner):
    created = [post_lead(api, owner["key"], f"Client {n}", f"client{n}@paging.ca") for n in range(23)]
    seen, cursor = [], None
    while True:
        page = leads(api, owner["key"], limit=5, **({"cursor": cursor} if cursor else {}))
        seen += [lead["lead_id"] for lead in page["leads"]]
        post_lead(api, owner["key"], "Newcomer", f"new-{uuid.uuid4().hex[:6]}@paging.ca")  # arrives meanwhile
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == list(reversed(created))


@pytest.mark.parametrize("query,expected", [
    ({"tag": "Converted"}, ["converted"]), ({"tag": "Deleted"}, ["deleted"]),
    ({}, ["converted", "high_fr", "quote_en"]), ({"urgency": "High"}, ["high_fr"]),
    ({"intent": "quote_request"}, ["quote_en"]), ({"language": "fr"}, ["high_fr"]),
    ({"q": "ROOF"}, ["quote_en"]), ({"q": "bouchard"}, ["high_fr"]), ({"q": "50%25"}, ["converted"]),
    ({"include_test": "true"}, ["converted", "high_fr", "quote_en", "test"]),
])
def test_each_filter_finds_exactly_its_leads(api, owner, query, expected):
    key = owner["key"]
    ids = {
        "quote_en": post_lead(api, key, "Olivia Park", "olivia@parkhomes.ca",
                              "Hello, could I get a quote to replace the roof of our bungalow? No rush."),
        "high_fr": post_lead(api, key, "Julie Bouchard", "julie@bouchard.qc.ca",
                             "Urgent! L'eau coule du plafond depuis ce matin, venez aujourd'hui svp."),
        "converted": post_lead(api, key, "Ana Silva", "ana@silva.ca", "Is the 50% deposit refundable?"),
        "deleted": post_lead(api, key, "Mark Wrong", "mark@wrong-number.biz",
                             "Sorry, wrong number, please ignore my last message."),
        "test": post_lead(api, key, "QA", "qa@example.com", "test lead"),
    }
    api.post(f"/api/leads/{ids['converted']}/tag", {"tag": "Converted"}, key=key)
    api.post(f"/api/leads/{ids['deleted']}/tag", {"tag": "Deleted"}, key=key)
    found = {lead["lead_id"] for lead in leads(api, key, **query)["leads"]}
    assert found == {ids[name] for name in expected}


def test_since_and_until_bound_the_leads_timestamp(api, owner, database):
    old = post_lead(api, owner["key"], "Old Lead", "old@lead.ca")
    new = post_lead(api, owner["key"], "New Lead", "new@lead.ca")
    database.sql("UPDATE lead_memory SET timestamp = '2026-01-15 12:00+00' WHERE id = :id", id=old)
    assert [x["lead_id"] for x in leads(api, owner["key"], until="2026-01-15")["leads"]] == [old]
    assert [x["lead_id"] for x in leads(api, owner["key"], since="2026-01-16")["leads"]] == [new]
    assert leads(api, owner["key"], since="2026-01-15T12:00:01Z", until="2026-01-15")["leads"] == []


def test_a_cursor_outside_the_documented_pattern_is_a_422(api, owner):
    answer = api.get("/api/leads?cursor=not-a-cursor", key=owner["key"])
    assert answer.status == 422 and answer.json["error"]["details"][0]["field"] == "cursor"
    assert leads(api, owner["key"], cursor="0." + "0" * 32)["leads"] == []  # before every lead: nothing


def test_csv_is_utf8_with_a_bom_header_first_every_match_and_formulas_quoted(api, owner, server):
    import urllib.request

    post_lead(api, owner["key"], "Élodie Côté", "elodie@cote.ca", "Soumission pour la toiture, merci.")
    post_lead(api, owner["key"], "=HYPERLINK(\"http://evil\")", "evil@cote.ca", "+1 555")
    request = urllib.request.Request(f"{server}/api/leads?limit=1", headers={"x-api-key": owner["key"],
                                                                              "Accept": "text/csv"})
    with urllib.request.urlopen(request) as answer:
        data, content_type = answer.read(), answer.headers["Content-Type"]
    assert content_type.startswith("text/csv") and data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][:3] == ["lead_id", "name", "email"] and len(rows) == 3  # limit pages; CSV takes every match
    names = {row[1] for row in rows[1:]}
    assert names == {"Élodie Côté", "'=HYPERLINK(\"http://evil\")"}


def test_csv_streams_in_batches(api, owner, monkeypatch):
    from shared.leads import inbox

    monkeypatch.setattr(inbox, "CSV_BATCH", 2)
    made = [post_lead(api, owner["key"], f"Lead {n}", f"lead{n}@batch.ca") for n in range(5)]
    chunks = list(inbox.csv_file(accounts.by_id(uuid.UUID(owner["client_id"])), inbox.InboxQuery()))
    assert len(chunks) == 1 + 3  # the header, then three batches of at most two
    ids = [row[0] for row in csv.reader(io.StringIO(b"".join(chunks).decode("utf-8-sig")))][1:]
    assert ids == list(reversed(made))


def test_a_leads_story_keeps_every_message_action_and_growth_event(api, owner):
    key = owner["key"]
    lead_id = post_lead(api, key, "Olivia Park", "olivia@parkhomes.ca", "Our roof is leaking since last night!",
                        **{"Idempotency-Key": "form-1"})
    post_lead(api, key, "Olivia Park", "olivia@parkhomes.ca", "Our roof is leaking since last night!",
              **{"Idempotency-Key": "form-1"})  # a replay: no new message
    post_lead(api, key, "Olivia Park", "olivia@parkhomes.ca", "Water is now coming through the ceiling!")
    api.post(f"/api/leads/{lead_id}/tag", {"tag": "Converted", "conversion_value": 4200}, key=key)
    api.post(f"/api/leads/{lead_id}/revert", {"reason": "Insurance refused"}, key=key)

    story = api.get(f"/api/leads/{lead_id}", key=key)
    assert story.status == 200
    assert [m["message"] for m in story.json["messages"]] == [
        "Our roof is leaking since last night!", "Water is now coming through the ceiling!"]
    assert all(m["intent"] and m["urgency"] and m["enrichment_version"] for m in story.json["messages"])
    assert [a["action_type"] for a in story.json["actions"]] == ["insert", "update", "tag", "revert"]
    assert story.json["actions"][-1]["reversion_reason"] == "Insurance refused"
    assert [g["event_type"] for g in story.json["growth_events"]] == ["conversion", "reversion"]
    assert story.json["growth_events"][0]["learning_snapshot"]["conversion_value"] == 4200
    assert story.json["lead"]["id"] == lead_id and "client_id" not in story.json["lead"]
    assert story.json["lead"]["message"] == "Water is now coming through the ceiling!"
    # the first message's reply, cancelled when the lead converted; the second's, skipped: one was waiting
    assert [(r["status"], r["last_error"]) for r in story.json["replies"]] == [
        ("cancelled", "lead tagged Converted"), ("skipped", "recent_reply")]


def test_a_leads_story_through_the_lambda_handler_matches_http(api, owner):
    lead_id = post_lead(api, owner["key"], "Marc Roy", "marc@roy.ca", "Bonjour, une soumission svp.")
    function = load_function("lead_inbox")
    by_lambda = invoke(function, apigw_event("GET", f"/api/leads/{lead_id}", key=owner["key"],
                                             path_params={"lead_id": lead_id}))
    assert by_lambda.status == 200 and by_lambda.json == api.get(f"/api/leads/{lead_id}", key=owner["key"]).json
    page = invoke(function, apigw_event("GET", "/api/leads", key=owner["key"], query={"limit": "1"}))
    assert page.json == leads(api, owner["key"], limit=1)


def test_histories_keep_their_latest_100_entries_and_the_log_every_message(api, owner, database):
    for n in range(103):
        post_lead(api, owner["key"], "Chatty", "chatty@many.ca", f"Message number {n}")
    row = database.one("SELECT jsonb_array_length(tone_history) AS tones, jsonb_array_length(urgency_history) AS u, "
                       "jsonb_array_length(confidence_history) AS c, id FROM lead_memory "
                       "WHERE email = 'chatty@many.ca'")
    assert (row["tones"], row["u"], row["c"]) == (100, 100, 100)
    assert database.scalar("SELECT count(*) FROM lead_messages WHERE lead_id = :id", id=row["id"]) == 103


def test_another_clients_leads_are_never_seen(api, owner):
    _, other_key = accounts.create_client("Plomberie Roy", f"roy-{uuid.uuid4().hex[:6]}@plomberie-roy.ca")
    theirs = post_lead(api, other_key, "Their Lead", "theirs@roy.ca", "secret plumbing")
    assert leads(api, owner["key"], q="plumbing")["leads"] == []
    assert api.get(f"/api/leads/{theirs}", key=owner["key"]).status == 404
    assert api.get("/api/leads/not-a-uuid", key=owner["key"]).status == 404
