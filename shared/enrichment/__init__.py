"""Offline lead enrichment: language, intent, tone, urgency, confidence and a one-line summary.

Pure and deterministic, stdlib only: weighted en/fr lexicons (`rules.py`) plus linear models trained
from the labelled corpus (`hybrid.py`, weights in `model.json`, read on first use); no I/O otherwise.
"""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

from . import rules
from .contract import Enrichment, Intent, Language, Tone, Urgency, explicit_language
from .hybrid import HybridProvider
from .summary import describe_change, summarize
from .trade import Trade

__all__ = [
    "ENGINE_VERSION", "Enrichment", "EnrichmentProvider", "HybridProvider", "Intent", "Language",
    "LexiconProvider", "Tone", "Trade", "Urgency", "enrich", "relationship_insight", "set_default_provider",
]

# Recorded with each logged message (lead_messages.enrichment_version): which rules + model +
# summary read it. Bump it whenever one changes (a new model.json included); model.json records it
# too (test_accuracy compares the file with a fresh training, version line included), so a bump
# that leaves the model alone changes only that line. "+summary-2": ai_summary in the client's
# trade, with when and where.
ENGINE_VERSION = "2026.12-lexicon+linear-4+summary-2"


@runtime_checkable
class EnrichmentProvider(Protocol):
    """Anything that can enrich a lead: the hybrid engine (default), the lexicon rules alone, a model.

    To swap engines, write a class with this `enrich` method (returning an `Enrichment`, so the
    contract and its validation stay the same) and install it once at start-up with
    `set_default_provider(MyModelProvider())`; every `enrich()` caller then uses it unchanged.
    `previous` is the same lead's last enrichment (see `enrich`), `trade` the client's trade; a
    provider may ignore either.
    """

    def enrich(self, name: str, message: str | None, language: str | None = None,
               previous: Enrichment | dict[str, Any] | None = None,
               trade: Trade | None = None) -> Enrichment: ...


class LexiconProvider:
    """The weighted-lexicon rules alone (`rules.py`), the engine before the learned model; it reads
    each message alone (`previous` is not read)."""

    def enrich(self, name: str, message: str | None, language: str | None = None,
               previous: Enrichment | dict[str, Any] | None = None,
               trade: Trade | None = None) -> Enrichment:
        name, text = (name or "").strip(), (message or "").strip()
        lang = explicit_language(language) or (
            rules.detect_language(name, text) if text else rules.language_from_name(name))
        intent, strength = rules.classify_intent(text) if text else ("other", 0.0)
        urgency = rules.classify_urgency(text, intent) if text else "Low"
        return Enrichment(
            language=lang,
            intent=intent,
            tone=rules.classify_tone(text, urgency, intent),
            urgency=urgency,
            confidence_score=rules.confidence(text, intent, strength, urgency),
            ai_summary=summarize(name, text, lang, intent, urgency, trade),
        )


_default_provider: EnrichmentProvider = HybridProvider()


def set_default_provider(provider: EnrichmentProvider) -> EnrichmentProvider:
    """Install `provider` for every `enrich()` call; returns the one it replaced.

    Example: `previous = set_default_provider(LexiconProvider())`, and later
    `set_default_provider(previous)` to restore the hybrid engine (handy in tests).
    """
    global _default_provider
    previous, _default_provider = _default_provider, provider
    return previous


def enrich(name: str, message: str | None, language: str | None = None,
           previous: Enrichment | dict[str, Any] | None = None, trade: Trade | None = None) -> Enrichment:
    """Enrich one lead with the default provider. `language` ('en'/'fr') skips detection.

    `previous` is the same lead's last enrichment, read as context for a follow-up: an `Enrichment`
    or a dict of its fields, plus the previous text under 'message' when known, e.g.
    `enrich(name, text, previous={"intent": "quote_request", "urgency": "High", "message": "..."})`.
    `trade` is the client's trade, which the summary's wording follows:
    `enrich(name, text, trade=Trade("Toiture", "réfection de toiture"))`.
    """
    return _default_provider.enrich(name, message, language, previous=previous, trade=trade)


def relationship_insight(previous: Enrichment | dict[str, Any], current: Enrichment) -> str:
    """One sentence, in current.language, on how a returning lead changed since `previous`:
    urgency rising/falling, tone shift, confidence up/down (>= 0.10), or a similar request."""
    before = previous.as_dict() if isinstance(previous, Enrichment) else dict(previous or {})
    return describe_change(before, current)
