"""The prospects view in Chromium: a prospect's crawl evidence (its form, the page its email was
published on, the pages fetched and skipped) and its probe history, as text."""
import uuid

import pytest
from selenium.webdriver.common.by import By

from shared.prospects import discovery, importing, inbox, probe, worker
from tests.prospects.probe.conftest import PROBE_DOMAIN, USER_AGENT, html, probe_mail
from tests.prospects.probe.fakesite import Answer, FakeSite


@pytest.fixture
def probed_roofer(database, admin, served, monkeypatch):
    """A prospect scored by a probe: its fake site crawled, its form posted, an autoreply ingested, judged."""
    for name, value in {"AVENIR_CRAWL_ALLOW_PRIVATE": "1", "AVENIR_CRAWL_MIN_DELAY_S": "0.1",
                        "AVENIR_CRAWLER_UA": USER_AGENT, "AVENIR_PROBE_DOMAIN": PROBE_DOMAIN,
                        "AVENIR_PROBE_WINDOW_S": "0"}.items():
        monkeypatch.setenv(name, value)
    routes = {"/robots.txt": Answer(200, "User-agent: *\nDisallow: /realisations\n"),
              "/": Answer(200, html("home_fr.html")), "/nous-joindre": Answer(200, html("contact_static_fr.html")),
              "/nous-joindre/envoyer": Answer(303, "", {"Location": "/merci"})}
    with FakeSite(routes) as site:
        host = f"{uuid.uuid4().hex[:8]}.test"
        importing.import_rows([{"business_name": "Toitures <em>Beauport</em>", "website": f"https://{host}"}])
        prospect_id = database.one("UPDATE prospect_candidates SET website = :w "
                                   "WHERE prospect_website_host(website) = :h RETURNING id",
                                   w=f"{site.url}/", h=host)["id"]
        discovery.queue(discovery.DiscoverRequest(prospect_ids=[prospect_id]))
        discovery.crawl_due(30)
        probe.request_probe(admin.client_id, str(prospect_id), probe.ProbeRequest())
        probe.submit_due()
        token = database.one("SELECT token FROM prospect_probes WHERE prospect_id = :p", p=prospect_id)["token"]
        inbox.ingest(probe_mail("auto_submitted.eml", token), [])
        worker.run_once(budget_s=1)
        yield site


def test_a_prospect_shows_its_crawl_evidence_and_probe_history(dashboard, admin, probed_roofer):
    dashboard.sign_in(admin.email, admin.password)
    dashboard.link("Prospects").click()
    dashboard.type_into("Minimum automation need", "0")  # the probe found a quick autoreply: need 10
    dashboard.button("Show prospects").click()
    dashboard.wait_for_text("Toitures <em>Beauport</em>")
    item = dashboard.driver.find_element(By.XPATH, "//li[.//h2[normalize-space()='Toitures <em>Beauport</em>']]")
    item.find_element(By.XPATH, ".//summary[normalize-space()='Crawl evidence and probes']").click()
    dashboard.wait_for_text("Judged")
    text = item.text
    site = probed_roofer.url
    assert "a plain form (can be probed)" in text
    assert f"{site}/nous-joindre" in text and "our own probe" in text
    assert f"{site}/ (200)" in text
    assert "automatic reply" in text and "Merci d'avoir communiqué avec Toitures Beauport" in text
    assert item.find_elements(By.TAG_NAME, "em") == []  # the name is text, never HTML
    assert dashboard.alerts() == []
    dashboard.screenshot("prospect-evidence")
