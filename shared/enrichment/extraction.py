"""What the lead already said: the first phone number, a street address or postal code, and when.

`extract(message)` reads an English, French or mixed message and returns an `Extraction`. Pure and
deterministic, stdlib only, no I/O; the rules, one small function per field, follow the labelling
rules of tests/fixtures/extraction/README.md:

- phone: the first North-American number, normalised to +1XXXXXXXXXX (extension dropped); a number
  breaking NANP rules (area code or exchange starting with 0/1, or N11), glued to letters, `#`, `@`,
  `$` or more digits, or named as an identifier (invoice, order, dossier, account...) is not one.
- address: the first street address (civic number + street, with a unit written right before or
  after it, and running through the postal code when only a city and province stand between), else
  the first Canadian postal code; exactly as written. A PO box is not a street address.
- when: the most pressing non-negated time phrase: today > this_week > flexible; None without one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from .text import strip_accents

When = Literal["today", "this_week", "flexible"]


@dataclass(frozen=True)
class Extraction:
    phone: str | None
    address: str | None
    when: When | None


def extract(message: str | None) -> Extraction:
    """`extract("Fuite! 45 rue Principale, venez ce soir, 514 555-0187")` ->
    Extraction(phone='+15145550187', address='45 rue Principale', when='today')."""
    text = message or ""
    return Extraction(phone=find_phone(text), address=find_address(text), when=find_when(text))


# --------------------------------------------------------------------------- phone
_PHONE = re.compile(r"""
    (?<![\w#@$.,/-])                        # not the tail of a word, price, code or longer number
    (?:\+?1[ .-]?)?                         # country code
    (?:\((?P<area_p>\d{3})\)\ ?|(?P<area>\d{3})[ .-]?)
    (?P<exchange>\d{3})[ .-]?
    (?P<line>\d{4})
    (?![\w@]|[.,-]\d|\ ?\$)                 # nor followed by more of a word, number or a price
""", re.X)
# The words naming the number before it: identifiers (not a phone) or a phone (overrides).
_IDENTIFIER_WORDS = frozenset("""invoice facture order commande account compte dossier file
    reference ref confirmation reclamation claim policy police po serial serie model modele permis
    permit neq tracking suivi client membre member""".split())
_PHONE_WORDS = frozenset("""tel telephone phone cell cellulaire mobile call appelez appeler appelle
    rappelez rappeler rappelle contact contactez contacter joindre rejoindre joignable rejoignez reach
    text texte textez sms whatsapp line ligne fax""".split())
_WORDS_BACK = 6
_CLAUSE_END = re.compile(r"[.!?;\n]\s")


def find_phone(text: str) -> str | None:
    """The first valid NANP number not named as an identifier, as +1XXXXXXXXXX."""
    for match in _PHONE.finditer(text):
        area = match["area"] or match["area_p"]
        if _nanp(area) and _nanp(match["exchange"]) and not _named_identifier(text, match.start()):
            return f"+1{area}{match['exchange']}{match['line']}"
    return None


def _nanp(code: str) -> bool:
    """An area code or exchange: first digit 2-9, and not N11 (211, 411, 911...)."""
    return code[0] not in "01" and code[1:] != "11"


def _named_identifier(text: str, start: int) -> bool:
    """The nearest naming word among the few before the number, within its clause, is an
    identifier ("facture", "account number is") rather than a phone word ("tel", "call me at")."""
    before = text[max(0, start - 80):start]
    ends = list(_CLAUSE_END.finditer(before))
    if ends:
        before = before[ends[-1].end():]
    for word in reversed(re.findall(r"[a-z0-9]+", strip_accents(before.lower()))[-_WORDS_BACK:]):
        if word in _PHONE_WORDS or word.isdigit():
            return False
        if word in _IDENTIFIER_WORDS:
            return True
    return False


# --------------------------------------------------------------------------- address
_POSTAL = r"[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z][ -]?\d[ABCEGHJ-NPRSTV-Z]\d"
_POSTAL_CODE = re.compile(rf"(?<![\w-])(?:{_POSTAL})(?![\w-])", re.I)
# A postal code right after a street: only commas, spaces, a city and a province in between.
_ADJACENT_POSTAL = re.compile(
    rf"(?:[ \t,]+\(?[A-ZÀ-Ý][\w'’-]*\)?){{0,4}}[ \t,]+(?i:{_POSTAL})(?![\w-])")
_UNIT = r"(?i:app(?:artement)?|apt|appt|unit[ée]?|suite|bureau|local)\.?\s*#?\d{1,5}[A-Za-z]?"
_UNIT_BEFORE = re.compile(rf"(?:{_UNIT}|#\d{{1,5}})\s*,\s*$")
_UNIT_AFTER = re.compile(rf",\s*{_UNIT}\b")
_CIVIC = re.compile(r"(?<![\w$.,/#-])\d{1,6}(?:-\d{1,5})?[A-Da-d]?(?=,?[ \t])")
_WORD = re.compile(r"[^\W_][\w'’-]*\.?")
# Street types; the weak ones ("place", "côte", "route") need a capitalised name ("1 place de
# stationnement" is not an address).
_FRENCH_TYPES = frozenset("""rue avenue av ave boulevard boul blvd bd chemin ch rang montee""".split())
_WEAK_FRENCH_TYPES = frozenset("""place pl cote route rte allee terrasse croissant carre square
    promenade impasse voie""".split())
_ENGLISH_TYPES = frozenset("""street st road rd avenue ave av crescent cres drive dr court ct lane
    ln boulevard blvd way place pl terrace circle cir parkway pkwy highway hwy trail square""".split())
_DIRECTIONS = frozenset("ouest est nord sud west east north south o e n s w".split())
_ABBREVIATIONS = frozenset("boul av ave ch st ste rd dr blvd cres pl bd rte mt ct ln".split())
_CONNECTORS = frozenset("de du des la le l d of the".split())
_STOP_WORDS = frozenset("""a au aux en in at on near pres pour for et and ou or avec with dans from
    svp please pls merci thanks is est c we nous je i my mon ma our notre here ici code postal tel
    phone cell pis puis mais but so donc qui that where depuis since to vers entre chez next sur app
    apt appartement suite unit unite bureau local etage floor demain today aujourd ce cet cette this
    if si need besoin have ai j on""".split())
_MAX_NAME_WORDS = 6
_MAX_ENGLISH_NAME_WORDS = 4


def find_address(text: str) -> str | None:
    """The first street address (with an adjacent unit and postal code), else the first postal code."""
    for civic in _CIVIC.finditer(text):
        end = _street_end(text, civic.end())
        if end is not None:
            return text[_unit_start(text, civic.start()):_address_end(text, end)].strip()
    postal = _POSTAL_CODE.search(text)
    return postal.group() if postal else None


def is_postal_code(text: str) -> bool:
    """Whether `text` is a Canadian postal code and nothing else ("H2X 1Y4", "h2x1y4")."""
    return _POSTAL_CODE.fullmatch(text.strip()) is not None


def _unit_start(text: str, start: int) -> int:
    """Where the address starts: at a unit written just before the civic number ("App. 3, 55 ...")."""
    unit = _UNIT_BEFORE.search(text, max(0, start - 24), start)
    return unit.start() if unit else start


def _address_end(text: str, end: int) -> int:
    """Extend the street's end over a unit written after it (", apt 2") and an adjacent postal code."""
    unit = _UNIT_AFTER.match(text, end)
    end = unit.end() if unit else end
    postal = _ADJACENT_POSTAL.match(text, end)
    return postal.end() if postal else end


def _words_after(text: str, pos: int) -> list[re.Match[str]]:
    """The words following `pos` separated by single runs of spaces (a comma or a full stop ends the
    run; an abbreviation keeps its dot: "boul.", "St.")."""
    found = []
    while len(found) < _MAX_NAME_WORDS + 2:
        gap = re.match(r"[ \t]+", text[pos:])
        if gap is None and found:
            break
        word = _WORD.match(text, pos + (gap.end() if gap else 0))
        if word is None:
            break
        found.append(word)
        if word.group().endswith(".") and _key(word.group()) not in _ABBREVIATIONS:
            break
        pos = word.end()
    return found


def _key(word: str) -> str:
    return strip_accents(word.lower()).rstrip(".")


def _street_end(text: str, pos: int) -> int | None:
    """End of the street after a civic number at `pos`, French order ("rue Saint-Denis") first, then
    English order ("Maple Crescent"); None when no street follows."""
    comma = re.match(r",?", text[pos:]).end()
    words = _words_after(text, pos + comma)
    if not words:
        return None
    kind = _key(words[0].group())
    if kind in _FRENCH_TYPES or kind in _WEAK_FRENCH_TYPES:
        return _french_name_end(words, weak=kind in _WEAK_FRENCH_TYPES)
    return None if comma else _english_name_end(words)


def _capitalised(word: str) -> bool:
    bare = re.sub(r"^[dl]['’]", "", word)
    return bare[:1].isupper()


def _french_name_end(words: list[re.Match[str]], weak: bool) -> int | None:
    """After a French street type: the name's words up to a stop word, connectors not last."""
    name = []
    for word in words[1:]:
        raw = word.group()
        key = _key(raw)
        if key in _STOP_WORDS and not (key in _DIRECTIONS and _capitalised(raw)):
            break
        name.append(word)
        if word.group().endswith(".") and key not in _ABBREVIATIONS:
            break
    while name and _key(name[-1].group()) in _CONNECTORS:
        name.pop()
    meaningful = [w for w in name if _key(w.group()) not in _CONNECTORS]
    if not meaningful or (weak and not _capitalised(meaningful[0].group())):
        return None
    last = name[-1]
    return last.end() - (1 if last.group().endswith(".") and _key(last.group()) not in _ABBREVIATIONS
                         else 0)


def _english_name_end(words: list[re.Match[str]]) -> int | None:
    """Capitalised name words then an English street type ("Lakeshore Rd", "St. Clair Avenue"),
    then an optional direction ("West")."""
    for k, word in enumerate(words[:_MAX_ENGLISH_NAME_WORDS + 1]):
        key = _key(word.group())
        if k > 0 and key in _ENGLISH_TYPES and not word.group()[len(key):].startswith(("-", "'")):
            end = word.end() - (1 if word.group().endswith(".") else 0)
            after = words[k + 1] if k + 1 < len(words) else None
            if after is not None and _key(after.group()) in _DIRECTIONS and _capitalised(after.group()):
                end = after.end() - (1 if after.group().endswith(".") else 0)
            return end
        if not _capitalised(word.group()) or key in _STOP_WORDS:
            return None
    return None


# --------------------------------------------------------------------------- when
def _phrases(*patterns: str) -> re.Pattern[str]:
    return re.compile(r"(?<![a-z])(?:" + "|".join(patterns) + r")(?![a-z])")


_WEEKDAYS = ("monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
             "lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche")
_TODAY = _phrases(
    r"today", r"2day", r"tonight", r"tonite", r"this (?:morning|afternoon|evening)", r"asap",
    r"a\.s\.a\.p", r"as soon as possible", r"right away", r"right now", r"immediately", r"urgent(?:ly)?",
    r"emergency", r"urgence", r"aujourd'?hui", r"ce soir", r"ce matin", r"cet(?:te)? apres[- ]midi",
    r"des que possible", r"le plus tot possible", r"au plus vite", r"au plus sacrant", r"tout de suite",
    r"immediatement")
_THIS_WEEK = _phrases(
    r"this week(?:end)?", r"cette semaine", r"ce week-?end", r"cette fin de semaine",
    r"(?:next|coming) (?:few|couple(?: of)?|\d+(?:-\d+)?) days", r"coming days", r"prochains jours",
    r"jours qui viennent", r"(?:end|fin) (?:of the|de la) (?:week|semaine)", r"tomorrow", r"demain",
    rf"d'ici (?:{_WEEKDAYS})", _WEEKDAYS)
_FLEXIBLE = _phrases(
    r"no rush", r"no hurry", r"not in a hurry", r"no urgency", r"not urgent", r"non urgent",
    r"whenever", r"flexible", r"no stress", r"pas (?:de )?(?:presse|pressee|pressant|rush|urgent)",
    r"rien d'urgent", r"aucune urgence", r"quand vous (?:pouvez|aurez)", r"quand (?:ca|cela) vous",
    r"comme (?:ca|cela) vous arrange", r"a votre convenance", r"at your convenience",
    r"(?:whenever|when) (?:it's |it is )?convenient", r"next (?:week|month|year|spring|summer|fall|winter)",
    r"(?:semaine|mois|annee|an) prochaine?", r"(?:in|for) the (?:spring|summer|fall|autumn|winter)",
    r"(?:au|pour le) printemps", r"(?:cet|pour l') ?(?:ete|automne|hiver)", r"in a few weeks",
    r"dans quelques semaines", r"(?:en|in) 20\d\d", r"un jour", r"someday", r"planning ahead")
_NEGATION = re.compile(r"(?<![a-z])(?:not|no|pas|don'?t|do not|ne|n'|rien|aucune?|non|never|jamais)"
                       r"(?![a-z])")
_PAST = re.compile(r"(?<![a-z])(?:depuis|since|last|dernier|derniere|passe|hier|yesterday|was|"
                   r"c'etait|if|si|do you|faites-vous|offrez|bought|moved|built|paid|sold|renovated|"
                   r"achete|construite?|demenage|paye|vendu|renove)(?![a-z])")
# A clause ends at punctuation or at "but"/"mais": "pas aujourd'hui mais cette semaine" is this week.
_CLAUSE = re.compile(r"[,.!?;:](?!\d)|[\n—–]|(?<![a-z])(?:but|mais)(?![a-z])")
# "emergency calls", "the emergency was": the service in general or a past one, not a need now.
_GENERAL_AFTER = re.compile(r"\s*(?:calls?|services?|rates|fees|lines?|numbers?|hours|was|"
                            r"dernier|derniere|passe)\b")
_WORDS_BEFORE = 4
_RANK = {"today": 0, "this_week": 1, "flexible": 2}


def find_when(text: str) -> When | None:
    """The most pressing time phrase that is neither negated nor past: today, this_week, flexible
    (a flexible phrase is only checked for the past: "we bought it in 2019")."""
    lowered = strip_accents(text.lower()).replace("’", "'")
    if any(_counts(lowered, m) for m in _TODAY.finditer(lowered)):
        return "today"
    if any(_counts(lowered, m) for m in _THIS_WEEK.finditer(lowered)):
        return "this_week"
    if any(not _PAST.search(_words_before(lowered, m.start())) for m in _FLEXIBLE.finditer(lowered)):
        return "flexible"
    return None


def _counts(lowered: str, match: re.Match[str]) -> bool:
    """The phrase is a wish for now: no negation or past/general marker among the few words before
    it in its clause ("not today", "depuis ce matin", "last Tuesday"), nor a past one after it."""
    window = _words_before(lowered, match.start())
    if _NEGATION.search(window) or _PAST.search(window):
        return False
    return _GENERAL_AFTER.match(lowered, match.end()) is None


def _words_before(lowered: str, start: int) -> str:
    """The last few words before `start` in the same clause."""
    before = _CLAUSE.split(lowered[max(0, start - 60):start])[-1]
    return " ".join(before.split()[-_WORDS_BEFORE:])
