"""POST /api/prospects/{id}/probe: what the probe posts (dry run and real, from the fake site's own
log), once; the 90-day and daily limits; CAPTCHA and JavaScript-only forms never submitted; the
opt-out page; GET /api/prospects/{id} with the crawl evidence and the probes."""
import urllib.error
import urllib.request
from urllib.parse import parse_qs

import pytest

from shared.prospects import worker
from tests.prospects.probe.conftest import PROBE_DOMAIN, html
from tests.prospects.probe.fakesite import Answer

ALLOW_ALL = Answer(200, "User-agent: *\nAllow: /\n", {"Content-Type": "text/plain"})


THANKS = Answer(303, "", {"Location": "/merci"})


def roofer(on_post=THANKS) -> dict:
    return {"/robots.txt": ALLOW_ALL, "/": Answer(200, html("home_fr.html")),
            "/nous-joindre": Answer(200, html("contact_static_fr.html")), "/nous-joindre/envoyer": on_post}


@pytest.fixture(autouse=True)
def _probe_domain(monkeypatch):
    monkeypatch.setenv("AVENIR_PROBE_DOMAIN", PROBE_DOMAIN)
    monkeypatch.setenv("AVENIR_PUBLIC_URL", "https://avenir.example.ca")


def probe_path(row) -> str:
    return f"/api/prospects/{row['id']}/probe"


def html_page(api, method: str, path: str) -> tuple[int, str]:
    request = urllib.request.Request(api.base_url + path, data=b"" if method == "POST" else None, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def posts(site) -> list[dict]:
    return [{k: v[0] for k, v in parse_qs(hit.body.decode(), keep_blank_values=True).items()}
            for hit in site.hits if hit.method == "POST"]


def test_a_dry_run_shows_exactly_what_would_be_posted_and_writes_nothing(api, admin, database, crawled):
    site, row = crawled(roofer(), language="fr", industry="Couvreur")
    answer = api.post(probe_path(row), {"dry_run": True}, key=admin.api_key)
    assert answer.status == 200
    assert answer.json["form_url"] == f"{site.url}/nous-joindre/envoyer"
    fields = answer.json["fields"]
    assert fields["_wpnonce"] == "a81f3c9e42" and fields["form_id"] == "7"  # hidden fields copied
    assert fields["site_web"] == ""  # the honeypot left empty
    assert fields["courriel"].startswith("p-") and fields["courriel"].endswith(f"@{PROBE_DOMAIN}")
    assert fields["nom"] and fields["telephone"] == ""
    message = fields["message"]
    assert "test de temps de réponse déclaré" in message  # disclosed, in the prospect's language
    assert "une réparation de toiture" in message
    assert "https://avenir.example.ca/p/" in message  # the opt-out link
    assert database.one("SELECT count(*) AS n FROM prospect_probes WHERE prospect_id = :id", id=row["id"])["n"] == 0
    assert posts(site) == []


def test_the_worker_posts_the_static_form_once_as_the_dry_run_showed(api, admin, database, crawled):
    site, row = crawled(roofer(), language="fr", industry="Couvreur")
    shown = api.post(probe_path(row), {"dry_run": True}, key=admin.api_key).json["fields"]
    queued = api.post(probe_path(row), {}, key=admin.api_key)
    assert queued.status == 202 and queued.json["status"] == "queued"

    worker.run_once(budget_s=5)
    worker.run_once(budget_s=5)

    [posted] = posts(site)  # once, whatever the number of runs
    assert set(posted) == set(shown)
    assert {k: v for k, v in posted.items() if k not in ("courriel", "message")} == \
        {k: v for k, v in shown.items() if k not in ("courriel", "message")}
    probe = database.one("SELECT * FROM prospect_probes WHERE id = :id", id=queued.json["probe_id"])
    assert probe["status"] == "submitted" and probe["submit_status"] == 303
    assert posted["courriel"] == f"p-{probe['token']}@{PROBE_DOMAIN}"
    assert [hit for hit in site.hits if hit.method == "POST"][0].user_agent.startswith("AvenirBot/")


def test_a_prospect_is_probed_at_most_once_in_90_days(api, admin, crawled):
    _, row = crawled(roofer())
    assert api.post(probe_path(row), {}, key=admin.api_key).status == 202
    again = api.post(probe_path(row), {}, key=admin.api_key)
    assert again.status == 409 and "90 days" in again.json["error"]["message"]


def test_the_daily_cap_answers_429_with_retry_after(api, admin, crawled, monkeypatch, database):
    _, row = crawled(roofer())
    today = database.one("SELECT count(*) AS n FROM prospect_probes WHERE status <> 'skipped' "
                         "AND created_at >= date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'")["n"]
    monkeypatch.setenv("AVENIR_PROBE_DAILY_CAP", str(today))
    answer = api.post(probe_path(row), {}, key=admin.api_key)
    assert answer.status == 429 and int(answer.headers["Retry-After"]) <= 86400


@pytest.mark.parametrize("contact_page,kind", [("contact_captcha_en.html", "captcha"), ("contact_js_en.html", "js")])
def test_a_captcha_or_javascript_form_is_never_submitted(api, admin, crawled, database, contact_page, kind):
    site, row = crawled({"/robots.txt": ALLOW_ALL, "/": Answer(200, html("home_en.html")),
                         "/contact": Answer(200, html(contact_page))})
    assert row["form_kind"] == kind
    assert api.post(probe_path(row), {"dry_run": True}, key=admin.api_key).status == 409
    answer = api.post(probe_path(row), {}, key=admin.api_key)
    assert (answer.status, answer.json["status"]) == (202, "skipped")
    worker.run_once(budget_s=5)
    assert posts(site) == []
    assert database.one("SELECT status FROM prospect_probes WHERE id = :id", id=answer.json["probe_id"])["status"] \
        == "skipped"


def test_a_prospect_without_a_form_or_unknown_is_refused(api, admin, crawled):
    _, row = crawled({"/robots.txt": ALLOW_ALL, "/": Answer(200, "<p>Appelez-nous</p>")})
    assert api.post(probe_path(row), {}, key=admin.api_key).status == 409
    assert api.post("/api/prospects/00000000-0000-0000-0000-00000000abcd/probe", {}, key=admin.api_key).status == 404
    assert api.post("/api/prospects/not-an-id/probe", {}, key=admin.api_key).status == 404


def test_the_opt_out_page_stops_every_probe_and_contact(api, admin, crawled, database):
    site, row = crawled(roofer(), language="fr")
    probe_id = api.post(probe_path(row), {}, key=admin.api_key).json["probe_id"]
    token = database.one("SELECT token FROM prospect_probes WHERE id = :id", id=probe_id)["token"]

    status, page = html_page(api, "GET", f"/p/{token}")
    assert status == 200
    assert "Toitures Beauport" in page and "Ne plus jamais nous tester ni nous contacter</button>" in page
    status, page = html_page(api, "POST", f"/p/{token}")
    assert status == 200 and "Nous ne testerons ni ne contacterons plus jamais Toitures Beauport" in page
    assert html_page(api, "GET", "/p/0123456789abcdef0123456789abcdef")[0] == 404

    stored = database.one("SELECT opted_out_at FROM prospect_candidates WHERE id = :id", id=row["id"])
    assert stored["opted_out_at"] is not None
    assert database.one("SELECT status FROM prospect_probes WHERE id = :id", id=probe_id)["status"] == "skipped"
    worker.run_once(budget_s=5)
    assert posts(site) == []  # the queued probe was dropped before it went
    assert api.post("/api/prospects/discover", {"prospect_ids": [str(row["id"])]}, key=admin.api_key).json == \
        {"queued": 0}


def test_the_prospect_shows_its_crawl_evidence_and_its_probes(api, admin, crawled):
    site, row = crawled(roofer())
    probe_id = api.post(probe_path(row), {}, key=admin.api_key).json["probe_id"]
    worker.run_once(budget_s=5)
    answer = api.get(f"/api/prospects/{row['id']}", key=admin.api_key)
    assert answer.status == 200
    shown = answer.json
    assert (shown["id"], shown["form_kind"]) == (str(row["id"]), "static")
    assert shown["contact_email_source_url"] == f"{site.url}/nous-joindre"
    assert [p["url"] for p in shown["crawl_pages"]] == [f"{site.url}/", f"{site.url}/nous-joindre"]
    [probe] = shown["probes"]
    assert (probe["probe_id"], probe["status"]) == (probe_id, "submitted")
    assert set(probe) >= {"submitted_at", "first_reply_at", "response_time_ms", "has_autoresponder",
                          "is_personalized", "is_generic", "reply_excerpt"}
    assert api.get("/api/prospects/00000000-0000-0000-0000-00000000abcd", key=admin.api_key).status == 404
