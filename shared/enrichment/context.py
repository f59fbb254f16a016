"""A lead's new message read with its previous one: a short follow-up keeps the thread's intent, and
urgency never drops on a follow-up that gives no reason to drop ("fixed", "no rush now", "cancel").
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from . import contract, rules
from . import lexicon as lx
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
        intent = fields.get("intent") if fields.get("intent") in contract.INTENTS else None
        urgency = fields.get("urgency") if fields.get("urgency") in URGENCY_RANK else None
        message = fields.get("message")
        message = message.strip() if isinstance(message, str) else ""
        if intent is None and urgency is None and not message:
            return None
        probabilities = read(message).intent if message else None
        return cls(intent, urgency, message, probabilities)

    def prior(self) -> dict[str, float]:
        """P(intent) of the thread: the previous text's model probabilities averaged with its label
        (one-hot) when both are known; whichever is known otherwise."""
        label = {i: float(i == self.intent) for i in contract.INTENTS} if self.intent else None
        if label and self.intent_probabilities:
            return {i: (label[i] + self.intent_probabilities[i]) / 2 for i in contract.INTENTS}
        return label or self.intent_probabilities or {i: 0.0 for i in contract.INTENTS}


def stands_down(reading: Any) -> bool:
    """The follow-up says the need went away or is on hold (lexicon.STAND_DOWN_TERMS) and does not
    press on its own (pressing - calm < rules.HIGH_URGENCY_SCORE): "never mind, it's fixed now" stands
    down, "you 'fixed' it and it leaks again, come today" does not."""
    evidence = reading.evidence
    pressing = evidence.pressing - evidence.calm >= rules.HIGH_URGENCY_SCORE
    return score(evidence.tokens, lx.STAND_DOWN_TERMS) > 0 and not pressing


def thread_intent(reading: Any, intent: str, strength: float, thread: Thread,
                  decide: Callable[[dict[str, float]], tuple[str, float]]) -> tuple[str, float]:
    """A follow-up's intent:

    - its own when it is spam, when the thread was spam, when it stands the request down, or when
      it is long (> SHORT_FOLLOW_UP words);
    - the thread's when it makes no explicit ask (no intent's lexicon score reaches
      rules.MIN_INTENT_SCORE: "any news?", "water is now coming through the ceiling!");
    - otherwise decided on P = (P_message + w * P_thread) / (1 + w), w = 1 - P_message(intent)
      (P(spam) unchanged): a clear new ask ("and a price for the gutters?") stands, but a visit
      asked on a support thread stays support (the business already holds that work).
    """
    if (intent == "spam" or thread.intent == "spam" or stands_down(reading)
            or len(reading.evidence.tokens) > SHORT_FOLLOW_UP):
        return intent, strength
    prior = thread.prior()
    if not has_own_ask(reading) and max(prior.values()) > 0:
        inherited = max(contract.INTENTS, key=prior.__getitem__)
        if inherited != "spam":
            return inherited, 4.0 * prior[inherited]
    weight = 1.0 - reading.intent[intent]
    mixed = {i: (reading.intent[i] + weight * prior[i]) / (1.0 + weight) for i in contract.INTENTS}
    mixed["spam"] = reading.intent["spam"]
    decided, strength = decide(mixed)
    if thread.intent == "support" and decided == "appointment":
        return "support", strength  # a visit asked on a support thread is about the same past work
    return decided, strength


def has_own_ask(reading: Any) -> bool:
    """Some intent's lexicon score reaches rules.MIN_INTENT_SCORE: the follow-up asks something itself."""
    return max(reading.evidence.intent.values()) >= rules.MIN_INTENT_SCORE


def thread_urgency(reading: Any, intent: str, urgency: str, thread: Thread, inherited: bool) -> str:
    """A follow-up's urgency, given its own (`urgency`) and the thread's:

    - its own when the thread's is unknown, when the intent is never urgent (spam, job application,
      partnership) or when calm outweighs pressing ("no rush now");
    - Low when it stands the request down (`stands_down`);
    - the thread's when the message took its intent from the thread and has no ask of its own
      (`inherited`, see `has_own_ask`), shows no urgency evidence (no urgent, calm or near-term
      term, no shouting) and reads only the default Medium on its own ("any news?");
    - otherwise max(own, thread): it may rise ("water is now coming through the ceiling!"), never drop.
    """
    evidence = reading.evidence
    if thread.urgency is None or intent in rules.NEVER_URGENT or evidence.calm > evidence.pressing:
        return urgency
    if stands_down(reading):
        return "Low"
    quiet = not (evidence.pressing or evidence.calm or evidence.soon or evidence.shouting)
    if inherited and quiet and urgency == "Medium":
        return thread.urgency
    return max(urgency, thread.urgency, key=URGENCY_RANK.__getitem__)
