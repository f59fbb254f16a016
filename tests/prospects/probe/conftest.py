"""The crawl and probe tests' set-up: the crawler allowed onto 127.0.0.1 (the fake sites), a short
politeness delay, a known User-Agent, and a prospect imported and queued for a fake site."""
import uuid
from pathlib import Path

import pytest

from shared.platform import db
from shared.prospects import discovery, importing, worker
from tests.prospects.probe.fakesite import FakeSite

SITES = Path(__file__).resolve().parents[2] / "fixtures" / "sites"
DELAY_S = 0.2
USER_AGENT = "AvenirBot/1.0 (+https://avenir.example.ca/bot; tests)"


def html(name: str) -> str:
    return (SITES / name).read_text(encoding="utf-8")


@pytest.fixture
def crawler_env(database, monkeypatch):
    monkeypatch.setenv("AVENIR_CRAWL_ALLOW_PRIVATE", "1")
    monkeypatch.setenv("AVENIR_CRAWL_MIN_DELAY_S", str(DELAY_S))
    monkeypatch.setenv("AVENIR_CRAWLER_UA", USER_AGENT)


@pytest.fixture
def crawl(database, crawler_env):
    """crawl(site, **columns) -> the prospect's row once the worker has crawled it: imported with the
    fake site as its website, queued, and the worker run once."""
    def run(site, business_name="Toitures Beauport", **columns) -> dict:
        database.sql("DELETE FROM crawl_hosts WHERE host = :h", h=site.origin)  # a port used before
        website = columns.pop("website", f"{site.url}/")
        prospect_id = import_prospect(database, business_name, website, **columns)
        assert discovery.queue(discovery.DiscoverRequest(prospect_ids=[prospect_id])).queued == 1
        assert worker.run_once(budget_s=60)["crawled"] >= 1
        return prospect(database, prospect_id)
    return run


def import_prospect(database, business_name: str, website: str, **columns) -> uuid.UUID:
    """A new prospect row for `website` (its host made unique: the fake sites all live on 127.0.0.1)."""
    host = f"{uuid.uuid4().hex[:10]}.test"
    result = importing.import_rows([{"business_name": business_name, "website": f"https://{host}", **columns}])
    assert result.created == 1, result
    row = database.one("UPDATE prospect_candidates SET website = :w WHERE prospect_website_host(website) = :h "
                       "RETURNING id", w=website, h=host)
    return row["id"]


def prospect(database, prospect_id) -> dict:
    db.discard()
    return database.one("SELECT * FROM prospect_candidates WHERE id = :id", id=prospect_id)


@pytest.fixture
def probe_inbox(database, monkeypatch):
    """`avenir probe-inbox`'s SMTP server on a free loopback port, for the probe domain of the tests."""
    from infra import probe_inbox as smtp_inbox
    from infra.pgcluster import free_port

    monkeypatch.setenv("AVENIR_PROBE_DOMAIN", PROBE_DOMAIN)
    controller = smtp_inbox.start(free_port())
    yield controller
    controller.stop()


PROBE_DOMAIN = "probe.avenir-test.ca"


@pytest.fixture
def crawled(crawl, database):
    """crawled(routes, **columns) -> (site, prospect row): a fake site served for the whole test, crawled."""
    sites = []

    def make(routes, **columns):
        site = FakeSite(routes).__enter__()
        sites.append(site)
        return site, crawl(site, **columns)
    yield make
    for site in sites:
        site.__exit__(None, None, None)


PROBE_MAIL = Path(__file__).resolve().parents[2] / "fixtures" / "probe_mail"


def probe_mail(name: str, token: str) -> bytes:
    """A message of tests/fixtures/probe_mail/, addressed to the probe with this token."""
    text = (PROBE_MAIL / name).read_text(encoding="utf-8")
    return text.replace("{to}", f"p-{token}@{PROBE_DOMAIN}").replace("{token}", token).replace("\n", "\r\n").encode()


@pytest.fixture
def submitted_probe(database, monkeypatch):
    """submitted_probe(**columns) -> (prospect_id, token): a prospect and a probe submitted just now,
    as the worker leaves it (for the inbox and judgement tests that need no website)."""
    monkeypatch.setenv("AVENIR_PROBE_DOMAIN", PROBE_DOMAIN)

    def make(asked_name="Camille Roy", asked_service="une réparation de toiture", language="fr"):
        prospect_id = import_prospect(database, "Toitures Beauport", f"https://{uuid.uuid4().hex[:8]}.test/",
                                      language=language)
        token = uuid.uuid4().hex
        database.sql("INSERT INTO prospect_probes (prospect_id, token, status, submitted_at, language, asked_name, "
                     "asked_service) VALUES (:p, :t, 'submitted', clock_timestamp(), :l, :n, :s)",
                     p=prospect_id, t=token, l=language, n=asked_name, s=asked_service)
        return prospect_id, token
    return make
