"""The learned half of the engine: linear models over hashed features (`features.py`), their weights
read from `model.json` on first use with the standard library only. `make model` writes that file.
"""

from __future__ import annotations

import base64
import json
import math
import zlib
from dataclasses import dataclass
from functools import cache
from operator import itemgetter
from pathlib import Path

MODEL_FILE = Path(__file__).with_name("model.json")
# Each class's int8 weight, shifted to 0..254, sits in a FIELD_BITS-wide field of one integer per
# bucket, so a message's scores for every class of every head are one sum of integers.
FIELD_BITS = 24
_FIELD_MASK = (1 << FIELD_BITS) - 1
# The logistic regression's share of P(intent), naive Bayes having the rest: chosen by 5-fold
# cross-validation on the train split (0.5 to 0.8 all did better than naive Bayes or LR alone).
LR_WEIGHT = 0.7
_UNSIGNED = bytes((b ^ 0x80) for b in range(256))  # int8 byte -> weight + 128


@dataclass(frozen=True)
class Head:
    """One linear classifier: its classes, per class a bias and a scale, and where its int8
    weights sit among the model's columns."""

    classes: tuple[str, ...]
    bias: tuple[float, ...]
    scale: tuple[float, ...]
    first_column: int
    normalised: bool = True

    def probabilities(self, sums: list[int], n_buckets: int) -> dict[str, float]:
        """softmax(z), z_k = bias_k + scale_k * norm * sums_k, where sums_k is the sum of class k's
        weights over the message's buckets and norm = 1/sqrt(n_buckets) for a normalised head
        (logistic regression over L2-normalised binary features), 1 otherwise (naive Bayes)."""
        norm = (1.0 / math.sqrt(n_buckets) if n_buckets else 0.0) if self.normalised else 1.0
        columns = sums[self.first_column:self.first_column + len(self.classes)]
        z = [b + s * norm * total for b, s, total in zip(self.bias, self.scale, columns, strict=True)]
        top = max(z)
        exp = [math.exp(v - top) for v in z]
        total = sum(exp)
        return {c: e / total for c, e in zip(self.classes, exp, strict=True)}


@dataclass(frozen=True)
class Model:
    """The shipped heads, their packed weights and the spam threshold chosen at training time."""

    heads: dict[str, Head]
    packed: tuple[int, ...]
    columns: int
    spam_threshold: float
    version: str

    def sums(self, buckets: list[int]) -> list[int]:
        """Per column (every class of every head), the sum of its weights over `buckets`:
        one integer sum, then each field minus 128 per bucket (the shift of the packing)."""
        total = sum(itemgetter(*buckets)(self.packed)) if len(buckets) > 1 else self.packed[buckets[0]]
        offset = 128 * len(buckets)
        return [((total >> (FIELD_BITS * k)) & _FIELD_MASK) - offset for k in range(self.columns)]

    def intent(self, buckets: list[int]) -> dict[str, float]:
        """P(intent): LR_WEIGHT of the logistic regression's probabilities plus the rest of the
        naive Bayes' ones."""
        sums = self.sums(buckets)
        lr = self.heads["intent"].probabilities(sums, len(buckets))
        nb = self.heads["intent_nb"].probabilities(sums, len(buckets))
        return {c: LR_WEIGHT * lr[c] + (1.0 - LR_WEIGHT) * nb[c] for c in lr}

    def probabilities(self, head: str, buckets: list[int]) -> dict[str, float]:
        return self.heads[head].probabilities(self.sums(buckets), len(buckets))


def decode(data: dict) -> Model:
    """A Model from the parsed JSON document (each head's weights: base64 of zlib of int8 rows,
    one row of `buckets` weights per class)."""
    heads, rows, column = {}, [], 0
    for name, head in data["heads"].items():
        raw = zlib.decompress(base64.b64decode(head["weights"]))
        size = len(raw) // len(head["classes"])
        rows += [raw[k * size:(k + 1) * size] for k in range(len(head["classes"]))]
        heads[name] = Head(tuple(head["classes"]), tuple(head["bias"]), tuple(head["scale"]), column,
                           head.get("normalised", True))
        column += len(head["classes"])
    return Model(heads, _pack(rows), column, float(data["spam_threshold"]), data["version"])


def _pack(rows: list[bytes]) -> tuple[int, ...]:
    """One integer per bucket: class k's weight + 128 in bits [FIELD_BITS*k, FIELD_BITS*(k+1))."""
    width = FIELD_BITS // 8
    stride = width * len(rows)
    buffer = bytearray(stride * len(rows[0]))
    for k, row in enumerate(rows):
        buffer[k * width::stride] = row.translate(_UNSIGNED)
    return tuple(int.from_bytes(buffer[i:i + stride], "little") for i in range(0, len(buffer), stride))


@cache
def load(path: Path = MODEL_FILE) -> Model:
    """The model in `path`, read once per process (lazily: importing the package reads nothing)."""
    return decode(json.loads(path.read_text(encoding="utf-8")))
