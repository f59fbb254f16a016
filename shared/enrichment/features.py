"""What the learned model reads from a message: words, word pairs, letter n-grams, bilingual concepts,
sentence cues, shape and the rule engine's own evidence, each hashed to a bucket in 0..BUCKETS-1.
"""

from __future__ import annotations

import re
import zlib
from functools import cache, lru_cache

from . import lexicon as lx
from . import rules
from .text import normalize, words

BUCKETS = 1 << 14
CHAR_NGRAMS = (4, 5)
# Cumulative bins for a rule score: "lex:i:support:2" is present when the score is at least 2.
SCORE_BINS = (1.0, 2.0, 3.0, 4.5, 6.0)
LENGTH_BINS = (1, 2, 4, 8, 16, 32, 64)
# Messages of at most this many words also get their concepts as "short:" features: a bare
# "I wanted to know your price" is a bot, the same words before "for a deck" a customer.
SHORT_MESSAGE = 8
META_WEIGHT = 3

_PHONE = re.compile(r"\b\d{3}[\s.-]\d{3}[\s.-]?\d{4}\b")
_MONEY = re.compile(r"\$|€")
_NON_LATIN = re.compile(r"[^\x00-\u024f\u2000-\u206f\u20ac\u2600-\u27bf\U0001f000-\U0001ffff]")
_SENTENCE_END = re.compile(r"([.!?\n])")


def bucket(name: str) -> int:
    """crc32(name) mod BUCKETS: the same number in every process (str hashes are salted)."""
    return zlib.crc32(name.encode()) & (BUCKETS - 1)


def buckets(message: str, evidence: rules.Evidence | None = None) -> list[int]:
    """The distinct buckets of every feature of `message`, sorted. `evidence` is the rule engine's
    reading of the same message (`rules.read`), passed in when the caller already has it.

    Words, pairs and n-grams count once; concepts, cues, shape and rule evidence are few among them,
    so each is hashed META_WEIGHT times ('k:water#0', 'k:water#1', ...) to weigh as much as it says.
    """
    evidence = evidence or rules.read(message)
    tokens = evidence.tokens
    found: set[int] = set()
    for token in tokens:
        found.update(_token_buckets(token))
    found.update(bucket(name) for name in [*_pairs(tokens), *_questions(message)])
    for name in [*_concepts(tokens), *_cues(tokens), *_shape(message, tokens, evidence), *_evidence(evidence)]:
        found.update(_meta_buckets(name))
    return sorted(found)


def with_intent(message_buckets: list[int], intent: str, urgency: str | None = None) -> list[int]:
    """The buckets plus one for the intent (urgency and tone depend on what is asked) and, for the
    tone head, one for the urgency decided before it (an emergency reads Urgent unless upset)."""
    added = {bucket(f"intent:{intent}")} | ({urgency_bucket(urgency)} if urgency else set())
    return sorted({*message_buckets, *added})


@cache
def urgency_bucket(urgency: str) -> int:
    """The bucket through which the tone head reads the decided urgency."""
    return bucket(f"urgency:{urgency}")


@lru_cache(maxsize=4096)
def _meta_buckets(name: str) -> tuple[int, ...]:
    """The META_WEIGHT buckets of one concept, cue, shape or evidence feature (cached: few names)."""
    return tuple(bucket(f"{name}#{copy}") for copy in range(META_WEIGHT))


@lru_cache(maxsize=8192)
def _token_buckets(token: str) -> tuple[int, ...]:
    """A word and its letter n-grams with the edges marked ('<so', 'sou', ... 'on>'), so a typo
    ('soumision') still shares most features with the word ('soumission'). Cached per word."""
    padded = f"<{token}>"
    names = [f"w:{token}"] + [f"c:{padded[i:i + n]}" for n in CHAR_NGRAMS for i in range(len(padded) - n + 1)]
    return tuple(bucket(name) for name in names)


def _pairs(tokens: tuple[str, ...]) -> list[str]:
    """Adjacent word pairs ('b:how much') and the first word ('f:hi')."""
    pairs = [f"b:{a} {b}" for a, b in zip(tokens, tokens[1:], strict=False)]
    return pairs + ([f"f:{tokens[0]}"] if tokens else [])


def _concepts(tokens: tuple[str, ...], prefix: str = "k") -> list[str]:
    """The bilingual concepts of lexicon.CONCEPTS present ('k:water' for 'fuite' or 'leaking')."""
    found = set()
    for token in tokens:
        found.update(_token_concepts(token))
    return [f"{prefix}:{concept}" if prefix else concept for concept in found]


@lru_cache(maxsize=8192)
def _token_concepts(token: str) -> tuple[str, ...]:
    found = set(_WORD_CONCEPTS.get(token, ()))
    for length in _STEM_LENGTHS:
        found.update(_STEM_CONCEPTS.get(token[:length], ()))
    return tuple(sorted(found))


def _cues(tokens: tuple[str, ...]) -> list[str]:
    """The sentence cues of lexicon.CUE_PATTERNS that match ('cue:past_work' for 'you installed')."""
    text = " ".join(tokens)
    return [f"cue:{name}" for name, pattern in _cue_patterns().items() if pattern.search(text)]


@cache
def _cue_patterns() -> dict[str, re.Pattern[str]]:
    """lexicon.CUE_PATTERNS compiled on first use (one alternation per cue), not at import."""
    return {name: re.compile("|".join(f"(?:{p})" for p in patterns)) for name, patterns in lx.CUE_PATTERNS.items()}


def _questions(message: str) -> list[str]:
    """Words and concepts of the sentences that end in '?': the ask, apart from the story around it."""
    if "?" not in message:
        return []
    parts = _SENTENCE_END.split(normalize(message))
    names = []
    for sentence, end in zip(parts[::2], parts[1::2], strict=False):
        if end == "?":
            tokens = words(sentence)
            names += [f"qw:{w}" for w in tokens] + _concepts(tokens, prefix="qk")
    return names


def _shape(message: str, tokens: tuple[str, ...], evidence: rules.Evidence) -> list[str]:
    """Punctuation, length, links, shouting, emoji, money, phone numbers, non-Latin script, language."""
    flags = {
        "q": "?" in message, "excl": "!" in message, "excl2": "!!" in message,
        "link": rules.has_link(message), "email": rules.has_email(message),
        "smiley": rules.has_smiley(message), "money": bool(_MONEY.search(message)),
        "phone": bool(_PHONE.search(message)), "caps": evidence.shouting >= 1, "caps2": evidence.shouting >= 2,
        "foreign": bool(_NON_LATIN.search(message)), "lower": message == message.lower(),
        "nostop": not message.rstrip().endswith((".", "!", "?")),
    }
    names = [f"s:{flag}" for flag, on in flags.items() if on]
    names += [f"len:{n}" for n in LENGTH_BINS if len(tokens) >= n]
    if len(tokens) >= 3 and not any(t in lx.FRENCH_WORDS or t in lx.ENGLISH_WORDS for t in tokens):
        names.append("s:neither_language")
    if len(tokens) <= SHORT_MESSAGE:
        names += [f"short:{concept}" for concept in _concepts(tokens, prefix="")]
    return names + [f"lang:{evidence.language}"]


def _evidence(evidence: rules.Evidence) -> list[str]:
    """The rule engine's scores, binned: each intent's lexicon score, the tone lexicons, and the
    urgency evidence (pressing and calm after negation, near-term dates)."""
    named = {f"i:{intent}": value for intent, value in evidence.intent.items()}
    named |= {f"t:{tone}": value for tone, value in evidence.tone.items()}
    named |= {"u:pressing": evidence.pressing, "u:calm": evidence.calm, "u:soon": evidence.soon,
              "u:net": evidence.pressing - evidence.calm}
    return [f"lex:{name}:{cut}" for name, value in named.items() for cut in SCORE_BINS if value >= cut]


def _index_concepts() -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]], tuple[int, ...]]:
    words: dict[str, set[str]] = {}
    stems: dict[str, set[str]] = {}
    for concept, listed in lx.CONCEPTS.items():
        for word in listed.split():
            table, key = (stems, word[:-1]) if word.endswith("*") else (words, word)
            table.setdefault(key, set()).add(concept)
    return _frozen(words), _frozen(stems), tuple(sorted({len(s) for s in stems}))


def _frozen(table: dict[str, set[str]]) -> dict[str, tuple[str, ...]]:
    return {key: tuple(sorted(values)) for key, values in table.items()}


_WORD_CONCEPTS, _STEM_CONCEPTS, _STEM_LENGTHS = _index_concepts()
