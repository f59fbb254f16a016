"""functions/dashboard serves exactly its static files: the page and known assets with their content
types, caching and security headers (a CSP without inline scripts), nothing else; alike on the served
app and on Lambda; its ES modules import each other at the deploy's version; its vocabularies come from
the server's own lists; and both languages carry every string the page and the modules use, the page
itself none."""
import json
import re
import urllib.request
from html.parser import HTMLParser
from typing import get_args

import pytest

from shared.clients.client_settings import SettingsChange
from shared.enrichment import contract
from shared.growth.intelligence.models import CLIENT_DAILY_EVENTS, PatternType
from shared.platform import fields
from tests.browser.dashboard import STATIC
from tests.helpers import apigw_event, load_function

MODULES = sorted(STATIC.glob("*.js"))
# How the page labels each vocabulary's values: the key prefix in en.json and fr.json.
LABELS = {"tag": "tag.", "urgency": "urgencyShort.", "intent": "intent.", "language": "language.",
          "emailTone": "emailTone.", "followupSpeed": "followupSpeed.", "dailyEvent": "eventType.",
          "alertUrgency": "alertUrgency.", "patternType": "patternType."}


def served_bytes(name: str, version: str) -> bytes:
    """An asset as it is served: a module's file with the deploy's version written into its imports; a
    language's strings, the parts under static/i18n/<language>/ as one object."""
    if name in ("en.json", "fr.json"):
        return json.dumps(part_strings(name[:2]), ensure_ascii=False, indent=2).encode() + b"\n"
    return (STATIC / name).read_bytes().replace(b"__VERSION__", version.encode())


def part_strings(language: str) -> dict[str, str]:
    return {key: text for part in sorted((STATIC / "i18n" / language).glob("*.json"))
            for key, text in json.loads(part.read_text()).items()}


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
    assert re.findall(rb'<script type="module" src="(/assets/[\w.]+)\?v=\w+"', body) == [b"/assets/app.js"]
    assert body.count(b"<script") == 1  # the one entry module; the others are its imports


def test_the_page_is_index_html_with_every_view_written_in_and_no_include_left(server, module):
    _, _, body = fetch(server, "/")
    views = sorted((STATIC / "views").glob("*.html"))
    assert len(views) >= 8
    assert all(view.read_bytes() in body for view in views)
    assert sorted(re.findall(rb'<section id="view-([\w-]+)"', body)) == [view.stem.encode() for view in views]
    assert b"<!-- include" not in body
    status, headers, _ = fetch(server, "/assets/inbox.html")
    assert status == 404  # a view's markup is part of the page, never an asset of its own
    assert_secure(headers)


@pytest.mark.parametrize(("html", "error"), [
    (b"<main>\n  <!-- include views/nowhere.html -->\n</main>\n", "views/nowhere.html"),
    (b"<main><!-- include views/inbox.html --></main>\n", "include line")])
def test_an_include_that_cannot_be_written_in_stops_the_import_rather_than_leave_a_hole(module, html, error):
    with pytest.raises((FileNotFoundError, ValueError), match=re.escape(error)):
        module._assembled(html)


@pytest.mark.parametrize(("name", "content_type"), [
    ("app.js", "text/javascript; charset=utf-8"), ("charts.js", "text/javascript; charset=utf-8"),
    ("app.css", "text/css; charset=utf-8"), ("en.json", "application/json; charset=utf-8"),
    ("fr.json", "application/json; charset=utf-8")])
def test_each_asset_is_served_with_its_content_type_and_the_security_headers(server, module, name, content_type):
    status, headers, body = fetch(server, f"/assets/{name}")
    assert status == 200 and headers["Content-Type"] == content_type
    assert body == served_bytes(name, module.VERSION)
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
                                  "/assets/static", "/assets/.htaccess", "/assets/APP.JS", "/assets/settings.html"])
def test_a_name_that_is_not_a_known_asset_is_a_404_with_the_security_headers(server, path):
    status, headers, body = fetch(server, path)
    assert status == 404 and json.loads(body)["error"]["code"] == "not_found"
    assert_secure(headers)


@pytest.mark.parametrize("path", ["/assets/..%2Fmain.py", "/assets/%2e%2e%2f%2e%2e%2fpyproject.toml",
                                  "/assets/i18n%2Fen.json", "/assets/views%2Finbox.html",
                                  "/assets/../functions/dashboard/main.py"])
def test_a_path_that_climbs_out_of_the_assets_reaches_no_file(server, path):
    status, _, body = fetch(server, path)
    assert status == 404 and json.loads(body)["error"]["code"] == "not_found"


def test_lambda_answers_the_page_and_an_asset_as_the_served_app_does(server, module):
    page = module.handler(apigw_event("GET", "/", content_type=None), None)
    _, _, served = fetch(server, "/")
    assert page["statusCode"] == 200 and page["body"].encode() == served and not page["isBase64Encoded"]
    assert_secure(page["headers"])
    script = module.handler(apigw_event("GET", "/assets/app.js", content_type=None, query={"v": module.VERSION}), None)
    assert script["statusCode"] == 200 and script["body"].encode() == served_bytes("app.js", module.VERSION)
    assert script["headers"]["Cache-Control"].endswith("immutable")


def test_both_languages_have_every_string_the_page_and_the_script_use(module):
    english = json.loads(module.ASSETS["en.json"])  # as they are served: their parts as one object
    french = json.loads(module.ASSETS["fr.json"])
    assert english.keys() == french.keys()
    page = module.PAGE.decode()  # as it is served: index.html with every view written in
    script = "".join(path.read_text() for path in MODULES)
    used = set(re.findall(r'data-(?:i18n|i18n-aria|i18n-placeholder|any)="([\w.-]+)"', page))
    used |= set(re.findall(r"\bt\('([\w.-]+)'[,)]", script))
    assert used and used <= english.keys(), sorted(used - english.keys())
    untranslated = [k for k in english if english[k] == french[k] and len(english[k]) > 12]
    assert untranslated == ["inbox.messages"]  # "{count} messages" is French too


def test_each_language_has_the_same_parts_with_the_same_keys_and_no_part_is_served_alone(server):
    parts = {language: {p.name: json.loads(p.read_text()).keys() for p in (STATIC / "i18n" / language).glob("*.json")}
             for language in ("en", "fr")}
    assert len(parts["en"]) > 2 and parts["en"] == parts["fr"]
    assert fetch(server, "/assets/inbox.json")[0] == 404


@pytest.mark.parametrize("parts", [
    {"i18n/en/inbox.json": b'{"inbox.title": "Inbox"}', "i18n/en/lead.json": b'{"inbox.title": "Lead"}'},
    {"i18n/en/inbox.json": b'{"inbox.title": "Inbox", "inbox.title": "Leads"}'}])
def test_a_string_defined_twice_stops_the_import_whichever_part_it_is_in(module, parts):
    with pytest.raises(ValueError, match=r"'inbox\.title' is defined in both i18n/en/inbox\.json and i18n/en/"):
        module._merged(parts)


def test_french_strings_use_the_typographic_apostrophe_and_a_no_break_space_before_a_colon(module):
    """As Québec French is printed: "l’adresse", "Sites : …" with the space that never breaks the line
    before the colon."""
    french = json.loads(module.ASSETS["fr.json"])
    assert [key for key, text in french.items() if "'" in text or " :" in text] == []
    assert "Sites\u00a0: {origins}" == french["forms.origins"]


def test_text_from_outside_is_never_parsed_as_html_by_the_scripts():
    assert len(MODULES) > 2
    for path in MODULES:
        script = path.read_text()
        assert not re.search(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function", script)


class _PageText(HTMLParser):
    """The text the page's <body> shows before any script runs, and whether the body starts hidden."""

    def __init__(self):
        super().__init__()
        self.inside, self.text, self.body_hidden = False, [], None

    def handle_starttag(self, tag, attrs):
        if tag == "body":
            self.inside, self.body_hidden = True, "hidden" in dict(attrs)

    def handle_data(self, data):
        if self.inside and data.strip():
            self.text.append(data.strip())


def test_the_page_carries_no_text_of_its_own_and_shows_nothing_until_its_strings_are_in(module):
    page = _PageText()
    page.feed(module.PAGE.decode())
    assert page.text == ["A", "Avenir"]  # the logo and the name of the product, in no language
    assert page.body_hidden


def test_every_module_is_imported_at_the_deploys_version_so_a_deploy_never_mixes_old_and_new(server, module):
    imports = {path.name: re.findall(r"""^(?:import|export)\b[^'"]*?from\s+'([^']+)'""", path.read_text(), re.M)
               for path in MODULES}
    specifiers = [s for found in imports.values() for s in found]
    assert specifiers and all(re.fullmatch(r"\./[\w-]+\.js\?v=__VERSION__", s) for s in specifiers), imports
    assert {s.split("?")[0][2:] for s in specifiers} | {"app.js"} == {path.name for path in MODULES}
    _, _, body = fetch(server, f"/assets/app.js?v={module.VERSION}")
    assert b"__VERSION__" not in body and f"?v={module.VERSION}'".encode() in body


def test_the_vocabularies_are_served_from_the_servers_own_lists(server, module):
    status, headers, body = fetch(server, f"/assets/vocabularies.json?v={module.VERSION}")
    assert status == 200 and headers["Content-Type"] == "application/json; charset=utf-8"
    assert_secure(headers)
    settings = SettingsChange.model_fields
    assert json.loads(body) == {
        "tag": list(get_args(fields.Tag)), "urgency": ["High", "Medium", "Low"], "intent": list(contract.INTENTS),
        "language": list(contract.LANGUAGES), "emailTone": list(get_args(settings["email_tone"].annotation)),
        "followupSpeed": list(get_args(settings["followup_speed"].annotation)), "dailyEvent": list(CLIENT_DAILY_EVENTS),
        "alertUrgency": ["High", "Medium", "off"], "patternType": list(get_args(PatternType))}
    scripts = "".join(path.read_text() for path in MODULES)
    for value in ("Follow-Up", "quote_request", "job_application", "Energetic", "Within 1 hour", "pattern_detected"):
        assert f"'{value}'" not in scripts, f"{value!r} is copied into a module"


def test_every_value_of_every_vocabulary_has_a_label_in_both_languages(module):
    vocabularies = json.loads(module.ASSETS["vocabularies.json"])
    assert vocabularies.keys() == LABELS.keys()
    for language in ("en", "fr"):
        strings = json.loads(module.ASSETS[f"{language}.json"])
        missing = [LABELS[name] + value for name, values in vocabularies.items() for value in values
                   if LABELS[name] + value not in strings]
        assert missing == [], (language, missing)


def test_no_module_is_longer_than_three_hundred_lines():
    assert {path.name: n for path in MODULES if (n := len(path.read_text().splitlines())) > 300} == {}
