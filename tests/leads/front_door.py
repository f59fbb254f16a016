"""Posting to a public form as a browser, a page's fetch or a server does (tests/leads/test_front_door*.py):
raw bodies in each encoding, redirects not followed, pages read as text."""
import json
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass

from shared.leads import spam

SITE = "https://toitures-laval.ca"
QUOTE = "Bonjour, j'aimerais une soumission pour refaire la toiture de mon bungalow à Laval."
NAVIGATE = {"Sec-Fetch-Mode": "navigate", "Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
FETCH = {"Sec-Fetch-Mode": "cors", "Accept": "*/*"}


@dataclass
class Answer:
    status: int
    text: str
    headers: dict

    @property
    def json(self):
        return json.loads(self.text)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def send(base_url: str, method: str, path: str, body: bytes | None = None, headers: dict | None = None) -> Answer:
    req = urllib.request.Request(base_url + path, data=body, method=method, headers=headers or {})
    try:
        with _OPENER.open(req, timeout=60) as r:
            return Answer(r.status, r.read().decode(), dict(r.headers))
    except urllib.error.HTTPError as e:
        return Answer(e.code, e.read().decode(), dict(e.headers))


def aged_token(form_key: str, age_s: float = 30) -> str:
    """The `_ts` a page loaded age_s seconds ago carries."""
    return spam.issue_token(form_key, time.time() - age_s)


def fields(form_key: str, **overrides) -> dict:
    """A person's fields: filled in 30 seconds, honeypot empty."""
    values = {"name": "Sophie Tremblay", "email": f"sophie.{uuid.uuid4().hex[:8]}@videotron.ca",
              "phone": "(450) 555-0187", "message": QUOTE, "_gotcha": "", "_ts": aged_token(form_key)}
    values.update(overrides)
    return {name: value for name, value in values.items() if value is not None}


def urlencoded(values: dict) -> tuple[bytes, str]:
    return urllib.parse.urlencode(values).encode(), "application/x-www-form-urlencoded"


def multipart(values: dict, files: dict | None = None) -> tuple[bytes, str]:
    boundary = "----avenirBoundary" + uuid.uuid4().hex
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
             for name, value in values.items()]
    parts += [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{name}.txt"\r\n'
              f'Content-Type: text/plain\r\n\r\n{content}\r\n' for name, content in (files or {}).items()]
    return ("".join(parts) + f"--{boundary}--\r\n").encode(), f"multipart/form-data; boundary={boundary}"


class Poster:
    """Posts to one form of the served app."""

    def __init__(self, base_url: str, form: dict):
        self.base_url, self.form = base_url, form
        self.key = form["form_key"]

    def post(self, values: dict, encoding=urlencoded, headers: dict | None = None, origin: str | None = SITE) -> Answer:
        body, content_type = encoding(values)
        sent = {"Content-Type": content_type, **({"Origin": origin} if origin else {}), **(headers or {})}
        return send(self.base_url, "POST", f"/f/{self.key}", body, sent)

    def browser(self, values: dict, **kwargs) -> Answer:
        return self.post(values, headers=NAVIGATE, **kwargs)


def json_body(values: dict) -> tuple[bytes, str]:
    return json.dumps(values).encode(), "application/json"
