"""Every text the growth brain writes for an owner, in English and in Québec French: each event's
title and insight_text, and the advice in its snapshot, rendered from the event's structured
snapshot alone, so a row written before this module (English text only) reads in either language.
Numbers, shares and money are written as each locale writes them: "12,500", "20%", "$12,500" in
English; "12 500", "20 %", "12 500 $" in French (with no-break spaces, a decimal comma)."""
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

Language = Literal["en", "fr"]
NBSP = "\u00a0"  # between a French number's thousands, and before its %, $ and colon
MIN_SEGMENT = 3  # emails an outreach segment needs before the insight names it as the one that answers most

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
_URGENCY_FR = {"High": "élevée", "Medium": "moyenne", "Low": "faible"}
_TONE_FR = {"professional": "professionnel", "friendly": "amical", "formal": "formel", "urgent": "urgent",
            "frustrated": "frustré", "neutral": "neutre"}


# --- numbers as each locale writes them ------------------------------------------------------

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


def _colon(language: Language) -> str:
    return ":" if language == "en" else f"{NBSP}:"


def _quoted(text: str, language: Language) -> str:
    return f'"{text}"' if language == "en" else f"«{NBSP}{text}{NBSP}»"


# --- the rendered event ------------------------------------------------------------------------

@dataclass(frozen=True)
class Rendered:
    title: str
    text: str
    snapshot: dict  # the snapshot with its advice (recommendation, recommended_actions) in the language


def localized(event: dict, language: Language) -> dict:
    """A growth_brain row as the API answers it ({event_type, insight_text, learning_snapshot, ...}),
    with its title, insight_text and snapshot in `language` (an unknown event type, or a row without a
    snapshot, keeps its text)."""
    snapshot = event.get("learning_snapshot")
    said = render(event["event_type"], snapshot, language)
    if snapshot is None:  # nothing to say it from: its text as written
        return {**event, "title": said.title}
    return {**event, "title": said.title, "insight_text": said.text or event.get("insight_text"),
            "learning_snapshot": said.snapshot}


def render(event_type: str, snapshot: dict | None, language: Language) -> Rendered:
    """An event's title, text and snapshot in `language`, from its snapshot (an event type this
    module does not know keeps an empty title and its snapshot as it is)."""
    snapshot = dict(snapshot or {})
    renderer = _RENDERERS.get(event_type)
    if renderer is None:
        return Rendered("", "", snapshot)
    return renderer(snapshot, language)


def _pick(language: Language, en: str, fr: str) -> str:
    return en if language == "en" else fr


# --- engagement_score ------------------------------------------------------------------------

def _engagement(s: dict, lang: Language) -> Rendered:
    title = _pick(lang, "Engagement score", "Score d’engagement")
    metrics = s.get("metrics") or {}
    leads, active = metrics.get("total_leads", 0), metrics.get("active_leads", 0)
    if not leads:
        return Rendered(title, _pick(lang, "No leads in the last 30 days, so there is no engagement to score yet.",
                                     f"Aucune demande dans les 30 derniers jours{_colon(lang)} il n’y a pas encore "
                                     f"d’engagement à mesurer."), s)
    rate = metrics.get("conversion_rate", 0)
    converted = s.get("converted", round(rate * leads))
    score = f"{s.get('overall_score', 0)}/100"
    change = _score_change(s, lang)
    figures = _pick(
        lang,
        f"{counted(leads, 'lead', lang)}, {number(active, lang)} still active, {number(converted, lang)} converted "
        f"({percent(rate, lang)})",
        f"{counted(leads, 'lead', lang)}, dont {number(active, lang)} encore "
        f"{'active' if active <= 1 else 'actives'} et {number(converted, lang)} "
        f"{'convertie' if converted <= 1 else 'converties'} ({percent(rate, lang)})")
    text = _pick(lang, f"Engagement score {score} ({change}) over the last 30 days: {figures}.",
                 f"Score d’engagement de {score} ({change}) sur les 30 derniers jours{_colon(lang)} {figures}.")
    return Rendered(title, text, s)


def _score_change(s: dict, lang: Language) -> str:
    """Against the 30 days before: the earlier score when it is known, "first period measured" when
    those days had no lead (older rows, without these figures, say the direction only)."""
    if s.get("previous_leads") == 0:
        return _pick(lang, "the first period measured, nothing earlier to compare with",
                     "première période mesurée, rien d’antérieur pour comparer")
    trend, previous = s.get("trend", "stable"), s.get("previous_score")
    if previous is None:
        return {"increasing": _pick(lang, "rising", "en hausse"), "decreasing": _pick(lang, "falling", "en baisse"),
                "stable": _pick(lang, "steady", "stable")}[trend]
    return {"increasing": _pick(lang, f"up from {previous}", f"en hausse par rapport à {previous}"),
            "decreasing": _pick(lang, f"down from {previous}", f"en baisse par rapport à {previous}"),
            "stable": _pick(lang, "steady", "stable")}[trend]


# --- urgency_trend ---------------------------------------------------------------------------

def _urgency(s: dict, lang: Language) -> Rendered:
    title = _pick(lang, "High-urgency leads this week", "Demandes d’urgence élevée cette semaine")
    distribution = s.get("distribution") or {}
    leads = s.get("leads", sum(distribution.values()))
    previous_leads = s.get("previous_leads")
    if not leads:
        before = "" if previous_leads is None else _pick(
            lang, f" (the week before: {counted(previous_leads, 'lead', lang)})",
            f" (la semaine précédente{_colon(lang)} {counted(previous_leads, 'lead', lang)})")
        return Rendered(title, _pick(lang, f"No leads in the last 7 days{before}.",
                                     f"Aucune demande dans les 7 derniers jours{before}."), s)
    now, before = percent(s.get("high_urgency_pct", 0), lang), percent(s.get("previous_high_urgency_pct", 0), lang)
    if previous_leads == 0:
        movement = _pick(lang, "with no lead the week before to compare with",
                         "sans demande la semaine précédente pour comparer")
    else:
        movement = {"increasing": _pick(lang, f"up from {before} the week before",
                                        f"en hausse par rapport à {before} la semaine précédente"),
                    "decreasing": _pick(lang, f"down from {before} the week before",
                                        f"en baisse par rapport à {before} la semaine précédente"),
                    "stable": _pick(lang, f"about the same as {before} the week before",
                                    f"à peu près comme la semaine précédente ({before})")}[s.get("trend", "stable")]
    text = _pick(lang, f"{now} of this week's {counted(leads, 'lead', lang)} were high urgency, {movement}.",
                 f"{now} des {counted(leads, 'lead', lang)} de cette semaine étaient d’urgence élevée, {movement}.")
    if lang == "fr" and leads == 1:
        text = f"{now} de la seule demande de cette semaine était d’urgence élevée, {movement}."
    return Rendered(title, text, s)


# --- tone_distribution -----------------------------------------------------------------------

def _tones(s: dict, lang: Language) -> Rendered:
    title = _pick(lang, "Tone of the leads' messages", "Ton des messages reçus")
    shares = [(tone, share) for tone, share in s.items() if tone != "run_date"]
    if not shares:
        return Rendered(title, _pick(lang, "No leads with a detected tone in the last 30 days.",
                                     "Aucune demande dont le ton a été reconnu dans les 30 derniers jours."), s)
    top = ", ".join(f"{_tone(tone, lang)} {percent(share, lang)}" for tone, share in shares[:3])
    return Rendered(title, _pick(lang, f"Tone of the last 30 days' leads: {top}.",
                                 f"Ton des demandes des 30 derniers jours{_colon(lang)} {top}."), s)


def _tone(tone: str, lang: Language) -> str:
    return tone.lower() if lang == "en" else _TONE_FR.get(tone.lower(), tone.lower())


# --- conversion_prediction -------------------------------------------------------------------

def _prediction(s: dict, lang: Language) -> Rendered:
    title = _pick(lang, "Conversions expected in the next 30 days", "Conversions prévues d’ici 30 jours")
    predicted, history = s.get("predicted_conversions", 0), s.get("based_on", 0)
    open_leads, rate = s.get("open_leads"), s.get("client_rate")
    expected = counted(predicted, "conversion", lang)
    source = "" if open_leads is None else _pick(lang, f" from {counted(open_leads, 'open lead', lang)}",
                                                 f" parmi {counted(open_leads, 'open lead', lang)}")
    if history:
        share = "" if rate is None else _pick(lang, f" ({percent(rate, lang)} of all leads)",
                                              f" ({percent(rate, lang)} de toutes les demandes)")
        text = _pick(lang, f"Expect about {expected} in the next 30 days{source}, learned from your "
                           f"{counted(history, 'past conversion', lang)}{share}.",
                     f"Attendez-vous à environ {expected} dans les 30 prochains jours{source}, d’après vos "
                     f"{counted(history, 'past conversion', lang)}{share}.")
    else:
        text = _pick(lang, f"No conversions recorded yet, so there is no history to learn from: this prediction "
                           f"({expected}{source}) is a placeholder with low confidence. Tag leads Converted when "
                           f"they become customers.",
                     f"Aucune conversion enregistrée pour l’instant, donc aucun historique dont apprendre"
                     f"{_colon(lang)} cette prévision ({expected}{source}) est provisoire et peu fiable. "
                     f"Étiquetez une demande {_quoted('Convertie', lang)} quand elle devient un client.")
    actions = s.get("actions") or [_legacy_action(a) for a in s.get("recommended_actions") or []]
    return Rendered(title, text, {**s, "actions": actions,
                                  "recommended_actions": [action_text(a, lang) for a in actions]})


def action_text(action: dict, lang: Language) -> str:
    """One recommended action ({"kind", ...}, as metrics.recommended_actions writes it) as a sentence."""
    kind = action.get("kind")
    if kind == "record_conversions":
        return _pick(lang, "Tag leads Converted when they become customers: predictions learn from your own history.",
                     f"Étiquetez vos demandes {_quoted('Convertie', lang)} quand elles deviennent des clients"
                     f"{_colon(lang)} les prévisions apprennent de votre propre historique.")
    if kind == "stale_follow_ups":
        leads = counted(action["leads"], "lead", lang)
        return _pick(lang, f"Follow up with the {leads} tagged 'Follow-Up' and untouched for over 7 days.",
                     f"Relancez {'la' if action['leads'] <= 1 else 'les'} {leads} "
                     f"{_quoted('À relancer', lang)} sans suivi depuis plus de 7 jours.")
    if kind == "contact_likely":
        best, n = percent(action["probability"], lang), action["leads"]
        who = (_pick(lang, "your most likely buyer", "votre client le plus probable") if n == 1 else
               _pick(lang, f"your {counted(n, 'likely buyer', lang)}", f"vos {counted(n, 'likely buyer', lang)}"))
        return _pick(lang, f"Contact {who} first (best chance {best}).",
                     f"Communiquez d’abord avec {who} (meilleure chance{_colon(lang)} {best}).")
    if kind == "prioritise":
        rate, overall = percent(action["rate"], lang), percent(action["overall"], lang)
        value, dimension = action["value"], action["dimension"]
        which = (f"{value} {dimension} leads" if lang == "en" else
                 f"les demandes d’urgence {_URGENCY_FR.get(value, value)}" if dimension == "urgency" else
                 f"les demandes au ton {_tone(value, lang)}")
        return _pick(lang, f"Prioritise {which}: they convert at {rate} against {overall} overall.",
                     f"Traitez en priorité {which}{_colon(lang)} elles se convertissent à {rate}, "
                     f"contre {overall} en moyenne.")
    if kind == "none":
        return _pick(lang, "No open leads need attention right now; keep answering new leads quickly.",
                     "Aucune demande ouverte n’exige votre attention pour l’instant; continuez de répondre "
                     "vite aux nouvelles demandes.")
    return action.get("text", "")


_LEGACY_ACTIONS: list[tuple[re.Pattern, Callable[[re.Match], dict]]] = [
    (re.compile(r"Tag leads Converted when they become customers"), lambda m: {"kind": "record_conversions"}),
    (re.compile(r"Follow up with the (\d+) leads? tagged 'Follow-Up'"),
     lambda m: {"kind": "stale_follow_ups", "leads": int(m[1])}),
    (re.compile(r"Contact your (\d+ )?most likely buyers? first \(best chance (\d+)%\)"),
     lambda m: {"kind": "contact_likely", "leads": int(m[1] or 1), "probability": int(m[2]) / 100}),
    (re.compile(r"Prioritise (.+) (urgency|tone) leads: they convert at (\d+)% against (\d+)% overall"),
     lambda m: {"kind": "prioritise", "value": m[1], "dimension": m[2], "rate": int(m[3]) / 100,
                "overall": int(m[4]) / 100}),
    (re.compile(r"No open leads need attention right now"), lambda m: {"kind": "none"}),
]


def _legacy_action(text: str) -> dict:
    """A recommended action a row written before `actions` existed holds only as English text: read
    back from the sentences this module has always written (anything else is kept as it is)."""
    for pattern, read in _LEGACY_ACTIONS:
        if match := pattern.match(text):
            return read(match)
    return {"kind": "text", "text": text}


# --- pattern_detected ------------------------------------------------------------------------

def _pattern(s: dict, lang: Language) -> Rendered:
    kind, affected, figures = s.get("pattern_type"), s.get("affected_leads", 0), s.get("figures") or {}
    title, text, advice = _PATTERNS.get(kind, _unknown_pattern)(affected, figures, lang)
    return Rendered(title, text, {**s, "recommendation": advice or s.get("recommendation")})


def _urgency_increasing(affected: int, f: dict, lang: Language) -> tuple[str, str, str]:
    waiting = _pick(lang, f"{counted(affected, 'urgent lead', lang)} waiting on you",
                    f"{counted(affected, 'urgent lead', lang)} "
                    f"{'vous attend' if affected <= 1 else 'vous attendent'}")
    if "high_urgency_pct" in f:
        now, before = percent(f["high_urgency_pct"], lang), percent(f["previous_high_urgency_pct"], lang)
        text = _pick(lang, f"Urgency is rising: {now} of this week's leads were high urgency against {before} the week "
                           f"before ({waiting}).",
                     f"L’urgence monte{_colon(lang)} {now} des demandes de cette semaine étaient d’urgence élevée, "
                     f"contre {before} la semaine précédente ({waiting}).")
    else:
        text = _pick(lang, f"Urgency is rising: {waiting}.", f"L’urgence monte{_colon(lang)} {waiting}.")
    return (_pick(lang, "Urgency rising", "L’urgence monte"), text,
            _pick(lang, "Increase follow-up frequency: answer high-urgency leads within the hour.",
                  f"Relancez plus souvent{_colon(lang)} répondez aux demandes urgentes dans l’heure."))


def _volume_spike(affected: int, f: dict, lang: Language) -> tuple[str, str, str]:
    now, previous = counted(f.get("leads", affected), "lead", lang), f.get("previous_leads")
    before = ("" if previous is None else
              _pick(lang, ", and none the week before", ", aucune la semaine précédente") if previous == 0 else
              _pick(lang, f" against {number(previous, lang)} the week before",
                    f", contre {number(previous, lang)} la semaine précédente"))
    return (_pick(lang, "More leads than usual", "Plus de demandes que d’habitude"),
            _pick(lang, f"Lead volume jumped: {now} this week{before}.",
                  f"Les demandes bondissent{_colon(lang)} {now} cette semaine{before}."),
            _pick(lang, "Make sure every new lead gets an answer the same day while volume is high.",
                  "Tant que le volume est élevé, assurez-vous que chaque nouvelle demande reçoit une réponse "
                  "le jour même."))


def _volume_drop(affected: int, f: dict, lang: Language) -> tuple[str, str, str]:
    if "leads" in f:
        now, before = counted(f["leads"], "lead", lang), number(f["previous_leads"], lang)
        text = _pick(lang, f"Lead volume dropped: {now} this week against {before} the week before "
                           f"({number(affected, lang)} fewer).",
                     f"Les demandes chutent{_colon(lang)} {now} cette semaine, contre {before} la semaine "
                     f"précédente ({number(affected, lang)} de moins).")
    else:
        text = _pick(lang, f"Lead volume dropped: {counted(affected, 'lead', lang)} fewer this week than the week "
                           f"before.",
                     f"Les demandes chutent{_colon(lang)} {counted(affected, 'lead', lang)} de moins cette semaine "
                     f"que la semaine précédente.")
    return (_pick(lang, "Fewer leads than usual", "Moins de demandes que d’habitude"), text,
            _pick(lang, "Check that your contact form, ads and listings are still bringing people in.",
                  "Vérifiez que votre formulaire de contact, vos publicités et vos fiches en ligne attirent "
                  "toujours des gens."))


def _stale_follow_ups(affected: int, f: dict, lang: Language) -> tuple[str, str, str]:
    one = affected <= 1
    text = _pick(lang, f"{counted(affected, 'lead', lang)} tagged Follow-Up {'has' if affected == 1 else 'have'} not "
                       f"been touched for over 7 days.",
                 f"{counted(affected, 'lead', lang)} {'étiquetée' if one else 'étiquetées'} "
                 f"{_quoted('À relancer', lang)} {'est' if one else 'sont'} sans suivi depuis plus de 7 jours.")
    return (_pick(lang, "Follow-ups waiting", "Relances en attente"), text,
            _pick(lang, "Call or email these Follow-Up leads this week, or archive the ones that went cold.",
                  "Appelez ou écrivez à ces demandes à relancer cette semaine, ou archivez celles qui se sont "
                  "refroidies."))


def _conversion_rate_falling(affected: int, f: dict, lang: Language) -> tuple[str, str, str]:
    if "conversion_rate" in f:
        now, before = percent(f["conversion_rate"], lang), percent(f["previous_conversion_rate"], lang)
        text = _pick(lang, f"Conversions are falling: {now} of the last 30 days' leads converted against {before} "
                           f"the 30 days before.",
                     f"Les conversions baissent{_colon(lang)} {now} des demandes des 30 derniers jours se sont "
                     f"converties, contre {before} les 30 jours précédents.")
    else:
        text = _pick(lang, "Conversions are falling: fewer of the last 30 days' leads converted than the 30 days "
                           "before.",
                     f"Les conversions baissent{_colon(lang)} moins de demandes des 30 derniers jours se sont "
                     f"converties que les 30 jours précédents.")
    return (_pick(lang, "Conversion rate falling", "Taux de conversion en baisse"), text,
            _pick(lang, "Review how quickly and how personally open leads are answered; call the warmest ones "
                        "back first.",
                  "Revoyez la rapidité et la personnalisation de vos réponses aux demandes ouvertes; rappelez "
                  "d’abord les plus chaudes."))


def _unknown_pattern(affected: int, f: dict, lang: Language) -> tuple[str, str, str]:
    return (_pick(lang, "Pattern detected", "Tendance détectée"),
            _pick(lang, f"{counted(affected, 'lead', lang)} concerned.", f"{counted(affected, 'lead', lang)} "
                                                                         f"{'visée' if affected <= 1 else 'visées'}."),
            "")


_PATTERNS = {"urgency_increasing": _urgency_increasing, "volume_spike": _volume_spike, "volume_drop": _volume_drop,
             "stale_follow_ups": _stale_follow_ups, "conversion_rate_falling": _conversion_rate_falling}


# --- outreach_funnel (the internal client) ----------------------------------------------------

def _outreach(s: dict, lang: Language) -> Rendered:
    title = _pick(lang, "Outreach: who answers", f"Prospection{NBSP}: qui répond")
    funnel = s.get("funnel") or {}
    sent = funnel.get("sent", 0)
    if not sent:
        return Rendered(title, _pick(lang, "No outreach email sent yet: nothing to learn about which prospects answer.",
                                     f"Aucun courriel de prospection envoyé pour l’instant{_colon(lang)} rien à "
                                     f"apprendre encore sur les prospects qui répondent."), s)
    opened, replied, ignored = (number(funnel.get(k, 0), lang) for k in ("opened", "replied", "ignored"))
    rate = percent(funnel.get("replied", 0) / sent, lang, places=1)
    text = _pick(lang, f"Outreach: {number(sent, lang)} emails sent, {opened} opened, {replied} replied ({rate}), "
                       f"{ignored} ignored.",
                 f"Prospection{_colon(lang)} {number(sent, lang)} courriels envoyés, {opened} ouverts, {replied} "
                 f"réponses ({rate}), {ignored} sans suite.")
    for key, en, fr in (("by_industry", "Best-answering industry", "Secteur qui répond le mieux"),
                        ("by_region", "Best-answering region", "Région qui répond le mieux")):
        known = [x for x in s.get(key) or [] if x.get("segment") and x.get("sent", 0) >= MIN_SEGMENT]
        if known:
            best = max(known, key=lambda x: (x["reply_rate"], x["sent"]))
            text += _pick(lang, f" {en}: {best['segment']} ({best['replied']} of {best['sent']} replied).",
                          f" {fr}{_colon(lang)} {best['segment']} ({best['replied']} sur {best['sent']} ont "
                          f"répondu).")
    return Rendered(title, text, s)


# --- the lead events -------------------------------------------------------------------------

def _conversion(s: dict, lang: Language) -> Rendered:
    """A lead erased on request (shared/privacy) has lost its lead_id and name: it stays a count."""
    days, touches = counted(s.get("days_to_convert", 0), "day", lang), counted(s.get("touch_points", 0),
                                                                               "touch point", lang)
    value = s.get("conversion_value")
    worth = "" if value is None else _pick(lang, f", worth {money(value, lang)}", f", pour {money(value, lang)}")
    if "lead_id" in s:
        name = _quoted(s.get("lead_name") or "?", lang)
        text = _pick(lang, f"Lead {name} converted in {days} with {touches}{worth}.",
                     f"Demande {name} convertie en {days}, après {touches}{worth}.")
    else:
        text = _pick(lang, f"A lead (erased on request) converted in {days} with {touches}{worth}.",
                     f"Une demande (effacée à la demande de la personne) convertie en {days}, après {touches}"
                     f"{worth}.")
    return Rendered(_pick(lang, "Lead converted", "Demande convertie"), text, s)


def _reversion(s: dict, lang: Language) -> Rendered:
    """Rows written before lead_name was kept name no one; an erased lead has lost its reason too."""
    name, reason = s.get("lead_name"), s.get("reason", "")
    if "lead_id" not in s:
        text = _pick(lang, "A lead (erased on request) was reverted from Converted to Active.",
                     "Une demande (effacée à la demande de la personne) est repassée de Convertie à Active.")
    elif name:
        text = _pick(lang, f"Lead {_quoted(name, lang)} was reverted from Converted to Active: {reason}",
                     f"Conversion de {_quoted(name, lang)} annulée, retour à Active{_colon(lang)} {reason}")
    else:
        text = _pick(lang, f"A lead was reverted from Converted to Active: {reason}",
                     f"Une demande est repassée de Convertie à Active{_colon(lang)} {reason}")
    return Rendered(_pick(lang, "Conversion undone", "Conversion annulée"), text, s)


_RENDERERS: dict[str, Callable[[dict, Language], Rendered]] = {
    "engagement_score": _engagement, "urgency_trend": _urgency, "tone_distribution": _tones,
    "conversion_prediction": _prediction, "pattern_detected": _pattern, "outreach_funnel": _outreach,
    "conversion": _conversion, "reversion": _reversion}
