"""The labelled corpus is what its README says, the engine keeps its cross-validated and held-out
accuracy, and the shipped model is exactly what `make model` trains from the corpus, cross-validated
figures included (run with -s for the held-out table)."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from shared.enrichment import HybridProvider, contract
from shared.enrichment.model import MODEL_FILE

from . import accuracy, train
from .corpus import CORPUS_DIR, load_rows, load_threads

ROWS = load_rows()
SPLITS = {split: [r for r in ROWS if r["split"] == split] for split in ("train", "holdout")}
# The split parts present: holdout-01..05 were retired into training after their one reading; the
# held-out part is the latest batch written independently (holdout-06-*.jsonl, holdout-07-*.jsonl).
PRESENT = [split for split, rows in SPLITS.items() if rows]
ALLOWED = {"language": {"en", "fr"}, "intent": set(contract.INTENTS), "urgency": set(contract.URGENCIES),
           "tone": set(contract.TONES), "split": {"train", "holdout"}, "spam": {True, False}}
# Cross-validation floors (5-fold on the train split, recorded by `make model` in model.json): about
# one point under the shipped round's figures (train split of 3,972 with holdout-01..05 retired into
# it: language 1.000, intent 0.865, urgency 0.880, tone 0.823, spam recall 0.877, 0.47% of real
# messages marked spam), so a change that loses accuracy on wording the folds have not seen fails here.
CV_FLOORS = {"language": 0.99, "intent": 0.855, "urgency": 0.87, "tone": 0.81, "spam_recall": 0.865}
CV_REAL_AS_SPAM_RATE = 0.01
# Held-out floors: about one point under the last reading of the fresh held-out batch (holdout-06/07,
# 587 messages, 5 Dec 2026; the corpus README says which two rule changes came after the first):
# language 0.995, intent 0.894, urgency 0.905, tone 0.859, spam recall 0.914, 4 of 506 real messages
# marked spam.
HOLDOUT_FLOORS: dict[str, float] = {"language": 0.985, "intent": 0.884, "urgency": 0.895, "tone": 0.849,
                                    "spam_recall": 0.90}
HOLDOUT_REAL_AS_SPAM_RATE = 0.01


# What `make model` recorded; the last test proves a fresh training gives exactly this file.
CV_SCORES = json.loads(MODEL_FILE.read_text(encoding="utf-8"))["training"]["engine_cross_validation"]


def test_the_corpus_has_2000_messages_and_the_held_out_part_400():
    assert len(ROWS) >= 2000
    assert len(SPLITS["holdout"]) >= 400


@pytest.mark.parametrize("split, minimum", [(s, {"train": 80, "holdout": 25}[s]) for s in PRESENT])
def test_every_intent_is_well_represented_in_each_split(split, minimum):
    counts = Counter(r["intent"] for r in SPLITS[split])
    assert min(counts[i] for i in contract.INTENTS) >= minimum, counts


@pytest.mark.parametrize("split", PRESENT)
def test_each_split_is_roughly_half_english_half_french(split):
    counts = Counter(r["language"] for r in SPLITS[split])
    assert 0.4 <= counts["fr"] / len(SPLITS[split]) <= 0.6


@pytest.mark.parametrize("field", sorted(ALLOWED))
def test_every_label_uses_an_allowed_value(field):
    assert {r[field] for r in ROWS} <= ALLOWED[field]


def test_the_spam_flag_is_the_spam_intent_and_the_split_is_the_file_s():
    assert all(r["spam"] == (r["intent"] == "spam") for r in ROWS)
    for path in sorted(CORPUS_DIR.glob("*-*.jsonl")):
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        assert {r["split"] for r in rows} == {path.name.split("-")[0]}, path.name


def test_no_message_is_labelled_twice_nor_shared_between_the_splits():
    messages = [r["message"] for r in ROWS]
    assert len(messages) == len(set(messages))


def test_every_follow_up_thread_uses_allowed_labels():
    for thread in load_threads():
        assert thread["urgency"] in ALLOWED["urgency"]
        assert thread.get("intent", "other") in ALLOWED["intent"]
        assert thread["previous"]["intent"] in ALLOWED["intent"]


@pytest.mark.parametrize("metric", sorted(CV_FLOORS))
def test_cross_validated_accuracy_keeps_its_floor(metric):
    assert CV_SCORES[metric] >= CV_FLOORS[metric], CV_SCORES


def test_at_most_one_percent_of_real_messages_are_marked_spam_in_cross_validation():
    assert CV_SCORES["real_as_spam"] <= CV_REAL_AS_SPAM_RATE


def test_held_out_accuracy_keeps_its_floors_and_one_percent_of_real_as_spam():
    rows = SPLITS["holdout"]
    found = accuracy.scores(rows, [accuracy.predict(r, HybridProvider()) for r in rows])
    print("\n" + accuracy.format_scores("holdout", found))
    below = {m: round(found[m], 4) for m, floor in HOLDOUT_FLOORS.items() if found[m] < floor}
    assert not below, accuracy.format_scores("holdout", found)
    assert found["real_as_spam_rate"] <= HOLDOUT_REAL_AS_SPAM_RATE


@pytest.mark.long
def test_the_shipped_model_is_exactly_what_training_on_the_corpus_produces():
    """Weights, spam threshold and cross-validated figures (the corpus's train split, 5 folds plus
    the whole split: about 2 minutes, the suite's longest test)."""
    fresh = train.serialise(train.build(load_rows("train")))
    assert MODEL_FILE.read_text(encoding="utf-8") == fresh, "run `make model` and commit model.json"
