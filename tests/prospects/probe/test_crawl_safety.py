"""The crawler never reaches a loopback, private, link-local or cloud metadata address: checked after
DNS resolution and again on every redirect, before anything is sent."""
import httpx
import pytest

from shared.prospects import fetch
from tests.prospects.probe.fakesite import Answer, FakeSite, redirect

PUBLIC_LITERAL = "93.184.215.14"  # a public address written as an IP: no DNS; only the in-process transport answers


def public_site_redirecting_to(location: str):
    """An httpx transport standing for a public web server (httpx's own MockTransport, in process:
    nothing leaves the machine) that answers every request with a redirect to `location`."""
    seen = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(302, headers={"Location": location})
    return httpx.Client(transport=httpx.MockTransport(answer), follow_redirects=False), seen


def test_with_private_addresses_not_allowed_a_site_on_loopback_is_never_contacted(crawl, monkeypatch):
    with FakeSite({"/robots.txt": Answer(200, "User-agent: *\nAllow: /\n"), "/": Answer(200, "<p>hi</p>")}) as site:
        monkeypatch.setenv("AVENIR_CRAWL_ALLOW_PRIVATE", "0")
        row = crawl(site)
    assert site.hits == []
    assert row["crawl_status"] == "blocked"
    assert "loopback" in row["crawl_error"]


@pytest.mark.parametrize("target", ["127.0.0.1", "169.254.169.254", "10.0.0.8", "[::1]", "[::ffff:127.0.0.1]"])
def test_with_private_addresses_not_allowed_a_redirect_to_one_is_refused_before_it_is_sent(monkeypatch, target):
    monkeypatch.setenv("AVENIR_CRAWL_ALLOW_PRIVATE", "0")
    with FakeSite({"/": Answer(200, "internal")}) as inside:
        location = f"http://{target}:{inside.port}/" if target != "169.254.169.254" else \
            "http://169.254.169.254/latest/meta-data/iam/security-credentials/"
        client, seen = public_site_redirecting_to(location)
        sent = []
        with pytest.raises(fetch.Refused), client:
            fetch.fetch(client, f"http://{PUBLIC_LITERAL}/contact", 1024, sent.append)
    assert seen == [f"http://{PUBLIC_LITERAL}/contact"]  # the public hop only
    assert sent == [f"http://{PUBLIC_LITERAL}/contact"]
    assert inside.hits == []


def test_even_with_private_addresses_allowed_for_tests_the_metadata_address_is_refused(crawl):
    routes = {"/robots.txt": Answer(200, "User-agent: *\nAllow: /\n"),
              "/": redirect("http://169.254.169.254/latest/meta-data/")}
    with FakeSite(routes) as site:
        row = crawl(site)
    assert site.paths() == ["/robots.txt", "/"]
    assert "metadata" in row["crawl_pages"][0]["skipped"]
