"""Human sentences: the one-line lead summary and the 'how did this lead change' insight.

Both are written in the lead's language ('en' or 'fr') and are always exactly one sentence. The
summary says what the lead needs in the client's trade (trade.py), and when and where when the
message says so (extraction.py); never the phone number.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from . import lexicon as lx
from .extraction import find_address, find_when, is_postal_code
from .text import score, tokenize
from .trade import Trade, family

URGENCY_FR = {"High": "élevée", "Medium": "moyenne", "Low": "faible"}
URGENCY_RANK = {"Low": 0, "Medium": 1, "High": 2}
TONE_FR = {"Professional": "professionnel", "Friendly": "amical", "Formal": "formel",
           "Urgent": "urgent", "Frustrated": "frustré", "Neutral": "neutre"}

# (English verb phrase, preposition before topic), (French verb phrase, preposition).
ACTION = {
    "quote_request": (("requests a quote", "for"), ("demande une soumission", "pour")),
    "appointment": (("wants to book an appointment", "for"), ("souhaite prendre rendez-vous", "pour")),
    "information": (("asks for information", "about"), ("demande des renseignements", "concernant")),
    "support": (("reports a problem", "with"), ("signale un problème", "concernant")),
    "partnership": (("proposes a partnership", ""), ("propose un partenariat", "")),
    "job_application": (("is applying for a job", ""), ("pose sa candidature pour un emploi", "")),
    "spam": (("sent what looks like spam", ""), ("a envoyé ce qui ressemble à du pourriel", "")),
    "other": (("sent a message with no specific request", ""),
              ("a envoyé un message sans demande précise", "")),
}


class Subject(NamedTuple):
    """What the lead wants done, as a phrase pair (English, French), and the problem it reports
    when it reports one ("a roof leak (roof repair)"), which a support or booking request leads with."""

    service: tuple[str, str]
    problem: tuple[str, str] | None = None


# When (extraction.When) after a request that needs someone: (English, French).
SOMEONE_WHEN = {"today": (" and wants someone today", " et souhaite une intervention aujourd'hui"),
                "this_week": (" and wants someone in the coming days",
                              " et souhaite une intervention dans les prochains jours"),
                "flexible": (", no rush", ", sans presse")}
BOOKING_WHEN = {"today": (" today", " aujourd'hui"),
                "this_week": (" in the coming days", " dans les prochains jours"),
                "flexible": (", no rush", ", sans presse")}
# The intents whose summary says when and where: someone is to come, quote or see the lead.
VISITS = frozenset({"quote_request", "appointment", "support"})
MAX_SUMMARY = 200  # characters: an inbox card's line
MAX_ADDRESS = 48   # an address is cut after its last comma-separated part within this


def topic(message: str, trade: Trade | None = None) -> Subject | None:
    """What the request is about, read in the client's trade: a leak where the message puts it (a
    roof, pipes) or else as the trade reads it (lexicon.LEAK_BY_TRADE), the other trade-read words,
    then the first matching topic ('roofing work' / 'des travaux de toiture'), the trade's own first."""
    tokens = tokenize(message)
    trade_family = family(trade)
    if score(tokens, lx.LEAK_TERMS) > 0:
        leak = _leak(tokens, trade_family)
        if leak is not None:
            return Subject(*leak)
    for terms, readings in lx.TRADE_READINGS:
        if trade_family in readings and score(tokens, terms) > 0:
            return Subject(*readings[trade_family])
    own = [t for t in lx.TOPICS if t[0] == trade_family]
    for _, terms, english, french in (*own, *lx.TOPICS):
        if score(tokens, terms) > 0:
            return Subject((english, french))
    return None


def _leak(tokens: tuple[str, ...], trade_family: str | None) -> tuple | None:
    """The reading of a leak: the trade's when the message places it there or nowhere, else the
    first place the message names; None leaves it to the topics (no trade and no place)."""
    placed = [reading for terms, reading in lx.LEAK_PLACES if score(tokens, terms) > 0]
    own = lx.LEAK_BY_TRADE.get(trade_family)
    if own is not None and (own in placed or not placed):
        return own
    return placed[0] if placed else None


def summarize(name: str, message: str, language: str, intent: str, urgency: str,
              trade: Trade | None = None, earlier: str = "") -> str:
    """'Jordan Lee reports a roof leak (roof repair) and wants someone today, at 45 Maple Crescent;
    high urgency.' What from `message` (else from `earlier`, the thread's previous message), when
    from `message` alone, where from `message` else `earlier`; at most MAX_SUMMARY characters."""
    fr = language == "fr"
    who = " ".join(name.split()) or ("Ce prospect" if fr else "This lead")
    subject = topic(message, trade) or (topic(earlier, trade) if earlier else None)
    level = f"urgence {URGENCY_FR[urgency]}" if fr else f"{urgency.lower()} urgency"
    if intent not in VISITS:
        return f"{who} {_what(intent, subject, fr)}; {level}."
    when = find_when(message)
    address = find_address(message) or (find_address(earlier) if earlier else None)
    what = _what(intent, subject, fr, when)
    return _fit(who, what, address, level, fr)


def _what(intent: str, subject: Subject | None, fr: bool, when: str | None = None) -> str:
    """The verb phrase: 'reports <problem>' for a problem to look at, else the intent's verb and
    the subject's service; then when, as the request puts it."""
    lang = 1 if fr else 0
    if subject is not None and subject.problem and intent in ("appointment", "support"):
        after = SOMEONE_WHEN[when][lang] if when else ""
        if not after and intent == "appointment":
            after = " et souhaite prendre rendez-vous" if fr else " and wants to book an appointment"
        return f"{'signale' if fr else 'reports'} {subject.problem[lang]}{after}"
    verb, prep = ACTION[intent][lang]
    about = f" {prep} {subject.service[lang]}" if subject and prep else ""
    return f"{verb}{about}{_when(intent, when, lang)}"


def _when(intent: str, when: str | None, lang: int) -> str:
    """' today', ' and wants someone today', ', no rush'... for a request that needs someone."""
    if when is None or intent not in VISITS:
        return ""
    return (BOOKING_WHEN if intent == "appointment" else SOMEONE_WHEN)[when][lang]


def _fit(who: str, what: str, address: str | None, level: str, fr: bool) -> str:
    """The sentence within MAX_SUMMARY: the address cut to MAX_ADDRESS, then left out, then the
    name shortened, as far as needed."""
    places = [_where(_shorten(address, MAX_ADDRESS), fr)] if address else []
    for place in [*places, ""]:
        sentence = f"{who} {what}{place}; {level}."
        if len(sentence) <= MAX_SUMMARY:
            return sentence
    room = MAX_SUMMARY - len(f"… {what}; {level}.")
    return f"{who[:max(room, 1)].rstrip()}… {what}; {level}."


def _shorten(address: str, limit: int) -> str:
    """The address's leading comma-separated parts that fit in `limit` characters (the street and
    unit before the city and postal code), else its first words and an ellipsis."""
    address = " ".join(address.split())
    kept = ""
    for part in address.split(","):
        longer = f"{kept},{part}" if kept else part
        if len(longer.strip()) > limit:
            break
        kept = longer
    if kept:
        return kept.strip()
    return address[:limit - 1].rsplit(" ", 1)[0] + "…"


def _where(address: str, fr: bool) -> str:
    """', at 45 Maple Crescent' / ', au 45 rue des Érables'; a postal code alone is named so."""
    if is_postal_code(address):
        return f", code postal {address}" if fr else f", postal code {address}"
    if address[:1].isdigit():
        return f", au {address}" if fr else f", at {address}"
    return f", à l'adresse {address}" if fr else f", at {address}"


def describe_change(previous: dict[str, Any], current: Any) -> str:
    """One sentence comparing `previous` (tone/urgency/confidence_score, values may be None)
    with the `current` Enrichment, in current.language."""
    fr = current.language == "fr"
    parts = [p for p in (_urgency_change(previous.get("urgency"), current.urgency, fr),
                         _tone_change(previous.get("tone"), current.tone, fr),
                         _confidence_change(previous.get("confidence_score"),
                                            current.confidence_score, fr)) if p]
    if not parts:
        return ("Le prospect revient avec une demande semblable." if fr
                else "The lead returned with a similar request.")
    lead = "Depuis le dernier contact, " if fr else "Since the last contact, "
    return lead + _join(parts, fr) + "."


def _urgency_change(before: str | None, after: str, fr: bool) -> str | None:
    if before not in URGENCY_RANK or before == after:
        return None
    rising = URGENCY_RANK[after] > URGENCY_RANK[before]
    if fr:
        verb = "a augmenté" if rising else "a diminué"
        return f"l'urgence {verb} ({URGENCY_FR[before]} → {URGENCY_FR[after]})"
    return f"urgency {'rose' if rising else 'fell'} from {before} to {after}"


def _tone_change(before: str | None, after: str, fr: bool) -> str | None:
    if not before or before == after:
        return None
    if fr:
        return f"le ton est devenu {TONE_FR.get(after, after)} (auparavant {TONE_FR.get(before, before)})"
    return f"the tone became {after} (was {before})"


def _confidence_change(before: float | None, after: float, fr: bool) -> str | None:
    if before is None or abs(after - before) < 0.1:
        return None
    up = after > before
    if fr:
        return f"la confiance a {'augmenté' if up else 'baissé'} ({before:.2f} → {after:.2f})"
    return f"confidence went {'up' if up else 'down'} ({before:.2f} → {after:.2f})"


def _join(parts: list[str], fr: bool) -> str:
    if len(parts) == 1:
        return parts[0]
    return ", ".join(parts[:-1]) + (" et " if fr else " and ") + parts[-1]
