"""How each locale writes an owner's figures: numbers, shares and money ("12,500", "20%", "$12,500" in
English; "12 500", "20 %", "12 500 $" in Québec French, with no-break spaces and a decimal comma), counts
with their noun, the colon and quotation marks. Used by every growth text (wording, pattern_wording)."""
from decimal import ROUND_HALF_UP, Decimal

from shared.enrichment import Language

NBSP = "\u00a0"  # between a French number's thousands, and before its %, $ and colon

_NOUNS = {  # singular, plural; French takes the singular for 0 and 1
    "lead": {"en": ("lead", "leads"), "fr": ("demande", "demandes")},
    "open lead": {"en": ("open lead", "open leads"), "fr": ("demande ouverte", "demandes ouvertes")},
    "urgent lead": {"en": ("urgent lead", "urgent leads"), "fr": ("demande urgente", "demandes urgentes")},
    "conversion": {"en": ("conversion", "conversions"), "fr": ("conversion", "conversions")},
    "past conversion": {"en": ("past conversion", "past conversions"),
                        "fr": ("conversion passée", "conversions passées")},
    "day": {"en": ("day", "days"), "fr": ("jour", "jours")},
    "touch point": {"en": ("touch point", "touch points"), "fr": ("point de contact", "points de contact")},
    "likely buyer": {"en": ("most likely buyer", "most likely buyers"),
                     "fr": ("client le plus probable", "clients les plus probables")},
}

def number(value, language: Language, places: int = 0) -> str:
    """12500 -> "12,500" (en) or "12 500" (fr); `places` decimals, half up."""
    quantum = Decimal(1).scaleb(-places)
    text = f"{Decimal(str(value)).quantize(quantum, ROUND_HALF_UP):,.{places}f}"
    return text if language == "en" else text.replace(",", NBSP).replace(".", ",")


def percent(share, language: Language, places: int = 0) -> str:
    """A share 0..1 as a percentage: 0.2 -> "20%" (en) or "20 %" (fr)."""
    text = number(Decimal(str(share)) * 100, language, places)
    if places:  # 12.5% but 10%, not 10.0%
        text = text.rstrip("0").rstrip(".,")
    return f"{text}%" if language == "en" else f"{text}{NBSP}%"


def money(value, language: Language) -> str:
    """An amount in dollars: cents only when there are some. "$12,500" (en), "12 500 $" (fr)."""
    places = 0 if Decimal(str(value)) == Decimal(str(value)).to_integral_value() else 2
    text = number(value, language, places)
    return f"${text}" if language == "en" else f"{text}{NBSP}$"


def counted(n: int, noun: str, language: Language) -> str:
    """A count with its noun: "1 day", "3 days"; "0 jour", "2 jours"."""
    one, many = _NOUNS[noun][language]
    singular = n == 1 or (language == "fr" and n == 0)
    return f"{number(n, language)} {one if singular else many}"


def colon(language: Language) -> str:
    return ":" if language == "en" else f"{NBSP}:"


def quoted(text: str, language: Language) -> str:
    return f'"{text}"' if language == "en" else f"«{NBSP}{text}{NBSP}»"


def pick(language: Language, en: str, fr: str) -> str:
    return en if language == "en" else fr
