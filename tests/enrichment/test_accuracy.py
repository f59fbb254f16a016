"""Accuracy of the enrichment engine on the hand-labelled lead set (run with -s for the table)."""

from __future__ import annotations

import importlib.util
from collections import Counter
from pathlib import Path

import pytest

_spec = importlib.util.spec_from_file_location(
    "enrichment_accuracy", Path(__file__).with_name("accuracy.py"))
accuracy_module = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(accuracy_module)

ROWS = accuracy_module.load_rows()
INTENTS = ("quote_request", "appointment", "information", "support", "partnership",
           "job_application", "spam", "other")


@pytest.fixture(scope="module")
def table():
    result = accuracy_module.accuracy(ROWS)
    print("\n" + accuracy_module.format_table(result))
    return result


@pytest.mark.parametrize("field, minimum", [("language", 0.90), ("urgency", 0.80), ("intent", 0.80)])
def test_field_accuracy_on_the_whole_set_meets_its_floor(table, field, minimum):
    assert table["all"][field] >= minimum, accuracy_module.format_table(table)


def test_tone_accuracy_is_reported_for_every_split(table):
    for split in ("dev", "holdout", "all"):
        assert 0.0 <= table[split]["tone"] <= 1.0
        assert table[split]["n"] > 0


def test_labelled_set_has_at_least_120_leads():
    assert len(ROWS) >= 120


@pytest.mark.parametrize("intent", INTENTS)
def test_every_intent_has_at_least_8_examples(intent):
    assert sum(r["intent"] == intent for r in ROWS) >= 8


def test_labelled_set_is_roughly_half_english_half_french():
    counts = Counter(r["language"] for r in ROWS)
    assert set(counts) == {"en", "fr"}
    assert 0.4 <= counts["fr"] / len(ROWS) <= 0.6


def test_a_meaningful_share_of_the_set_is_held_out():
    share = sum(r["split"] == "holdout" for r in ROWS) / len(ROWS)
    assert 0.25 <= share <= 0.5


@pytest.mark.parametrize("field, allowed", [
    ("language", {"en", "fr"}),
    ("intent", set(INTENTS)),
    ("urgency", {"High", "Medium", "Low"}),
    ("tone", {"Professional", "Friendly", "Formal", "Urgent", "Frustrated", "Neutral"}),
    ("split", {"dev", "holdout"}),
])
def test_every_label_uses_an_allowed_value(field, allowed):
    assert {r[field] for r in ROWS} <= allowed


def test_no_message_is_labelled_twice():
    messages = [r["message"] for r in ROWS]
    assert len(messages) == len(set(messages))
