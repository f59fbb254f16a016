"""Unsubscribe links (GET and POST /u/{token}): a token names a client and an email's digest, never
the email; its page asks once, and the POST (the page's button, or a mail client's RFC 8058 one-click
request) stops that client's replies to that email at once. Tokens cross clients, as API keys do,
so they are looked up on the admin path."""
import configparser
import functools
import string
from dataclasses import dataclass

from shared.mail import markup, render, tokens
from shared.platform import db, http, settings, sql

Q = sql.load(__file__)


def unsubscribe_url(token: str) -> str:
    """The link a reply carries to its own unsubscribe page."""
    return f"{settings.public_url()}/u/{token}"


@dataclass(frozen=True)
class Page:
    status: int
    html: str

    def response(self) -> http.Response:
        """The page as served: no script, nothing loaded, posting only to itself, and its address (a
        credential) neither sent on as a referrer nor kept in a cache."""
        return http.raw(self.html.encode(), "text/html; charset=utf-8", self.status, **PAGE_HEADERS)


PAGE_HEADERS = {"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
                                           "frame-ancestors 'none'; base-uri 'none'",
                "Referrer-Policy": "no-referrer", "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}


def confirm_page(token: str) -> Page:
    """GET: the page with its one button (or saying it is already done); 404 for an unknown token."""
    found = _find(token)
    if found is None:
        return unknown_page()
    section = "already" if found["unsubscribed"] else "confirm"
    return Page(200, page(found["language"], section, found["business_name"]))


def unsubscribe(token: str) -> Page:
    """POST: unsubscribe at once (repeating it changes nothing); 404 for an unknown token."""
    if not tokens.well_formed(token):
        return unknown_page()
    with db.admin_transaction() as conn:
        found = db.query_one(conn, Q.unsubscribe, token_digest=tokens.digest(token))
    if found is None:
        return unknown_page()
    return Page(200, page(found["language"], "done", found["business_name"]))


def unknown_page() -> Page:
    """In both languages: nothing says which the visitor reads."""
    return Page(404, page("en", "unknown", "", also_french=True))


def _find(token: str) -> dict | None:
    if not tokens.well_formed(token):
        return None
    rows = db.admin_read(Q.find, token_digest=tokens.digest(token))
    return rows[0] if rows else None


def page(language: str, section: str, business_name: str, also_french: bool = False) -> str:
    """The page (every value escaped by markup.fill); the button posts to the page's own address."""
    languages = ["en", "fr"] if also_french else ["fr" if language == "fr" else "en"]
    sections = [_section(lang, _words(lang)[section], render.one_line(business_name)) for lang in languages]
    title = " / ".join(_words(lang)[section]["title"] for lang in languages)
    return markup.fill(_layout(), language=languages[0], title=title, sections=markup.join(sections, "\n"))


def _section(language: str, words: configparser.SectionProxy, business_name: str) -> markup.Markup:
    said = {key: string.Template(text).substitute(business_name=business_name) for key, text in words.items()}
    button = (markup.fill('<form method="post"><button type="submit">$label</button></form>', label=said["button"])
              if "button" in said else markup.EMPTY)
    return markup.fill('<main lang="$language">\n<h1>$heading</h1>\n<p>$text</p>\n$button</main>',
                       language=language, heading=said["heading"], text=said["text"], button=button)


@functools.cache
def _words(language: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None)
    parser.read_string((render.TEMPLATES / language / "pages.ini").read_text(encoding="utf-8"))
    return parser


@functools.cache
def _layout() -> str:
    return (render.TEMPLATES / "page.html").read_text(encoding="utf-8")
