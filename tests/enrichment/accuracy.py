"""Accuracy of the enrichment engine on the labelled corpus (tests/fixtures/enrichment, see its README).

`python -m tests.enrichment.accuracy` prints, per split, each field's accuracy, spam recall and the
real messages marked spam, the held-out intent confusion matrix, the follow-up threads, and the
lexicon engine alone for comparison. `--train-errors` lists train-split mistakes while tuning;
held-out mistakes are deliberately not listable: tune on train only, read held-out as the estimate.
"""

from __future__ import annotations

import sys
from collections import Counter

from shared.enrichment import EnrichmentProvider, HybridProvider, LexiconProvider, contract, enrich

from .corpus import FIELDS, load_rows, load_threads

SPLITS = ("train", "holdout")


def predict(row: dict, provider: EnrichmentProvider) -> dict:
    """The provider's output for a row; language is detected, never taken from the label."""
    return provider.enrich(row["name"], row["message"]).as_dict()


def scores(rows: list[dict], predictions: list[dict]) -> dict[str, float]:
    """Accuracy per field, spam recall, and real messages marked spam (count and share).

    spam recall = spam rows predicted spam / spam rows; real marked spam = non-spam rows predicted
    spam / non-spam rows (at most 1%)."""
    pairs = list(zip(rows, predictions, strict=True))
    table = {f: sum(r[f] == p[f] for r, p in pairs) / max(1, len(pairs)) for f in FIELDS}
    spam = [p["intent"] == "spam" for r, p in pairs if r["spam"]]
    real = [p["intent"] == "spam" for r, p in pairs if not r["spam"]]
    table |= {"n": len(pairs), "spam_recall": sum(spam) / max(1, len(spam)),
              "real_as_spam": sum(real), "real_as_spam_rate": sum(real) / max(1, len(real))}
    return table


def format_scores(label: str, table: dict[str, float]) -> str:
    cells = " ".join(f"{table[f]:>9.4f}" for f in FIELDS)  # 4 places: 0.9898 must not print as 0.990
    return (f"{label:<20} {table['n']:>5} {cells} {table['spam_recall']:>9.4f} "
            f"{table['real_as_spam']:>5} ({table['real_as_spam_rate']:.2%})")


def confusion(rows: list[dict], predictions: list[dict]) -> str:
    """Intent confusion matrix: one row per labelled intent, one column per predicted intent."""
    counts = Counter((r["intent"], p["intent"]) for r, p in zip(rows, predictions, strict=True))
    short = [i[:8] for i in contract.INTENTS]
    lines = ["label \\ predicted".ljust(18) + " ".join(f"{s:>8}" for s in short)]
    for intent in contract.INTENTS:
        lines.append(f"{intent:<18}" + " ".join(f"{counts[(intent, p)]:>8}" for p in contract.INTENTS))
    return "\n".join(lines)


def thread_scores() -> tuple[int, int, int]:
    """(threads, urgency right, intent right where labelled) on threads.jsonl, read with context."""
    threads = load_threads()
    found = [enrich(t["name"], t["message"], previous=t["previous"]) for t in threads]
    urgency = sum(e.urgency == t["urgency"] for e, t in zip(found, threads, strict=True))
    intent = sum(e.intent == t.get("intent", e.intent) for e, t in zip(found, threads, strict=True))
    return len(threads), urgency, intent


def train_errors(rows: list[dict], predictions: list[dict]) -> list[str]:
    """Human-readable mistakes on the train split only."""
    out = []
    for row, pred in zip(rows, predictions, strict=True):
        wrong = [f"{f}: {row[f]} -> {pred[f]}" for f in FIELDS if row[f] != pred[f]]
        if wrong and row["split"] == "train":
            out.append(f"{row['message'][:100]!r}\n    " + "; ".join(wrong))
    return out


def main(argv: list[str]) -> int:
    rows = load_rows()
    engines = {"hybrid": HybridProvider(), "lexicon only": LexiconProvider()}
    print(f"{'split / engine':<20} {'n':>5} " + " ".join(f"{f:>9}" for f in FIELDS)
          + f" {'spam rec':>9} real as spam")
    predicted = {}
    for name, engine in engines.items():
        predicted[name] = [predict(r, engine) for r in rows]
        for split in SPLITS:
            kept = [(r, p) for r, p in zip(rows, predicted[name], strict=True) if r["split"] == split]
            if kept:
                print(format_scores(f"{split} {name}", scores(*map(list, zip(*kept, strict=True)))))
            else:
                print(f"{split} {name}: no {split} files yet")
    holdout = [(r, p) for r, p in zip(rows, predicted["hybrid"], strict=True) if r["split"] == "holdout"]
    if holdout:
        print("\nHeld-out intent confusion (hybrid):")
        print(confusion(*map(list, zip(*holdout, strict=True))))
    n, urgency, intent = thread_scores()
    print(f"\nFollow-up threads: {n}, urgency right {urgency}, intent right {intent}")
    if "--train-errors" in argv:
        print("\n".join(train_errors(rows, predicted["hybrid"])))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
