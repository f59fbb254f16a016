"""Unsubscribe links (GET and POST /u/{token}): a token names a client and an email's digest, never
the email; its page asks once, and the POST (the page's button, or a mail client's RFC 8058 one-click
request) stops that client's replies to that email at once. Tokens cross clients, as API keys do,
so they are looked up on the admin path."""
import configparser
import functools
import hashlib
import html
import re
import string
from dataclasses import dataclass

from shared.mail import render
from shared.platform import db, sql

Q = sql.load(__file__)

_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,128}$")  # secrets.token_urlsafe's alphabet


@dataclass(frozen=True)
class Page:
    status: int
    html: str


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def confirm_page(token: str) -> Page:
    """GET: the page with its one button (or saying it is already done); 404 for an unknown token."""
    found = _find(token)
    if found is None:
        return unknown_page()
    section = "already" if found["unsubscribed"] else "confirm"
    return Page(200, page(found["language"], section, found["business_name"]))


def unsubscribe(token: str) -> Page:
    """POST: unsubscribe at once (repeating it changes nothing); 404 for an unknown token."""
    if not _TOKEN.match(token):
        return unknown_page()
    with db.admin_transaction() as conn:
        found = db.query_one(conn, Q.unsubscribe, token_digest=token_digest(token))
    if found is None:
        return unknown_page()
    return Page(200, page(found["language"], "done", found["business_name"]))


def unknown_page() -> Page:
    """In both languages: nothing says which the visitor reads."""
    return Page(404, page("en", "unknown", "", also_french=True))


def _find(token: str) -> dict | None:
    if not _TOKEN.match(token):
        return None
    rows = db.admin_read(Q.find, token_digest=token_digest(token))
    return rows[0] if rows else None


def page(language: str, section: str, business_name: str, also_french: bool = False) -> str:
    """The page, every value escaped; the button posts to the page's own address."""
    languages = ["en", "fr"] if also_french else ["fr" if language == "fr" else "en"]
    values = {"business_name": html.escape(render.one_line(business_name))}
    sections = []
    for lang in languages:
        words = {key: string.Template(html.escape(text)).substitute(values)
                 for key, text in _words(lang)[section].items()}
        button = (f'<form method="post"><button type="submit">{words["button"]}</button></form>'
                  if "button" in words else "")
        sections.append(f'<main lang="{lang}">\n<h1>{words["heading"]}</h1>\n<p>{words["text"]}</p>\n{button}</main>')
    title = " / ".join(_words(lang)[section]["title"] for lang in languages)
    return string.Template(_layout()).substitute(language=languages[0], title=html.escape(title),
                                                 sections="\n".join(sections))


@functools.cache
def _words(language: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None)
    parser.read_string((render.TEMPLATES / language / "pages.ini").read_text(encoding="utf-8"))
    return parser


@functools.cache
def _layout() -> str:
    return (render.TEMPLATES / "page.html").read_text(encoding="utf-8")
