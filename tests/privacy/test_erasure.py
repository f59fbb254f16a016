"""POST /api/privacy/erase and GET /api/privacy/export over real HTTP and the Lambda handler: after an
erasure no text or JSON column of any table (found through information_schema, so new tables are
covered) holds the email, the name or the lead's id; another client's data is untouched; the email
can come back as a new lead; the export is the lead detail, lead by lead."""
import json
import uuid

import pytest

from shared.clients import accounts
from shared.growth import intelligence
from tests.helpers import INTERNAL, apigw_event, invoke, load_function, prospect

NAME, EMAIL = "Zephyrine Oakhollow", "Zephyrine.Oakhollow@Maison-Bleue.ca"
TEXT_TYPES = ("text", "character varying", "character", "json", "jsonb", "ARRAY", "USER-DEFINED")


@pytest.fixture
def owner(database):
    client_id, key = accounts.create_client("Toitures Beaulieu", f"owner-{uuid.uuid4().hex[:8]}@toitures-beaulieu.ca")
    return {"client_id": str(client_id), "key": key}


@pytest.fixture
def other_owner(database):
    client_id, key = accounts.create_client("Paysagement Nord", f"owner-{uuid.uuid4().hex[:8]}@paysagement-nord.ca")
    return {"client_id": str(client_id), "key": key}


PROSPECT_NAME, PROSPECT_EMAIL = "Couvreurs Quillfeather", "Nadege.Quillfeather@Quillfeather-Couvreurs.ca"


def a_prospect_written_to(api, admin, database) -> None:
    """On a clean slate of prospects, outbox and unsubscribes: a prospect with that contact email, its
    outreach queued in the outbox, a second prospect (another website) sharing the address in another
    letter case, and a neighbour with its own address."""
    for table in ("lead_replies", "unsubscribes"):
        database.sql(f"DELETE FROM {table} WHERE client_id = :c", c=INTERNAL)
    database.sql("DELETE FROM prospect_candidates")  # and their outreach_log rows, by cascade
    answer = api.post("/api/prospects/score", {"prospects": [
        prospect(PROSPECT_NAME, email=PROSPECT_EMAIL),
        prospect("Quillfeather Gouttieres", email=PROSPECT_EMAIL.upper()),
        prospect("Toitures Voisines")]}, key=admin.api_key)
    assert answer.status == 200, answer.json
    queued = api.post("/api/prospects/outreach", {"limit": 5, "min_score": 0}, key=admin.api_key)
    assert queued.status == 200 and len(queued.json["queued"]) == 2, queued.json


def post_lead(api, key, name, email, message, **headers):
    answer = api.post("/api/lead", {"name": name, "email": email, "message": message}, key=key,
                      headers=headers or None)
    assert answer.status in (200, 201), answer.json
    return answer.json["lead_id"]


def a_whole_story(api, owner) -> str:
    """A lead with everything the product can hold about it: two messages (one with an Idempotency-Key), a
    queued reply, the owner's alert (the second message is urgent), a conversion, a reversion whose
    reason names the person, a second conversion, and the night's insights."""
    key = owner["key"]
    lead = post_lead(api, key, NAME, EMAIL, "Could you quote a new roof for our cottage?",
                     **{"Idempotency-Key": f"form-{uuid.uuid4().hex}"})
    post_lead(api, key, NAME, EMAIL.lower(), "Water is now coming through the ceiling!")
    assert api.post(f"/api/leads/{lead}/tag", {"tag": "Converted", "conversion_value": 14500}, key=key).status == 200
    assert api.post(f"/api/leads/{lead}/revert", {"reason": f"{NAME} ({EMAIL}) cancelled by phone"},
                    key=key).status == 200
    assert api.post(f"/api/leads/{lead}/tag", {"tag": "Converted", "conversion_value": 9800}, key=key).status == 200
    intelligence.run_daily(intelligence.today(), uuid.UUID(owner["client_id"]))
    return lead


def text_columns(database) -> list[dict]:
    return database.sql("""
        SELECT c.table_name, c.column_name,
               c.table_name IN (SELECT k.table_name FROM information_schema.columns AS k
                                WHERE k.table_schema = 'public' AND k.column_name = 'client_id') AS has_client
        FROM information_schema.columns AS c JOIN information_schema.tables AS t USING (table_schema, table_name)
        WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE' AND c.data_type IN :types
        ORDER BY 1, 2""".replace(":types", "(" + ", ".join(f"'{t}'" for t in TEXT_TYPES) + ")"))


def where_found(database, needle: str) -> set[tuple[str, str, str | None]]:
    """(table, column, client_id) of every row whose text or JSON column holds `needle` in any case."""
    found = set()
    for column in text_columns(database):
        table, name = (f'"{column[k]}"' for k in ("table_name", "column_name"))
        owner = "client_id::text" if column["has_client"] else "NULL::text"
        for row in database.sql(f"SELECT {owner} AS client_id FROM {table} "
                                f"WHERE strpos(lower({name}::text), lower(:needle)) > 0", needle=needle):
            found.add((column["table_name"], column["column_name"], row["client_id"]))
    return found


def client_rows(database, client_id: str) -> dict[str, list]:
    """Every row of every table with a client_id column, for that client (to see it untouched)."""
    tables = [row["table_name"] for row in database.sql(
        "SELECT table_name FROM information_schema.columns WHERE table_schema = 'public' AND column_name = "
        "'client_id' AND table_name IN (SELECT table_name FROM information_schema.tables WHERE table_type = "
        "'BASE TABLE' AND table_schema = 'public') ORDER BY 1")]
    return {table: sorted(json.dumps(row, default=str, sort_keys=True) for row in database.sql(
        f'SELECT * FROM "{table}" WHERE client_id = CAST(:client_id AS uuid)', client_id=client_id))
        for table in tables if table != "clients"}


def test_the_scan_sees_every_kind_of_column_that_holds_the_lead_before_the_erasure(api, owner, database):
    lead = a_whole_story(api, owner)
    tables = {table for table, _, _ in where_found(database, NAME)}
    assert {"lead_memory", "growth_brain"} <= tables
    assert {"lead_memory", "lead_replies"} <= {table for table, _, _ in where_found(database, EMAIL)}
    assert {"growth_brain", "idempotency_keys"} <= {
        table for table, _, _ in where_found(database, lead)}


def test_after_an_erasure_no_column_of_any_table_holds_the_email_the_name_or_the_lead(api, owner, other_owner,
                                                                                         database):
    lead = a_whole_story(api, owner)
    theirs = post_lead(api, other_owner["key"], NAME, EMAIL, "Same person, another business: a fence quote.")
    before = client_rows(database, other_owner["client_id"])

    answer = api.post("/api/privacy/erase", {"email": "  zephyrine.oakhollow@maison-bleue.CA "}, key=owner["key"])

    assert answer.status == 200, answer.json
    assert answer.json == {"erased": {"leads": 1, "messages": 2, "actions": 5, "replies": 3, "growth_events": 3}}
    for needle in (EMAIL, NAME, lead):
        holders = {hit[2] for hit in where_found(database, needle)}  # earlier tests' clients hold it too
        assert owner["client_id"] not in holders and None not in holders, needle
        assert other_owner["client_id"] in holders or needle == lead
    assert client_rows(database, other_owner["client_id"]) == before
    assert api.get(f"/api/leads/{theirs}", key=other_owner["key"]).status == 200
    assert api.get(f"/api/leads/{lead}", key=owner["key"]).status == 404


def test_the_growth_events_keep_their_figures_without_the_lead(api, owner, database):
    lead = a_whole_story(api, owner)
    api.post("/api/privacy/erase", {"email": EMAIL}, key=owner["key"])
    events = database.sql("SELECT event_type, learning_snapshot, insight_text FROM growth_brain WHERE client_id = "
                          "CAST(:c AS uuid) AND event_type IN ('conversion', 'reversion') ORDER BY created_at",
                          c=owner["client_id"])
    assert [e["event_type"] for e in events] == ["conversion", "reversion", "conversion"]
    assert [e["learning_snapshot"].get("conversion_value") for e in events] == [14500, None, 9800]
    assert all(not {"lead_id", "lead_name", "reason"} & set(e["learning_snapshot"]) for e in events)
    assert events[0]["insight_text"].startswith("A lead (erased on request) converted in 0 days")
    assert lead not in json.dumps([e["learning_snapshot"] for e in events])


def test_the_receipt_keeps_the_emails_digest_the_counts_and_the_time_never_the_email(api, owner, database):
    a_whole_story(api, owner)
    api.post("/api/privacy/erase", {"email": EMAIL}, key=owner["key"])
    receipt = database.one("SELECT * FROM privacy_erasures WHERE client_id = CAST(:c AS uuid)", c=owner["client_id"])
    assert receipt["email_digest"] == database.scalar("SELECT avenir_email_digest(:e)", e=EMAIL)
    assert (receipt["leads"], receipt["messages"], receipt["replies"], receipt["idempotent_responses"]) == (1, 2, 3, 1)
    assert receipt["erased_at"] is not None


def test_the_same_email_comes_back_as_a_new_lead_that_starts_afresh(api, owner):
    old = a_whole_story(api, owner)
    api.post("/api/privacy/erase", {"email": EMAIL}, key=owner["key"])
    answer = api.post("/api/lead", {"name": NAME, "email": EMAIL, "message": "Hello again!"}, key=owner["key"])
    assert answer.status == 201 and answer.json["action"] == "insert" and answer.json["lead_id"] != old
    story = api.get(f"/api/leads/{answer.json['lead_id']}", key=owner["key"]).json
    assert [m["message"] for m in story["messages"]] == ["Hello again!"]
    assert [a["action_type"] for a in story["actions"]] == ["insert"] and story["growth_events"] == []


def test_an_email_the_client_never_had_erases_nothing_and_still_leaves_a_receipt(api, owner, database):
    answer = api.post("/api/privacy/erase", {"email": "nobody@nowhere.ca"}, key=owner["key"])
    assert answer.json == {"erased": {"leads": 0, "messages": 0, "actions": 0, "replies": 0, "growth_events": 0}}
    assert database.scalar("SELECT count(*) FROM privacy_erasures WHERE client_id = CAST(:c AS uuid)",
                           c=owner["client_id"]) == 1


def test_the_export_is_the_lead_detail_of_every_lead_with_the_email_oldest_first(api, owner):
    first = post_lead(api, owner["key"], NAME, EMAIL, "Could you quote a new roof for our cottage?")
    post_lead(api, owner["key"], NAME, EMAIL, "And the gutters too.")
    assert api.post(f"/api/leads/{first}/revert", {"reason": "not converted"}, key=owner["key"]).status == 409
    assert api.post(f"/api/leads/{first}/tag", {"tag": "Deleted"}, key=owner["key"]).status == 200
    second = post_lead(api, owner["key"], NAME, EMAIL, "Back again, new address, same roof.")
    assert second != first

    answer = api.get("/api/privacy/export?email=ZEPHYRINE.oakhollow%40maison-bleue.ca", key=owner["key"])

    assert answer.status == 200
    assert answer.json["email"] == "ZEPHYRINE.oakhollow@maison-bleue.ca"
    assert answer.json["leads"] == [api.get(f"/api/leads/{lead}", key=owner["key"]).json for lead in (first, second)]


def test_another_clients_export_and_erasure_see_nothing_of_this_clients_leads(api, owner, other_owner, database):
    lead = post_lead(api, owner["key"], NAME, EMAIL, "A quote, please.")
    assert api.get(f"/api/privacy/export?email={EMAIL}", key=other_owner["key"]).json == {"email": EMAIL, "leads": []}
    assert api.post("/api/privacy/erase", {"email": EMAIL}, key=other_owner["key"]).json["erased"]["leads"] == 0
    assert api.get(f"/api/leads/{lead}", key=owner["key"]).status == 200


@pytest.mark.parametrize("body,field", [({}, "email"), ({"email": ""}, "email"), ({"email": "   "}, "email"),
                                        ({"email": "a\u0000@b.ca"}, "email"), ({"email": 42}, "email")])
def test_a_bad_erasure_request_is_a_422_naming_the_field_and_erases_nothing(api, owner, database, body, field):
    post_lead(api, owner["key"], NAME, EMAIL, "A quote, please.")
    answer = api.post("/api/privacy/erase", body, key=owner["key"])
    assert answer.status == 422 and answer.json["error"]["code"] == "validation_error"
    assert [d["field"] for d in answer.json["error"]["details"]] == [field]
    assert database.scalar("SELECT count(*) FROM lead_memory WHERE client_id = CAST(:c AS uuid)",
                           c=owner["client_id"]) == 1


def test_both_routes_need_a_key_or_a_session(api, owner):
    assert api.post("/api/privacy/erase", {"email": EMAIL}).status == 401
    assert api.get(f"/api/privacy/export?email={EMAIL}").status == 401
    assert api.get("/api/privacy/export", key=owner["key"]).status == 422
    assert api.post("/api/privacy/erase", {"email": EMAIL}, key="avk_00000000_unknown").status == 401


def test_a_session_token_erases_and_exports_like_the_key(api, database):
    email = f"owner-{uuid.uuid4().hex[:8]}@toitures-beaulieu.ca"
    _, key = accounts.create_client("Toitures Beaulieu", email, "Sup3r-secret-pass")
    post_lead(api, key, NAME, EMAIL, "A quote, please.")
    token = api.post("/api/auth/login", {"email": email, "password": "Sup3r-secret-pass"}).json["token"]
    bearer = {"Authorization": f"Bearer {token}"}
    assert len(api.get(f"/api/privacy/export?email={EMAIL}", headers=bearer).json["leads"]) == 1
    assert api.post("/api/privacy/erase", {"email": EMAIL}, headers=bearer).json["erased"]["leads"] == 1


def test_the_lambda_handler_answers_as_the_served_routes_do(api, owner):
    module = load_function("privacy")
    lead = post_lead(api, owner["key"], NAME, EMAIL, "A quote, please.")
    exported = invoke(module, apigw_event("GET", "/api/privacy/export", key=owner["key"], query={"email": EMAIL}))
    assert exported.status == 200
    assert exported.json == api.get(f"/api/privacy/export?email={EMAIL}", key=owner["key"]).json
    assert exported.json["leads"][0]["lead"]["id"] == lead
    erased = invoke(module, apigw_event("POST", "/api/privacy/erase", {"email": EMAIL}, key=owner["key"]))
    assert erased.status == 200 and erased.json["erased"]["leads"] == 1
    assert invoke(module, apigw_event("POST", "/api/privacy/erase", {"email": EMAIL}, key=owner["key"])).json == {
        "erased": {"leads": 0, "messages": 0, "actions": 0, "replies": 0, "growth_events": 0}}
    assert invoke(module, apigw_event("POST", "/api/privacy/erase", {"email": EMAIL})).status == 401


def test_the_internal_clients_erasure_leaves_no_prospect_candidate_or_outreach_holding_the_email(
        api, admin, database):
    a_prospect_written_to(api, admin, database)
    assert {"prospect_candidates", "lead_replies"} <= {table for table, _, _ in where_found(database, PROSPECT_EMAIL)}

    answer = api.post("/api/privacy/erase", {"email": PROSPECT_EMAIL.lower()}, key=admin.api_key)

    assert answer.status == 200, answer.json
    assert answer.json["erased"]["replies"] == 1  # the outreach email queued in the outbox
    for needle in (PROSPECT_EMAIL, PROSPECT_NAME, "Quillfeather Gouttieres"):
        holders = {hit[2] for hit in where_found(database, needle)}
        assert str(admin.client_id) not in holders and None not in holders, (needle, where_found(database, needle))
    assert database.scalar("SELECT count(*) FROM prospect_outreach_log") == 1  # the neighbour's
    assert database.scalar("SELECT count(*) FROM prospect_candidates WHERE business_name = 'Toitures Voisines'") == 1


def test_an_erased_prospect_scored_again_is_never_written_to_again(api, admin, database):
    a_prospect_written_to(api, admin, database)
    api.post("/api/privacy/erase", {"email": PROSPECT_EMAIL}, key=admin.api_key)

    assert api.post("/api/prospects/score", {"prospects": [prospect(PROSPECT_NAME, email=PROSPECT_EMAIL)]},
                    key=admin.api_key).status == 200
    preview = api.post("/api/prospects/outreach", {"limit": 5, "min_score": 0, "dry_run": True}, key=admin.api_key)

    assert preview.status == 200 and preview.json["queued"] == []
    assert database.scalar("SELECT count(*) FROM unsubscribes WHERE client_id = :c", c=INTERNAL) == 1


def test_another_clients_erasure_of_a_prospects_email_leaves_the_internal_clients_prospects(
        api, admin, owner, database):
    a_prospect_written_to(api, admin, database)
    answer = api.post("/api/privacy/erase", {"email": PROSPECT_EMAIL}, key=owner["key"])
    assert answer.json["erased"]["replies"] == 0
    assert {"prospect_candidates", "lead_replies"} <= {table for table, _, _ in where_found(database, PROSPECT_EMAIL)}


def test_an_erasure_waits_for_a_lead_being_stored_with_the_email(api, owner, database):
    """The erasure takes the intake's own lock on the email: while an intake of that email holds it,
    the erasure waits, so the lead is stored before the erasure and erased by it."""
    import threading
    import time

    from shared.leads import intake
    from shared.platform import db

    email = f"waiting-{uuid.uuid4().hex[:6]}@beaulieu-clients.ca"
    intake_holding = database.connect()
    intake_holding.run("BEGIN")
    db.pipeline(intake_holding, intake.lock_email_step(uuid.UUID(owner["client_id"]), email))
    answers = []
    erasure = threading.Thread(target=lambda: answers.append(
        api.post("/api/privacy/erase", {"email": email}, key=owner["key"])))
    erasure.start()
    try:
        for _ in range(600):  # the erasure reaches the lock and waits on it
            if database.scalar("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"):
                break
            time.sleep(0.05)
        else:
            raise AssertionError("the erasure never waited for the intake's lock")
        assert answers == []
    finally:
        intake_holding.run("ROLLBACK")
        intake_holding.close()
        erasure.join(60)
    assert answers[0].status == 200
