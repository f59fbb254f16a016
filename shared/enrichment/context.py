"""A lead's new message read with its previous one: a short follow-up keeps the thread's intent, and
urgency never drops on a follow-up that gives no reason to drop ("fixed", "no rush now", "cancel").
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from . import lexicon as lx
from . import rules
from .text import score

# A follow-up of at most this many words leans on its thread for what it is about.
SHORT_FOLLOW_UP = 25
URGENCY_RANK = {"Low": 0, "Medium": 1, "High": 2}


@dataclass(frozen=True)
class Thread:
    """What is known of the previous message: its labels, and its text when the caller has it."""

    intent: str | None
    urgency: str | None
    message: str
    intent_probabilities: dict[str, float] | None

    @classmethod
    def of(cls, previous: Any, read: Callable[[str], Any]) -> Thread | None:
        """From an Enrichment or a mapping (intent, urgency, ... and optionally 'message');
        `read` turns the previous text into a Reading. None when nothing usable is given."""
        fields = previous if isinstance(previous, Mapping) else previous.as_dict()
        intent = fields.get("intent") if fields.get("intent") in rules.INTENTS else None
        urgency = fields.get("urgency") if fields.get("urgency") in URGENCY_RANK else None
        message = (fields.get("message") or "").strip() if isinstance(fields.get("message", ""), str) else ""
        if intent is None and urgency is None and not message:
            return None
        probabilities = read(message).intent if message else None
        return cls(intent, urgency, message, probabilities)

    def prior(self) -> dict[str, float]:
        """P(intent) of the thread: the previous text's model probabilities averaged with its label
        (one-hot) when both are known; whichever is known otherwise."""
        label = {i: float(i == self.intent) for i in rules.INTENTS} if self.intent else None
        if label and self.intent_probabilities:
            return {i: (label[i] + self.intent_probabilities[i]) / 2 for i in rules.INTENTS}
        return label or self.intent_probabilities or {i: 0.0 for i in rules.INTENTS}


def thread_intent(reading: Any, intent: str, strength: float, thread: Thread,
                  decide: Callable[[dict[str, float]], tuple[str, float]]) -> tuple[str, float]:
    """A follow-up's intent: the message's own when it is spam, when the thread was spam, or when it
    is long (> SHORT_FOLLOW_UP words); otherwise decided on P = (P_message + w * P_thread) / (1 + w),
    w = 1 - P_message(intent), so a clear new ask ("and a price for the gutters?") stands and a
    message that adds no ask of its own ("any news?", "water is now coming through the ceiling!")
    keeps the thread's intent."""
    if intent == "spam" or thread.intent == "spam" or len(reading.evidence.tokens) > SHORT_FOLLOW_UP:
        return intent, strength
    weight = 1.0 - reading.intent[intent]
    prior = thread.prior()
    mixed = {i: (reading.intent[i] + weight * prior[i]) / (1.0 + weight) for i in rules.INTENTS}
    mixed["spam"] = reading.intent["spam"]
    return decide(mixed)


def thread_urgency(reading: Any, intent: str, urgency: str, thread: Thread) -> str:
    """max(urgency, thread urgency), unless the follow-up gives a reason to drop: the need went away
    (lexicon.RESOLVED_TERMS with no pressing evidence), calm outweighs pressing ("no rush now"), or
    the intent became one that is never urgent (spam, job application, partnership)."""
    if thread.urgency is None or intent in rules.NEVER_URGENT:
        return urgency
    evidence = reading.evidence
    resolved = score(evidence.tokens, lx.RESOLVED_TERMS) > 0 and evidence.pressing <= evidence.calm
    if resolved or evidence.calm > evidence.pressing:
        return urgency
    return max(urgency, thread.urgency, key=URGENCY_RANK.__getitem__)
