"""POST /api/lead end to end: the same requests over real HTTP (functions-framework behind
`avenir serve`'s app) and through the Lambda handler with API Gateway v2 events (plain and
base64 bodies), checked against the rows they leave in PostgreSQL."""
import os
import threading
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from infra.pgcluster import free_port
from shared.clients import accounts
from shared.enrichment import Enrichment, relationship_insight
from shared.leads import intake
from shared.platform import db
from tests.helpers import ClientKey, apigw_event, invoke, load_function

PATH = "/api/lead"
QUOTE = ("Hi, I'd like a quote for repainting three bedrooms in our condo in Verdun sometime next month. "
         "No rush, we are flexible.")
LEAK = ("Water is pouring through our kitchen ceiling right now! We need someone today, it is an emergency. "
        "Please call me back ASAP.")
SOUMISSION = "Bonjour, j'aimerais recevoir une soumission pour refaire la toiture de notre duplex à Rosemont."


@dataclass
class Sender:
    """One way in: "http" (a real port), "lambda" or "lambda-base64" (the handler, v2 events)."""

    runtime: str
    api: object = None
    function: object = None

    def send(self, method="POST", path=PATH, body=None, key=None, headers=None, raw=None,
             content_type="application/json"):
        if self.runtime == "http":
            return self.api.request(method, path, body, key=key, headers=headers, raw=raw,
                                    content_type=content_type)
        event = apigw_event(method, path, body=body, key=key, headers=headers, raw=raw,
                            base64_body=self.runtime == "lambda-base64", content_type=content_type)
        return invoke(self.function, event)

    def post(self, body=None, **kwargs):
        return self.send("POST", PATH, body, **kwargs)


@pytest.fixture(scope="module")
def function():
    return load_function("lead_intake")


@pytest.fixture(params=["http", "lambda", "lambda-base64"])
def sender(request, function) -> Sender:
    if request.param == "http":
        return Sender("http", api=request.getfixturevalue("api"))
    return Sender(request.param, function=function)


def _client(business_name: str, email: str) -> ClientKey:
    return ClientKey(*accounts.create_client(business_name, email.replace("@", f"+{uuid.uuid4().hex[:6]}@")))


# One client per role for the whole module (a bcrypt hash per client is the slow part of a test);
# each test writes under its own fresh emails and keys, and reads back only those.
@pytest.fixture(scope="module")
def client(database) -> ClientKey:
    return _client("Rénovations Tremblay", "owner@renovations-tremblay.ca")


@pytest.fixture(scope="module")
def other_client(database) -> ClientKey:
    return _client("Plomberie Gagnon", "owner@plomberie-gagnon.ca")


@pytest.fixture(scope="module")
def a_test_client(database) -> ClientKey:
    return _client("QA Renovations", "qa-test@renovations-tremblay.ca")


def new_email(local="client") -> str:
    return f"{local}.{uuid.uuid4().hex[:8]}@gmail.com"


def new_key() -> str:
    return f"zap-{uuid.uuid4().hex}"


def leads_of(database, client, email) -> list[dict]:
    return database.sql("SELECT * FROM lead_memory WHERE client_id = :c AND lower(email) = lower(:e) "
                        "ORDER BY timestamp", c=client.client_id, e=email)


def actions_of(database, client, email) -> list[dict]:
    return database.sql("""SELECT a.* FROM lead_actions a JOIN lead_memory l ON l.id = a.lead_id
                           WHERE a.client_id = :c AND lower(l.email) = lower(:e)
                           ORDER BY a.timestamp""", c=client.client_id, e=email)


def keys_of(database, client, *keys) -> list[dict]:
    return database.sql("SELECT * FROM idempotency_keys WHERE client_id = :c AND idempotency_key = ANY(:k)",
                        c=client.client_id, k=list(keys))


def rows_written(database, client, email, *keys) -> tuple[int, int, int]:
    """(leads, actions, idempotency keys) stored for this email and these keys."""
    return (len(leads_of(database, client, email)), len(actions_of(database, client, email)),
            len(keys_of(database, client, *keys)) if keys else 0)


def table_sizes(database) -> tuple[int, int, int]:
    row = database.one("SELECT (SELECT count(*) FROM lead_memory) AS leads, (SELECT count(*) FROM lead_actions) "
                       "AS actions, (SELECT count(*) FROM idempotency_keys) AS idempotency_keys")
    return row["leads"], row["actions"], row["idempotency_keys"]


def assert_history(entries: list, values: list) -> None:
    assert [entry["value"] for entry in entries] == values
    stamps = [datetime.fromisoformat(entry["timestamp"]) for entry in entries]
    assert all(stamp.tzinfo is not None for stamp in stamps) and stamps == sorted(stamps)


# --- insert, update, dedupe ---------------------------------------------------------------------

def test_a_new_email_inserts_an_active_lead_with_its_first_history_entries(sender, client, database):
    email = new_email()
    response = sender.post({"name": "Olivia Park", "email": email, "message": QUOTE}, key=client.api_key)

    assert response.status == 201
    body = response.json
    assert set(body) == {"lead_id", "action", "is_test", "enrichment"}
    assert body["action"] == "insert" and body["is_test"] is False
    enrichment = body["enrichment"]
    assert set(enrichment) == {"language", "intent", "tone", "urgency", "confidence_score", "ai_summary"}
    assert enrichment["language"] == "en" and enrichment["intent"] == "quote_request"
    assert 0 <= enrichment["confidence_score"] <= 1 and enrichment["ai_summary"]

    [lead] = leads_of(database, client, email)
    assert str(lead["id"]) == body["lead_id"]
    assert (lead["email"], lead["name"], lead["message"]) == (email, "Olivia Park", QUOTE)
    assert (lead["current_tag"], lead["archived"], lead["deleted"], lead["is_test"]) == ("Active", False, False, False)
    assert {k: lead[k] for k in ("language", "intent", "tone", "urgency", "ai_summary")} == \
        {k: enrichment[k] for k in ("language", "intent", "tone", "urgency", "ai_summary")}
    assert float(lead["confidence_score"]) == enrichment["confidence_score"]
    assert_history(lead["tone_history"], [enrichment["tone"]])
    assert_history(lead["urgency_history"], [enrichment["urgency"]])
    assert_history(lead["confidence_history"], [enrichment["confidence_score"]])
    assert lead["relationship_insight"] is None
    assert lead["last_updated"] == lead["timestamp"]
    [action] = actions_of(database, client, email)
    assert (action["lead_id"], action["action_type"], action["tag"], action["is_test"]) == \
        (lead["id"], "insert", "Active", False)
    assert action["timestamp"] == lead["timestamp"]


def test_the_same_email_again_updates_the_lead_and_appends_to_its_history(sender, client, database):
    email = new_email()
    first = sender.post({"name": "David Chen", "email": email, "message": QUOTE}, key=client.api_key)
    second = sender.post({"name": "David Chen", "email": email, "message": LEAK}, key=client.api_key)

    assert (first.status, second.status) == (201, 200)
    assert second.json["lead_id"] == first.json["lead_id"] and second.json["action"] == "update"
    before, after = first.json["enrichment"], second.json["enrichment"]
    assert (before["urgency"], after["urgency"]) == ("Low", "High")

    [lead] = leads_of(database, client, email)
    assert lead["message"] == LEAK and lead["urgency"] == "High" and lead["tone"] == after["tone"]
    assert_history(lead["tone_history"], [before["tone"], after["tone"]])
    assert_history(lead["urgency_history"], ["Low", "High"])
    assert_history(lead["confidence_history"], [before["confidence_score"], after["confidence_score"]])
    assert lead["relationship_insight"] == relationship_insight(before, Enrichment(**after))
    assert lead["last_updated"] > lead["timestamp"]
    assert lead["last_updated"] == datetime.fromisoformat(lead["urgency_history"][-1]["timestamp"])
    actions = actions_of(database, client, email)
    assert [(a["action_type"], a["tag"]) for a in actions] == [("insert", "Active"), ("update", "Active")]
    assert all(a["lead_id"] == lead["id"] for a in actions)
    assert actions[-1]["timestamp"] == lead["last_updated"]


def test_the_same_email_in_another_case_updates_the_same_lead(sender, client, database):
    local = f"Marie.Tremblay.{uuid.uuid4().hex[:6]}"
    first = sender.post({"name": "Marie Tremblay", "email": f"{local}@Videotron.ca", "message": SOUMISSION},
                        key=client.api_key)
    second = sender.post({"name": "Marie Tremblay", "email": f"{local.upper()}@VIDEOTRON.CA"}, key=client.api_key)

    assert (first.status, second.status) == (201, 200)
    assert second.json["lead_id"] == first.json["lead_id"]
    assert rows_written(database, client, f"{local}@videotron.ca") == (1, 2, 0)


def test_a_deleted_lead_is_not_revived_a_new_lead_is_inserted(sender, client, database):
    email = new_email()
    first = sender.post({"name": "Olivia Park", "email": email}, key=client.api_key)
    database.sql("UPDATE lead_memory SET deleted = true, current_tag = 'Deleted' WHERE id = :id",
                 id=uuid.UUID(first.json["lead_id"]))

    second = sender.post({"name": "Olivia Park", "email": email, "message": QUOTE}, key=client.api_key)

    assert second.status == 201 and second.json["action"] == "insert"
    assert second.json["lead_id"] != first.json["lead_id"]


def test_an_archived_lead_is_updated_and_keeps_its_tag(sender, client, database):
    email = new_email()
    first = sender.post({"name": "Olivia Park", "email": email}, key=client.api_key)
    database.sql("UPDATE lead_memory SET archived = true, current_tag = 'Archived' WHERE id = :id",
                 id=uuid.UUID(first.json["lead_id"]))

    second = sender.post({"name": "Olivia Park", "email": email, "message": QUOTE}, key=client.api_key)

    assert second.status == 200 and second.json["lead_id"] == first.json["lead_id"]
    [lead] = leads_of(database, client, email)
    assert (lead["current_tag"], lead["archived"]) == ("Archived", True)


def test_the_same_email_at_another_client_is_that_clients_own_lead(sender, client, other_client, database):
    email = new_email()
    mine = sender.post({"name": "Olivia Park", "email": email}, key=client.api_key)
    theirs = sender.post({"name": "Olivia Park", "email": email}, key=other_client.api_key)

    assert (mine.status, theirs.status) == (201, 201)
    assert mine.json["lead_id"] != theirs.json["lead_id"]
    assert rows_written(database, client, email) == rows_written(database, other_client, email) == (1, 1, 0)


def test_the_language_sent_is_kept_and_unknown_fields_are_ignored(sender, client, database):
    email = new_email()
    response = sender.post({"name": "  Jean Roy  ", "email": email, "message": QUOTE, "language": "fr",
                            "source": "website", "utm": {"campaign": "fall"}}, key=client.api_key)

    assert response.status == 201 and response.json["enrichment"]["language"] == "fr"
    [lead] = leads_of(database, client, email)
    assert (lead["name"], lead["language"]) == ("Jean Roy", "fr")


def test_a_french_message_is_detected_as_french(sender, client):
    response = sender.post({"name": "Marc Gagnon", "email": new_email(), "message": SOUMISSION},
                           key=client.api_key)

    assert response.status == 201 and response.json["enrichment"]["language"] == "fr"


def test_a_lead_stored_without_enrichment_is_updated_and_starts_its_history(sender, client, database):
    email = new_email()
    [imported] = database.sql("""INSERT INTO lead_memory (client_id, email, name, tone_history, urgency_history,
                                                         confidence_history)
                                 VALUES (CAST(:c AS uuid), :e, 'Imported Lead', NULL, NULL, NULL) RETURNING id""",
                              c=client.client_id, e=email)

    response = sender.post({"name": "Olivia Park", "email": email, "message": LEAK}, key=client.api_key)

    assert response.status == 200 and response.json["lead_id"] == str(imported["id"])
    [lead] = leads_of(database, client, email)
    assert_history(lead["urgency_history"], [response.json["enrichment"]["urgency"]])
    assert len(lead["tone_history"]) == len(lead["confidence_history"]) == 1
    assert lead["relationship_insight"]


def update_while_the_row_is_held(api, client, database, email, holder, then):
    """Send an update of `email`'s lead while `holder` (an open transaction) holds its row; once
    the update is seen waiting for that lock, run `then(holder)`, commit, and return the answer."""
    result = {}
    sender = threading.Thread(target=lambda: result.update(response=api.post(
        PATH, {"name": "Olivia Park", "email": email, "message": QUOTE}, key=client.api_key)))
    sender.start()
    while not database.scalar("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                              "AND wait_event_type = 'Lock' AND query LIKE '%lead_memory%'"):
        assert sender.is_alive(), "the delivery finished without waiting for the held lead's row"
        threading.Event().wait(0.01)
    then(holder)
    holder.run("COMMIT")
    sender.join(30)
    return result["response"]


def test_a_lead_deleted_while_its_update_waits_gets_a_new_lead_instead(api, client, database):
    email = new_email()
    first = api.post(PATH, {"name": "Olivia Park", "email": email}, key=client.api_key)
    deleting = database.connect()
    try:
        deleting.run("BEGIN")
        deleting.run("UPDATE lead_memory SET deleted = true, current_tag = 'Deleted' WHERE id = :id",
                     id=uuid.UUID(first.json["lead_id"]))
        response = update_while_the_row_is_held(api, client, database, email, deleting, then=lambda conn: None)
    finally:
        deleting.close()

    assert response.status == 201 and response.json["action"] == "insert"
    assert response.json["lead_id"] != first.json["lead_id"]
    assert [(lead["deleted"], len(lead["urgency_history"])) for lead in leads_of(database, client, email)] == \
        [(True, 1), (False, 1)]


def test_an_update_waiting_behind_a_tag_change_is_stamped_after_it(api, client, database):
    """The seed's dashboard reads "the latest action by timestamp": an update that committed after a
    tag change must carry a later timestamp, and its action the lead's tag."""
    email = new_email()
    first = api.post(PATH, {"name": "Olivia Park", "email": email}, key=client.api_key)
    lead_id = uuid.UUID(first.json["lead_id"])

    def tag_follow_up(conn):
        conn.run("UPDATE lead_memory SET current_tag = 'Follow-Up' WHERE id = :id", id=lead_id)
        conn.run("INSERT INTO lead_actions (lead_id, client_id, action_type, tag, timestamp) "
                 "VALUES (:id, :c, 'tag', 'Follow-Up', clock_timestamp())", id=lead_id, c=client.client_id)

    tagging = database.connect()
    try:
        tagging.run("BEGIN")
        tagging.run("SELECT id FROM lead_memory WHERE id = :id FOR UPDATE", id=lead_id)
        response = update_while_the_row_is_held(api, client, database, email, tagging, then=tag_follow_up)
    finally:
        tagging.close()

    assert response.status == 200
    actions = actions_of(database, client, email)
    assert [(a["action_type"], a["tag"]) for a in actions] == \
        [("insert", "Active"), ("tag", "Follow-Up"), ("update", "Follow-Up")]
    latest = database.one("""SELECT lm.current_tag, la.tag FROM lead_memory lm
                             LEFT JOIN LATERAL (SELECT tag FROM lead_actions WHERE lead_id = lm.id
                                                ORDER BY timestamp DESC LIMIT 1) la ON true
                             WHERE lm.id = :id""", id=lead_id)
    assert latest == {"current_tag": "Follow-Up", "tag": "Follow-Up"}


def test_the_dedupe_lookup_reads_an_index_under_row_level_security(other_client, database):
    database.sql("""INSERT INTO lead_memory (client_id, email, name)
                    SELECT CAST(:c AS uuid), 'Bulk.' || n || '@Gmail.com', 'Bulk Lead'
                    FROM generate_series(1, 3000) AS n""",
                 c=other_client.client_id)
    database.sql("ANALYZE lead_memory")

    with db.transaction(client_id=other_client.client_id) as conn:
        plan = "\n".join(row[0] for row in conn.run(
            "EXPLAIN " + intake.Q.lookup, client_id=other_client.client_id, email="bulk.1234@gmail.com",
            route=intake.ROUTE, idempotency_key=None))

    assert "idx_lead_memory_client_email_ci" in plan and "Seq Scan on lead_memory" not in plan


# --- is_test --------------------------------------------------------------------------------------

@pytest.mark.parametrize("by_test_client, lead_email, expected", [
    (False, "olivia.park@gmail.com", False),
    (False, "QA.Tester@gmail.com", True),
    (False, "olivia@EXAMPLE.COM", True),
    (False, "olivia@mail.example.com", True),
    (False, "olivia@example.com.au", False),
    (True, "olivia.park@gmail.com", True),
])
def test_is_test_follows_the_client_and_the_lead_email(sender, client, a_test_client, database, by_test_client,
                                                       lead_email, expected):
    owner = a_test_client if by_test_client else client
    email = lead_email.replace("@", f"+{uuid.uuid4().hex[:6]}@")
    response = sender.post({"name": "Olivia Park", "email": email}, key=owner.api_key)

    assert response.status == 201 and response.json["is_test"] is expected
    [lead], [action] = leads_of(database, owner, email), actions_of(database, owner, email)
    assert lead["is_test"] is expected and action["is_test"] is expected


def test_an_update_of_a_test_lead_is_logged_as_test(sender, client, database):
    email = new_email("tester")
    sender.post({"name": "Olivia Park", "email": email}, key=client.api_key)
    response = sender.post({"name": "Olivia Park", "email": email, "message": QUOTE}, key=client.api_key)

    assert response.status == 200 and response.json["is_test"] is True
    assert [a["is_test"] for a in actions_of(database, client, email)] == [True, True]


# --- Idempotency-Key ------------------------------------------------------------------------------

def test_a_repeated_idempotency_key_replays_the_first_response_and_writes_nothing(sender, client, database):
    email, key = new_email(), new_key()
    body = {"name": "Olivia Park", "email": email, "message": QUOTE}
    first = sender.post(body, key=client.api_key, headers={"Idempotency-Key": key})
    again = sender.post(body, key=client.api_key, headers={"Idempotency-Key": key})

    assert (again.status, again.json) == (first.status, first.json) == (201, first.json)
    assert again.headers.get("Idempotent-Replayed") == "true" and "Idempotent-Replayed" not in first.headers
    assert rows_written(database, client, email, key) == (1, 1, 1)


def test_a_replay_is_the_first_response_even_after_the_lead_changed(sender, client, database):
    email, key, other_key = new_email(), new_key(), new_key()
    body = {"name": "Olivia Park", "email": email, "message": QUOTE}
    first = sender.post(body, key=client.api_key, headers={"Idempotency-Key": key})
    update = sender.post({**body, "message": LEAK}, key=client.api_key, headers={"Idempotency-Key": other_key})
    again = sender.post(body, key=client.api_key, headers={"Idempotency-Key": key})

    assert (first.status, update.status) == (201, 200)
    assert (again.status, again.json) == (201, first.json)
    assert rows_written(database, client, email, key, other_key) == (1, 2, 2)


def test_the_same_body_spelled_differently_is_the_same_delivery(sender, client, database):
    email, key = new_email(), new_key()
    first = sender.post({"name": "Olivia Park", "email": email}, key=client.api_key,
                        headers={"Idempotency-Key": key})
    again = sender.post(raw=f'{{ "email" : "{email}",\n  "name": "Olivia Park" }}'.encode(), key=client.api_key,
                        headers={"Idempotency-Key": key})

    assert (again.status, again.json) == (201, first.json)
    assert rows_written(database, client, email, key) == (1, 1, 1)


def test_the_same_key_with_another_body_is_refused_and_writes_nothing(sender, client, database):
    email, key = new_email(), new_key()
    sender.post({"name": "Olivia Park", "email": email}, key=client.api_key, headers={"Idempotency-Key": key})
    reused = sender.post({"name": "Olivia Park", "email": email, "message": LEAK}, key=client.api_key,
                         headers={"Idempotency-Key": key})

    assert reused.status == 422 and reused.json["error"]["code"] == "idempotency_key_reuse"
    assert rows_written(database, client, email, key) == (1, 1, 1)
    [lead] = leads_of(database, client, email)
    assert lead["message"] is None


def test_a_key_is_the_clients_own(sender, client, other_client, database):
    email, key = new_email(), new_key()
    mine = sender.post({"name": "Olivia Park", "email": email}, key=client.api_key,
                       headers={"Idempotency-Key": key})
    theirs = sender.post({"name": "Olivia Park", "email": email, "message": QUOTE}, key=other_client.api_key,
                         headers={"Idempotency-Key": key})

    assert (mine.status, theirs.status) == (201, 201) and mine.json["lead_id"] != theirs.json["lead_id"]


def test_a_key_older_than_24_hours_is_a_new_delivery(sender, client, database):
    email, key = new_email(), new_key()
    body = {"name": "Olivia Park", "email": email}
    first = sender.post(body, key=client.api_key, headers={"Idempotency-Key": key})
    database.sql("UPDATE idempotency_keys SET created_at = now() - interval '25 hours' "
                 "WHERE client_id = :c AND idempotency_key = :k", c=client.client_id, k=key)

    later = sender.post({**body, "message": QUOTE}, key=client.api_key, headers={"Idempotency-Key": key})

    assert (first.status, later.status) == (201, 200) and later.json["action"] == "update"
    [stored] = keys_of(database, client, key)
    assert stored["response_status"] == 200 and stored["response_body"] == later.json
    assert stored["created_at"] > datetime.now(UTC) - timedelta(hours=1)


def test_a_keyed_delivery_purges_expired_keys(sender, client, database):
    stale, recent, fresh = [new_key() for _ in range(5)], new_key(), new_key()
    database.sql("""INSERT INTO idempotency_keys (client_id, route, idempotency_key, request_hash,
                                                  response_status, response_body, created_at)
                    SELECT CAST(:c AS uuid), 'POST /api/lead', k, repeat('0', 64), 201, CAST('{}' AS json),
                           now() - interval '24 hours' - n * interval '1 minute'
                    FROM unnest(CAST(:stale AS text[])) WITH ORDINALITY AS s(k, n)
                    UNION ALL
                    SELECT CAST(:c AS uuid), 'POST /api/lead', :recent, repeat('0', 64), 201, CAST('{}' AS json),
                           now() - interval '23 hours'
                 """, c=client.client_id, stale=stale, recent=recent)

    sender.post({"name": "Olivia Park", "email": new_email()}, key=client.api_key,
                headers={"Idempotency-Key": fresh})

    assert {row["idempotency_key"] for row in keys_of(database, client, *stale, recent, fresh)} == {recent, fresh}


def test_a_delivery_purges_only_its_own_clients_expired_keys(client, other_client, database, function):
    theirs = new_key()
    database.sql("""INSERT INTO idempotency_keys (client_id, route, idempotency_key, request_hash,
                                                  response_status, response_body, created_at)
                    VALUES (CAST(:c AS uuid), 'POST /api/lead', :k, repeat('0', 64), 201, CAST('{}' AS json),
                            now() - interval '30 hours')""", c=other_client.client_id, k=theirs)

    invoke(function, apigw_event("POST", PATH, {"name": "Olivia Park", "email": new_email()}, key=client.api_key,
                                 headers={"Idempotency-Key": new_key()}))

    assert len(keys_of(database, other_client, theirs)) == 1


def test_a_clients_transaction_sees_only_its_own_idempotency_keys(client, other_client, function):
    mine, theirs = new_key(), new_key()
    for owner, key in ((client, mine), (other_client, theirs)):
        invoke(function, apigw_event("POST", PATH, {"name": "Olivia Park", "email": new_email()},
                                     key=owner.api_key, headers={"Idempotency-Key": key}))

    with db.transaction(client_id=client.client_id) as conn:
        visible = {row[0] for row in conn.run("SELECT idempotency_key FROM idempotency_keys")}
    assert mine in visible and theirs not in visible


def test_a_keyed_body_with_any_unicode_in_an_ignored_field_is_stored_and_replayed(sender, client, database):
    email, key = new_email(), new_key()
    raw = f'{{"name": "Élodie Côté", "email": "{email}", "note": "\\ud800 \\u0000 😀"}}'.encode()
    first = sender.post(raw=raw, key=client.api_key, headers={"Idempotency-Key": key})
    again = sender.post(raw=raw, key=client.api_key, headers={"Idempotency-Key": key})

    assert (first.status, again.status) == (201, 201) and again.json == first.json
    assert rows_written(database, client, email, key) == (1, 1, 1)


@pytest.mark.parametrize("idempotency_key", ["k" * 201, "x" * 500])
def test_an_idempotency_key_longer_than_200_characters_is_a_validation_error(sender, client, database,
                                                                             idempotency_key):
    before = table_sizes(database)
    response = sender.post({"name": "Olivia Park", "email": new_email()}, key=client.api_key,
                           headers={"Idempotency-Key": idempotency_key})

    assert response.status == 422 and response.json["error"]["code"] == "validation_error"
    assert [d["field"] for d in response.json["error"]["details"]] == ["Idempotency-Key"]
    assert table_sizes(database) == before


def test_a_200_character_idempotency_key_is_accepted(sender, client, database):
    email, key = new_email(), new_key().ljust(200, "k")
    response = sender.post({"name": "Olivia Park", "email": email}, key=client.api_key,
                           headers={"Idempotency-Key": key})

    assert response.status == 201 and rows_written(database, client, email, key) == (1, 1, 1)


@pytest.mark.parametrize("idempotency_key", ["", "zap\x00", "zap\n1", "\ud800"],
                         ids=["empty", "nul", "newline", "lone-surrogate"])
def test_an_empty_or_unprintable_idempotency_key_is_a_validation_error(function, client, database,
                                                                       idempotency_key):
    before = table_sizes(database)
    event = apigw_event("POST", PATH, {"name": "Olivia Park", "email": new_email()}, key=client.api_key,
                        headers={"Idempotency-Key": idempotency_key})
    response = invoke(function, event)

    assert response.status == 422 and response.json["error"]["details"][0]["field"] == "Idempotency-Key"
    assert table_sizes(database) == before


# --- every bad input: its status and code, and nothing written ------------------------------------

def test_authorization_bearer_is_accepted_like_x_api_key(sender, client):
    response = sender.post({"name": "Olivia Park", "email": new_email()},
                           headers={"Authorization": f"Bearer {client.api_key}"})

    assert response.status == 201


@pytest.mark.parametrize("headers", [{}, {"x-api-key": "avk_00000000_not-a-key"},
                                     {"Authorization": "Bearer avk_00000000_not-a-key"},
                                     {"Authorization": "Basic dXNlcjpwYXNz"},
                                     {"x-api-key": "internal-api-key-placeholder"}])
def test_a_missing_or_unknown_api_key_is_401(sender, database, headers):
    before = table_sizes(database)
    response = sender.post({"name": "Olivia Park", "email": new_email()}, headers=headers)

    assert response.status == 401 and response.json["error"]["code"] == "unauthorized"
    assert table_sizes(database) == before


@pytest.mark.parametrize("raw, content_type, status, code", [
    (b'{"name": "Olivia Park", "email": ', "application/json", 400, "invalid_json"),
    (b"", "application/json", 400, "invalid_json"),
    (b'["Olivia Park", "olivia@gmail.com"]', "application/json", 400, "invalid_json"),
    (b'"olivia@gmail.com"', "application/json", 400, "invalid_json"),
    (b"null", "application/json", 400, "invalid_json"),
    (b"name=Olivia+Park&email=olivia%40gmail.com", "application/x-www-form-urlencoded", 415,
     "unsupported_media_type"),
    (b'{"name": "Olivia Park", "email": "olivia@gmail.com"}', "text/plain", 415, "unsupported_media_type"),
    (b'{"name": "Olivia Park", "email": "olivia@gmail.com", "message": "' + b"x" * (64 * 1024) + b'"}',
     "application/json", 413, "payload_too_large"),
], ids=["truncated", "empty", "array", "string", "null", "form", "text-plain", "over-64-kib"])
def test_a_body_that_is_not_a_json_object_is_refused(sender, client, database, raw, content_type, status, code):
    before = table_sizes(database)
    response = sender.post(raw=raw, content_type=content_type, key=client.api_key)

    assert response.status == status and response.json["error"]["code"] == code
    assert response.json["error"]["message"]
    assert table_sizes(database) == before


def test_a_body_of_exactly_64_kib_is_read(sender, client):
    prefix = b'{"name": "Olivia Park", "email": "' + new_email().encode() + b'", "padding": "'
    raw = prefix + b"x" * (64 * 1024 - len(prefix) - 2) + b'"}'
    assert len(raw) == 64 * 1024

    response = sender.post(raw=raw, key=client.api_key)

    assert response.status == 201


@pytest.mark.parametrize("body, fields", [
    ({}, ["name", "email"]),
    ({"name": "   ", "email": "olivia@gmail.com"}, ["name"]),
    ({"name": "O" * 201, "email": "olivia@gmail.com"}, ["name"]),
    ({"name": 42, "email": "olivia@gmail.com"}, ["name"]),
    ({"name": "Olivia Park", "email": "olivia-at-gmail.com"}, ["email"]),
    ({"name": "Olivia Park", "email": "olivia@gmail"}, ["email"]),
    ({"name": "Olivia Park", "email": None}, ["email"]),
    ({"name": "Olivia Park", "email": "olivia@gmail.com", "message": "m" * 5001}, ["message"]),
    ({"name": "Olivia Park", "email": "olivia@gmail.com", "message": ["hi"]}, ["message"]),
    ({"name": "Olivia Park", "email": "olivia@gmail.com", "language": "de"}, ["language"]),
    ({"name": "Olivia\x00Park", "email": "olivia@gmail.com"}, ["name"]),
    ({"name": "Olivia Park", "email": "olivia@gmail.com", "message": "Hello\x00"}, ["message"]),
    ({"name": "", "email": "nope", "message": "m" * 5001, "language": "EN"}, ["name", "email", "message", "language"]),
], ids=["empty-object", "blank-name", "long-name", "number-name", "no-at", "no-dot", "null-email",
        "long-message", "list-message", "language-de", "nul-in-name", "nul-in-message", "all-four"])
def test_a_body_breaking_the_rules_is_422_naming_each_field(sender, client, database, body, fields):
    before = table_sizes(database)
    response = sender.post(body, key=client.api_key)

    assert response.status == 422 and response.json["error"]["code"] == "validation_error"
    assert sorted(d["field"] for d in response.json["error"]["details"]) == sorted(fields)
    assert all(d["message"] for d in response.json["error"]["details"])
    assert table_sizes(database) == before


def test_the_longest_allowed_fields_are_accepted(sender, client, database):
    email = new_email()
    response = sender.post({"name": "N" * 200, "email": email, "message": "m" * 5000, "language": "en"},
                           key=client.api_key)

    assert response.status == 201
    [lead] = leads_of(database, client, email)
    assert len(lead["name"]) == 200 and len(lead["message"]) == 5000


def test_get_on_the_intake_route_is_405(sender, client, database):
    before = table_sizes(database)
    response = sender.send("GET", PATH, key=client.api_key, content_type=None)

    assert response.status == 405 and response.json["error"]["code"] == "method_not_allowed"
    assert table_sizes(database) == before


def test_the_handler_answers_404_for_a_path_it_does_not_serve(function, client):
    response = invoke(function, apigw_event("POST", "/api/leads", {"name": "Olivia Park",
                                                                   "email": new_email()}, key=client.api_key))

    assert response.status == 404 and response.json["error"]["code"] == "not_found"


def test_an_unreachable_database_is_503_with_retry_after(sender, client):
    os.environ["DATABASE_URL"] = f"postgresql://postgres@127.0.0.1:{free_port()}/nowhere"

    response = sender.post({"name": "Olivia Park", "email": new_email()}, key=client.api_key)

    assert response.status == 503 and response.json["error"]["code"] == "unavailable"
    assert int(response.headers["Retry-After"]) > 0


# --- concurrency ----------------------------------------------------------------------------------

def send_at_once(count: int, send) -> list:
    """`count` threads released together, each calling send(i); their results in thread order."""
    barrier, results = threading.Barrier(count), [None] * count

    def run(i):
        barrier.wait()
        results[i] = send(i)
    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def test_eight_concurrent_first_deliveries_of_one_email_make_one_lead(api, client, database):
    email = new_email()
    responses = send_at_once(8, lambda i: api.post(PATH, {"name": "Olivia Park", "email": email.upper(),
                                                          "message": QUOTE}, key=client.api_key))

    assert sorted(r.status for r in responses) == [200] * 7 + [201]
    assert len({r.json["lead_id"] for r in responses}) == 1
    [lead] = leads_of(database, client, email)
    actions = actions_of(database, client, email)
    assert [a["action_type"] for a in actions] == ["insert"] + ["update"] * 7
    assert len(lead["tone_history"]) == len(lead["urgency_history"]) == len(lead["confidence_history"]) == 8
    assert_history(lead["urgency_history"], [lead["urgency"]] * 8)


def test_eight_concurrent_deliveries_with_one_key_write_once(api, client, database):
    email, key = new_email(), new_key()
    body = {"name": "Olivia Park", "email": email, "message": LEAK}
    responses = send_at_once(8, lambda i: api.post(PATH, body, key=client.api_key,
                                                   headers={"Idempotency-Key": key}))

    assert {r.status for r in responses} == {201}
    assert all(r.json == responses[0].json for r in responses)
    assert sum(r.headers.get("Idempotent-Replayed") == "true" for r in responses) == 7
    assert rows_written(database, client, email, key) == (1, 1, 1)


def test_concurrent_deliveries_with_one_key_and_different_bodies_write_one(api, client, database):
    email, key = new_email(), new_key()
    responses = send_at_once(6, lambda i: api.post(
        PATH, {"name": "Olivia Park", "email": email, "message": f"{QUOTE} (try {i})"},
        key=client.api_key, headers={"Idempotency-Key": key}))

    assert sorted(r.status for r in responses) == [201] + [422] * 5
    assert {r.json["error"]["code"] for r in responses if r.status == 422} == {"idempotency_key_reuse"}
    assert rows_written(database, client, email, key) == (1, 1, 1)


def test_concurrent_deliveries_of_different_emails_each_insert_their_lead(api, client, database):
    emails = [new_email() for _ in range(6)]
    responses = send_at_once(6, lambda i: api.post(PATH, {"name": "Olivia Park", "email": emails[i]},
                                                   key=client.api_key))

    assert [r.status for r in responses] == [201] * 6
    assert [rows_written(database, client, email) for email in emails] == [(1, 1, 0)] * 6


def test_concurrent_lambda_invocations_of_one_email_make_one_lead(function, client, database):
    email = new_email()
    responses = send_at_once(4, lambda i: invoke(function, apigw_event(
        "POST", PATH, {"name": "Olivia Park", "email": email, "message": LEAK}, key=client.api_key)))

    assert sorted(r.status for r in responses) == [200, 200, 200, 201]
    assert rows_written(database, client, email) == (1, 4, 0)
