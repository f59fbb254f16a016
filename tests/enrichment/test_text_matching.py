"""The compiled lexicon matcher finds exactly what a plain scan of the tokens finds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from shared.enrichment import lexicon as lx
from shared.enrichment.text import Terms, score, tokenize

LEADS = Path(__file__).parents[1] / "fixtures" / "enrichment" / "train-00-legacy.jsonl"
MESSAGES = [json.loads(line)["message"] for line in LEADS.read_text().splitlines() if line.strip()]
LEXICONS = [lx.URGENT_TERMS, lx.CALM_TERMS, lx.SOON_TERMS, *lx.INTENT_TERMS.values(),
            *lx.TONE_TERMS.values(), *(terms for _, terms, _, _ in lx.TOPICS),
            *(terms for _, terms in lx.TRADE_FAMILIES), lx.LEAK_TERMS, *(terms for terms, _ in lx.LEAK_PLACES),
            *(terms for terms, _ in lx.TRADE_READINGS)]


def scanned_positions(term, tokens):
    """Reference: try the term at every token position."""
    n = len(term.words)
    hits = []
    for i in range(len(tokens) - n + 1):
        head, word = tokens[i:i + n - 1], tokens[i + n - 1]
        last_ok = word.startswith(term.words[-1]) if term.prefix else word == term.words[-1]
        if head == term.words[:-1] and last_ok:
            hits.append(i)
    return hits


def test_every_lexicon_term_is_found_at_the_positions_a_full_scan_finds():
    texts = MESSAGES + ["urgentissime, URGENCE: urgent!", "not urgent, rien d'urgent, pas pressé",
                        "smell of gas smell gas as soon as", "dentistes dentist dent", ""]
    for text in texts:
        tokens = tokenize(text)
        for terms in LEXICONS:
            for term in terms.compiled.terms:
                assert term.positions(tokens) == scanned_positions(term, tokens), (term, text)


@pytest.mark.parametrize("text, expected", [
    ("urgent urgently urgence", 3.0),        # a prefix term counts once per message
    ("It is urgent, right away!", 6.0),      # prefix + multi-word term
    ("right", 0.0),                          # half of a multi-word term is no match
    ("burgent", 0.0),                        # a prefix matches the start of a word only
])
def test_score_adds_each_present_term_once(text, expected):
    assert score(tokenize(text), lx.URGENT_TERMS) == expected


def test_a_new_lexicon_is_compiled_on_its_own():
    assert score(tokenize("blue sky"), Terms({"blu*": 1, "sky": 2})) == 3.0
    assert score(tokenize("blue sky"), Terms({"sky": 0.5})) == 0.5
