"""Precision and recall of `shared.enrichment.extraction` on tests/fixtures/extraction (see its README).

`python -m tests.enrichment.extraction_accuracy` prints, per split, phone and address precision and
recall, `when` per class, and the median extraction time. `--train-errors` lists train-split mistakes
while tuning; held-out mistakes are deliberately not listable: tune on train, read held-out as the estimate.

Precision = right answers / answers given; recall = right answers / labelled values. An answer is right
when it equals the label exactly (an address must be the labelled text, not merely overlap it).
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

from shared.enrichment.extraction import extract

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "extraction"
SPLITS = ("train", "holdout", "holdout-02")
FIELDS = ("phone", "address")
WHEN_CLASSES = ("today", "this_week", "flexible")


def load_rows(split: str) -> list[dict]:
    path = FIXTURES / f"{split}.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def precision_recall(pairs: list[tuple[object, object]], wanted=None) -> tuple[float, float, int, int]:
    """(precision, recall, answers given, labelled) over (label, predicted) pairs; with `wanted`, for
    that one class (a class label predicted as another class counts against both)."""
    def given(value):
        return value is not None if wanted is None else value == wanted
    answered = [(label, found) for label, found in pairs if given(found)]
    labelled = [(label, found) for label, found in pairs if given(label)]
    right = sum(label == found for label, found in answered)
    return (right / len(answered) if answered else 1.0, right / len(labelled) if labelled else 1.0,
            len(answered), len(labelled))


def measure(rows: list[dict]) -> dict[str, tuple[float, float, int, int]]:
    """{'phone': (p, r, n_answers, n_labels), 'address': ..., 'when:today': ..., ...}."""
    found = [extract(row["message"]) for row in rows]
    table = {f: precision_recall([(r[f], getattr(e, f)) for r, e in zip(rows, found, strict=True)])
             for f in FIELDS}
    when = [(r["when"], e.when) for r, e in zip(rows, found, strict=True)]
    table |= {f"when:{c}": precision_recall(when, c) for c in WHEN_CLASSES}
    return table


def median_microseconds(rows: list[dict], rounds: int = 5) -> float:
    """Median time of one extract() call over the set (each message timed `rounds` times)."""
    times = []
    for _ in range(rounds):
        for row in rows:
            start = time.perf_counter()
            extract(row["message"])
            times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e6


def errors(rows: list[dict]) -> list[str]:
    out = []
    for row in rows:
        got = extract(row["message"])
        wrong = [f"{f}: {row[f]!r} -> {getattr(got, f)!r}" for f in (*FIELDS, "when") if row[f] != getattr(got, f)]
        if wrong:
            out.append(f"{row['message'][:110]!r}\n    " + "; ".join(wrong))
    return out


def main(argv: list[str]) -> int:
    splits = [s for s in SPLITS if not (s.startswith("holdout") and "--train-only" in argv)]
    print(f"{'split':<8} {'field':<16} {'precision':>9} {'recall':>7} {'answers':>8} {'labelled':>8}")
    for split in splits:
        rows = load_rows(split)
        for field, (p, r, answers, labelled) in measure(rows).items():
            print(f"{split:<8} {field:<16} {p:>9.4f} {r:>7.4f} {answers:>8} {labelled:>8}")
    every = [row for split in SPLITS for row in load_rows(split)]
    print(f"\nmedian extract() time over {len(every)} messages: {median_microseconds(every):.1f} µs")
    if "--train-errors" in argv:
        print("\n".join(errors(load_rows("train"))))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
