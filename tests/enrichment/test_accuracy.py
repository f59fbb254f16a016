"""The labelled corpus is what its README says, the engine keeps its held-out accuracy, and the
shipped weights are exactly what `make model` trains from the corpus (run with -s for the tables)."""

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
ALLOWED = {"language": {"en", "fr"}, "intent": set(contract.INTENTS), "urgency": set(contract.URGENCIES),
           "tone": set(contract.TONES), "split": {"train", "holdout"}, "spam": {True, False}}
# Held-out floors: about one point under the figures of the second reading of the held-out part
# (after a round of changes made from cross-validation on the train split only: language 1.000,
# intent 0.838, urgency 0.859, tone 0.791, spam recall 0.826, 1 real message of 356 marked spam),
# so a change that loses accuracy on unseen messages fails here. Issue #18 asks for intent 0.85,
# urgency 0.90, tone 0.80 and spam recall 0.90: not reached yet.
HOLDOUT_FLOORS = {"language": 0.99, "intent": 0.83, "urgency": 0.85, "tone": 0.78, "spam_recall": 0.81}
HOLDOUT_REAL_AS_SPAM_RATE = 0.01


@pytest.fixture(scope="module")
def holdout_scores():
    rows = SPLITS["holdout"]
    found = accuracy.scores(rows, [accuracy.predict(r, HybridProvider()) for r in rows])
    print("\n" + accuracy.format_scores("holdout", found))
    return found


def test_the_corpus_has_2000_messages_and_a_held_out_part_of_400():
    assert len(ROWS) >= 2000
    assert len(SPLITS["holdout"]) >= 400


@pytest.mark.parametrize("split, minimum", [("train", 80), ("holdout", 25)])
def test_every_intent_is_well_represented_in_each_split(split, minimum):
    counts = Counter(r["intent"] for r in SPLITS[split])
    assert min(counts[i] for i in contract.INTENTS) >= minimum, counts


@pytest.mark.parametrize("split", ["train", "holdout"])
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


@pytest.mark.parametrize("metric", sorted(HOLDOUT_FLOORS))
def test_held_out_accuracy_keeps_its_floor(holdout_scores, metric):
    assert holdout_scores[metric] >= HOLDOUT_FLOORS[metric], accuracy.format_scores("holdout", holdout_scores)


def test_at_most_one_percent_of_real_held_out_messages_are_marked_spam(holdout_scores):
    assert holdout_scores["real_as_spam_rate"] <= HOLDOUT_REAL_AS_SPAM_RATE


def test_the_shipped_weights_are_exactly_what_training_on_the_corpus_produces():
    fresh = train.serialise(train.build(load_rows("train")))
    assert MODEL_FILE.read_text(encoding="utf-8") == fresh, "run `make model` and commit model.json"
