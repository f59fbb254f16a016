"""The client's trade, which steers how the summary reads words shared by several trades: a
roofer's "leak" is a roof repair, a plumber's a plumbing repair (lexicon.TRADE_FAMILIES)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from . import lexicon as lx
from .text import score, tokenize


@dataclass(frozen=True)
class Trade:
    """What the client does, as its owner wrote it: industry_category ("Roofing", "Clinique
    dentaire") and primary_service ("roof repair", "réfection de toiture"); both optional."""

    industry_category: str | None = None
    primary_service: str | None = None


# The families whose clients come to the business (a clinic, an office), not the other way round.
COMES_IN = frozenset({"health", "legal", "agency"})


def comes_in(trade: Trade | None) -> bool:
    """Whether the client's own clients come to it: a reply then offers no visit and asks no address."""
    return family(trade) in COMES_IN


@lru_cache(maxsize=256)
def family(trade: Trade | None) -> str | None:
    """'roofing', 'plumbing', ... 'renovation' (lexicon.TRADE_FAMILIES), read from the category
    and then the service; 'other' when neither names a known trade, None without a trade."""
    if trade is None:
        return None
    return family_of(trade.industry_category, trade.primary_service)


def family_of(*texts: str | None) -> str:
    """The trade family the first of `texts` that names one names ('other' when none does)."""
    for text in texts:
        tokens = tokenize(text or "")
        for name, terms in lx.TRADE_FAMILIES:
            if score(tokens, terms) > 0:
                return name
    return "other"
