"""The labelled corpus is what its README says, the engine keeps its cross-validated accuracy (and
its held-out accuracy once the fresh held-out batch is added), and the shipped weights are exactly
what `make model` trains from the corpus (run with -s for the tables)."""

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
# The split parts present: holdout-01..03 were retired into training; the fresh held-out batch
# (holdout-04-*.jsonl, holdout-05-*.jsonl) is written independently and added later.
PRESENT = [split for split, rows in SPLITS.items() if rows]
ALLOWED = {"language": {"en", "fr"}, "intent": set(contract.INTENTS), "urgency": set(contract.URGENCIES),
           "tone": set(contract.TONES), "split": {"train", "holdout"}, "spam": {True, False}}
# Cross-validation floors (5-fold on the train split, `python -m tests.enrichment.train
# --cross-validate`): about one point under the shipped round's figures (train split of 2,789 with
# holdout-01..03 retired into it, 20 epochs: language 0.997, intent 0.854, urgency 0.876, tone 0.810,
# spam recall 0.861, 0.47% of real messages marked spam), so a change that loses accuracy on wording
# the folds have not seen fails here. Issue #18's urgency 0.90 and spam recall 0.90 are not reached.
CV_FLOORS = {"language": 0.99, "intent": 0.845, "urgency": 0.865, "tone": 0.80, "spam_recall": 0.85}
CV_REAL_AS_SPAM_RATE = 0.01
# Held-out floors: about one point under the one reading of the fresh held-out batch (holdout-04/05,
# 591 messages, 5 Dec 2026): language 0.993, intent 0.883, urgency 0.885, tone 0.853, spam recall 0.929.
HOLDOUT_FLOORS: dict[str, float] = {"language": 0.98, "intent": 0.87, "urgency": 0.875, "tone": 0.84,
                                    "spam_recall": 0.92}
HOLDOUT_REAL_AS_SPAM_RATE = 0.01


@pytest.fixture(scope="module")
def cv_scores():
    found = train.cross_validate(SPLITS["train"])
    print("\ncross-validation " + json.dumps({k: round(v, 4) for k, v in found.items()}))
    return found


def test_the_corpus_has_2000_messages_and_the_held_out_part_is_400_or_not_yet_written():
    assert len(ROWS) >= 2000
    assert len(SPLITS["holdout"]) >= 400 or not SPLITS["holdout"]


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
def test_cross_validated_accuracy_keeps_its_floor(cv_scores, metric):
    assert cv_scores[metric] >= CV_FLOORS[metric], cv_scores


def test_at_most_one_percent_of_real_messages_are_marked_spam_in_cross_validation(cv_scores):
    assert cv_scores["real_as_spam"] <= CV_REAL_AS_SPAM_RATE


def test_held_out_accuracy_keeps_its_floors_and_one_percent_of_real_as_spam():
    """Empty held-out part (the fresh batch not added yet): nothing to read, every score 0 and no
    floor set. With the batch: the issue's 1% ceiling at once, and the floors once set above."""
    rows = SPLITS["holdout"]
    found = accuracy.scores(rows, [accuracy.predict(r, HybridProvider()) for r in rows])
    print("\n" + accuracy.format_scores("holdout", found))
    below = {m: round(found[m], 4) for m, floor in HOLDOUT_FLOORS.items() if found[m] < floor}
    assert not below, accuracy.format_scores("holdout", found)
    assert found["real_as_spam_rate"] <= HOLDOUT_REAL_AS_SPAM_RATE


def test_the_shipped_weights_are_exactly_what_training_on_the_corpus_produces():
    fresh = train.serialise(train.build(load_rows("train")))
    assert MODEL_FILE.read_text(encoding="utf-8") == fresh, "run `make model` and commit model.json"
