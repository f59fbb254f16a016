"""The default engine: the learned model decides intent, urgency and tone from what the rules read,
and the rules keep what they do best (language, negation, "no rush", the labelling constraints).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from . import context, contract, rules
from .contract import Enrichment, explicit_language
from .features import buckets, urgency_bucket, with_intent
from .model import Model, load
from .summary import summarize
from .trade import Trade

# Intents that are never High urgency: a question or a note is not an emergency.
NOT_HIGH = frozenset({"information", "other"})
# Calm evidence that settles urgency on its own: one explicit "no rush" (lexicon weight 3).
CALM_WINS = 3.0


@dataclass(frozen=True)
class Reading:
    """One message as the engine sees it: the rules' evidence, its buckets, P(intent)."""

    text: str
    evidence: rules.Evidence
    buckets: list[int]
    intent: dict[str, float]


class HybridProvider:
    """Rules + linear model (see the module docstring); `model` defaults to the shipped weights."""

    def __init__(self, model: Model | None = None) -> None:
        self._model = model

    @property
    def model(self) -> Model:
        if self._model is None:
            self._model = load()
        return self._model

    def read(self, message: str) -> Reading:
        """The rules' evidence, the features and P(intent) of one non-empty message."""
        evidence = rules.read(message)
        found = buckets(message, evidence)
        return Reading(message, evidence, found, self.model.intent(found))

    def enrich(self, name: str, message: str | None, language: str | None = None,
               previous: Any = None, trade: Trade | None = None) -> Enrichment:
        """Enrich one lead; `previous` (an Enrichment, or a dict of its fields plus the previous
        'message') is the same lead's last enrichment: see context.py for what it changes; `trade`
        (the client's) words the summary."""
        name, text = (name or "").strip(), (message or "").strip()
        if not text:
            lang = explicit_language(language) or rules.language_from_name(name)
            return Enrichment(lang, "other", "Neutral", "Low", rules.confidence("", "other", 0.0, "Low"),
                              summarize(name, "", lang, "other", "Low", trade))
        reading = self.read(text)
        lang = explicit_language(language) or rules.language_of(name, *reading.evidence.language_scores)
        own, strength = self.decide_intent(reading.intent)
        intent, thread = own, context.Thread.of(previous, self.read) if previous is not None else None
        if thread is not None:
            intent, strength = context.thread_intent(reading, own, strength, thread, self.decide_intent)
        seen = with_intent(reading.buckets, intent)  # what the urgency and tone heads read
        sums = self.model.sums(seen)
        urgency = self.decide_urgency(reading, intent, sums, len(seen))
        if thread is not None:
            inherited = intent != own and not context.has_own_ask(reading)
            urgency = context.thread_urgency(reading, intent, urgency, thread, inherited=inherited)
        # The tone head reads with_intent(buckets, intent, urgency): the urgency's one bucket added
        # to the sums already made rather than a second sum over every bucket.
        extra = urgency_bucket(urgency)
        if extra in seen:
            tone_sums, n_tone = sums, len(seen)
        else:
            tone_sums = [a + b for a, b in zip(sums, self.model.sums([extra]), strict=True)]
            n_tone = len(seen) + 1
        tone = self.decide_tone(reading, intent, urgency, tone_sums, n_tone)
        earlier = thread.message if thread is not None else ""
        return Enrichment(lang, intent, tone, urgency, rules.confidence(text, intent, strength, urgency),
                          summarize(name, text, lang, intent, urgency, trade, earlier))

    def decide_intent(self, probabilities: dict[str, float]) -> tuple[str, float]:
        """(intent, strength). Spam when P(spam) >= the model's spam threshold (tuned by
        cross-validation to keep real customers out of spam); otherwise the most probable of the
        other intents. strength = 4 * P(intent), on the scale rules.confidence expects."""
        if probabilities["spam"] >= self.model.spam_threshold:
            return "spam", 4.0 * probabilities["spam"]
        intent = max((i for i in contract.INTENTS if i != "spam"), key=probabilities.__getitem__)
        return intent, 4.0 * probabilities[intent]

    def decide_urgency(self, reading: Reading, intent: str, sums: list[int], n_buckets: int) -> str:
        """The model's most probable urgency given the intent, held to the labelling rules: spam,
        job applications and partnerships are Low; information and other are at most Medium; and an
        explicit calm ("no rush", "not urgent", "pas pressé": calm evidence >= CALM_WINS and above
        the pressing evidence, negation included) is Low, as the rules read it."""
        evidence = reading.evidence
        if intent in rules.NEVER_URGENT or (evidence.calm >= CALM_WINS and evidence.calm > evidence.pressing):
            return "Low"
        probabilities = self.model.heads["urgency"].probabilities(sums, n_buckets)
        urgency = max(contract.URGENCIES, key=probabilities.__getitem__)
        return "Medium" if urgency == "High" and intent in NOT_HIGH else urgency

    def decide_tone(self, reading: Reading, intent: str, urgency: str, sums: list[int], n_buckets: int) -> str:
        """The model's most probable tone, held to the labelling rules: Formal and Frustrated stand;
        otherwise High urgency reads as Urgent, and Urgent without High urgency (spam's hard sell
        aside) gives way to the next most probable tone. A Neutral or Professional reading of a
        message with explicit warm markers ("hey", "lol", an emoji: rules.warmth) is Friendly, as
        the rules read it (cross-validation: the model alone misses many of them)."""
        probabilities = self.model.heads["tone"].probabilities(sums, n_buckets)
        ranked = sorted(contract.TONES, key=probabilities.__getitem__, reverse=True)
        if ranked[0] in ("Formal", "Frustrated"):
            return ranked[0]
        if urgency == "High":
            return "Urgent"
        tone = ranked[1] if ranked[0] == "Urgent" and intent != "spam" else ranked[0]
        warm = rules.warmth(reading.text, reading.evidence.tone["Friendly"]) >= rules.FRIENDLY_BAR
        return "Friendly" if warm and tone in ("Neutral", "Professional") else tone
