"""Offline lead enrichment: language, intent, tone, urgency, confidence and a one-line summary.

Pure, deterministic, stdlib-only rules over weighted en/fr lexicons (no I/O); see `rules.py`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal, Protocol, runtime_checkable

from . import rules
from .summary import describe_change, summarize

__all__ = [
    "ENGINE_VERSION",
    "Enrichment", "EnrichmentProvider", "LexiconProvider", "enrich", "relationship_insight",
    "get_default_provider", "set_default_provider",
]

# Recorded with each logged message (lead_messages.enrichment_version): which engine read it.
ENGINE_VERSION = "2026.11-lexicon-1"

Language = Literal["en", "fr"]
Intent = Literal["quote_request", "appointment", "information", "support", "partnership",
                 "job_application", "spam", "other"]
Tone = Literal["Professional", "Friendly", "Formal", "Urgent", "Frustrated", "Neutral"]
Urgency = Literal["High", "Medium", "Low"]


@dataclass(frozen=True)
class Enrichment:
    """What the engine concluded about one lead. Values are validated on construction."""

    language: Language
    intent: Intent
    tone: Tone
    urgency: Urgency
    confidence_score: float
    ai_summary: str

    def __post_init__(self) -> None:
        checks = {"language": ("en", "fr"), "intent": rules.INTENTS, "tone": rules.TONES,
                  "urgency": rules.URGENCIES}
        for field, allowed in checks.items():
            if getattr(self, field) not in allowed:
                raise ValueError(f"{field}={getattr(self, field)!r} not in {allowed}")
        if not 0.0 <= self.confidence_score <= 1.0:
            raise ValueError(f"confidence_score={self.confidence_score} outside 0..1")

    def as_dict(self) -> dict[str, Any]:
        """The six fields as a plain dict (JSON-ready)."""
        return asdict(self)


@runtime_checkable
class EnrichmentProvider(Protocol):
    """Anything that can enrich a lead; the lexicon engine is one, a model could be another.

    To swap engines, write a class with this `enrich` method (returning an `Enrichment`, so the
    contract and its validation stay the same) and install it once at start-up with
    `set_default_provider(MyModelProvider())`; every `enrich()` caller then uses it unchanged.
    """

    def enrich(self, name: str, message: str | None, language: str | None = None) -> Enrichment: ...


class LexiconProvider:
    """Default provider: the weighted-lexicon rules in `rules.py` (see their docstrings)."""

    def enrich(self, name: str, message: str | None, language: str | None = None) -> Enrichment:
        name, text = (name or "").strip(), (message or "").strip()
        lang = _explicit_language(language) or (
            rules.detect_language(name, text) if text else rules.language_from_name(name))
        intent, strength = rules.classify_intent(text) if text else ("other", 0.0)
        urgency = rules.classify_urgency(text, intent) if text else "Low"
        return Enrichment(
            language=lang,
            intent=intent,
            tone=rules.classify_tone(text, urgency, intent),
            urgency=urgency,
            confidence_score=rules.confidence(text, intent, strength, urgency),
            ai_summary=summarize(name, text, lang, intent, urgency),
        )


def _explicit_language(language: str | None) -> str | None:
    """'fr', 'FR', 'fr-CA' -> 'fr'; anything that is not en/fr means 'detect'."""
    code = (language or "").strip().lower()[:2]
    return code if code in ("en", "fr") else None


_default_provider: EnrichmentProvider = LexiconProvider()


def get_default_provider() -> EnrichmentProvider:
    """The provider `enrich()` currently delegates to."""
    return _default_provider


def set_default_provider(provider: EnrichmentProvider) -> EnrichmentProvider:
    """Install `provider` for every `enrich()` call; returns the one it replaced.

    Example: `previous = set_default_provider(ModelProvider())`, and later
    `set_default_provider(previous)` to restore the lexicon engine (handy in tests).
    """
    global _default_provider
    previous, _default_provider = _default_provider, provider
    return previous


def enrich(name: str, message: str | None, language: str | None = None) -> Enrichment:
    """Enrich one lead with the default provider. `language` ('en'/'fr') skips detection."""
    return _default_provider.enrich(name, message, language)


def relationship_insight(previous: Enrichment | dict[str, Any], current: Enrichment) -> str:
    """One sentence, in current.language, on how a returning lead changed since `previous`:
    urgency rising/falling, tone shift, confidence up/down (>= 0.10), or a similar request."""
    before = previous.as_dict() if isinstance(previous, Enrichment) else dict(previous or {})
    return describe_change(before, current)
