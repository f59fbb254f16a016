"""One polite, bounded, safe HTTP GET for the crawler: every hop's host resolved and checked to be a
public address (never loopback, private, link-local or metadata) and then connected to at that very
address, redirects followed by hand and capped, the body read up to a size and a deadline."""
import ipaddress
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpx

from shared.mail import smtp_hosts
from shared.platform import settings

MAX_REDIRECTS = 5  # RFC 9309 asks robots.txt's crawler to follow at least five
DEADLINE_S = 15.0  # one fetch, redirects included, from the first byte sent to the last read
TIMEOUT = httpx.Timeout(connect=5.0, read=8.0, write=5.0, pool=5.0)
REDIRECTS = (301, 302, 303, 307, 308)
# Cloud metadata services (AWS, GCP and Azure on 169.254.169.254, AWS's IPv6 one, Alibaba's): refused
# even when AVENIR_CRAWL_ALLOW_PRIVATE opens loopback and private ranges to the tests' fake sites, as
# is every link-local address.
METADATA = {ipaddress.ip_address(a) for a in ("169.254.169.254", "fd00:ec2::254", "100.100.100.200")}


class FetchFailed(Exception):
    """The fetch got no usable answer: unreachable, too slow, too many redirects, a bad address."""


class Refused(FetchFailed):
    """The address (or one a redirect named) is not a public internet address: never contacted."""


@dataclass(frozen=True)
class Fetched:
    url: str  # after redirects
    status: int
    content_type: str
    body: bytes
    truncated: bool  # the body was longer than the limit; `body` is its first max_bytes


def fetch(client: httpx.Client, url: str, max_bytes: int, before_each: Callable[[str], None],
          after_each: Callable[[str], None] = lambda url: None) -> Fetched:
    """GET `url`, following up to MAX_REDIRECTS redirects, each hop checked like the first.
    `before_each(url)` is called before every request actually sent (the crawler's politeness wait
    and robots check; it may raise to stop the fetch), `after_each(url)` once it is answered or failed."""
    deadline = time.monotonic() + DEADLINE_S
    for _ in range(MAX_REDIRECTS + 1):
        address = public_address(url)
        before_each(url)
        try:
            fetched, location = _get(client, url, address, max_bytes, deadline)
        finally:
            after_each(url)
        if location is None:
            return fetched
        url = location
    raise FetchFailed(f"more than {MAX_REDIRECTS} redirects")


def public_address(url: str) -> str:
    """The address to connect to for `url`: its host resolved once, every address it resolves to
    public (smtp_hosts.is_public), unless AVENIR_CRAWL_ALLOW_PRIVATE (tests: loopback and private
    ranges, never link-local nor metadata). Refused otherwise."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.username or parts.password:
        raise Refused(f"not a plain http(s) address: {url[:200]!r}")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        found = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError, ValueError) as e:
        raise FetchFailed(f"{parts.hostname} does not resolve ({e})") from None
    addresses = list(dict.fromkeys(info[4][0] for info in found))
    if any(_never(a) for a in addresses) or (
            not settings.crawl_allow_private() and not all(smtp_hosts.is_public(a) for a in addresses)):
        raise Refused(f"{parts.hostname} resolves to a loopback, private, link-local, metadata or reserved address")
    return addresses[0]


def _never(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    ip = getattr(ip, "ipv4_mapped", None) or ip
    return ip.is_link_local or ip in METADATA


def _get(client: httpx.Client, url: str, address: str, max_bytes: int,
         deadline: float) -> tuple[Fetched, str | None]:
    """One request to the checked `address` (the name is not resolved again: DNS could answer
    differently), the name kept in Host and in TLS's SNI and certificate check. (answer, redirect)."""
    target = httpx.URL(url)
    headers = {"Host": target.netloc.decode("ascii"), "User-Agent": settings.crawler_user_agent(),
               "Accept": "text/html,application/xhtml+xml,text/plain;q=0.8,*/*;q=0.5"}
    request = client.build_request("GET", target.copy_with(host=address), headers=headers,
                                   extensions={"sni_hostname": target.host})
    try:
        response = client.send(request, stream=True)
    except httpx.HTTPError as e:
        raise FetchFailed(f"{type(e).__name__}: {e}"[:300]) from None
    try:
        location = response.headers.get("location")
        if response.status_code in REDIRECTS and location:
            return Fetched(url, response.status_code, "", b"", False), urljoin(url, location.strip())
        body, truncated = _read(response, max_bytes, deadline)
        return Fetched(url, response.status_code, response.headers.get("content-type", ""), body, truncated), None
    except httpx.HTTPError as e:
        raise FetchFailed(f"{type(e).__name__}: {e}"[:300]) from None
    finally:
        response.close()


def _read(response: httpx.Response, max_bytes: int, deadline: float) -> tuple[bytes, bool]:
    body = bytearray()
    for chunk in response.iter_bytes():
        body += chunk
        if len(body) > max_bytes:
            return bytes(body[:max_bytes]), True
        if time.monotonic() > deadline:
            raise FetchFailed(f"the answer took longer than {DEADLINE_S:g} s")
    return bytes(body), False


def post_form(client: httpx.Client, url: str, fields: dict[str, str]) -> int:
    """POST a form once (form-encoded) to the checked address of `url`; its status. A redirect after
    the post is its usual answer and is not followed."""
    address = public_address(url)
    target = httpx.URL(url)
    headers = {"Host": target.netloc.decode("ascii"), "User-Agent": settings.crawler_user_agent()}
    try:
        response = client.post(target.copy_with(host=address), data=fields, headers=headers,
                               extensions={"sni_hostname": target.host})
    except httpx.HTTPError as e:
        raise FetchFailed(f"{type(e).__name__}: {e}"[:300]) from None
    return response.status_code


def new_client() -> httpx.Client:
    """A client that follows no redirect itself and ignores proxy settings from the environment."""
    return httpx.Client(timeout=TIMEOUT, follow_redirects=False, trust_env=False)
