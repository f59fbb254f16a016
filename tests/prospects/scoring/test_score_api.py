"""POST /api/prospects/score over real HTTP: scores, the upsert by website host or email,
duplicates inside a batch, concurrency, authentication and validation."""
import threading
import time
import uuid

import pytest

from shared.platform import db
from shared.prospects import scoring

pytestmark = pytest.mark.pooled

SCORE = "/api/prospects/score"
SLOW_GENERIC = {"has_autoresponder": False, "response_time_ms": 1000, "is_personalized": False, "is_generic": True}
FAST_PERSONAL = {"has_autoresponder": True, "response_time_ms": 999, "is_personalized": True, "is_generic": False}


def business(name="Plomberie Gagnon", test=SLOW_GENERIC, **fields) -> dict:
    return {"business_name": name, **fields, "test": dict(test)}


def unique_site() -> str:
    return f"gagnon-{uuid.uuid4().hex[:10]}.ca"


def test_a_new_prospect_is_stored_with_its_scores(api, admin, database):
    site = unique_site()
    answer = api.post(SCORE, {"prospects": [business(website=f"https://{site}", industry="plumbing",
                                                     region="Montreal", language="fr")]}, key=admin.api_key)
    assert answer.status == 200
    assert answer.json["scored"] == 1
    result = answer.json["results"][0]
    assert result == {"id": result["id"], "business_name": "Plomberie Gagnon", "response_score": 25,
                      "automation_need_score": 75, "high_priority": True, "created": True}
    row = database.one("SELECT * FROM prospect_candidates WHERE id = :id", id=uuid.UUID(result["id"]))
    assert (row["website"], row["industry"], row["region"], row["language"]) == (
        f"https://{site}", "plumbing", "Montreal", "fr")
    assert (row["response_score"], row["automation_need_score"], row["contacted"]) == (25, 75, False)
    assert row["last_tested"] is not None and row["created_at"] is not None


def test_the_same_site_written_differently_is_rescored_in_place(api, admin, database):
    site = unique_site()
    first = api.post(SCORE, {"prospects": [business(website=f"http://{site}")]}, key=admin.api_key).json["results"][0]
    prospect_id = uuid.UUID(first["id"])
    database.sql("UPDATE prospect_candidates SET contacted = true WHERE id = :id", id=prospect_id)
    before = database.one("SELECT created_at, last_tested FROM prospect_candidates WHERE id = :id", id=prospect_id)

    again = api.post(SCORE, {"prospects": [business("Plomberie Gagnon inc.", FAST_PERSONAL,
                                                    website=f"HTTPS://WWW.{site.upper()}/contact/")]},
                     key=admin.api_key)

    assert again.status == 200
    result = again.json["results"][0]
    assert (result["id"], result["created"]) == (first["id"], False)
    assert (result["response_score"], result["automation_need_score"], result["high_priority"]) == (100, 0, False)
    rows = database.sql("SELECT * FROM prospect_candidates WHERE prospect_website_host(website) = :h", h=site)
    assert len(rows) == 1
    row = rows[0]
    assert row["contacted"] is True
    assert row["created_at"] == before["created_at"]
    assert row["last_tested"] > before["last_tested"]
    assert (row["business_name"], row["automation_need_score"]) == ("Plomberie Gagnon inc.", 0)


def test_a_prospect_without_a_matching_site_is_found_by_its_email_in_any_case(api, admin, database):
    email = f"info@{unique_site()}"
    first = api.post(SCORE, {"prospects": [business(contact_email=email, industry="roofing")]}, key=admin.api_key)
    again = api.post(SCORE, {"prospects": [business(contact_email=email.upper(), form_url="https://x.ca/f")]},
                     key=admin.api_key)
    assert again.json["results"][0]["id"] == first.json["results"][0]["id"]
    assert again.json["results"][0]["created"] is False
    row = database.one("SELECT * FROM prospect_candidates WHERE id = :id", id=uuid.UUID(first.json["results"][0]["id"]))
    # fields the re-score did not give are kept, the ones it gave are refreshed
    assert (row["industry"], row["form_url"]) == ("roofing", "https://x.ca/f")


def test_a_matching_website_wins_over_a_matching_email(api, admin):
    site, email = unique_site(), f"info@{unique_site()}"
    by_site = api.post(SCORE, {"prospects": [business(website=site)]}, key=admin.api_key).json["results"][0]["id"]
    by_email = api.post(SCORE, {"prospects": [business(contact_email=email)]},
                        key=admin.api_key).json["results"][0]["id"]
    both = api.post(SCORE, {"prospects": [business(website=f"www.{site}", contact_email=email)]}, key=admin.api_key)
    assert by_site != by_email
    assert both.json["results"][0]["id"] == by_site


def test_duplicates_inside_one_batch_are_one_row_and_the_later_item_wins(api, admin, database):
    site, other = unique_site(), unique_site()
    answer = api.post(SCORE, {"prospects": [
        business("Gagnon", SLOW_GENERIC, website=f"http://{site}", contact_email=f"info@{site}"),
        business("Tremblay", SLOW_GENERIC, website=other),
        business("Gagnon (new name)", FAST_PERSONAL, website=f"https://www.{site}/"),
        business("Gagnon by email", FAST_PERSONAL, contact_email=f"INFO@{site}"),
    ]}, key=admin.api_key)

    assert answer.status == 200
    results = answer.json["results"]
    assert answer.json["scored"] == 4
    assert [r["business_name"] for r in results] == ["Gagnon", "Tremblay", "Gagnon (new name)", "Gagnon by email"]
    assert results[0]["id"] == results[2]["id"] == results[3]["id"] != results[1]["id"]
    assert [r["created"] for r in results] == [True, True, False, False]
    assert [r["automation_need_score"] for r in results] == [75, 75, 0, 0]
    row = database.one("SELECT count(*) AS n, min(business_name) AS name, min(automation_need_score) AS need "
                       "FROM prospect_candidates WHERE prospect_website_host(website) = :h", h=site)
    assert (row["n"], row["name"], row["need"]) == (1, "Gagnon by email", 0)


def test_a_batch_finds_rows_as_single_requests_sent_in_order_would(api, admin, database):
    old_site, new_site, email = unique_site(), unique_site(), f"info@{unique_site()}"
    stored = api.post(SCORE, {"prospects": [business(website=old_site, contact_email=email)]}, key=admin.api_key)
    answer = api.post(SCORE, {"prospects": [
        business("Moved to a new site", website=new_site, contact_email=email),  # found by email
        business("Now on the old site", website=old_site),                     # the row left it: new
    ]}, key=admin.api_key)
    results = answer.json["results"]
    assert results[0]["id"] == stored.json["results"][0]["id"] and results[0]["created"] is False
    assert results[1]["id"] != results[0]["id"] and results[1]["created"] is True
    row = database.one("SELECT website FROM prospect_candidates WHERE id = :id", id=uuid.UUID(results[0]["id"]))
    assert row["website"] == new_site


def test_two_batches_at_once_do_not_duplicate_any_prospect(api, admin, database):
    sites = [unique_site() for _ in range(50)]
    batch = {"prospects": [business(f"Business {i}", website=site) for i, site in enumerate(sites)]}
    answers = [None, None]

    def send(slot):
        answers[slot] = api.post(SCORE, batch, key=admin.api_key)

    threads = [threading.Thread(target=send, args=(slot,)) for slot in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert [a.status for a in answers] == [200, 200]
    assert [r["id"] for r in answers[0].json["results"]] == [r["id"] for r in answers[1].json["results"]]
    created = [r["created"] for a in answers for r in a.json["results"]]
    assert created.count(True) == 50
    assert database.scalar("SELECT count(*) FROM prospect_candidates WHERE prospect_website_host(website) = "
                           "ANY(:hosts::text[])", hosts=sites) == 50


def test_a_batch_waits_for_the_batch_in_flight_and_then_sees_its_rows(api, admin, database):
    site = unique_site()
    in_flight = database.connect()  # a batch that has found nothing stored and is inserting
    in_flight.run("BEGIN")
    in_flight.run(scoring.Q.lock_batches, key=scoring.SCORING_LOCK)
    stored_id = in_flight.run("INSERT INTO prospect_candidates (business_name, website) VALUES ('Gagnon', :w) "
                              "RETURNING id", w=site)[0][0]
    answers = []
    sender = threading.Thread(target=lambda: answers.append(
        api.post(SCORE, {"prospects": [business(website=f"https://www.{site}/")]}, key=admin.api_key)))
    sender.start()
    for _ in range(500):  # until the second batch is queued behind the first one's lock
        if database.scalar("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"):
            break
        time.sleep(0.01)
    in_flight.run("COMMIT")
    in_flight.close()
    sender.join()

    assert answers[0].json["results"][0]["id"] == str(stored_id)
    assert answers[0].json["results"][0]["created"] is False
    assert database.scalar("SELECT count(*) FROM prospect_candidates WHERE prospect_website_host(website) = :h",
                           h=site) == 1


def test_a_full_batch_of_1000_is_stored_then_rescored_without_duplicates(database):
    sites = [unique_site() for _ in range(scoring.MAX_BATCH)]
    batch = [scoring.Prospect.model_validate(business(f"Business {i}", website=site))
             for i, site in enumerate(sites)]

    first = scoring.score_batch(batch)
    again = scoring.score_batch(batch)

    assert first.scored == again.scored == 1000
    assert all(r.created for r in first.results) and not any(r.created for r in again.results)
    assert [r.id for r in first.results] == [r.id for r in again.results]
    assert database.scalar("SELECT count(*) FROM prospect_candidates WHERE prospect_website_host(website) = "
                           "ANY(:hosts::text[])", hosts=sites) == 1000


@pytest.mark.parametrize("size", [1, 300])
def test_a_batch_takes_the_same_statements_whatever_its_size(database, monkeypatch, size):
    statements = []
    conn = db.shared_connection()
    pipeline = conn.pipeline

    def first_words(steps):  # each statement's first word, after its comment lines
        return [next(line for line in sql.splitlines() if not line.startswith("--")).split()[0] for sql, _ in steps]

    monkeypatch.setattr(conn, "pipeline", lambda steps: statements.extend(first_words(conn.pending + steps))
                        or pipeline(steps))
    batch = [scoring.Prospect.model_validate(business(f"Business {i}", website=unique_site())) for i in range(size)]
    extra = scoring.Prospect.model_validate(business("One more", website=unique_site()))

    scoring.score_batch(batch)
    scoring.score_batch([*batch, extra])

    # lock, match, insert / lock, match, insert the new one, update the stored ones
    assert statements == ["BEGIN", "SELECT", "SELECT", "INSERT", "COMMIT",
                          "BEGIN", "SELECT", "SELECT", "INSERT", "UPDATE", "COMMIT"]


def test_a_client_that_is_not_the_admin_is_forbidden(api, make_client):
    key = make_client("Northwind Renovation").api_key
    answer = api.post(SCORE, {"prospects": [business(website=unique_site())]}, key=key)
    assert answer.status == 403
    assert answer.json["error"]["code"] == "forbidden"


def test_a_missing_or_unknown_key_is_unauthorized(api):
    assert api.post(SCORE, {"prospects": []}).status == 401
    assert api.post(SCORE, {"prospects": []}, key="avk_00000000_nope").json["error"]["code"] == "unauthorized"


def test_validation_errors_name_the_prospect_and_its_field(api, admin, database):
    count = database.scalar("SELECT count(*) FROM prospect_candidates")
    bad_test = dict(SLOW_GENERIC, has_autoresponder="yes")
    answer = api.post(SCORE, {"prospects": [
        {"test": SLOW_GENERIC},
        business(website=unique_site()),
        {"business_name": "No test block"},
        business(test=bad_test),
        business(website="not a website"),
        business(contact_email="nobody"),
        business(test=dict(SLOW_GENERIC, response_time_ms=-1)),
        business(language="de"),
        business("Gagnon\x00"),
    ]}, key=admin.api_key)

    assert answer.status == 422
    assert answer.json["error"]["code"] == "validation_error"
    fields = [d["field"] for d in answer.json["error"]["details"]]
    assert fields == ["prospects[0].business_name", "prospects[2].test", "prospects[3].test.has_autoresponder",
                      "prospects[4].website", "prospects[5].contact_email", "prospects[6].test.response_time_ms",
                      "prospects[7].language", "prospects[8].business_name"]
    assert database.scalar("SELECT count(*) FROM prospect_candidates") == count  # nothing written


def test_a_body_without_a_prospect_list_is_a_validation_error(api, admin):
    answer = api.post(SCORE, {"prospect": []}, key=admin.api_key)
    assert answer.status == 422
    assert [d["field"] for d in answer.json["error"]["details"]] == ["prospects"]


def test_a_full_batch_of_1000_is_accepted_over_http(api, admin, database):
    sites = [unique_site() for _ in range(scoring.MAX_BATCH)]
    batch = {"prospects": [business(f"Plomberie {i}", website=f"https://www.{site}/contact",
                                    contact_email=f"info@{site}", industry="plumbing", region="Montreal")
                           for i, site in enumerate(sites)]}
    answer = api.post(SCORE, batch, key=admin.api_key)
    assert answer.status == 200
    assert answer.json["scored"] == 1000


def test_more_than_1000_prospects_is_payload_too_large(api, admin):
    batch = {"prospects": [{"business_name": "B", "test": SLOW_GENERIC}] * 1001}
    answer = api.post(SCORE, batch, key=admin.api_key)
    assert answer.status == 413
    assert answer.json["error"]["code"] == "payload_too_large"
    assert "at most 1000 prospects" in answer.json["error"]["message"]


def test_a_body_over_the_batch_limit_is_payload_too_large(api, admin):
    answer = api.post(SCORE, {"prospects": [business("x" * 500)] * 999, "padding": "x" * scoring.MAX_BATCH_BYTES},
                      key=admin.api_key)
    assert (answer.status, answer.json["error"]["code"]) == (413, "payload_too_large")


def test_an_empty_batch_scores_nothing(api, admin):
    answer = api.post(SCORE, {"prospects": []}, key=admin.api_key)
    assert (answer.status, answer.json) == (200, {"scored": 0, "results": []})
