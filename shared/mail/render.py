"""A follow-up reply's words and form: the templates of shared/mail/templates/ filled in for one lead
(language, intent, the client's tone and settings), as plain text, and as HTML in which everything
that came from a lead or a client is escaped (html_part.py). The email itself (headers, both parts): envelope.py."""
import configparser
import functools
import re
import string
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, get_args

from shared.enrichment import contract
from shared.mail import html_part, markup

TEMPLATES = Path(__file__).resolve().parent / "templates"
LANGUAGES = contract.LANGUAGES
EmailTone = Literal["Friendly", "Professional", "Formal", "Energetic"]  # clients.email_tone: tones.ini's sections
TONES: tuple[str, ...] = get_args(EmailTone)
INTENTS = tuple(intent for intent in contract.INTENTS if intent != "spam")  # spam gets no reply: intents.ini's sections
ASKS = ("address", "phone", "when")  # what a reply may ask a lead for: $ask_address, $ask_phone, $ask_when
_PLACEHOLDER = re.compile(r"\$(\w+)|\$\{(\w+)\}")
_HEADER_UNSAFE = re.compile(r"[\x00-\x1f\x7f]+")
NAME_MAX_CHARS = 60
# The contract's rule (a link, an address, a run of 4+ digits), read after NFKC folding (full-width
# letters and slashes count as the plain ones), plus what spells a link or an address without
# those marks: a bare domain ("evil.example/r"), a slash or angle bracket, a MIME encoded-word ("=?").
_NOT_A_NAME = re.compile(r"://|www\.|@|\d{4,}|=\?|[/\\<>]|[a-z0-9-]+\.[a-z]{2,}\b", re.I)
UNSUBSCRIBE_MARK = "{{unsubscribe_url}}"  # where the link goes in a stored reply


@dataclass(frozen=True)
class ReplyContext:
    """Everything a reply says: the lead's side (language, intent, name, urgency, what the lead already
    gave) and the client's settings. Every field after contact_email has a default that renders the
    reply as it was before it existed."""

    language: str
    intent: str | None
    tone: str | None
    lead_name: str
    business_name: str
    primary_service: str | None = None
    booking_link: str | None = None
    custom_tagline: str | None = None
    mailing_address: str | None = None
    contact_email: str | None = None
    urgent: bool = False  # the lead's urgency is High: the urgent reply (urgent.ini)
    when: str | None = None  # when the lead wants service: "today", "this_week", "flexible" or None
    lead_phone_given: bool = False
    lead_address_given: bool = False
    business_phone: str | None = None  # the client's phone
    client_language: str | None = None  # the client's own language; None: not known (every reply is in it)
    primary_service_en: str | None = None
    primary_service_fr: str | None = None
    comes_in: bool = False  # the lead comes to the business (a clinic, an office): no visit, no address asked


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


def reply(context: ReplyContext, unsubscribe_url: str = UNSUBSCRIBE_MARK) -> Rendered:
    """The reply, wholly in the lead's language (English unless French), in the client's tone (Friendly
    unless one of the four) and for the lead's intent (`other` for an intent without its own words):
    the urgent reply when the lead is urgent. Left with UNSUBSCRIBE_MARK, the unsubscribe link is put
    in by with_unsubscribe_url at sending time."""
    language = context.language if context.language in LANGUAGES else "en"
    tone = tones(language)[context.tone if context.tone in TONES else "Friendly"]
    values = _values(context, language, unsubscribe_url)
    words = (_urgent_words if context.urgent else _usual_words)(context, language, tone, values)
    values.update({name: fill(line, values) for name, line in words.lines.items()})
    blocks = {name: fill(_tone_line(tone, name, context.urgent), values) for name in ("opening", "closing")}
    blocks["sign_off"] = fill(_tone_line(tone, "sign_off", context.urgent), values)
    blocks["greeting"] = fill(_tone_line(tone, "greeting" if values["name"] else "greeting.no_name",
                                         context.urgent), values)
    blocks["intent_body"] = fill(_paragraphs(words.body), values)
    blocks["booking"] = fill(words.booking, values)
    blocks["footer"] = fill(_read(f"{language}/footer.txt"), values)
    text = fill(_read("reply.txt"), {**values, **blocks})
    subject = one_line(fill(words.subject, values))
    links = [unsubscribe_url] + ([values["booking_link"]] if context.booking_link and not context.urgent
                                 and html_part.is_web_link(values["booking_link"]) else [])
    return Rendered(subject, text, html_part.as_html(text, subject, language, links))


@dataclass(frozen=True)
class _Words:
    """What a reply says around the tone's lines: its subject, body, booking line, and the lines its
    body puts in by name ($ask_address, $call_back...), each already chosen for this lead."""

    subject: str
    body: str
    booking: str
    lines: dict[str, str]


def _usual_words(context: ReplyContext, language: str, tone: configparser.SectionProxy,
                 values: dict[str, str]) -> _Words:
    """An intent's words (intents.ini): `subject` and `body`, or their `.general` wording when the reply
    names no service; the tone's booking line, or the intent's without_booking when there is no link."""
    intent = intents(language)[context.intent if context.intent in INTENTS else "other"]
    def said(key: str) -> str:
        if context.comes_in and f"{key}.office" in intent:
            return intent[f"{key}.office"]
        return intent[key] if values["service_named"] else intent.get(f"{key}.general", intent[key])
    if context.booking_link:
        booking = tone["booking"]
    else:
        booking = _given_or_asked(intent, "without_booking", _address_known(context), ".address_given")
    return _Words(said("subject"), said("body"), booking, _asks(intent, context))


def _urgent_words(context: ReplyContext, language: str, tone: configparser.SectionProxy,
                  values: dict[str, str]) -> _Words:
    """The urgent reply (urgent.ini): the tone's urgent subject, the intent's urgent body (`other`'s for
    an intent without one), no booking line; a call back promised today when the lead said today,
    else as soon as possible, and the business's phone when the client has one."""
    words = urgent(language)
    intent = words[context.intent if words.has_section(context.intent or "") else "other"]
    lines = words["lines"]
    promise = "call_back." + ("today" if context.when == "today" else "soon")
    calls = {"call_back": lines[promise if context.lead_phone_given else f"{promise}.no_phone"],
             "call_us": lines["call_us" if values["business_phone"] else "call_us.no_phone"]}
    body = intent.get("body.office", intent["body"]) if context.comes_in else intent["body"]
    return _Words(tone["subject.urgent"], body, "", {**_asks(intent, context), **calls})


def _asks(section: configparser.SectionProxy, context: ReplyContext) -> dict[str, str]:
    """$ask_address, $ask_phone and $ask_when: the section's ask_<what>, or its ask_<what>.given when
    the lead already gave it ("" when it has none: the line disappears)."""
    given = {"address": _address_known(context), "phone": context.lead_phone_given,
             "when": context.when is not None}
    office = {what: context.comes_in and f"ask_{what}.office" in section for what in ASKS}
    return {f"ask_{what}": _given_or_asked(section, f"ask_{what}" + (".office" if office[what] else ""), given[what])
            for what in ASKS}


def _address_known(context: ReplyContext) -> bool:
    """No address to ask for: the lead gave it, or comes to the business."""
    return context.lead_address_given or context.comes_in


def _given_or_asked(section: configparser.SectionProxy, key: str, given: bool, suffix: str = ".given") -> str:
    """A line that asks for something: `key`, or `key` + suffix (else nothing) when the lead gave it."""
    return section.get(key + suffix, "") if given else section.get(key, "")


def _tone_line(tone: configparser.SectionProxy, key: str, urgent: bool) -> str:
    """A tone's line, or its `.urgent` wording in an urgent reply (the line itself when it has none)."""
    return tone.get(f"{key}.urgent", tone[key]) if urgent else tone[key]


def with_unsubscribe_url(rendered: Rendered, url: str) -> Rendered:
    """A reply rendered with UNSUBSCRIBE_MARK, with its real link (the stored copy keeps the mark: the
    link's token exists only as a digest)."""
    return Rendered(rendered.subject, rendered.text.replace(UNSUBSCRIBE_MARK, url),
                    markup.replace(rendered.html, UNSUBSCRIBE_MARK, url))


def fill(template: str, values: dict[str, str]) -> str:
    """string.Template substitution; a line whose placeholders are all empty disappears, and empty
    lines never pile up (an unset tagline, booking link or mailing address leaves no gap)."""
    kept = [line.substitute(values) for names, line in _lines(template)
            if names is None or any(values.get(name) for name in names)]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip("\n")


@functools.lru_cache(maxsize=512)
def _lines(template: str) -> tuple[tuple[tuple[str, ...] | None, string.Template], ...]:
    """A template's lines, parsed once: each with the placeholders it is made of only (None when it
    has words of its own, so it always stays)."""
    parsed = []
    for line in template.splitlines():
        names = tuple(a or b for a, b in _PLACEHOLDER.findall(line))
        only_placeholders = names and not _PLACEHOLDER.sub("", line).strip()
        parsed.append((names if only_placeholders else None, string.Template(line)))
    return tuple(parsed)


def plausible_name(name: str | None) -> str:
    """A lead's name as a reply may say it (greeting, To:), or "" when it does not read as a name
    (API.md, "The name in a reply"): more than 60 characters, a link (`://`, `www.`, a bare domain),
    an address (`@`), a run of 4+ digits, or characters that hide what is shown (zero-width, bidi
    overrides). Anything a form accepts would otherwise go out in the client's name."""
    name = one_line(name or "")
    invisible = any(unicodedata.category(c) in ("Cf", "Co", "Cn") for c in name)  # zero-width, bidi overrides
    if len(name) > NAME_MAX_CHARS or invisible or _NOT_A_NAME.search(unicodedata.normalize("NFKC", name)):
        return ""
    return name


def _values(context: ReplyContext, language: str, unsubscribe_url: str) -> dict[str, str]:
    name = plausible_name(context.lead_name)
    service = service_name(context, language)
    in_clients_language = context.client_language in (None, language)
    return {"name": name, "first_name": name.split(" ")[0] if name else "",
            "business_name": one_line(context.business_name), "business_phone": one_line(context.business_phone or ""),
            "service": service or tones(language)["words"]["service"], "service_named": service,
            "booking_link": one_line(context.booking_link or ""),
            "tagline": one_line(context.custom_tagline or "") if in_clients_language else "",
            "mailing_address": "\n".join(filter(None, map(one_line, (context.mailing_address or "").splitlines()))),
            "contact_email": one_line(context.contact_email or ""), "unsubscribe_url": unsubscribe_url}


def service_name(context: ReplyContext, language: str) -> str:
    """The service a reply in `language` names (API.md Part 3): primary_service_<language> when set;
    else primary_service when the client's language is `language` (or not known); else none ("")."""
    own = one_line(getattr(context, f"primary_service_{language}", None) or "")
    if own or context.client_language not in (None, language):
        return own
    return one_line(context.primary_service or "")


def _paragraphs(body: str) -> str:
    """An intents.ini body: a "." line separates paragraphs (configparser drops empty lines)."""
    return "\n".join("" if line.strip() == "." else line for line in body.strip().splitlines())


def one_line(value: str) -> str:
    """A header value: control characters (a line break could add a header) become one space."""
    return " ".join(_HEADER_UNSAFE.sub(" ", value).split())


@functools.cache
def _read(name: str) -> str:
    return (TEMPLATES / name).read_text(encoding="utf-8")


@functools.cache
def tones(language: str) -> configparser.ConfigParser:
    return ini(f"{language}/tones.ini")


@functools.cache
def intents(language: str) -> configparser.ConfigParser:
    return ini(f"{language}/intents.ini")


@functools.cache
def urgent(language: str) -> configparser.ConfigParser:
    return ini(f"{language}/urgent.ini")


def ini(name: str) -> configparser.ConfigParser:
    """A template file of words (templates/<language>/*.ini), parsed without interpolation."""
    parser = configparser.ConfigParser(interpolation=None)
    parser.read_string(_read(name), source=name)
    return parser
