"""The reply itself: in both languages, all four tones, for every intent; a few compared whole with
the snapshots in tests/fixtures/mail/, the rest held to what the contract asks of every reply; text
from a lead or a client never becomes markup; the headers of the email."""
import email
import email.policy
import itertools
import re

import pytest

from shared.mail import render
from tests.helpers import FIXTURES

SNAPSHOTS = FIXTURES / "mail"
UNSUBSCRIBE = "https://avenir.example.ca/u/Zq3xT0ken-for-the-test_9aB"
BOOKING = "https://cal.toitures-laval.ca/book?service=roof&lang=en"
# A client writes its settings in its own language.
SERVICE = {"en": "roof replacement", "fr": "réfection de toiture"}
TAGLINE = {"en": "Roofs that outlast winter", "fr": "Des toits qui passent l'hiver"}


def context(language="en", intent="quote_request", tone="Friendly", **overrides) -> render.ReplyContext:
    own = language if language in SERVICE else "en"
    values = dict(language=language, intent=intent, tone=tone, lead_name="Olivia Park",
                  business_name="Toitures Laval", primary_service=SERVICE[own], booking_link=BOOKING,
                  custom_tagline=TAGLINE[own], mailing_address="123 rue Principale\nLaval QC H7N 1A1",
                  contact_email="info@toitures-laval.ca")
    return render.ReplyContext(**{**values, **overrides})


# --- a few whole, as a person reads them -----------------------------------------------------

SNAPSHOT_CASES = [("en", "quote_request", "Friendly"), ("fr", "quote_request", "Formal"),
                  ("en", "appointment", "Professional"), ("fr", "appointment", "Energetic"),
                  ("fr", "support", "Friendly")]


@pytest.mark.parametrize("language, intent, tone", SNAPSHOT_CASES)
def test_the_reply_reads_exactly_as_its_snapshot(language, intent, tone):
    rendered = render.reply(context(language, intent, tone), UNSUBSCRIBE)
    name = f"{intent}.{language}.{tone}"
    expected_text = (SNAPSHOTS / f"{name}.txt").read_text(encoding="utf-8")
    expected_html = (SNAPSHOTS / f"{name}.html").read_text(encoding="utf-8")
    assert f"Subject: {rendered.subject}\n\n{rendered.text}\n" == expected_text
    assert rendered.html == expected_html


# --- every language, tone and intent ------------------------------------------------------------

ALL = list(itertools.product(render.LANGUAGES, render.TONES, render.INTENTS))


def words(language: str, tone: str) -> dict:
    return dict(render.tones(language)[tone])


@pytest.mark.parametrize("language, tone, intent", ALL)
def test_every_reply_greets_in_its_tone_names_the_service_and_signs_with_the_business(language, tone, intent):
    rendered = render.reply(context(language, intent, tone), UNSUBSCRIBE)
    tone_words = words(language, tone)
    greeting = tone_words["greeting"].replace("$first_name", "Olivia").replace("$name", "Olivia Park")
    assert rendered.text.startswith(greeting + "\n")
    assert tone_words["opening"].replace("$business_name", "Toitures Laval") in rendered.text
    assert tone_words["closing"] in rendered.text
    assert SERVICE[language] in rendered.text
    assert f"{tone_words['sign_off']}\nToitures Laval\n{TAGLINE[language]}\n" in rendered.text
    assert rendered.subject and "\n" not in rendered.subject
    assert "$" not in rendered.text + rendered.subject, "a placeholder was left unfilled"


@pytest.mark.parametrize("language, tone, intent", ALL)
def test_every_reply_carries_what_canadas_anti_spam_law_asks(language, tone, intent):
    text = render.reply(context(language, intent, tone), UNSUBSCRIBE).text
    footer = text.split("\n-- \n", 1)[1]
    assert "Toitures Laval" in footer
    assert "123 rue Principale\nLaval QC H7N 1A1" in footer
    assert "info@toitures-laval.ca" in footer
    assert UNSUBSCRIBE in footer


@pytest.mark.parametrize("language, tone, intent", ALL)
def test_every_reply_offers_the_booking_link_when_the_client_has_one(language, tone, intent):
    with_link = render.reply(context(language, intent, tone), UNSUBSCRIBE)
    without = render.reply(context(language, intent, tone, booking_link=None), UNSUBSCRIBE)
    assert BOOKING in with_link.text
    assert f'<a href="{BOOKING.replace("&", "&amp;")}">' in with_link.html
    assert "cal.toitures-laval.ca" not in without.text + without.html


@pytest.mark.parametrize("language, tone", list(itertools.product(render.LANGUAGES, render.TONES)))
def test_an_appointment_without_a_booking_link_is_asked_for_times_that_suit(language, tone):
    text = render.reply(context(language, "appointment", tone, booking_link=None), UNSUBSCRIBE).text
    assert render.intents(language)["appointment"]["without_booking"] in text


@pytest.mark.parametrize("language, asked", [
    ("en", ["address", "description of the job", "photos", "when you would like the work done"]),
    ("fr", ["adresse", "description des travaux", "photos", "le moment où vous aimeriez"]),
])
def test_a_quote_request_is_asked_for_what_a_quote_needs(language, asked):
    text = render.reply(context(language, "quote_request"), UNSUBSCRIBE).text
    for needed in asked:
        assert needed in text


@pytest.mark.parametrize("intent", render.INTENTS)
def test_the_four_tones_of_one_intent_read_differently(intent):
    for language in render.LANGUAGES:
        texts = {render.reply(context(language, intent, tone), UNSUBSCRIBE).text for tone in render.TONES}
        assert len(texts) == 4


def test_a_french_lead_is_answered_in_french_and_an_english_one_in_english():
    french = render.reply(context("fr", "information"), UNSUBSCRIBE)
    english = render.reply(context("en", "information"), UNSUBSCRIBE)
    assert "Un membre de notre équipe" in french.text and 'lang="fr"' in french.html
    assert "A member of our team" in english.text and 'lang="en"' in english.html


def test_missing_settings_leave_no_gap_and_no_placeholder():
    rendered = render.reply(context("en", "other", primary_service=None, custom_tagline=None, booking_link=None,
                                    mailing_address=None), UNSUBSCRIBE)
    assert "\n\n\n" not in rendered.text and "$" not in rendered.text
    assert "Cheers,\nToitures Laval\n\n-- \n" in rendered.text


@pytest.mark.parametrize("language, tone, intent", ALL)
def test_a_client_without_a_primary_service_gets_its_general_wording(language, tone, intent):
    rendered = render.reply(context(language, intent, tone, primary_service=None), UNSUBSCRIBE)
    assert render.tones(language)["words"]["service"] not in rendered.subject + rendered.text
    assert "$" not in rendered.subject + rendered.text


@pytest.mark.parametrize("unknown", [{"intent": "spam"}, {"intent": None}, {"tone": "Urgent"}, {"language": "de"}])
def test_an_unknown_intent_tone_or_language_gets_the_general_english_friendly_words(unknown):
    rendered = render.reply(context(**unknown), UNSUBSCRIBE)
    assert rendered.subject and "Toitures Laval" in rendered.text


# --- nothing from a lead or a client becomes markup ---------------------------------------------

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)> & "quotes" \'single\''


@pytest.mark.parametrize("field", ["lead_name", "business_name", "primary_service", "custom_tagline",
                                   "mailing_address", "contact_email"])
def test_text_from_a_lead_or_a_client_is_escaped_in_the_html_part(field):
    hostile = HOSTILE[:60] if field == "lead_name" else HOSTILE  # a longer name is not used at all
    rendered = render.reply(context(**{field: hostile}), UNSUBSCRIBE)
    assert "<script" not in rendered.html and "<img" not in rendered.html and "onerror=alert(1)>" not in rendered.html
    assert "&lt;script&gt;" in rendered.html
    assert HOSTILE.split(" ")[0] in rendered.text  # the text part shows it as it was written


def test_a_booking_link_that_is_not_a_web_address_is_never_made_a_link():
    rendered = render.reply(context(booking_link='javascript:alert(1)"><b>x</b>'), UNSUBSCRIBE)
    assert 'href="javascript' not in rendered.html and "<b>" not in rendered.html


def test_only_the_booking_and_unsubscribe_links_are_clickable():
    rendered = render.reply(context(lead_name="See https://evil.example.com now"), UNSUBSCRIBE)
    hrefs = re.findall(r'href="([^"]+)"', rendered.html)
    assert sorted(hrefs) == sorted([BOOKING.replace("&", "&amp;"), UNSUBSCRIBE])


# --- the email ------------------------------------------------------------------------------------

def build(**envelope) -> email.message.EmailMessage:
    rendered = render.reply(context("fr", "appointment", "Professional"))
    rendered = render.with_unsubscribe_url(rendered, UNSUBSCRIBE)
    values = dict(from_name="Toitures Laval", from_address="replies@avenir-mail.ca", to_name="Olivia Park",
                  to_address="olivia@parkhomes.ca", reply_to="info@toitures-laval.ca")
    message = render.email_message(rendered, render.Envelope(**{**values, **envelope}),
                                   render.new_message_id("replies@avenir-mail.ca"), "fr", UNSUBSCRIBE)
    return email.message_from_bytes(message.as_bytes(), policy=email.policy.default)


def test_the_email_has_the_headers_of_a_one_click_unsubscribe_and_of_an_automatic_reply():
    message = build()
    assert message["From"] == "Toitures Laval <replies@avenir-mail.ca>"
    assert message["To"] == "Olivia Park <olivia@parkhomes.ca>"
    assert message["Reply-To"] == "info@toitures-laval.ca"
    assert message["Subject"] == "Votre rendez-vous : réfection de toiture"
    assert re.fullmatch(r"<[^<>@\s]+@avenir-mail\.ca>", message["Message-ID"])
    assert message["Date"] is not None
    assert message["List-Unsubscribe"] == f"<{UNSUBSCRIBE}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["Auto-Submitted"] == "auto-replied"
    assert message["Content-Language"] == "fr"


def test_the_email_has_a_plain_text_and_an_html_part_in_utf8():
    message = build()
    assert message.get_content_type() == "multipart/alternative"
    plain, html = message.iter_parts()
    assert plain.get_content_type() == "text/plain" and html.get_content_type() == "text/html"
    assert plain.get_content_charset() == "utf-8" and html.get_content_charset() == "utf-8"
    assert "Bonjour Olivia," in plain.get_content() and UNSUBSCRIBE in plain.get_content()
    assert f'<a href="{UNSUBSCRIBE}">' in html.get_content()


def test_a_line_break_in_a_name_cannot_add_a_header():
    message = build(from_name="Toitures Laval\r\nBcc: everyone@example.com", to_name="Olivia\nBcc: x@y.ca")
    assert message["Bcc"] is None
    assert "everyone@example.com" in message["From"] and "\n" not in message["From"]


NOT_NAMES = ["https://win.example.com/prize", "Claim at www.win-prizes.example", "olivia@parkhomes.ca",
             "Call 1-800-5551234 now", "O" * 61, "hxxp://evil.example"]


@pytest.mark.parametrize("name", NOT_NAMES)
@pytest.mark.parametrize("language, tone", list(itertools.product(render.LANGUAGES, render.TONES)))
def test_a_lead_name_that_is_not_a_plausible_name_is_left_out_of_the_reply(name, language, tone):
    rendered = render.reply(context(language, "quote_request", tone, lead_name=name), UNSUBSCRIBE)
    greeting = rendered.text.splitlines()[0]
    assert greeting == words(language, tone)["greeting.no_name"]
    assert name not in rendered.text and name.split(" ")[0] not in rendered.text + rendered.html
    assert name not in rendered.subject


@pytest.mark.parametrize("name", NOT_NAMES)
def test_the_to_header_carries_the_address_alone_when_the_name_is_not_plausible(name):
    assert build(to_name=name)["To"] == "olivia@parkhomes.ca"


@pytest.mark.parametrize("name, greeting", [("Olivia Park", "Hi Olivia,"), ("Zoë O'Neil-Tremblay", "Hi Zoë,"),
                                            ("O" * 60, "Hi " + "O" * 60 + ","), ("Apt 123 Olivia", "Hi Apt,"),
                                            ("", "Hi there,"), ("   ", "Hi there,")])
def test_a_plausible_name_up_to_60_characters_is_greeted(name, greeting):
    rendered = render.reply(context(lead_name=name), UNSUBSCRIBE)
    assert rendered.text.splitlines()[0] == greeting


def test_the_unsubscribe_link_replaces_the_mark_a_stored_reply_keeps():
    stored = render.reply(context())
    assert render.UNSUBSCRIBE_MARK in stored.text and render.UNSUBSCRIBE_MARK in stored.html
    sent = render.with_unsubscribe_url(stored, UNSUBSCRIBE)
    assert render.UNSUBSCRIBE_MARK not in sent.text + sent.html
    assert UNSUBSCRIBE in sent.text and f'href="{UNSUBSCRIBE}"' in sent.html
