"""Text normalisation and lexicon matching shared by every rule.

Matching works on word tokens: lowercase, accents stripped, split on anything that is not a letter
or digit. Lexicon terms go through the same function, so "Rendez-vous" and "rendez vous" match.

Speed (bench finding 3): every rule re-reads the same message against constant lexicons, so each
lexicon is compiled once (keyed by the identity of its constant dict) and each message is tokenized
and indexed (word -> positions) once; a term is then found by dict look-ups instead of a scan.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property, lru_cache

_TOKEN = re.compile(r"[a-z0-9]+")

# Messages kept tokenized/indexed: one lead's rules re-read the same text a dozen times.
_RECENT_MESSAGES = 64


def strip_accents(text: str) -> str:
    """'Ça coûte combien?' -> 'Ca coute combien?' (œ becomes oe)."""
    text = text.replace("œ", "oe").replace("Œ", "OE")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=_RECENT_MESSAGES)
def normalize(text: str) -> str:
    """Lowercased and accent-free, punctuation kept: "Ça coule!" -> "ca coule!" (cached)."""
    return strip_accents(text.lower())


@lru_cache(maxsize=_RECENT_MESSAGES)
def tokenize(text: str) -> tuple[str, ...]:
    """Lowercased, accent-free word tokens: "J'ai une fuite!" -> ('j', 'ai', 'une', 'fuite').

    Cached because every rule tokenizes the same message; the result is an immutable tuple, and
    returning the same object lets `token_index` find it again by identity.
    """
    return tuple(_TOKEN.findall(normalize(text)))


def words(normalized: str) -> tuple[str, ...]:
    """Tokens of text already passed through `normalize` (a sentence cut out of a message)."""
    return tuple(_TOKEN.findall(normalized))


@lru_cache(maxsize=_RECENT_MESSAGES)
def token_index(tokens: tuple[str, ...]) -> dict[str, tuple[int, ...]]:
    """{word: positions in ascending order}: built once per message, read by every term.

    Callers must not mutate the returned dict (it is shared through the cache).
    """
    index: dict[str, list[int]] = {}
    for i, word in enumerate(tokens):
        index.setdefault(word, []).append(i)
    return {word: tuple(positions) for word, positions in index.items()}


@lru_cache(maxsize=_RECENT_MESSAGES)
def word_line(tokens: tuple[str, ...]) -> str:
    """The message's distinct words as ' word word ...', so that one search of ' stem' tells
    whether any word starts with a stem (tokens never contain spaces)."""
    return " " + " ".join(token_index(tokens))


@dataclass(frozen=True)
class Term:
    """One lexicon entry compiled to tokens; `prefix` lets the last token match a word start."""

    words: tuple[str, ...]
    prefix: bool
    weight: float

    def positions(self, tokens: tuple[str, ...]) -> list[int]:
        """Start index of every occurrence of this term in `tokens`, in ascending order."""
        index = token_index(tokens)
        if self.prefix and len(self.words) == 1:
            return self._word_starts(index)
        candidates = index.get(self.words[0], ())
        if len(self.words) == 1:
            return list(candidates)
        return [i for i in candidates if self._matches_at(tokens, i)]

    def _word_starts(self, index: dict[str, tuple[int, ...]]) -> list[int]:
        """Positions of the words starting with a one-word prefix ('urgen*'): checks each distinct
        word of the message once rather than every position."""
        stem = self.words[0]
        found = [i for word, at in index.items() if word.startswith(stem) for i in at]
        return sorted(found)

    def _matches_at(self, tokens: tuple[str, ...], i: int) -> bool:
        """Multi-word match at `i` (tokens[i] already equals the first word)."""
        n = len(self.words)
        if i + n > len(tokens):
            return False
        if not self.prefix:
            return tokens[i:i + n] == self.words
        return tokens[i:i + n - 1] == self.words[:-1] and tokens[i + n - 1].startswith(self.words[-1])


@dataclass(frozen=True)
class Lexicon:
    """A lexicon's Terms plus, for quick presence checks, the terms grouped by first word.

    `by_first` holds the terms that need an exact first word (whole words, multi-word terms,
    multi-word prefixes); `stems` holds the one-word prefixes, which must be tried on every word,
    and `any_stem` finds in one regex search whether any of them can match at all (usually none can).
    """

    terms: tuple[Term, ...]
    by_first: dict[str, tuple[int, ...]]
    stems: tuple[int, ...]
    any_stem: re.Pattern[str] | None

    @classmethod
    def build(cls, terms: dict[str, float]) -> Lexicon:
        """Compile `terms` once; lexicon order is kept so that scores sum in the same order."""
        compiled = _compile(terms)
        by_first: dict[str, list[int]] = {}
        stems = []
        for k, term in enumerate(compiled):
            if term.prefix and len(term.words) == 1:
                stems.append(k)
            else:
                by_first.setdefault(term.words[0], []).append(k)
        alternatives = "|".join(re.escape(compiled[k].words[0]) for k in stems)
        any_stem = re.compile(f" (?:{alternatives})") if stems else None
        return cls(compiled, {w: tuple(ks) for w, ks in by_first.items()}, tuple(stems), any_stem)

    def found(self, tokens: tuple[str, ...]) -> list[Term]:
        """The terms present in `tokens`, in lexicon order (so weight sums add up identically)."""
        index = token_index(tokens)
        firsts = self.by_first.keys() & index.keys()
        candidates = [k for word in firsts for k in self.by_first[word]]
        if self.any_stem and self.any_stem.search(word_line(tokens)):
            candidates += self.stems
        return [self.terms[k] for k in sorted(candidates) if self.terms[k].positions(tokens)]


def _compile(terms: dict[str, float]) -> tuple[Term, ...]:
    """Normalise each raw term like message text; a term with no word at all is dropped."""
    compiled = []
    for raw, weight in terms.items():
        prefix = raw.endswith("*")
        words = tokenize(raw.rstrip("*"))
        if words:
            compiled.append(Term(words, prefix, float(weight)))
    return tuple(compiled)


class Terms:
    """One lexicon table as lexicon.py writes it ({"urgen*": 3, "no rush": 3}), compiled to a
    Lexicon the first time a message is scored against it."""

    def __init__(self, weights: dict[str, float]):
        self.weights = weights

    @cached_property
    def compiled(self) -> Lexicon:
        return Lexicon.build(self.weights)


def score(tokens: tuple[str, ...], terms: Terms) -> float:
    """Sum of the weights of the terms present (each term counts once)."""
    return sum(t.weight for t in terms.compiled.found(tokens))
