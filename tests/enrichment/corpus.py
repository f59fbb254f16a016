"""The labelled corpus of tests/fixtures/enrichment/ (see its README): loading and splitting."""

from __future__ import annotations

import json
from pathlib import Path

CORPUS_DIR = Path(__file__).resolve().parents[1] / "fixtures" / "enrichment"
FIELDS = ("language", "intent", "urgency", "tone")


def load_rows(split: str | None = None, folder: Path = CORPUS_DIR) -> list[dict]:
    """Every labelled message of the batch files (train-*.jsonl, holdout-*.jsonl), in file and line
    order; only one split when `split` is 'train' or 'holdout'."""
    rows = []
    for path in sorted(folder.glob("*.jsonl")):
        if path.name.startswith(("train-", "holdout-")):
            with path.open(encoding="utf-8") as fh:
                rows += [json.loads(line) for line in fh if line.strip()]
    return [r for r in rows if split in (None, r["split"])]


def load_threads(folder: Path = CORPUS_DIR) -> list[dict]:
    """The follow-up pairs of threads.jsonl (a previous message with its labels, then the new one)."""
    with (folder / "threads.jsonl").open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]
