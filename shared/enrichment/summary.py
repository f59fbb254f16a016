"""Human sentences: the one-line lead summary and the 'how did this lead change' insight.

Both are written in the lead's language ('en' or 'fr') and are always exactly one sentence.
"""

from __future__ import annotations

from typing import Any

from . import lexicon as lx
from .text import score, tokenize

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


def topic(message: str, language: str) -> str | None:
    """Subject of the request ('roofing work' / 'des travaux de toiture'), if a topic matches."""
    tokens = tokenize(message)
    for terms, english, french in lx.TOPICS:
        if score(tokens, terms) > 0:
            return french if language == "fr" else english
    return None


def summarize(name: str, message: str, language: str, intent: str, urgency: str) -> str:
    """'Olivia Park requests a quote for a bathroom renovation; medium urgency.'"""
    fr = language == "fr"
    who = " ".join(name.split()) or ("Ce prospect" if fr else "This lead")
    verb, prep = ACTION[intent][1 if fr else 0]
    subject = topic(message, language) if prep else None
    about = f" {prep} {subject}" if subject else ""
    level = f"urgence {URGENCY_FR[urgency]}" if fr else f"{urgency.lower()} urgency"
    return f"{who} {verb}{about}; {level}."


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
