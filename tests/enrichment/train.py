"""Train the engine's linear models from the corpus's train split and write shared/enrichment/model.json.

`make model` (`python -m tests.enrichment.train`): pure Python, fixed seed and order, so the same
corpus always gives byte-identical weights. The file also records the whole engine's accuracy by
cross-validation on the same folds that tune the spam threshold (printed; `--errors` lists the rows
it gets wrong); `--check` only compares a fresh training with the shipped file.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import math
import random
import sys
import zlib
from array import array
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from operator import itemgetter

from shared.enrichment import ENGINE_VERSION, contract
from shared.enrichment.features import BUCKETS, buckets, with_intent
from shared.enrichment.model import MODEL_FILE, Model, decode

from .corpus import FIELDS, load_rows

HEADS = {"intent": contract.INTENTS, "urgency": contract.URGENCIES, "tone": contract.TONES}
CV_FOLDS = 5
# Real messages the spam threshold may flag, as a share of the non-spam ones in cross-validation
# (1% is allowed on held-out data; aiming lower leaves a margin for new wording).
SPAM_FALSE_POSITIVE_TARGET = 0.005

Example = tuple[list[int], int]
Gather = Callable[[list[float]], tuple[float, ...]]


@dataclass(frozen=True)
class Params:
    """Logistic regression: SGD with rate lr0 / (1 + decay * step), a shrink (1 - lr * l2) per
    epoch, the order shuffled by Random(seed + epoch). Naive Bayes: add-alpha counts, logits
    multiplied by nb_temperature. epochs chosen by 5-fold CV on the train split (2,789 rows): 8, 12, 16,
    20, 28 gave intent 0.840, 0.849, 0.853, 0.854, 0.857 and tone 0.802, 0.804, 0.806, 0.810, 0.808;
    20 for its tone and training time."""

    epochs: int = 20
    lr0: float = 1.0
    decay: float = 0.0002
    l2: float = 0.0005
    seed: int = 18
    min_gradient: float = 0.01
    nb_alpha: float = 0.3
    nb_temperature: float = 0.02


def featurise(rows: list[dict]) -> list[list[int]]:
    """The buckets of each row's message (computed once, shared by every head)."""
    return [buckets(row["message"]) for row in rows]


def examples(rows: list[dict], features: list[list[int]], head: str) -> list[Example]:
    """(buckets, class index) per row; urgency and tone also see the row's intent label."""
    classes = HEADS[head]
    if head == "intent":
        return [(f, classes.index(r["intent"])) for r, f in zip(rows, features, strict=True)]
    return [(with_intent(f, r["intent"], r["urgency"] if head == "tone" else None), classes.index(r[head]))
            for r, f in zip(rows, features, strict=True)]


def train_lr(data: list[Example], n_classes: int, params: Params) -> tuple[list[list[float]], list[float]]:
    """Multinomial logistic regression by SGD on L2-normalised binary features.

    For each example: z_k = b_k + norm * sum_i W_k[i], norm = 1/sqrt(n); p = softmax(z);
    g_k = p_k - [k == label]; W_k[i] -= lr * g_k * norm for each bucket i, b_k -= lr * g_k
    (classes with |g_k| < min_gradient are skipped: most of them once the example is learnt).
    """
    weights = [array("d", bytes(8 * BUCKETS)) for _ in range(n_classes)]  # contiguous: faster than lists
    bias = [0.0] * n_classes
    gathers = [_gather(idxs) for idxs, _ in data]
    step = 0
    lr = params.lr0
    for epoch in range(params.epochs):
        order = list(range(len(data)))
        random.Random(params.seed + epoch).shuffle(order)
        for j in order:
            lr = params.lr0 / (1.0 + params.decay * step)
            _sgd_step(weights, bias, data[j], gathers[j], lr, params.min_gradient)
            step += 1
        shrink = 1.0 - lr * params.l2
        weights = [array("d", (w * shrink for w in row)) for row in weights]
    return [list(row) for row in weights], bias


def _gather(idxs: list[int]) -> Gather:
    """row -> the row's values at idxs, as a tuple (itemgetter returns a bare value for one index)."""
    return itemgetter(*idxs) if len(idxs) > 1 else lambda row: tuple(row[i] for i in idxs)


def _sgd_step(weights: list[array], bias: list[float], example: Example, gather: Gather,
              lr: float, min_gradient: float) -> None:
    idxs, label = example
    norm = 1.0 / math.sqrt(len(idxs)) if idxs else 0.0
    z = [b + norm * sum(gather(row)) for b, row in zip(bias, weights, strict=True)]
    top = max(z)
    exp = [math.exp(v - top) for v in z]
    total = sum(exp)
    for k, row in enumerate(weights):
        gradient = exp[k] / total - (1.0 if k == label else 0.0)
        if abs(gradient) < min_gradient:
            continue
        delta = lr * gradient * norm
        for i in idxs:
            row[i] -= delta
        bias[k] -= lr * gradient


def train_nb(data: list[Example], n_classes: int, params: Params) -> list[list[float]]:
    """Complement naive Bayes log-ratios, times nb_temperature:
    W_k[b] = T * (log((n_kb + a) / (N_k + a B)) - log((n_~kb + a) / (N_~k + a B))), where n_kb counts
    the examples of class k with bucket b, N_k sums n_kb over b, ~k is every other class, B = BUCKETS;
    a bucket no training example has weighs 0 (it says nothing about any class)."""
    counts = [[0] * BUCKETS for _ in range(n_classes)]
    for idxs, label in data:
        row = counts[label]
        for i in idxs:
            row[i] += 1
    totals = [sum(row) for row in counts]
    all_counts = [sum(column) for column in zip(*counts, strict=True)]
    all_total, alpha = sum(totals), params.nb_alpha
    weights = []
    for row, total in zip(counts, totals, strict=True):
        own_norm = math.log(total + alpha * BUCKETS)
        rest_norm = math.log(all_total - total + alpha * BUCKETS)
        weights.append([params.nb_temperature * (math.log(n + alpha) - own_norm - math.log(a - n + alpha) + rest_norm)
                        if a else 0.0 for n, a in zip(row, all_counts, strict=True)])
    return weights


def encode_head(classes: tuple[str, ...], weights: list[list[float]], bias: list[float],
                normalised: bool = True) -> dict:
    """int8 weights per class: q = round(w / scale), scale = max|w| / 127; zlib then base64."""
    scales, raw = [], array("b")
    for row in weights:
        scale = float(f"{(max(abs(w) for w in row) / 127 or 1.0):.9g}")
        scales.append(scale)
        raw.extend(max(-127, min(127, round(w / scale))) for w in row)
    packed = base64.b64encode(zlib.compress(raw.tobytes(), 9)).decode("ascii")
    return {"classes": list(classes), "normalised": normalised, "bias": [float(f"{b:.9g}") for b in bias],
            "scale": scales, "weights": packed}


def fit(rows: list[dict], features: list[list[int]], params: Params) -> dict:
    """Every head (and the naive Bayes companion of the intent head), encoded."""
    encoded = {}
    for head in HEADS:
        data, classes = examples(rows, features, head), HEADS[head]
        encoded[head] = encode_head(classes, *train_lr(data, len(classes), params))
        if head == "intent":
            nb = train_nb(data, len(classes), params)
            encoded["intent_nb"] = encode_head(classes, nb, [0.0] * len(classes), normalised=False)
    return encoded


def cross_validated(rows: list[dict], features: list[list[int]], params: Params) -> list[tuple[int, Model]]:
    """(row index, model trained without that row's fold) for every row: fold = index mod CV_FOLDS."""
    found = []
    for fold in range(CV_FOLDS):
        kept = [i for i in range(len(rows)) if i % CV_FOLDS != fold]
        document = {"heads": fit([rows[i] for i in kept], [features[i] for i in kept], params),
                    "spam_threshold": 1.0, "version": "cv"}
        model = decode(document)
        found += [(i, model) for i in range(fold, len(rows), CV_FOLDS)]
    return sorted(found, key=lambda pair: pair[0])


def spam_threshold(rows: list[dict], features: list[list[int]], folds: list[tuple[int, Model]]) -> tuple[float, dict]:
    """The lowest P(spam) threshold whose cross-validated false-positive rate (real messages called
    spam / real messages) stays at or below SPAM_FALSE_POSITIVE_TARGET."""
    scored = [(model.intent(features[i])["spam"], rows[i]["intent"] == "spam") for i, model in folds]
    real = sorted((p for p, is_spam in scored if not is_spam), reverse=True)
    spam = [p for p, is_spam in scored if is_spam]
    allowed = math.floor(SPAM_FALSE_POSITIVE_TARGET * len(real))
    threshold = round(min(0.99, real[allowed] + 1e-4), 4)
    report = {"folds": CV_FOLDS, "real": len(real), "spam": len(spam),
              "false_positives": sum(p >= threshold for p in real),
              "recall": round(sum(p >= threshold for p in spam) / max(1, len(spam)), 4)}
    return threshold, report


def engine_scores(rows: list[dict], folds: list[tuple[int, Model]], threshold: float,
                  errors: list[str] | None = None) -> dict[str, float]:
    """The whole engine (rules + every head of the model trained without the row's fold, at the
    cross-validated threshold) on each row: accuracy per field, spam recall, and the share of real
    messages marked spam. Wrong rows are appended to `errors` when given."""
    from shared.enrichment.hybrid import HybridProvider

    hits: dict[str, int] = dict.fromkeys((*FIELDS, "spam", "real_as_spam"), 0)
    providers: dict[int, HybridProvider] = {}
    for i, model in folds:
        provider = providers.setdefault(id(model), HybridProvider(replace(model, spam_threshold=threshold)))
        found, row = provider.enrich(rows[i]["name"], rows[i]["message"]).as_dict(), rows[i]
        for field in FIELDS:
            hits[field] += found[field] == row[field]
        wrong = [f"{f}: {row[f]} -> {found[f]}" for f in FIELDS if found[f] != row[f]]
        if wrong and errors is not None:
            errors.append(f"{row['message'][:140]!r}\n    " + "; ".join(wrong))
        hits["spam" if row["spam"] else "real_as_spam"] += found["intent"] == "spam"
    spam = sum(r["spam"] for r in rows)
    table = {field: hits[field] / len(rows) for field in FIELDS}
    return table | {"spam_recall": hits["spam"] / spam, "real_as_spam": hits["real_as_spam"] / (len(rows) - spam)}


def build(rows: list[dict], params: Params = Params(), errors: list[str] | None = None) -> dict:
    """The model document: every head trained on all of `rows`; the spam threshold and the engine's
    accuracy from the same CV_FOLDS-fold cross-validation (rows never scored by a model that saw them)."""
    features = featurise(rows)
    folds = cross_validated(rows, features, params)
    threshold, spam_cv = spam_threshold(rows, features, folds)
    scores = engine_scores(rows, folds, threshold, errors)
    digest = hashlib.sha256("\n".join(json.dumps(r, sort_keys=True) for r in rows).encode()).hexdigest()
    return {"version": ENGINE_VERSION, "buckets": BUCKETS, "spam_threshold": threshold,
            "training": {"rows": len(rows), "corpus_sha256": digest, "params": asdict(params),
                         "spam_cross_validation": spam_cv,
                         "engine_cross_validation": {k: round(v, 4) for k, v in scores.items()}},
            "heads": fit(rows, features, params)}


def serialise(document: dict) -> str:
    """The exact text written to model.json (stable key order)."""
    return json.dumps(document, indent=1, ensure_ascii=False) + "\n"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the shipped file, write nothing")
    parser.add_argument("--errors", action="store_true", help="also list the rows cross-validation gets wrong")
    args = parser.parse_args(argv)
    errors: list[str] | None = [] if args.errors else None
    document = build(load_rows("train"), errors=errors)
    print("\n".join(errors or []))
    print("cross-validation " + json.dumps(document["training"]["engine_cross_validation"]))
    text = serialise(document)
    if args.check:
        same = MODEL_FILE.exists() and MODEL_FILE.read_text(encoding="utf-8") == text
        print("model.json is up to date" if same else "model.json differs from a fresh training")
        return 0 if same else 1
    MODEL_FILE.write_text(text, encoding="utf-8")
    print(f"wrote {MODEL_FILE} ({len(text.encode()) // 1024} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
