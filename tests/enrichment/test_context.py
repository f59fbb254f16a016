"""A lead's follow-up read with its previous message (tests/fixtures/enrichment/threads.jsonl)."""

from __future__ import annotations

import pytest

from shared.enrichment import enrich

from .corpus import load_threads

THREADS = load_threads()
RANK = {"Low": 0, "Medium": 1, "High": 2}


@pytest.mark.parametrize("thread", THREADS, ids=[t["message"][:40] for t in THREADS])
def test_a_follow_up_is_read_with_its_thread(thread):
    found = enrich(thread["name"], thread["message"], previous=thread["previous"])
    assert found.urgency == thread["urgency"]
    if "intent" in thread:
        assert found.intent == thread["intent"]


def test_the_leaking_roof_follow_up_of_issue_18_stays_urgent_and_keeps_its_intent():
    text = "Hi, I need a quote to fix my roof today, shingles blew off and it's leaking."
    first = enrich("David Chen", text)
    with_labels = enrich("David Chen", "water is now coming through the ceiling!", previous=first)
    follow_up = "water is now coming through the ceiling!"
    with_text = enrich("David Chen", follow_up, previous=first.as_dict() | {"message": text})
    assert first.urgency == with_labels.urgency == with_text.urgency == "High"
    assert first.intent == with_labels.intent == with_text.intent == "quote_request"
    assert "roof repair (leak)" in with_text.ai_summary


@pytest.mark.parametrize("message", ["any update?", "hello??", "Did you get my message?", "ok", "?"])
def test_urgency_never_drops_on_a_follow_up_that_gives_no_reason(message):
    for urgency in ("High", "Medium", "Low"):
        previous = {"intent": "appointment", "urgency": urgency, "tone": "Neutral", "confidence_score": 0.8}
        assert RANK[enrich("Sam", message, previous=previous).urgency] >= RANK[urgency]


@pytest.mark.parametrize("message", [
    "Never mind, it's fixed now, no need to come.",
    "Laissez faire, c'est réglé, plus besoin de venir.",
    "No rush anymore, next month is fine.",
])
def test_urgency_drops_when_the_follow_up_says_why(message):
    previous = {"intent": "appointment", "urgency": "High", "message": "Pipe burst, water everywhere, come now!"}
    assert enrich("Sam", message, previous=previous).urgency == "Low"


def test_a_clear_new_ask_in_a_follow_up_is_its_own_intent():
    previous = {"intent": "information", "urgency": "Low", "message": "Do you service the West Island?"}
    assert enrich("Dana", "Great, how much for a furnace tune-up?", previous=previous).intent == "quote_request"


def test_spam_neither_spreads_to_nor_borrows_from_a_thread():
    spam = {"intent": "spam", "urgency": "Low", "message": "Rank #1 on Google, click here www.seo.biz"}
    real = {"intent": "quote_request", "urgency": "High", "message": "Roof leaking, need a quote today"}
    assert enrich("Sam", "Did you get my message about the roof?", previous=spam).intent != "spam"
    assert enrich("Bot", "Earn $5000 a week with Bitcoin, click here http://x.biz", previous=real).intent == "spam"


@pytest.mark.parametrize("previous", [
    None, {}, {"tone": None, "urgency": None, "confidence_score": None}, {"urgency": "Critical"},
])
def test_a_previous_enrichment_without_usable_fields_changes_nothing(previous):
    message = "Hi, could you send me a quote for my roof?"
    assert enrich("Alex", message, previous=previous) == enrich("Alex", message)
