"""The learned half of the engine: linear models over hashed features (`features.py`), their weights
read from `model.json` on first use with the standard library only. `make model` writes that file.
"""

from __future__ import annotations

import base64
import json
import math
import zlib
from array import array
from dataclasses import dataclass
from functools import cache
from pathlib import Path

MODEL_FILE = Path(__file__).with_name("model.json")


@dataclass(frozen=True)
class Head:
    """One linear classifier: per class a bias, a scale and int8 weights, one per bucket."""

    classes: tuple[str, ...]
    bias: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[array, ...]
    normalised: bool = True

    def probabilities(self, buckets: list[int]) -> dict[str, float]:
        """softmax(z), z_k = bias_k + scale_k * norm * sum(weights_k[b] for b in buckets), where
        norm = 1/sqrt(len(buckets)) for a normalised head (logistic regression over the L2-normalised
        binary features) and 1 otherwise (naive Bayes log-ratios, already scaled)."""
        norm = (1.0 / math.sqrt(len(buckets)) if buckets else 0.0) if self.normalised else 1.0
        z = [b + s * norm * sum(map(w.__getitem__, buckets))
             for b, s, w in zip(self.bias, self.scale, self.weights, strict=True)]
        top = max(z)
        exp = [math.exp(v - top) for v in z]
        total = sum(exp)
        return {c: e / total for c, e in zip(self.classes, exp, strict=True)}

    @classmethod
    def from_dict(cls, data: dict) -> Head:
        """Decode a head as `tests/enrichment/train.py` writes it (base64 of zlib of int8, class-major)."""
        raw = array("b", zlib.decompress(base64.b64decode(data["weights"])))
        size = len(raw) // len(data["classes"])
        rows = tuple(raw[k * size:(k + 1) * size] for k in range(len(data["classes"])))
        return cls(tuple(data["classes"]), tuple(data["bias"]), tuple(data["scale"]), rows,
                   data.get("normalised", True))


@dataclass(frozen=True)
class Model:
    """The shipped heads and the spam threshold chosen by cross-validation at training time."""

    heads: dict[str, Head]
    spam_threshold: float
    version: str

    def intent(self, buckets: list[int]) -> dict[str, float]:
        """P(intent): the mean of the logistic regression's and the naive Bayes' probabilities."""
        lr = self.heads["intent"].probabilities(buckets)
        nb = self.heads["intent_nb"].probabilities(buckets)
        return {c: (lr[c] + nb[c]) / 2 for c in lr}

    def probabilities(self, head: str, buckets: list[int]) -> dict[str, float]:
        return self.heads[head].probabilities(buckets)


def decode(data: dict) -> Model:
    """A Model from the parsed JSON document."""
    heads = {name: Head.from_dict(head) for name, head in data["heads"].items()}
    return Model(heads, float(data["spam_threshold"]), data["version"])


@cache
def load(path: Path = MODEL_FILE) -> Model:
    """The model in `path`, read once per process (lazily: importing the package reads nothing)."""
    return decode(json.loads(path.read_text(encoding="utf-8")))
