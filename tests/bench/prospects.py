"""The prospect probe: pages crawled per minute at the politeness floor (a fake site on 127.0.0.1 with
more contact-looking pages than a crawl reads), against the most the floor allows (one request per
AVENIR_CRAWL_MIN_DELAY_S); and the probe's timing error against a fake autoresponder's configured delay
(its reply sent over SMTP to `avenir probe-inbox`'s server), the goal being within 50 ms."""
import time

from shared.platform import sql
from tests.bench import stack
from tests.bench.report import Section, Table, Verdict

Q = sql.load(__file__)
FLOOR_S = 1.0 if stack.QUICK else 5.0  # 5 s: the default AVENIR_CRAWL_MIN_DELAY_S
DELAYS_S = (0.5, 2.0) if stack.QUICK else (0.5, 2.0, 4.0)
TIMING_GOAL_MS = 50
INTERNAL_CLIENT = "00000000-0000-0000-0000-000000000001"


def measure(run: stack.Run) -> Section:
    section = Section("Prospect probe", (
        f"A crawl of a fake site (robots.txt plus 20 linked contact pages) at AVENIR_CRAWL_MIN_DELAY_S={FLOOR_S:g}: "
        "pages fetched per minute, against the floor's most (60 / delay). Then one probe per configured "
        "autoresponder delay: the measured response_time_ms minus that delay."))
    with run.stack.scratch_database("bench_prospects"), stack.environment(
            AVENIR_CRAWL_ALLOW_PRIVATE="1", AVENIR_CRAWL_MIN_DELAY_S=str(FLOOR_S),
            AVENIR_PROBE_DOMAIN="probe.bench.test", AVENIR_LOG_LEVEL="WARNING"):
        requests, seconds = _crawl_rate()
        errors = [(delay, _probe_error(delay)) for delay in DELAYS_S]
    per_minute, floor_per_minute = requests / seconds * 60, 60 / FLOOR_S
    crawl_table = Table(["requests (robots.txt + pages)", "seconds", "pages per minute", "floor's most", "ratio"])
    crawl_table.rows.append([requests, f"{seconds:.1f}", f"{per_minute:.1f}", f"{floor_per_minute:.1f}",
                             f"{per_minute / floor_per_minute:.2f}"])
    timing = Table(["configured delay", "measured response_time_ms", "error ms"])
    timing.rows += [[f"{delay * 1000:.0f} ms", f"{delay * 1000 + error:.0f}", f"{error:+.0f}"]
                    for delay, error in errors]
    section.tables += [crawl_table, timing]
    worst = max(abs(error) for _, error in errors)
    section.verdicts += [
        Verdict(f"crawl at the politeness floor ({FLOOR_S:g} s)", f"{per_minute:.1f} pages/min",
                f"{floor_per_minute:.1f} pages/min (60 / delay)", f"{per_minute / floor_per_minute:.2f}",
                "≤ 1.0 (never faster) and ≥ 0.8", 0.8 <= per_minute / floor_per_minute <= 1.0),
        Verdict("probe timing error, worst of the delays", f"{worst:.0f} ms", "the configured delay", "—",
                f"within {TIMING_GOAL_MS} ms", worst <= TIMING_GOAL_MS)]
    return section


def _crawl_rate() -> tuple[int, float]:
    from shared.prospects import crawl
    from tests.prospects.probe.fakesite import Answer, FakeSite, page

    links = "".join(f'<a href="/contact-{i}">Contact {i}</a>' for i in range(20))
    routes = {"/robots.txt": Answer(200, "User-agent: *\nAllow: /\n"), "/": page(links)}
    routes.update({f"/contact-{i}": page(links) for i in range(20)})
    with FakeSite(routes) as site:
        crawl.crawl(site.url + "/")
    return len(site.hits), site.hits[-1].at - site.hits[0].at + FLOOR_S  # each request "costs" one delay


def _probe_error(delay_s: float) -> float:
    from infra import probe_inbox
    from infra.pgcluster import free_port
    from shared.platform import db
    from shared.prospects import discovery, importing, probe
    from tests.prospects.probe.autoresponder import Responder
    from tests.prospects.probe.fakesite import Answer, FakeSite

    contact = (stack.ROOT / "tests/fixtures/sites/contact_static_fr.html").read_text()
    inbox = probe_inbox.start(free_port())
    try:
        responder = Responder(inbox.port, delay_s)
        routes = {"/robots.txt": Answer(200, "User-agent: *\nAllow: /\n"), "/": Answer(200, contact),
                  "/nous-joindre/envoyer": responder}
        with FakeSite(routes) as site, stack.environment(AVENIR_PROBE_WINDOW_S=str(delay_s + 1)):
            host = f"bench-{site.port}-{int(delay_s * 1000)}.test"
            assert importing.import_rows([{"business_name": "Toitures Banc d'essai",
                                           "website": f"https://{host}"}]).created == 1
            with db.admin_transaction() as tx:
                prospect_id = db.query_one(tx, Q.point_at_site, website=site.url + "/", host=host)["id"]
            discovery.queue(discovery.DiscoverRequest(limit=500))
            discovery.crawl_due(60)
            queued = probe.request_probe(INTERNAL_CLIENT, str(prospect_id), probe.ProbeRequest())
            probe.submit_due()
            responder.sent.wait(delay_s + 10)
            time.sleep(delay_s + 1.2)
            probe.judge_due()
            with db.admin_transaction() as tx:
                measured = db.query_one(tx, Q.probe_measured, probe_id=queued.probe_id)
        return measured["response_time_ms"] - delay_s * 1000
    finally:
        inbox.stop()
