"""functions/dashboard serves exactly its static files: the page and known assets with their content
types, caching and security headers (a CSP without inline scripts), nothing else; alike on the served
app and on Lambda; and both languages carry every string the page and the script use."""
import json
import re
import urllib.request

import pytest

from tests.browser.dashboard import STATIC
from tests.helpers import apigw_event, load_function


@pytest.fixture(scope="module")
def module():
    return load_function("dashboard")


def fetch(base_url: str, path: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(base_url + path, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def assert_secure(headers: dict) -> None:
    policy = headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'" and "unsafe" not in policy
    assert directives["default-src"] == "'self'" and directives["frame-ancestors"] == "'none'"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"


def test_the_page_is_html_with_a_strict_policy_and_revalidated_on_every_visit(server):
    status, headers, body = fetch(server, "/")
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    assert_secure(headers)
    assert headers["Cache-Control"] == "no-cache"
    assert b"__VERSION__" not in body and b"<script>" not in body and b" style=" not in body
    assert re.findall(rb'<script src="(/assets/[\w.]+)\?v=\w+"', body) == [b"/assets/charts.js", b"/assets/app.js"]


@pytest.mark.parametrize(("name", "content_type"), [
    ("app.js", "text/javascript; charset=utf-8"), ("charts.js", "text/javascript; charset=utf-8"),
    ("app.css", "text/css; charset=utf-8"), ("en.json", "application/json; charset=utf-8"),
    ("fr.json", "application/json; charset=utf-8")])
def test_each_asset_is_served_with_its_content_type_and_the_security_headers(server, module, name, content_type):
    status, headers, body = fetch(server, f"/assets/{name}")
    assert status == 200 and headers["Content-Type"] == content_type
    assert body == next(STATIC.rglob(name)).read_bytes()
    assert_secure(headers)
    assert headers["Cache-Control"] == "no-cache"
    _, versioned, _ = fetch(server, f"/assets/{name}?v={module.VERSION}")
    assert versioned["Cache-Control"] == "public, max-age=31536000, immutable"


def test_an_unchanged_asset_is_answered_304_to_its_etag(server):
    _, headers, _ = fetch(server, "/assets/app.css")
    status, again, body = fetch(server, "/assets/app.css", {"If-None-Match": headers["ETag"]})
    assert (status, body) == (304, b"")
    assert again["ETag"] == headers["ETag"]


@pytest.mark.parametrize("path", ["/assets/main.py", "/assets/index.html", "/assets/app.js%00.css",
                                  "/assets/static", "/assets/.htaccess", "/assets/APP.JS"])
def test_a_name_that_is_not_a_known_asset_is_a_404_with_the_security_headers(server, path):
    status, headers, body = fetch(server, path)
    assert status == 404 and json.loads(body)["error"]["code"] == "not_found"
    assert_secure(headers)


@pytest.mark.parametrize("path", ["/assets/..%2Fmain.py", "/assets/%2e%2e%2f%2e%2e%2fpyproject.toml",
                                  "/assets/i18n%2Fen.json", "/assets/../functions/dashboard/main.py"])
def test_a_path_that_climbs_out_of_the_assets_reaches_no_file(server, path):
    status, _, body = fetch(server, path)
    assert status == 404 and json.loads(body)["error"]["code"] == "not_found"


def test_lambda_answers_the_page_and_an_asset_as_the_served_app_does(server, module):
    page = module.handler(apigw_event("GET", "/", content_type=None), None)
    _, _, served = fetch(server, "/")
    assert page["statusCode"] == 200 and page["body"].encode() == served and not page["isBase64Encoded"]
    assert_secure(page["headers"])
    script = module.handler(apigw_event("GET", "/assets/app.js", content_type=None, query={"v": module.VERSION}), None)
    assert script["statusCode"] == 200 and script["body"].encode() == (STATIC / "app.js").read_bytes()
    assert script["headers"]["Cache-Control"].endswith("immutable")


def test_both_languages_have_every_string_the_page_and_the_script_use():
    english = json.loads((STATIC / "i18n" / "en.json").read_text())
    french = json.loads((STATIC / "i18n" / "fr.json").read_text())
    assert english.keys() == french.keys()
    page = (STATIC / "index.html").read_text()
    script = (STATIC / "app.js").read_text()
    used = set(re.findall(r'data-(?:i18n|i18n-aria|i18n-placeholder|any)="([\w.-]+)"', page))
    used |= set(re.findall(r"\bt\('([\w.-]+)'[,)]", script))
    assert used and used <= english.keys(), sorted(used - english.keys())
    untranslated = [k for k in english if english[k] == french[k] and len(english[k]) > 12]
    assert untranslated == ["inbox.messages"]  # "{count} messages" is French too


def test_text_from_outside_is_never_parsed_as_html_by_the_scripts():
    for name in ("app.js", "charts.js"):
        script = (STATIC / name).read_text()
        assert not re.search(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function", script)
