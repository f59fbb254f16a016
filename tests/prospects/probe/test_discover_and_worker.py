"""POST /api/prospects/discover queues prospects; the prospect worker crawls them, run by its schedule
(the Lambda handler) or by `avenir prospects worker --once`."""
import json

from tests.helpers import avenir, load_function, scheduled_event
from tests.prospects.probe.conftest import html, import_prospect, prospect
from tests.prospects.probe.fakesite import Answer, FakeSite

DISCOVER = "/api/prospects/discover"


def roofer_site() -> FakeSite:
    return FakeSite({"/robots.txt": Answer(200, "User-agent: *\nAllow: /\n"), "/": Answer(200, html("home_fr.html")),
                     "/nous-joindre": Answer(200, html("contact_static_fr.html"))})


def test_discover_queues_the_named_prospects_and_answers_202(api, admin, database):
    prospect_id = import_prospect(database, "Toitures Beauport", "https://toitures-beauport.test/")
    answer = api.post(DISCOVER, {"prospect_ids": [str(prospect_id)]}, key=admin.api_key)
    assert (answer.status, answer.json) == (202, {"queued": 1})
    row = prospect(database, prospect_id)
    assert row["crawl_status"] == "queued" and row["crawl_queued_at"] is not None


def test_discover_without_ids_queues_the_oldest_never_crawled_up_to_the_limit(api, admin, database):
    database.sql("UPDATE prospect_candidates SET crawl_status = 'crawled' WHERE crawl_status IS NULL")
    ids = [import_prospect(database, f"Business {n}", f"https://business-{n}.test/") for n in range(3)]
    answer = api.post(DISCOVER, {"limit": 2}, key=admin.api_key)
    assert (answer.status, answer.json) == (202, {"queued": 2})
    assert [prospect(database, i)["crawl_status"] for i in ids] == ["queued", "queued", None]


def test_a_prospect_that_opted_out_is_never_queued(api, admin, database):
    prospect_id = import_prospect(database, "Toitures Non Merci", "https://non-merci.test/")
    database.sql("UPDATE prospect_candidates SET opted_out_at = now() WHERE id = :id", id=prospect_id)
    answer = api.post(DISCOVER, {"prospect_ids": [str(prospect_id)]}, key=admin.api_key)
    assert answer.json == {"queued": 0}
    assert prospect(database, prospect_id)["crawl_status"] is None


def test_a_bad_limit_is_a_422_and_an_ordinary_client_a_403(api, admin, client):
    assert api.post(DISCOVER, {"limit": 0}, key=admin.api_key).status == 422
    assert api.post(DISCOVER, {"limit": 501}, key=admin.api_key).status == 422
    assert api.post(DISCOVER, {"prospect_ids": ["not-a-uuid"]}, key=admin.api_key).status == 422
    assert api.post(DISCOVER, {}, key=client.api_key).status == 403


def test_the_schedule_runs_the_worker_through_the_lambda_handler(database, crawler_env):
    with roofer_site() as site:
        database.sql("DELETE FROM crawl_hosts WHERE host = :h", h=site.origin)
        prospect_id = import_prospect(database, "Toitures Beauport", f"{site.url}/")
        database.sql("UPDATE prospect_candidates SET crawl_status = 'queued', crawl_queued_at = now() WHERE id = :id",
                     id=prospect_id)
        result = load_function("prospect_worker").handler(scheduled_event(), None)
    assert result["statusCode"] == 200 and json.loads(result["body"])["crawled"] >= 1
    assert prospect(database, prospect_id)["form_kind"] == "static"
    assert site.paths() == ["/robots.txt", "/", "/nous-joindre"]


def test_avenir_prospects_worker_once_crawls_what_is_queued(database, crawler_env):
    with roofer_site() as site:
        database.sql("DELETE FROM crawl_hosts WHERE host = :h", h=site.origin)
        prospect_id = import_prospect(database, "Toitures Beauport", f"{site.url}/")
        database.sql("UPDATE prospect_candidates SET crawl_status = 'queued', crawl_queued_at = now() WHERE id = :id",
                     id=prospect_id)
        result = avenir("prospects", "worker", "--once")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["crawled"] >= 1
    row = prospect(database, prospect_id)
    assert (row["crawl_status"], row["contact_email"]) == ("crawled", "info@toitures-beauport.ca")


def test_websites_the_crawler_cannot_use_are_blocked_one_by_one_and_the_queue_goes_on(database, crawler_env):
    bad = ["http://w1.example.ca:99999", "http://[zz].example.ca", "javascript:alert(1)//x.ca", "ftp://w4.example.ca/"]
    with roofer_site() as site:
        database.sql("DELETE FROM crawl_hosts WHERE host = :h", h=site.origin)
        ids = [import_prospect(database, f"Bad {i}", website) for i, website in enumerate(bad)]
        good = import_prospect(database, "Toitures Beauport", f"{site.url}/")
        for prospect_id in [*ids, good]:
            database.sql("UPDATE prospect_candidates SET crawl_status = 'queued', crawl_queued_at = now() "
                         "WHERE id = :id", id=prospect_id)
        result = avenir("prospects", "worker", "--once")
    assert result.returncode == 0, result.stderr
    for prospect_id in ids:
        row = prospect(database, prospect_id)
        assert row["crawl_status"] == "blocked" and "not a usable http(s) address" in row["crawl_error"], row
    assert prospect(database, good)["crawl_status"] == "crawled"
