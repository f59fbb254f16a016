"""The discovery crawl against fake business sites on 127.0.0.1: what robots.txt allows, the politeness
delay, the page budget, redirects, and the contact form, its kind and the published email found. Each
test asserts from the fake server's own request log what was and was not fetched, and when."""
import threading

import pytest

from shared.prospects import discovery, worker
from tests.prospects.probe.conftest import DELAY_S, USER_AGENT, html, import_prospect, prospect
from tests.prospects.probe.fakesite import Answer, FakeSite, page, redirect

ALLOW_ALL = Answer(200, "User-agent: *\nAllow: /\n", {"Content-Type": "text/plain"})


def french_roofer(robots=ALLOW_ALL) -> dict:
    return {"/robots.txt": robots, "/": Answer(200, html("home_fr.html")),
            "/nous-joindre": Answer(200, html("contact_static_fr.html"))}


def test_a_french_site_gives_its_static_contact_form_and_published_email_with_its_page(crawl):
    with FakeSite(french_roofer()) as site:
        row = crawl(site)
    assert site.paths() == ["/robots.txt", "/", "/nous-joindre"]
    assert {hit.user_agent for hit in site.hits} == {USER_AGENT}
    assert row["crawl_status"] == "crawled"
    assert (row["form_kind"], row["form_url"]) == ("static", f"{site.url}/nous-joindre")
    assert (row["contact_email"], row["contact_email_source_url"]) == ("info@toitures-beauport.ca",
                                                                       f"{site.url}/nous-joindre")
    form = row["form"]
    assert (form["action"], form["method"]) == (f"{site.url}/nous-joindre/envoyer", "post")
    roles = {f["name"]: (f["role"], f["value"]) for f in form["fields"]}
    assert roles["_wpnonce"] == ("hidden", "a81f3c9e42")  # the CSRF nonce, to be copied
    assert roles["site_web"][0] == "honeypot"  # the field people cannot see
    assert (roles["courriel"][0], roles["message"][0], roles["nom"][0]) == ("email", "message", "name")
    assert [p["url"] for p in row["crawl_pages"]] == [f"{site.url}/", f"{site.url}/nous-joindre"]


def test_requests_to_one_host_are_at_least_the_minimum_delay_apart(crawl):
    with FakeSite(french_roofer()) as site:
        crawl(site)
    assert len(site.gaps()) == 2
    assert min(site.gaps()) >= DELAY_S


def test_a_robots_crawl_delay_longer_than_the_minimum_is_honoured(crawl):
    robots = Answer(200, "User-agent: AvenirBot\nCrawl-delay: 0.6\nAllow: /\n", {"Content-Type": "text/plain"})
    with FakeSite(french_roofer(robots)) as site:
        crawl(site)
    assert site.paths() == ["/robots.txt", "/", "/nous-joindre"]
    assert site.gaps()[1] >= 0.6  # between the two pages (robots.txt itself goes at the minimum delay)


def test_a_page_robots_txt_disallows_is_never_fetched(crawl):
    robots = Answer(200, "User-agent: *\nDisallow: /nous-joindre\n", {"Content-Type": "text/plain"})
    with FakeSite(french_roofer(robots)) as site:
        row = crawl(site)
    assert site.paths() == ["/robots.txt", "/"]
    assert row["form_kind"] == "none"  # the home page's newsletter box is not a contact form
    assert {"url": f"{site.url}/nous-joindre", "skipped": "disallowed by robots.txt"}.items() <= \
        next(p for p in row["crawl_pages"] if p["url"].endswith("/nous-joindre")).items()


def test_an_allow_for_the_contact_page_under_disallow_all_is_obeyed_as_rfc_9309_says(crawl):
    robots = Answer(200, "User-agent: *\nDisallow: /\nAllow: /nous-joindre\n", {"Content-Type": "text/plain"})
    with FakeSite(french_roofer(robots)) as site:
        row = crawl(site, website=f"{site.url}/nous-joindre")
    assert site.paths() == ["/robots.txt", "/nous-joindre"]  # urllib.robotparser would refuse it
    assert row["form_kind"] == "static"


def test_a_missing_robots_txt_allows_the_crawl(crawl):
    with FakeSite(french_roofer(Answer(404, "not here"))) as site:
        row = crawl(site)
    assert site.paths() == ["/robots.txt", "/", "/nous-joindre"]
    assert row["form_kind"] == "static"


def test_a_robots_txt_answering_503_means_nothing_else_is_fetched(crawl):
    with FakeSite(french_roofer(Answer(503, "busy"))) as site:
        row = crawl(site)
    assert site.paths() == ["/robots.txt"]
    assert row["crawl_status"] == "unreachable" and row["form_kind"] is None


def test_a_600_kib_robots_txt_is_read_within_its_cap_and_obeyed(crawl):
    rules = "User-agent: *\nDisallow: /realisations\n"
    padding = "".join(f"# {i:06d} {'x' * 90}\n" for i in range(6300))  # ~600 KiB of comments
    robots = Answer(200, rules + padding + "Disallow: /nous-joindre\n", {"Content-Type": "text/plain"})
    assert len(robots.body) > 600 * 1024
    with FakeSite(french_roofer(robots)) as site:
        row = crawl(site)
    # the rule past the first 512 KiB is not read; the one at the top is
    assert site.paths() == ["/robots.txt", "/", "/nous-joindre"]
    assert row["form_kind"] == "static"


def test_robots_txt_is_fetched_once_a_day_per_host(crawl, database):
    with FakeSite(french_roofer()) as site:
        first = crawl(site)
        discovery.queue(discovery.DiscoverRequest(prospect_ids=[first["id"]]))
        worker.run_once(budget_s=60)
    assert site.paths() == ["/robots.txt", "/", "/nous-joindre", "/", "/nous-joindre"]
    assert database.one("SELECT robots_status FROM crawl_hosts WHERE host = :h", h=site.origin)["robots_status"] \
        == "found"


@pytest.mark.parametrize("contact_page,kind", [("contact_captcha_en.html", "captcha"), ("contact_js_en.html", "js")])
def test_captcha_and_javascript_only_forms_are_recognised(crawl, contact_page, kind):
    routes = {"/robots.txt": ALLOW_ALL, "/": Answer(200, html("home_en.html")),
              "/contact": Answer(200, html(contact_page))}
    with FakeSite(routes) as site:
        row = crawl(site, business_name="Laval Plumbing")
    assert "/contact" in site.paths()
    assert (row["form_kind"], row["form_url"]) == (kind, f"{site.url}/contact")
    assert row["form"] is None if kind == "js" else row["form"]["fields"]


def test_a_lone_email_field_is_a_newsletter_not_a_contact_form(crawl):
    routes = {"/robots.txt": ALLOW_ALL, "/": Answer(200, html("home_en.html")),
              "/contact": page("<p>Call us at 450-555-0199. <a href='mailto:office@lavalplumbing.ca'>Email</a></p>")}
    with FakeSite(routes) as site:
        row = crawl(site, business_name="Laval Plumbing")
    assert row["form_kind"] == "none" and row["form"] is None
    assert (row["contact_email"], row["contact_email_source_url"]) == ("office@lavalplumbing.ca", f"{site.url}/contact")


def test_a_crawl_reads_at_most_eight_pages(crawl):
    links = "".join(f'<a href="/contact-{i}">Contact {i}</a>' for i in range(20))
    routes = {"/robots.txt": ALLOW_ALL, "/": page(links)}
    routes.update({f"/contact-{i}": page(links) for i in range(20)})
    with FakeSite(routes) as site:
        crawl(site)
    assert site.paths()[0] == "/robots.txt"
    assert len(site.paths()) == 1 + 8


def test_a_redirect_chain_is_followed_and_capped(crawl):
    routes = {"/robots.txt": ALLOW_ALL, "/": redirect("/fr/"), "/fr/": redirect("/fr/accueil", 302),
              "/fr/accueil": Answer(200, html("home_fr.html")), "/nous-joindre": redirect("/loop-1")}
    routes.update({f"/loop-{i}": redirect(f"/loop-{i + 1}", 307) for i in range(10)})
    with FakeSite(routes) as site:
        row = crawl(site)
    assert site.paths()[:4] == ["/robots.txt", "/", "/fr/", "/fr/accueil"]
    assert site.paths()[4:] == ["/nous-joindre"] + [f"/loop-{i}" for i in range(1, 5)]  # 5 redirects, no more
    assert row["form_kind"] == "none"
    assert min(site.gaps()) >= DELAY_S  # each redirect hop waits its turn too


def test_two_workers_on_one_host_keep_the_delay_between_all_their_requests(database, crawler_env):
    with FakeSite(french_roofer()) as site:
        database.sql("DELETE FROM crawl_hosts WHERE host = :h", h=site.origin)
        ids = [import_prospect(database, f"Toitures {n}", f"{site.url}/") for n in range(2)]
        discovery.queue(discovery.DiscoverRequest(prospect_ids=ids))
        workers = [threading.Thread(target=worker.run_once, kwargs={"budget_s": 0.5}) for _ in range(2)]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
    assert all(prospect(database, i)["crawl_status"] == "crawled" for i in ids)
    assert sorted(site.paths()) == sorted(["/robots.txt", "/", "/nous-joindre", "/", "/nous-joindre"])
    assert min(site.gaps()) >= DELAY_S


def test_a_robots_txt_older_than_a_day_is_fetched_again(crawl, database):
    with FakeSite(french_roofer()) as site:
        first = crawl(site)
        database.sql("UPDATE crawl_hosts SET robots_fetched_at = now() - interval '25 hours' WHERE host = :h",
                     h=site.origin)
        discovery.queue(discovery.DiscoverRequest(prospect_ids=[first["id"]]))
        worker.run_once(budget_s=60)
    assert site.paths() == ["/robots.txt", "/", "/nous-joindre"] * 2


def test_a_site_that_does_not_answer_at_all_is_unreachable_and_nothing_else_is_tried(crawl):
    with FakeSite({}) as closed:
        pass  # its port is now closed: connections are refused
    row = crawl(closed)
    assert row["crawl_status"] == "unreachable" and row["crawl_pages"] == []
