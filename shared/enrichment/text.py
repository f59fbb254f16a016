"""Text normalisation and lexicon matching shared by every rule.

Matching works on word tokens: lowercase, accents stripped, split on anything that is not a letter
or digit. Lexicon terms go through the same function, so "Rendez-vous" and "rendez vous" match.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

_TOKEN = re.compile(r"[a-z0-9]+")


def strip_accents(text: str) -> str:
    """'Ça coûte combien?' -> 'Ca coute combien?' (œ becomes oe)."""
    text = text.replace("œ", "oe").replace("Œ", "OE")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def tokenize(text: str) -> tuple[str, ...]:
    """Lowercased, accent-free word tokens: "J'ai une fuite!" -> ('j', 'ai', 'une', 'fuite')."""
    return tuple(_TOKEN.findall(strip_accents(text.lower())))


@dataclass(frozen=True)
class Term:
    """One lexicon entry compiled to tokens; `prefix` lets the last token match a word start."""

    words: tuple[str, ...]
    prefix: bool
    weight: float

    def positions(self, tokens: tuple[str, ...]) -> list[int]:
        """Start index of every occurrence of this term in `tokens`."""
        n = len(self.words)
        if (n > 1 or not self.prefix) and self.words[0] not in tokens:
            return []  # fast path: the first word is absent
        return [i for i in range(len(tokens) - n + 1) if self._matches_at(tokens, i)]

    def _matches_at(self, tokens: tuple[str, ...], i: int) -> bool:
        *head, last = self.words
        if tuple(tokens[i:i + len(head)]) != tuple(head):
            return False
        word = tokens[i + len(head)]
        return word.startswith(last) if self.prefix else word == last


def compile_terms(terms: dict[str, float]) -> tuple[Term, ...]:
    """Turn {'urgen*': 3, 'no rush': 3} into matchable Terms (cached per lexicon)."""
    return _compile(tuple(terms.items()))


@cache
def _compile(items: tuple[tuple[str, float], ...]) -> tuple[Term, ...]:
    compiled = []
    for raw, weight in items:
        prefix = raw.endswith("*")
        words = tokenize(raw.rstrip("*"))
        if words:
            compiled.append(Term(words, prefix, float(weight)))
    return tuple(compiled)


def score(tokens: tuple[str, ...], terms: dict[str, float]) -> float:
    """Sum of the weights of the terms present (each term counts once)."""
    return sum(t.weight for t in compile_terms(terms) if t.positions(tokens))
