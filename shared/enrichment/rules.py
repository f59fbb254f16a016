"""The scoring rules: each field is a small function of the message, explained in its docstring.

All rules read lexicons from `lexicon.py`; none does I/O. Scores are sums of lexicon weights, so a
decision can always be explained by listing the terms that matched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import lexicon as lx
from .text import normalize, score, tokenize

# Intents that ask the business to do something: a plain request defaults to Medium urgency.
ACTIONABLE = frozenset({"quote_request", "appointment", "support"})
# Intents whose urgency is always Low: their "today!" is the sender's hurry, not a client's need.
NEVER_URGENT = frozenset({"spam", "job_application", "partnership"})
# On a tie, the earlier intent wins (spam first: a spammer mentioning "price" is still spam).
INTENT_PRIORITY = ("spam", "job_application", "partnership", "support", "appointment",
                   "quote_request", "information", "other")
MIN_INTENT_SCORE = 1.5
HIGH_URGENCY_SCORE = 2.5
# Warm words and punctuation (`warmth`) that make a message Friendly: "hey ... lol", an emoji.
FRIENDLY_BAR = 2.0

# Links count towards spam; .ca is left out on purpose (local clients share their own sites).
_LINK = re.compile(r"https?://|www\.|\b[\w-]+\.(?:com|net|org|ru|io|biz|info|xyz|fr)\b", re.I)
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.]+\b")
_CAPS_WORD = re.compile(r"\b[A-ZÀ-ÖØ-Þ]{3,}\b")
_INVERTED = re.compile(r"\b([a-z]+ez)-vous\b")
_ACCENT = re.compile(f"[{lx.FRENCH_ACCENTS}{lx.FRENCH_ACCENTS.upper()}]")


# --------------------------------------------------------------------------- evidence
@dataclass(frozen=True)
class Evidence:
    """Everything the rules read from one message, computed once and shared with the model."""

    tokens: tuple[str, ...]
    language: str
    language_scores: tuple[int, int]
    intent: dict[str, float]
    tone: dict[str, float]
    pressing: float
    calm: float
    soon: float
    shouting: float


def read(message: str) -> Evidence:
    """The rule engine's reading of `message` (language from the text alone, 'en' on a tie)."""
    tokens = tokenize(message)
    pressing, calm = urgency_evidence(message)
    french, english = language_scores(message)
    return Evidence(
        tokens=tokens, language=language_of("", french, english), language_scores=(french, english),
        intent=intent_scores(message),
        tone={tone: score(tokens, terms) for tone, terms in lx.TONE_TERMS.items()},
        pressing=pressing, calm=calm, soon=score(tokens, lx.SOON_TERMS), shouting=shouting(message),
    )


def has_link(message: str) -> bool:
    """A web address (.ca excepted: local clients share their own sites)."""
    return bool(_LINK.search(message))


def has_email(message: str) -> bool:
    return bool(_EMAIL.search(message))


def has_smiley(message: str) -> bool:
    """An emoji or a text smiley of lexicon.EMOJI_AND_SMILEYS."""
    lowered = message.lower()
    return any(s in lowered for s in lx.EMOJI_AND_SMILEYS)


# --------------------------------------------------------------------------- language
def detect_language(name: str, message: str) -> str:
    """'fr' or 'en' from the message; falls back to the name, then to 'en'.

    French score = French function words + 2 if any accented letter (é è à ç ê ...) appears.
    English score = English function words; a message in neither language falls back to English,
    so words of the other languages and + 2 for a letter French never writes (ñ í ã ð ...) count
    there too. The higher wins; a tie defers to the name.
    """
    return language_of(name, *language_scores(message))


def language_scores(message: str) -> tuple[int, int]:
    """(French score, English score) of `detect_language`."""
    tokens = tokenize(message)
    fr = sum(t in lx.FRENCH_WORDS for t in tokens) + 2 * _has_accent(message)
    en = sum(t in lx.ENGLISH_WORDS or t in lx.OTHER_LANGUAGE_WORDS for t in tokens)
    return fr, en + lx.FOREIGN_LETTER_WEIGHT * _has_foreign_letter(message)


def language_of(name: str, fr: int, en: int) -> str:
    """The higher of the two scores; a tie defers to the name (`language_from_name`)."""
    if fr != en:
        return "fr" if fr > en else "en"
    return language_from_name(name)


def language_from_name(name: str) -> str:
    """'fr' when the name has an accent or a common Québec name part (Tremblay, Jean-...)."""
    if _has_accent(name) or any(t in lx.FRENCH_NAMES for t in tokenize(name)):
        return "fr"
    return "en"


def _has_accent(text: str) -> bool:
    return bool(_ACCENT.search(text))


def _has_foreign_letter(text: str) -> bool:
    """A letter outside ASCII that French does not write (lexicon.FRENCH_ACCENTS)."""
    return any(not c.isascii() and c.isalpha() and c.lower() not in lx.FRENCH_ACCENTS for c in text)


# --------------------------------------------------------------------------- intent
def intent_scores(message: str) -> dict[str, float]:
    """Lexicon score per intent, plus the structural signals of `structural_scores`."""
    tokens = tokenize(message)
    scores = {intent: score(tokens, terms) for intent, terms in lx.INTENT_TERMS.items()}
    for intent, extra in structural_scores(message, tokens).items():
        scores[intent] += extra
    return scores


def structural_scores(message: str, tokens: tuple[str, ...]) -> dict[str, float]:
    """Evidence from sentence shape rather than vocabulary.

    - spam: a link (+2.5), an e-mail address (+1.5);
    - support: 'you/your team <past participle>' or 'vous avez <participe passé>' (+2.5);
    - information: a French inverted question such as 'acceptez-vous' (+2).
    """
    return {
        "spam": lx.SPAM_LINK_WEIGHT * bool(_LINK.search(message))
        + lx.SPAM_EMAIL_WEIGHT * bool(_EMAIL.search(message)),
        "support": lx.PAST_SERVICE_WEIGHT * _mentions_past_service(tokens),
        "information": lx.INVERTED_QUESTION_WEIGHT * bool(_inverted_questions(message)),
    }


def _mentions_past_service(tokens: tuple[str, ...]) -> bool:
    for i, word in enumerate(tokens[:-1]):
        nxt = tokens[i + 1]
        if word == "you" and nxt not in lx.NOT_PARTICIPLES and (
                nxt.endswith("ed") or nxt in ("put", "did", "built", "sold", "sent", "made")):
            return True
        if word == "vous" and nxt == "avez" and i + 2 < len(tokens) and \
                tokens[i + 2].endswith(("e", "es", "ee", "ees", "i", "is", "u", "us")):
            return True
    return False


def _inverted_questions(message: str) -> list[str]:
    verbs = _INVERTED.findall(normalize(message))
    return [v for v in verbs if v not in lx.REQUEST_MODALS]


def classify_intent(message: str) -> tuple[str, float]:
    """Best-scoring intent and its score.

    Below MIN_INTENT_SCORE, a message with a question mark is an information request (a lead
    asking something we have no word for) and anything else is 'other'.
    """
    scores = intent_scores(message)
    best = max(INTENT_PRIORITY, key=lambda i: (scores[i], -INTENT_PRIORITY.index(i)))
    if scores[best] >= MIN_INTENT_SCORE:
        return best, scores[best]
    if "?" in message:
        return "information", MIN_INTENT_SCORE
    return "other", scores[best]


# --------------------------------------------------------------------------- urgency
def urgency_evidence(message: str) -> tuple[float, float]:
    """(pressing, calm) evidence.

    pressing = urgent terms that are not negated + shouting (ALL-CAPS words, '!!') + 1 when the
    client is visibly frustrated (an unhappy client escalates).
    calm = calm terms ('no rush', 'pas pressé', distant dates) + negated urgent terms.
    A term is negated when a negator (no, not, t from n't, pas, rien, aucun...) sits within the
    NEGATION_WINDOW words before it: "not urgent", "rien d'urgent", "it doesn't hurt".
    """
    tokens = tokenize(message)
    pressing, calm = shouting(message), score(tokens, lx.CALM_TERMS)
    pressing += 1.0 if score(tokens, lx.TONE_TERMS["Frustrated"]) >= 2 else 0.0
    for term in lx.URGENT_TERMS.compiled.found(tokens):
        if all(_negated(tokens, i) for i in term.positions(tokens)):
            calm += term.weight
        else:
            pressing += term.weight
    return pressing, calm


def _negated(tokens: tuple[str, ...], index: int) -> bool:
    window = tokens[max(0, index - lx.NEGATION_WINDOW):index]
    return any(t in lx.NEGATORS for t in window)


def shouting(message: str) -> float:
    """+1 for one ALL-CAPS word (acronyms excluded), +2 for three or more; +1 for '!!'."""
    caps = [w for w in _CAPS_WORD.findall(message) if w not in lx.ACRONYMS]
    bonus = 2.0 if len(caps) >= 3 else 1.0 if caps else 0.0
    return bonus + (1.0 if "!!" in message else 0.0)


def classify_urgency(message: str, intent: str) -> str:
    """High when pressing evidence outweighs calm by HIGH_URGENCY_SCORE; Low when calm evidence
    outweighs near-term evidence ('no rush', but not 'sometime next week').

    Otherwise the intent decides: actionable requests (quote, appointment, support) are Medium,
    the rest Low unless a near-term time frame ('this week', 'demain') lifts them to Medium.
    Spam, job applications and partnership pitches are always Low.
    """
    if intent in NEVER_URGENT:
        return "Low"
    pressing, calm = urgency_evidence(message)
    if pressing - calm >= HIGH_URGENCY_SCORE:
        return "High"
    soon = score(tokenize(message), lx.SOON_TERMS)
    if calm > soon:
        return "Low"
    return "Medium" if intent in ACTIONABLE or soon else "Low"


# --------------------------------------------------------------------------- tone
def classify_tone(message: str, urgency: str, intent: str = "other") -> str:
    """First tone whose evidence reaches its bar, in this order:

    Frustrated (complaint words >= 2); Urgent (High urgency, or a hard sell: '!!' plus time
    pressure); Formal (>= 2); Friendly (>= 2: warm words, emoji, any '!', a cheerful 'Hi!' or
    'Merci!'); Professional (polite business formulas >= 1.5). Otherwise pitches (spam,
    partnership, job application) default to Professional and everything else to Neutral.
    """
    tokens = tokenize(message)
    tone_scores = {tone: score(tokens, terms) for tone, terms in lx.TONE_TERMS.items()}
    if tone_scores["Frustrated"] >= 2:
        return "Frustrated"
    if urgency == "High" or _hard_sell(message):
        return "Urgent"
    if tone_scores["Formal"] >= 2:
        return "Formal"
    if warmth(message, tone_scores["Friendly"]) >= FRIENDLY_BAR:
        return "Friendly"
    if tone_scores["Professional"] >= 1.5 or intent in NEVER_URGENT:
        return "Professional"
    return "Neutral"


def _hard_sell(message: str) -> bool:
    return "!!" in message and urgency_evidence(message)[0] >= HIGH_URGENCY_SCORE


def warmth(message: str, friendly_words: float) -> float:
    """The Friendly evidence: the warm words' lexicon score plus `_warm_punctuation`."""
    return friendly_words + _warm_punctuation(message)


def _warm_punctuation(message: str) -> float:
    """2 for an emoji or smiley, +1 for any '!', +1 for a cheerful 'Thanks!'-style exclamation."""
    smiley = 2.0 * has_smiley(message)
    cheerful = 1.0 if re.search(lx.CHEERFUL_EXCLAMATION, message, re.I) else 0.0
    return smiley + ("!" in message) + cheerful



# --------------------------------------------------------------------------- confidence
# Prior probability that a lead with this intent is a qualified prospect.
INTENT_PRIOR = {
    "quote_request": 0.78, "appointment": 0.74, "support": 0.45, "information": 0.45,
    "partnership": 0.30, "job_application": 0.12, "other": 0.18, "spam": 0.03,
}
URGENCY_BONUS = {"High": 0.08, "Medium": 0.04, "Low": 0.0}


def confidence(message: str, intent: str, intent_score: float, urgency: str) -> float:
    """Qualified-prospect likelihood in 0..1, two decimals.

    Intent prior + urgency bonus + up to 0.08 for clear intent evidence + 0.04 for a detailed
    message (12+ words). Spam gets its bare prior (0.03); an empty message scores 0.05.
    """
    if not message.strip():
        return 0.05
    if intent == "spam":
        return INTENT_PRIOR["spam"]
    clarity = min(0.08, 0.02 * intent_score) if intent != "other" else 0.0
    detail = 0.04 if len(tokenize(message)) >= 12 else 0.0
    value = INTENT_PRIOR[intent] + URGENCY_BONUS[urgency] + clarity + detail
    return round(max(0.0, min(1.0, value)), 2)
