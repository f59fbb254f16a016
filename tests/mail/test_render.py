"""The reply itself: in both languages, all four tones, for every intent; a few compared whole with
the snapshots in tests/fixtures/mail/, the rest held to what the contract asks of every reply; text
from a lead or a client never becomes markup; the headers of the email."""
import email
import email.policy
import itertools
import os
import re

import pytest

from shared.mail import envelope, render
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
    rendered = render.reply(context(**{field: HOSTILE}), UNSUBSCRIBE)
    assert "<script" not in rendered.html and "<img" not in rendered.html and "onerror=alert(1)>" not in rendered.html
    if field == "lead_name":  # angle brackets are no name's: it is left out (plausible_name)
        assert "alert" not in rendered.html and "alert" not in rendered.text
    else:
        assert "&lt;script&gt;" in rendered.html
        assert HOSTILE.split(" ")[0] in rendered.text  # the text part shows it as it was written


def test_a_name_with_the_characters_html_escapes_is_kept_and_escaped():
    rendered = render.reply(context(lead_name='Zoë "Zed" O\'Brien & Fils', tone="Formal"), UNSUBSCRIBE)
    assert "Dear Zoë &quot;Zed&quot; O&#x27;Brien &amp; Fils," in rendered.html
    assert 'Dear Zoë "Zed" O\'Brien & Fils,' in rendered.text


def test_a_booking_link_that_is_not_a_web_address_is_never_made_a_link():
    rendered = render.reply(context(booking_link='javascript:alert(1)"><b>x</b>'), UNSUBSCRIBE)
    assert 'href="javascript' not in rendered.html and "<b>" not in rendered.html


def test_only_the_booking_and_unsubscribe_links_are_clickable():
    rendered = render.reply(context(lead_name="See https://evil.example.com now"), UNSUBSCRIBE)
    hrefs = re.findall(r'href="([^"]+)"', rendered.html)
    assert sorted(hrefs) == sorted([BOOKING.replace("&", "&amp;"), UNSUBSCRIBE])


# --- the email ------------------------------------------------------------------------------------

def build(**addresses) -> email.message.EmailMessage:
    rendered = render.reply(context("fr", "appointment", "Professional"))
    rendered = render.with_unsubscribe_url(rendered, UNSUBSCRIBE)
    values = dict(from_name="Toitures Laval", from_address="replies@avenir-mail.ca", to_name="Olivia Park",
                  to_address="olivia@parkhomes.ca", reply_to="info@toitures-laval.ca")
    message = envelope.email_message(rendered, envelope.Envelope(**{**values, **addresses}),
                                   envelope.new_message_id("replies@avenir-mail.ca"), "fr", UNSUBSCRIBE)
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
             "Call 1-800-5551234 now", "O" * 61, "hxxp://evil.example",
             # found from outside: a MIME encoded-word, a bare domain, full-width and invisible characters
             "=?utf-8?q?Visit_https=3A=2F=2Fevil-phish=2Ecom?=", "Reset your password at evil-phish.com/r",
             "Bob \uff57\uff57\uff57.evil-phish.com", "Bob https:\uff0f\uff0fevil-phish.com/login",
             "Bob https:\u200b//evil-phish.com/x", "Ann\u202egnp.exe", "Bob <x@evil.example>"]
PLAUSIBLE = ["Olivia Park", "Jean-François Côté", "Marie-Ève O'Neil", "J. R. Tolkien", "Dr Smith", "李小龙",
             "Zoë Saint-Pierre", "Anne-Marie St. Onge"]


@pytest.mark.parametrize("name", PLAUSIBLE)
def test_a_plausible_name_is_kept_as_written(name):
    assert render.plausible_name(name) == name


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


# --- replies that fit the moment (API.md Part 3) ---------------------------------------------------
# The snapshots in tests/fixtures/replies/<language>/<intent>-<tone>-<urgent|normal>[-variant].txt hold
# the subject and text of each variant for one roofer, to be read by a person. After a deliberate
# change of words, write them anew and read the diff:
#     AVENIR_UPDATE_SNAPSHOTS=1 pytest tests/mail/test_render.py -k snapshot_of_the_moment

REPLIES = FIXTURES / "replies"
UPDATE_SNAPSHOTS = os.environ.get("AVENIR_UPDATE_SNAPSHOTS") == "1"
# A Québec roofer set up in French, its service named in both languages.
BEAUPORT = dict(lead_name="Jordan Lee", business_name="Toitures Beauport", primary_service="réparation de toiture",
                primary_service_en="roof repair", primary_service_fr="réparation de toiture", client_language="fr",
                business_phone="418-555-0142", booking_link="https://toituresbeauport.ca/book",
                custom_tagline="Un toit solide, l'esprit tranquille", contact_email="info@toituresbeauport.ca",
                mailing_address="1200 boulevard Sainte-Anne\nQuébec QC G1E 3L8")
GIVEN = dict(lead_address_given=True, lead_phone_given=True)
URGENT_INTENTS = ("quote_request", "appointment", "information", "support", "other")
VARIANTS = {  # name: (intent, tone, urgent, what differs from BEAUPORT)
    **{f"quote_request-{tone}-urgent-today-given": ("quote_request", tone, True, dict(when="today", **GIVEN))
       for tone in render.TONES},
    "support-Friendly-urgent-this_week": ("support", "Friendly", True, dict(when="this_week")),
    "support-Professional-urgent-no-business-phone": ("support", "Professional", True,
                                                      dict(business_phone=None, lead_phone_given=True)),
    "appointment-Energetic-urgent-today-address-given": ("appointment", "Energetic", True,
                                                         dict(when="today", lead_address_given=True)),
    "quote_request-Friendly-normal-given": ("quote_request", "Friendly", False, dict(when="this_week", **GIVEN)),
    "support-Friendly-normal-given": ("support", "Friendly", False, GIVEN),
    "information-Professional-normal-address-given": ("information", "Professional", False,
                                                      dict(lead_address_given=True)),
    "appointment-Friendly-normal-no-booking": ("appointment", "Friendly", False, dict(booking_link=None)),
    "appointment-Friendly-normal-no-booking-address-given": ("appointment", "Friendly", False,
                                                             dict(booking_link=None, lead_address_given=True)),
    "quote_request-Friendly-normal-english-client": ("quote_request", "Friendly", False, dict(
        client_language="en", primary_service="roof repair", primary_service_en=None, primary_service_fr=None,
        custom_tagline="Roofs done right")),
}


def moment(language, intent, tone, urgent=False, **overrides) -> render.ReplyContext:
    return render.ReplyContext(language=language, intent=intent, tone=tone, urgent=urgent,
                               **{**BEAUPORT, **overrides})


def snapshot_cases():
    for language, tone in itertools.product(render.LANGUAGES, render.TONES):
        for intent in render.INTENTS:
            yield f"{language}/{intent}-{tone}-normal", moment(language, intent, tone)
        for intent in URGENT_INTENTS:
            yield f"{language}/{intent}-{tone}-urgent", moment(language, intent, tone, urgent=True)
    for language, (name, (intent, tone, urgent, overrides)) in itertools.product(render.LANGUAGES, VARIANTS.items()):
        yield f"{language}/{name}", moment(language, intent, tone, urgent, **overrides)


SNAPSHOT_CASES_OF_THE_MOMENT = dict(snapshot_cases())


@pytest.mark.parametrize("name", SNAPSHOT_CASES_OF_THE_MOMENT)
def test_the_snapshot_of_the_moment_reads_exactly_as_rendered(name):
    rendered = render.reply(SNAPSHOT_CASES_OF_THE_MOMENT[name], UNSUBSCRIBE)
    shown = f"Subject: {rendered.subject}\n\n{rendered.text}\n"
    path = REPLIES / f"{name}.txt"
    if UPDATE_SNAPSHOTS:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(shown, encoding="utf-8")
    assert path.read_text(encoding="utf-8") == shown


def test_every_snapshot_of_the_moment_on_disk_is_one_the_tests_render():
    on_disk = {str(path.relative_to(REPLIES).with_suffix("")) for path in REPLIES.glob("*/*.txt")}
    assert on_disk == set(SNAPSHOT_CASES_OF_THE_MOMENT)


EVERY_VARIANT = list(itertools.product(render.LANGUAGES, render.TONES, render.INTENTS))
ASKS_FOR_TIMES = {"en": "two or three times", "fr": "deux ou trois moments"}
ASKS_FOR_A_PHONE = {"en": ("phone number", "best number"), "fr": ("numéro de téléphone", "meilleur numéro")}
ASKS_WHEN = {"en": "when you would like the work done", "fr": "le moment où vous aimeriez"}
TODAY = {"en": "today", "fr": "aujourd'hui"}
SOON = {"en": "as soon as possible", "fr": "dès que possible"}


def body_of(rendered: render.Rendered) -> str:
    """The text above the signature separator: what the reply says, without its footer."""
    return rendered.text.split("\n-- \n", 1)[0]


@pytest.mark.parametrize("language, tone, intent", EVERY_VARIANT)
@pytest.mark.parametrize("when", ["today", "this_week", None])
def test_an_urgent_reply_never_asks_for_times_nor_offers_a_booking_link(language, tone, intent, when):
    rendered = render.reply(moment(language, intent, tone, urgent=True, when=when), UNSUBSCRIBE)
    assert ASKS_FOR_TIMES[language] not in rendered.text
    assert BEAUPORT["booking_link"] not in rendered.text + rendered.html
    assert render.tones(language)[tone]["booking"].split("$")[0] not in rendered.text


@pytest.mark.parametrize("language, tone, intent", EVERY_VARIANT)
def test_an_urgent_reply_says_it_is_urgent_and_gives_the_business_phone(language, tone, intent):
    rendered = render.reply(moment(language, intent, tone, urgent=True), UNSUBSCRIBE)
    assert rendered.subject.startswith("Urgent")
    assert "418-555-0142" in body_of(rendered)
    assert "$" not in rendered.subject + rendered.text


@pytest.mark.parametrize("language, tone, intent", EVERY_VARIANT)
def test_an_urgent_reply_without_a_business_phone_still_says_how_to_reach_the_business(language, tone, intent):
    without = render.reply(moment(language, intent, tone, urgent=True, business_phone=None), UNSUBSCRIBE)
    with_phone = render.reply(moment(language, intent, tone, urgent=True), UNSUBSCRIBE)
    assert "None" not in without.text and "$" not in without.text
    assert len(body_of(without).split("\n\n")) == len(body_of(with_phone).split("\n\n"))


@pytest.mark.parametrize("language, tone, intent", EVERY_VARIANT)
@pytest.mark.parametrize("when, promised", [("today", TODAY), ("this_week", SOON), ("flexible", SOON), (None, SOON)])
def test_an_urgent_reply_promises_a_call_back_today_only_when_the_lead_said_today(language, tone, intent, when,
                                                                                   promised):
    said = body_of(render.reply(moment(language, intent, tone, urgent=True, when=when), UNSUBSCRIBE))
    assert promised[language] in said
    if when != "today":
        assert TODAY[language] not in said


@pytest.mark.parametrize("language, tone, intent", EVERY_VARIANT)
def test_an_urgent_reply_is_never_flippant(language, tone, intent):
    rendered = render.reply(moment(language, intent, tone, urgent=True), UNSUBSCRIBE)
    assert "!" not in rendered.subject + rendered.text
    for usual in ("opening", "closing"):
        assert render.tones(language)[tone][usual].replace("$business_name", "Toitures Beauport") not in rendered.text


@pytest.mark.parametrize("language, tone, intent", EVERY_VARIANT)
@pytest.mark.parametrize("urgent", [True, False])
def test_a_lead_who_gave_the_address_is_never_asked_for_it(language, tone, intent, urgent):
    asked = render.reply(moment(language, intent, tone, urgent, lead_address_given=True, booking_link=None),
                         UNSUBSCRIBE)
    word = {"en": "address", "fr": "adresse"}[language]
    assert word not in (asked.subject + body_of(asked)).lower()


@pytest.mark.parametrize("language, tone, intent", EVERY_VARIANT)
@pytest.mark.parametrize("urgent", [True, False])
def test_a_lead_who_gave_a_phone_number_is_never_asked_for_one(language, tone, intent, urgent):
    said = body_of(render.reply(moment(language, intent, tone, urgent, lead_phone_given=True), UNSUBSCRIBE))
    assert not any(ask in said for ask in ASKS_FOR_A_PHONE[language])


@pytest.mark.parametrize("language", render.LANGUAGES)
@pytest.mark.parametrize("words", [render.intents, render.urgent])
def test_every_ask_a_template_puts_in_has_its_words_and_every_given_wording_its_ask(language, words):
    """A misspelt key would silently drop a line (fill() leaves out a line whose placeholders are empty)."""
    for section in words(language).sections():
        keys = set(words(language)[section])
        used = set(re.findall(r"\$(ask_\w+)", " ".join(words(language)[section].values())))
        assert used <= keys, f"[{section}] puts in {used - keys} without saying them"
        for key in keys:
            if key.endswith((".given", ".address_given")):
                assert key.rsplit(".", 1)[0] in keys, f"[{section}] {key} has no line to replace"
    assert set(render.urgent(language).sections()) == {"lines", *URGENT_INTENTS}


@pytest.mark.parametrize("language, tone", list(itertools.product(render.LANGUAGES, render.TONES)))
def test_an_appointment_without_a_booking_link_from_a_lead_who_gave_the_address_is_still_asked_for_times(language,
                                                                                                         tone):
    text = render.reply(moment(language, "appointment", tone, booking_link=None, lead_address_given=True),
                        UNSUBSCRIBE).text
    assert ASKS_FOR_TIMES[language] in text
    assert render.intents(language)["appointment"]["without_booking.address_given"] in text


@pytest.mark.parametrize("language, tone", list(itertools.product(render.LANGUAGES, render.TONES)))
def test_a_lead_who_said_when_is_not_asked_when_for_a_quote(language, tone):
    asked = render.reply(moment(language, "quote_request", tone), UNSUBSCRIBE).text
    told = render.reply(moment(language, "quote_request", tone, when="flexible"), UNSUBSCRIBE).text
    assert ASKS_WHEN[language] in asked and ASKS_WHEN[language] not in told


@pytest.mark.parametrize("language, tone", list(itertools.product(render.LANGUAGES, render.TONES)))
def test_an_urgent_reply_to_a_lead_without_a_phone_asks_for_the_best_number(language, tone):
    said = body_of(render.reply(moment(language, "quote_request", tone, urgent=True), UNSUBSCRIBE))
    assert ASKS_FOR_A_PHONE[language][1] in said


@pytest.mark.parametrize("tone, intent", list(itertools.product(render.TONES, render.INTENTS)))
@pytest.mark.parametrize("urgent", [True, False])
def test_no_french_reply_carries_words_of_the_clients_english_service_name(tone, intent, urgent):
    english_client = dict(client_language="en", primary_service="roof repair", primary_service_en=None,
                          primary_service_fr=None, custom_tagline="Roofs done right")
    rendered = render.reply(moment("fr", intent, tone, urgent, **english_client), UNSUBSCRIBE)
    said = (rendered.subject + rendered.text).lower()
    assert "roof" not in said and "repair" not in said and "done right" not in said
    assert "$" not in said


@pytest.mark.parametrize("language, client_language, primary, named_en, named_fr, expected", [
    ("fr", "fr", "réparation de toiture", None, None, "réparation de toiture"),
    ("en", "fr", "réparation de toiture", None, None, None),
    ("en", "fr", "réparation de toiture", "roof repair", None, "roof repair"),
    ("fr", "en", "roof repair", None, "réparation de toiture", "réparation de toiture"),
    ("fr", "en", "roof repair", None, None, None),
    ("en", "en", "roof repair", None, None, "roof repair"),
    ("fr", None, "réfection de toiture", None, None, "réfection de toiture"),  # not yet known: as before
])
def test_a_reply_names_the_service_in_its_own_language_or_not_at_all(language, client_language, primary,
                                                                      named_en, named_fr, expected):
    rendered = render.reply(moment(language, "quote_request", "Friendly", client_language=client_language,
                                   primary_service=primary, primary_service_en=named_en,
                                   primary_service_fr=named_fr), UNSUBSCRIBE)
    general = render.intents(language)["quote_request"]["subject.general"]
    assert rendered.subject == (general if expected is None
                                else render.intents(language)["quote_request"]["subject"].replace("$service", expected))
    for name in {primary, named_en, named_fr} - {None, expected}:
        assert name not in rendered.text


@pytest.mark.parametrize("language, client_language, shown", [
    ("fr", "fr", True), ("en", "fr", False), ("en", "en", True), ("fr", "en", False), ("en", None, True),
    ("fr", None, True)])
@pytest.mark.parametrize("urgent", [True, False])
def test_the_tagline_is_only_in_replies_in_the_clients_language(language, client_language, shown, urgent):
    text = render.reply(moment(language, "other", "Professional", urgent, client_language=client_language),
                        UNSUBSCRIBE).text
    assert (BEAUPORT["custom_tagline"] in text) is shown
    assert "\n\n\n" not in text


# Common words of each language, and those of the roofer's service name and tagline.
ENGLISH_WORDS = re.compile(r"\b(the|we|you|your|our|and|with|call|today|request|thanks?|roof|repair)\b", re.I)
FRENCH_WORDS = re.compile(r"\b(nous|vous|votre|avec|est|merci|demande|aujourd'hui|appelez|toit|réparation)\b",
                          re.I)


@pytest.mark.parametrize("language, tone, intent", EVERY_VARIANT)
@pytest.mark.parametrize("urgent", [True, False])
def test_a_reply_never_mixes_languages(language, tone, intent, urgent):
    for given in ({}, GIVEN, dict(when="today", booking_link=None, business_phone=None)):
        rendered = render.reply(moment(language, intent, tone, urgent, **given), UNSUBSCRIBE)
        said = rendered.subject + "\n" + rendered.text.replace(UNSUBSCRIBE, "")
        other_language = ENGLISH_WORDS if language == "fr" else FRENCH_WORDS
        assert other_language.findall(said) == []


# --- a trade whose clients come in (a clinic, an office): no visit, no address asked ---------------

VISIT_WORDS = {"en": ("come by", "address", "visit"), "fr": ("passer", "adresse", "visite", "rendre")}


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("intent", ["quote_request", "appointment", "support", "information", "other"])
@pytest.mark.parametrize("urgent", [True, False])
def test_a_clinic_s_lead_is_never_offered_a_visit_nor_asked_for_an_address(language, intent, urgent):
    body = render.reply(context(language, intent, booking_link=None, urgent=urgent, comes_in=True,
                                lead_phone_given=True)).text.split("\n-- ")[0]
    assert not [word for word in VISIT_WORDS[language] if word in body.lower()], body


@pytest.mark.parametrize("language, promise", [("en", "the earliest appointment we have"),
                                               ("fr", "le premier rendez-vous disponible")])
def test_a_clinic_s_urgent_appointment_promises_the_earliest_appointment(language, promise):
    text = render.reply(context(language, "appointment", urgent=True, comes_in=True, when="today",
                                lead_phone_given=True, business_phone="418-555-0142")).text
    assert promise in text and "418-555-0142" in text


def test_which_trades_have_their_clients_come_in():
    from shared.enrichment.trade import Trade, comes_in

    assert comes_in(Trade("Dental")) and comes_in(Trade("Clinique dentaire")) and comes_in(Trade("Notaire"))
    assert not comes_in(Trade("Roofing")) and not comes_in(Trade("Plomberie")) and not comes_in(None)


@pytest.mark.parametrize("language, sign_off", [("en", "Take care,"), ("fr", "Bonne journée,")])
def test_an_urgent_friendly_reply_signs_off_as_to_someone_with_a_problem(language, sign_off):
    text = render.reply(context(language, "support", urgent=True)).text
    assert f"\n{sign_off}\n" in text and "Cheers" not in text


@pytest.mark.parametrize("language, words", [("en", ("size, materials", "photos", "work done")),
                                             ("fr", ("dimensions, matériaux", "photos", "travaux"))])
def test_a_clinic_s_quote_request_is_asked_what_a_clinic_needs_not_a_work_site(language, words):
    office = render.reply(context(language, "quote_request", booking_link=None, comes_in=True)).text
    body = office.split("\n-- ")[0]
    assert not [word for word in words if word in body], body
    assert {"en": "when you would like to come in", "fr": "venir nous voir"}[language] in body
    site = render.reply(context(language, "quote_request", booking_link=None)).text
    assert words[0] in site  # a roofer's lead is still asked about the job
