"""GET / and GET /assets/{name}: the owner's web dashboard, plain static files shipped in static/ (native
ES modules, no build step) and the server's vocabularies as one JSON asset, served from a list made once
at import (nothing else is reachable) under a strict CSP. The page is index.html with each view's markup
(static/views/<view>.html) written in where it says `<!-- include views/<view>.html -->`; a language's
strings, /assets/<lang>.json, are its parts (static/i18n/<lang>/*.json) as one object."""
import hashlib
import json
import re
from pathlib import Path
from typing import get_args

from shared.clients import credentials
from shared.clients.client_settings import SettingsChange
from shared.enrichment import contract
from shared.growth.intelligence.models import CLIENT_DAILY_EVENTS, PatternType
from shared.platform import fields, http
from shared.platform.exceptions import NotFound

STATIC = Path(__file__).resolve().parent / "static"
LANGUAGES = sorted(p.name for p in (STATIC / "i18n").iterdir() if p.is_dir())  # a folder of strings each
# A line of index.html that stands for a file of static/ (a view's markup): replaced by the file's text.
INCLUDE = re.compile(rb"^[ \t]*<!-- include ([\w/-]+\.html) -->\n", re.M)
CONTENT_TYPES = {".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8",
                 ".js": "text/javascript; charset=utf-8", ".json": "application/json; charset=utf-8",
                 ".svg": "image/svg+xml"}
# Scripts and styles only from files of this origin (no inline script or style), API calls to it only.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                               "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def _vocabularies() -> dict[str, list[str]]:
    """The lists the dashboard offers (filters, tag buttons, settings' choices), read from the Literals
    that define them, so the page never carries a copy that could drift from what the API accepts."""
    settings = SettingsChange.model_fields
    return {
        "tag": list(get_args(fields.Tag)),
        "urgency": list(reversed(contract.URGENCIES)),  # most urgent first, as the inbox offers them
        "intent": list(contract.INTENTS),
        "language": list(contract.LANGUAGES),
        "emailTone": list(get_args(settings["email_tone"].annotation)),
        "followupSpeed": list(get_args(settings["followup_speed"].annotation)),
        "alertUrgency": list(get_args(settings["alert_urgency"].annotation)),
        "dailyEvent": list(CLIENT_DAILY_EVENTS),  # the nightly run's events, one insight card each
        "patternType": list(get_args(PatternType)),  # what a pattern_detected card is about: its title
    }


def _assets() -> dict[str, bytes]:
    """Every asset by its public name: the files at static/'s top, each language's strings and the
    vocabularies. static/'s folders hold parts of the page (views/) and of the strings (i18n/<lang>/),
    never served on their own."""
    files = [p for p in sorted(STATIC.iterdir()) if p.is_file() and p.suffix in CONTENT_TYPES]
    assets = {p.name: p.read_bytes() for p in files if p.name != "index.html"}
    strings = {f"{language}.json": _strings(language) for language in LANGUAGES}
    return {**assets, **strings, "vocabularies.json": json.dumps(_vocabularies(), ensure_ascii=False).encode()}


def _strings(language: str) -> bytes:
    """static/i18n/<language>/*.json (a part per view, and the labels and words they share) as one object."""
    parts = {f"i18n/{language}/{p.name}": p.read_bytes() for p in sorted((STATIC / "i18n" / language).glob("*.json"))}
    if not parts:
        raise FileNotFoundError(f"No strings for {language!r}: static/i18n/{language}/ holds no .json part")
    return _merged(parts)


def _merged(parts: dict[str, bytes]) -> bytes:
    """The parts' keys and strings as one JSON object; a key that two parts (or one part twice) define
    stops the import, whichever text it would have kept."""
    strings: dict[str, str] = {}
    defined_in: dict[str, str] = {}
    for name, text in parts.items():
        for key, value in json.loads(text, object_pairs_hook=list):
            if key in defined_in:
                raise ValueError(f"The string {key!r} is defined in both {defined_in[key]} and {name}")
            strings[key], defined_in[key] = value, name
    return json.dumps(strings, ensure_ascii=False, indent=2).encode() + b"\n"


def _assembled(html: bytes) -> bytes:
    """The page: `html` with each include line replaced by its file; a file that is not there, or a line
    that looks like an include but is not one, stops the import rather than serve a page with a hole."""
    page = INCLUDE.sub(_included, html)
    if b"<!-- include" in page:
        raise ValueError("index.html has an include line not written `<!-- include views/<view>.html -->`")
    return page


def _included(line: re.Match) -> bytes:
    path = STATIC / line[1].decode()
    if not path.is_file():
        raise FileNotFoundError(f"index.html includes {line[1].decode()}, which is not a file under {STATIC}")
    return path.read_bytes()


def _versioned(body: bytes) -> bytes:
    return body.replace(b"__VERSION__", VERSION.encode())


SOURCES = _assets()
# Assets are asked for as /assets/<name>?v=<VERSION>: a new deploy changes the URL, so a browser may keep
# a versioned asset for a year and still never runs an old module with a new page. The page and every
# module carry __VERSION__ in the URLs they load (a module's `import ... from './dom.js?v=__VERSION__'`),
# written in here: a browser keys its module map by the whole URL, so after a deploy it fetches the new
# modules rather than reusing cached old ones, and every module imports the same URL of each other one
# (one instance of each). VERSION is taken from the sources, so any change to any file changes it.
VERSION = hashlib.sha256(b"".join(SOURCES[name] for name in sorted(SOURCES))).hexdigest()[:12]
ASSETS = {name: _versioned(body) if name.endswith(".js") else body for name, body in SOURCES.items()}
PAGE = _versioned(_assembled((STATIC / "index.html").read_bytes()))


def page(req: http.Request) -> http.Response:
    """The dashboard page

    HTML; its scripts and styles are the assets under /assets/. Revalidated on every visit."""
    return _file(req, PAGE, CONTENT_TYPES[".html"], "no-cache")


def asset(req: http.Request) -> http.Response:
    """One of the dashboard's assets

    A module, style sheet, translation file or the vocabularies, by name; any other name is a 404."""
    name = req.path_params["name"]
    if name not in ASSETS:
        raise NotFound(f"No dashboard asset named {name!r}.", headers=dict(SECURITY_HEADERS))
    versioned = req.query.get("v") == VERSION
    cache = "public, max-age=31536000, immutable" if versioned else "no-cache"
    return _file(req, ASSETS[name], CONTENT_TYPES[Path(name).suffix], cache)


def _file(req: http.Request, body: bytes, content_type: str, cache: str) -> http.Response:
    etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
    headers = {**SECURITY_HEADERS, "Cache-Control": cache, "ETag": etag}
    if etag in req.headers.get("if-none-match", ""):
        return http.raw(b"", content_type, status=304, **headers)
    return http.raw(body, content_type, **headers)


ROUTES = http.Routes(
    http.Route("GET", "/", page, auth=credentials.public, content_type="text/html",
               responses={200: (None, "The dashboard's HTML page.")}),
    # One route for every kind of asset: its answer is JavaScript, CSS or JSON, as its name says.
    http.Route("GET", "/assets/{name}", asset, auth=credentials.public, content_type="*/*", errors=(404,),
               responses={200: (None, "The asset: JavaScript (.js), CSS (.css), a translation file or the "
                                   "vocabularies (.json).")}),
)


def dashboard(request):  # functions-framework target (a Flask request)
    return http.serve_flask(request, ROUTES)


def handler(event, context):  # AWS Lambda (API Gateway HTTP API v2)
    return http.serve_lambda(event, ROUTES)
