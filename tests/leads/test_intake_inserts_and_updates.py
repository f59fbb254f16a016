"""POST /api/lead inserts a lead for a new email and updates the lead of a known one (its histories
grow, its tag stays), one lead per client and email whatever the case; checked against the rows
left in PostgreSQL. Sent over served HTTP (the runtimes: test_intake_runtimes.py)."""
import threading
import uuid
from datetime import datetime

import pytest

from shared.enrichment import Enrichment, relationship_insight
from shared.leads import intake
from shared.platform import db
from tests.leads.deliveries import (
    LEAK,
    PATH,
    QUOTE,
    SOUMISSION,
    actions_of,
    assert_history,
    leads_of,
    new_email,
    rows_written,
)

pytestmark = pytest.mark.pooled


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
