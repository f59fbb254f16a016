"""The engine's output contract: the six fields of an Enrichment and their allowed values."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal, get_args

# The vocabularies, spelt here only: the API's models (shared/leads/intake.py), the rules, the model's
# heads (in this order: tests/enrichment/train.py) and the reply templates read them from here.
Language = Literal["en", "fr"]
Intent = Literal["quote_request", "appointment", "information", "support", "partnership",
                 "job_application", "spam", "other"]
Tone = Literal["Professional", "Friendly", "Formal", "Urgent", "Frustrated", "Neutral"]
Urgency = Literal["Low", "Medium", "High"]
LANGUAGES: tuple[str, ...] = get_args(Language)
INTENTS: tuple[str, ...] = get_args(Intent)
TONES: tuple[str, ...] = get_args(Tone)
URGENCIES: tuple[str, ...] = get_args(Urgency)


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
        checks = {"language": LANGUAGES, "intent": INTENTS, "tone": TONES, "urgency": URGENCIES}
        for field, allowed in checks.items():
            if getattr(self, field) not in allowed:
                raise ValueError(f"{field}={getattr(self, field)!r} not in {allowed}")
        if not 0.0 <= self.confidence_score <= 1.0:
            raise ValueError(f"confidence_score={self.confidence_score} outside 0..1")

    def as_dict(self) -> dict[str, Any]:
        """The six fields as a plain dict (JSON-ready)."""
        return asdict(self)


def explicit_language(language: str | None) -> str | None:
    """'fr', 'FR', 'fr-CA' -> 'fr'; anything that is not en/fr means 'detect'."""
    code = (language or "").strip().lower()[:2]
    return code if code in LANGUAGES else None
