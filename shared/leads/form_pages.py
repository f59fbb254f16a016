"""What a public form shows a person, from shared/leads/templates/: the snippet the owner pastes
(embed_html: labelled fields, the honeypot hidden from people and screen readers alike), its script
(embed.js, which stamps the form with a signed load time) and the bilingual thank-you and error pages."""
import configparser
import functools
import json
import string
from pathlib import Path

from shared.mail import markup
from shared.platform import settings

TEMPLATES = Path(__file__).with_name("templates")
LANGUAGES = ("en", "fr")


@functools.cache
def _words(language: str) -> configparser.ConfigParser:
    words = configparser.ConfigParser(interpolation=None)
    words.read(TEMPLATES / f"{language}.ini", encoding="utf-8")
    return words


@functools.cache
def _template(name: str) -> str:
    return (TEMPLATES / name).read_text(encoding="utf-8")


def post_url(form_key: str) -> str:
    return f"{settings.public_url()}/f/{form_key}"


def embed_html(form_key: str, language: str) -> str:
    """The ready-to-paste form, in the form's language; ids unique per form so two forms can share a page."""
    words = _words(language)["form"]
    return str(markup.fill(_template("form_embed.html"), action=post_url(form_key), language=language,
                           id=form_key[4:12], script=post_url(form_key) + "/embed.js",
                           **{f"{name}_label": words[name]
                              for name in ("name", "email", "phone", "message", "gotcha", "send")}))


def embed_js(form_key: str, token: str) -> str:
    """The script the snippet loads: it fills `_ts` with a token issued as the page loads."""
    return string.Template(_template("embed.js")).substitute(token=json.dumps(token),
                                                             action=json.dumps(post_url(form_key)))


def thank_you_page(language: str) -> str:
    """The small thank-you page (the form's language first, then the other)."""
    return _page(language, "thanks", [_section(lang, "thanks", markup.EMPTY) for lang in _order(language)])


def invalid_page(language: str, fields: list[str]) -> str:
    """The error page: which fields to correct, in both languages."""
    sections = []
    for lang in _order(language):
        words = _words(lang)["invalid"]
        items = markup.join(markup.fill("<li>$text</li>", text=words.get(field, field)) for field in fields)
        sections.append(_section(lang, "invalid", markup.fill("<ul>$items</ul>", items=items)))
    return _page(language, "invalid", sections)


def refused_page(language: str, status: int) -> str:
    """The page of a post refused for another reason than its fields: too many posts (429), the
    service unavailable (503), a form no longer taking messages (404), a post too large (413), or
    a form that cannot take it (another site's page, a body it cannot read)."""
    kind = {429: "busy", 503: "unavailable", 404: "closed", 413: "too_large"}.get(status, "refused")
    return _page(language, kind, [_section(lang, kind, markup.EMPTY) for lang in _order(language)])


def _order(language: str) -> list[str]:
    return [language] + [other for other in LANGUAGES if other != language]


def _section(language: str, name: str, extra: markup.Markup) -> markup.Markup:
    words = _words(language)[name]
    return markup.fill('<section lang="$language"><h1>$heading</h1><p>$text</p>$extra</section>',
                       language=language, heading=words["heading"], text=words["text"], extra=extra)


def _page(language: str, kind: str, sections: list[markup.Markup]) -> str:
    title = " / ".join(_words(lang)[kind]["title"] for lang in _order(language))
    return str(markup.fill(_template("form_page.html"), language=language, title=title,
                           sections=markup.join(sections)))

