"""The discovery crawl of one business's site: robots.txt obeyed (RFC 9309, read by protego), at
most MAX_PAGES pages of the same host, one request to a host at a time at the politeness delay
(state in PostgreSQL, shared by every worker), the contact page found, its form read and the
published email kept with the page it was found on.

protego rather than urllib.robotparser: robotparser applies the first matching rule, so with
`Disallow: /` then `Allow: /contact` it refuses /contact, and it ignores `*` and `$` wildcards;
protego applies RFC 9309's longest match and wildcards."""
import datetime
import heapq
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx
from protego import Protego

from shared.platform import db, settings, sql
from shared.prospects import fetch, pages

Q = sql.load(__file__)

MAX_PAGES = 8
PAGE_MAX_BYTES = 1024 * 1024
ROBOTS_MAX_BYTES = 512 * 1024  # RFC 9309 2.5: parse at least the first 500 KiB
ROBOTS_WAIT_S = 30  # the longest one worker waits for another's robots.txt fetch (a fetch's deadline, twice)
FORM_RANK = {"static": 3, "captcha": 2, "js": 1, "none": 0}


@dataclass
class CrawlResult:
    status: str  # crawled, blocked (robots.txt refuses the site, or its address is not public), unreachable
    pages: list[dict] = field(default_factory=list)  # evidence, in order: {"url", "status"|"skipped", "at"}
    form_kind: str = "none"
    form: dict | None = None
    form_url: str | None = None
    contact_email: str | None = None
    contact_email_source_url: str | None = None
    error: str | None = None


class _Skip(Exception):
    """A URL the crawler will not request (robots.txt, another host, the page budget spent)."""


def crawl(website: str) -> CrawlResult:
    start = website if "://" in website else f"https://{website}"
    try:
        origin = usable_origin(start)
    except ValueError as e:
        return CrawlResult("blocked", error=f"not a usable http(s) address: {e}")
    agent = settings.crawler_user_agent()
    with fetch.new_client() as client:
        try:
            rules = robots(client, origin)
        except fetch.Refused as e:
            return CrawlResult("blocked", error=str(e))
        if rules is None:
            return CrawlResult("unreachable", error="robots.txt could not be fetched: nothing else is fetched")
        delay = max(settings.crawl_min_delay_s(), rules.crawl_delay(_token(agent)) or 0)
        return _Site(client, origin, rules, delay).crawl(start)


def robots(client: httpx.Client, origin: str) -> Protego | None:
    """The rules of `origin`'s robots.txt, fetched at most once a day by one worker at a time
    (Q.robots_cached, Q.claim_robots; the others wait for its answer): a 2xx's rules (its first
    ROBOTS_MAX_BYTES), a 4xx allows everything, a 5xx or no answer at all None (nothing may be
    fetched, RFC 9309 2.3.1.4). Redirects are followed (up to five hops)."""
    waited_until = time.monotonic() + ROBOTS_WAIT_S
    while True:
        with db.admin_transaction() as conn:
            cached = db.query_one(conn, Q.robots_cached, host=origin)
            claimed = cached is None and db.query_one(conn, Q.claim_robots, host=origin, lease_s=ROBOTS_WAIT_S)
        if cached is not None:
            return Protego.parse(cached["robots_txt"] or "")
        if claimed:
            return _fetch_robots(client, origin)
        if time.monotonic() > waited_until:
            return None
        time.sleep(0.1)


def _fetch_robots(client: httpx.Client, origin: str) -> Protego | None:
    delay = settings.crawl_min_delay_s()
    try:
        got = fetch.fetch(client, f"{origin}/robots.txt", ROBOTS_MAX_BYTES,
                          lambda url: take_turn(origin_of(url), delay),
                          lambda url: request_done(origin_of(url), delay))
    except fetch.Refused:
        _release_robots(origin)
        raise
    except fetch.FetchFailed:
        got = None
    if got is None or got.status >= 500 or got.status < 200 or 300 <= got.status < 400:
        _release_robots(origin)
        return None
    found = got.status < 300
    text = got.body.decode("utf-8", "replace") if found else None
    with db.admin_transaction() as conn:
        conn.run(Q.store_robots, host=origin, status="found" if found else "missing", robots_txt=text)
    return Protego.parse(text or "")


def _release_robots(origin: str) -> None:
    with db.admin_transaction() as conn:
        conn.run(Q.release_robots, host=origin)


class _Site:
    """One site's crawl: the best-looking contact links first, the home page before them."""

    def __init__(self, client: httpx.Client, origin: str, rules: Protego, delay: float):
        self.client, self.origin, self.rules, self.delay = client, origin, rules, delay
        self.agent = _token(settings.crawler_user_agent())
        self.sent = 0
        self.result = CrawlResult("crawled")
        self.best_form: tuple[int, pages.Form | None, str | None] = (0, None, None)

    def crawl(self, start: str) -> CrawlResult:
        waiting, seen, order = [(-100, 0, start)], {start}, 1
        while waiting and self.sent < MAX_PAGES and not self._enough():
            _, _, url = heapq.heappop(waiting)
            page = self._visit(url)
            for weight, link in page.links if page else ():
                if link not in seen:
                    seen.add(link)
                    heapq.heappush(waiting, (-weight, order, link))
                    order += 1
        self._conclude()
        return self.result

    def _visit(self, url: str) -> pages.Page | None:
        try:
            got = fetch.fetch(self.client, url, PAGE_MAX_BYTES, self._before_request,
                              lambda _: request_done(self.origin, self.delay))
        except (_Skip, fetch.FetchFailed) as e:
            self._record(url, skipped=str(e))
            return None
        self._record(got.url, status=got.status)
        if got.status != 200 or "html" not in got.content_type.lower():
            return None
        page = pages.read(got.url, got.body)
        self._take_evidence(page)
        return page

    def _before_request(self, url: str) -> None:
        if origin_of(url) != self.origin:
            raise _Skip("redirected to another host")
        if not self.rules.can_fetch(url, self.agent):
            raise _Skip("disallowed by robots.txt")
        if self.sent >= MAX_PAGES:
            raise _Skip(f"the crawl's {MAX_PAGES} pages are spent")
        self.sent += 1
        take_turn(self.origin, self.delay)

    def _take_evidence(self, page: pages.Page) -> None:
        for form in page.forms:
            kind = form.kind if form.kind in ("static", "captcha") else "none"
            if FORM_RANK[kind] > self.best_form[0]:
                self.best_form = (FORM_RANK[kind], form, page.url)
        if page.js_form and self.best_form[0] < FORM_RANK["js"]:
            self.best_form = (FORM_RANK["js"], None, page.url)
        if self.result.contact_email is None and page.emails:
            self.result.contact_email, self.result.contact_email_source_url = page.emails[0], page.url

    def _enough(self) -> bool:
        return self.best_form[0] >= FORM_RANK["captcha"] and self.result.contact_email is not None

    def _conclude(self) -> None:
        rank, form, url = self.best_form
        self.result.form_kind = next(kind for kind, r in FORM_RANK.items() if r == rank)
        self.result.form = form.as_dict() if form else None
        self.result.form_url = url

    def _record(self, url: str, **what) -> None:
        self.result.pages.append({"url": url, **what, "at": datetime.datetime.now(datetime.UTC).isoformat()})


def take_turn(host: str, delay_s: float) -> None:
    """Wait until this worker holds `host` (Q.claim_host): no other worker's request in flight there,
    and at least the delay since the last one was answered. request_done() gives it back."""
    while True:
        with db.admin_transaction() as conn:
            if db.query_one(conn, Q.claim_host, host=host, lease_s=fetch.DEADLINE_S + 5):
                return
            wait = db.query_one(conn, Q.host_wait, host=host)
        time.sleep(min(max(wait["wait_s"] if wait else 0, 0.02), delay_s or 0.02))


def request_done(host: str, delay_s: float) -> None:
    with db.admin_transaction() as conn:
        conn.run(Q.request_done, host=host, delay_s=delay_s)


def usable_origin(url: str) -> str:
    """origin_of a website the crawler may start from; ValueError for another scheme, no host or a
    port out of range (`http://x.ca:99999`, `javascript:alert(1)//x.ca`, `http://[zz].ca`)."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{url!r} is not an http(s) address with a host")
    return origin_of(url)  # reading the port raises ValueError when it is not one


def origin_of(url: str) -> str:
    """scheme://host[:port]: what robots.txt and the politeness delay apply to."""
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{(parts.hostname or '').lower()}" + (f":{parts.port}" if parts.port else "")


def _token(user_agent: str) -> str:
    """The product token robots.txt groups are matched against: `AvenirBot` of `AvenirBot/1.0 (...)`."""
    return user_agent.split("/", 1)[0].split()[0]
