"""HTML is escaped in one place (shared/mail/markup.py): a hostile value in every placeholder of every
HTML template (the reply, the unsubscribe page, the outreach email, the links and the open pixel)
comes out escaped exactly once, never raw and never twice."""
import ast
import re
from decimal import Decimal
from pathlib import Path

import pytest

from shared.mail import html_part, markup, render, unsubscribe
from shared.prospects import outreach

HOSTILE = '<script>"onmouseover=alert(1)&amp;'  # no space: a first name is all of it
ONCE = "&lt;script&gt;&quot;onmouseover=alert(1)&amp;amp;"
TWICE = "&amp;lt;script&amp;gt;&amp;quot;onmouseover=alert(1)&amp;amp;amp;"
WEB_LINK = "https://cal.example.ca/book?service=roof&amp;lang=en"  # a web address may hold "&amp;" itself
WEB_LINK_ONCE = "https://cal.example.ca/book?service=roof&amp;amp;lang=en"


def escaped_once(page: str) -> bool:
    return ONCE in page and TWICE not in page and "<script" not in page and '"onmouseover' not in page


# --- the one place ------------------------------------------------------------------------------

def test_a_template_fill_escapes_every_value_once_and_puts_markup_in_as_it_is():
    filled = markup.fill('<p title="$title">$text $safe</p>', title=HOSTILE, text=HOSTILE,
                         safe=markup.fill("<b>$word</b>", word=HOSTILE))
    assert filled == f'<p title="{ONCE}">{ONCE} <b>{ONCE}</b></p>'
    assert isinstance(filled, markup.Markup)


def test_escaping_markup_again_changes_nothing():
    once = markup.escape(HOSTILE)
    assert once == ONCE and markup.escape(once) == ONCE
    assert markup.join([HOSTILE, once], "<br>") == f"{ONCE}<br>{ONCE}"


def test_no_module_but_markup_escapes_html_by_hand():
    root = Path(__file__).resolve().parents[2]
    by_hand = []
    for source in sorted(root.glob("shared/**/*.py")):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            names = ([alias.name for alias in node.names] if isinstance(node, ast.Import)
                     else [node.module] if isinstance(node, ast.ImportFrom) else [])
            if "html" in names:
                by_hand.append(str(source.relative_to(root)))
    assert by_hand == ["shared/mail/markup.py"]


# --- the reply (templates/reply.html and the paragraphs, lists and links in it) ------------------

def reply_context(**overrides) -> render.ReplyContext:
    values = dict(language="en", intent="quote_request", tone="Friendly", lead_name="Olivia Park",
                  business_name="Toitures Laval", primary_service="roof replacement", booking_link=WEB_LINK,
                  custom_tagline="Roofs that outlast winter", mailing_address="123 rue Principale\nLaval QC",
                  contact_email="info@toitures-laval.ca")
    return render.ReplyContext(**{**values, **overrides})


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("field", ["business_name", "primary_service", "booking_link",
                                   "custom_tagline", "mailing_address", "contact_email"])
def test_a_hostile_value_anywhere_in_a_reply_is_escaped_exactly_once(field, language):
    sent = render.with_unsubscribe_url(render.reply(reply_context(language=language, **{field: HOSTILE})),
                                       "https://avenir.example.ca/u/Zq3xT0ken-for-the-test_9aB")
    assert escaped_once(sent.html)
    assert HOSTILE in sent.text


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_hostile_lead_name_is_not_greeted_at_all(language):
    """A lead's name with markup in it is no plausible name: the reply greets without one."""
    sent = render.reply(reply_context(language=language, lead_name=HOSTILE))
    assert "<script" not in sent.text and "&lt;script" not in sent.html and "onmouseover" not in sent.html
    assert sent.text.startswith({"en": "Hi there,", "fr": "Bonjour,"}[language])


def test_a_hostile_subject_is_escaped_exactly_once_in_the_title():
    rendered = render.reply(reply_context(primary_service=HOSTILE))
    assert HOSTILE in rendered.subject
    assert re.search(r"<title>(.*)</title>", rendered.html)[1] == markup.escape(rendered.subject)
    assert escaped_once(rendered.html)


def test_a_hostile_list_line_is_escaped_exactly_once_as_a_list_item():
    page = html_part.as_html(f"Some words:\n- {HOSTILE}\n- plain", "Subject", "en", [])
    assert f"<li>{ONCE}</li><li>plain</li>" in page and escaped_once(page)


def test_a_language_outside_the_two_is_never_written_into_the_page():
    rendered = render.reply(reply_context(language=HOSTILE, intent=HOSTILE, tone=HOSTILE))
    assert '<html lang="en">' in rendered.html and "script" not in rendered.html


def test_links_are_escaped_exactly_once_in_their_href_and_their_text():
    unsubscribe_url = f"https://avenir.example.ca/u/t?{HOSTILE}"
    sent = render.with_unsubscribe_url(render.reply(reply_context()), unsubscribe_url)
    unsubscribe_once = f"https://avenir.example.ca/u/t?{ONCE}"
    assert f'<a href="{WEB_LINK_ONCE}">{WEB_LINK_ONCE}</a>' in sent.html
    assert f'<a href="{unsubscribe_once}">{unsubscribe_once}</a>' in sent.html
    assert "&amp;amp;amp;" not in sent.html and TWICE not in sent.html


# --- the unsubscribe page (templates/page.html) ---------------------------------------------------

@pytest.mark.parametrize("section", ["confirm", "done", "already"])
@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_hostile_business_name_is_escaped_exactly_once_on_the_unsubscribe_page(language, section):
    page = unsubscribe.page(language, section, HOSTILE)
    assert escaped_once(page)
    assert re.search(r"<h1>(.*)</h1>", page)[1].count(ONCE) + re.search(r"<p>(.*)</p>", page)[1].count(ONCE) >= 1


def test_a_hostile_language_gives_the_english_unsubscribe_page():
    page = unsubscribe.page(HOSTILE, "confirm", "Toitures Laval")
    assert '<html lang="en">' in page and '<main lang="en">' in page and "script" not in page


# --- the outreach email and its open pixel --------------------------------------------------------

@pytest.mark.parametrize("language", ["en", "fr"])
def test_hostile_values_anywhere_in_an_outreach_email_are_escaped_exactly_once(language):
    prospect = dict(language=language, business_name=HOSTILE, industry=HOSTILE, response_time_ms=90000,
                    response_score=Decimal("72.50"), has_autoresponder=False, is_generic=True,
                    is_personalized=False)
    sign = dict(business_name=HOSTILE, email=HOSTILE, mailing_address=f"{HOSTILE}\nLaval QC")
    rendered = outreach.email(prospect, sign, f"https://avenir.example.ca/o/{HOSTILE}.gif")
    assert escaped_once(rendered.html)
    assert f'<img src="https://avenir.example.ca/o/{ONCE}.gif" width="1"' in rendered.html
    assert rendered.html.endswith('style="display:block;border:0">\n</body>\n</html>\n')
