"""Every text the growth brain writes for an owner, in English and in Québec French: each event's
title and insight_text, and the advice in its snapshot, rendered from the event's structured
snapshot alone, so a row written before this module (English text only) reads in either language.
Figures are written as each locale writes them (shared/growth/locale.py); the pattern_detected
texts are in pattern_wording.py."""
import re
from collections.abc import Callable
from dataclasses import dataclass

from shared.growth import pattern_wording
from shared.growth.locale import NBSP, Language, colon, counted, money, number, percent, pick, quoted

MIN_SEGMENT = 3  # emails an outreach segment needs before the insight names it as the one that answers most

_URGENCY_FR = {"High": "élevée", "Medium": "moyenne", "Low": "faible"}
_TONE_FR = {"professional": "professionnel", "friendly": "amical", "formal": "formel", "urgent": "urgent",
            "frustrated": "frustré", "neutral": "neutre"}


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



# --- engagement_score ------------------------------------------------------------------------

def _engagement(s: dict, lang: Language) -> Rendered:
    title = pick(lang, "Engagement score", "Score d’engagement")
    metrics = s.get("metrics") or {}
    leads, active = metrics.get("total_leads", 0), metrics.get("active_leads", 0)
    if not leads:
        return Rendered(title, pick(lang, "No leads in the last 30 days, so there is no engagement to score yet.",
                                     f"Aucune demande dans les 30 derniers jours{colon(lang)} il n’y a pas encore "
                                     f"d’engagement à mesurer."), s)
    rate = metrics.get("conversion_rate", 0)
    converted = s.get("converted", round(rate * leads))
    score = f"{s.get('overall_score', 0)}/100"
    change = _score_change(s, lang)
    figures = pick(
        lang,
        f"{counted(leads, 'lead', lang)}, {number(active, lang)} still active, {number(converted, lang)} converted "
        f"({percent(rate, lang)})",
        f"{counted(leads, 'lead', lang)}, dont {number(active, lang)} encore "
        f"{'active' if active <= 1 else 'actives'} et {number(converted, lang)} "
        f"{'convertie' if converted <= 1 else 'converties'} ({percent(rate, lang)})")
    text = pick(lang, f"Engagement score {score} ({change}) over the last 30 days: {figures}.",
                 f"Score d’engagement de {score} ({change}) sur les 30 derniers jours{colon(lang)} {figures}.")
    return Rendered(title, text, s)


def _score_change(s: dict, lang: Language) -> str:
    """Against the 30 days before: the earlier score when it is known, "first period measured" when
    those days had no lead (older rows, without these figures, say the direction only)."""
    if s.get("previous_leads") == 0:
        return pick(lang, "the first period measured, nothing earlier to compare with",
                     "première période mesurée, rien d’antérieur pour comparer")
    trend, previous = s.get("trend", "stable"), s.get("previous_score")
    if previous is None:
        return {"increasing": pick(lang, "rising", "en hausse"), "decreasing": pick(lang, "falling", "en baisse"),
                "stable": pick(lang, "steady", "stable")}[trend]
    return {"increasing": pick(lang, f"up from {previous}", f"en hausse par rapport à {previous}"),
            "decreasing": pick(lang, f"down from {previous}", f"en baisse par rapport à {previous}"),
            "stable": pick(lang, "steady", "stable")}[trend]


# --- urgency_trend ---------------------------------------------------------------------------

def _urgency(s: dict, lang: Language) -> Rendered:
    title = pick(lang, "High-urgency leads this week", "Demandes d’urgence élevée cette semaine")
    distribution = s.get("distribution") or {}
    leads = s.get("leads", sum(distribution.values()))
    previous_leads = s.get("previous_leads")
    if not leads:
        before = "" if previous_leads is None else pick(
            lang, f" (the week before: {counted(previous_leads, 'lead', lang)})",
            f" (la semaine précédente{colon(lang)} {counted(previous_leads, 'lead', lang)})")
        return Rendered(title, pick(lang, f"No leads in the last 7 days{before}.",
                                     f"Aucune demande dans les 7 derniers jours{before}."), s)
    now, before = percent(s.get("high_urgency_pct", 0), lang), percent(s.get("previous_high_urgency_pct", 0), lang)
    if previous_leads == 0:
        movement = pick(lang, "with no lead the week before to compare with",
                         "sans demande la semaine précédente pour comparer")
    else:
        movement = {"increasing": pick(lang, f"up from {before} the week before",
                                        f"en hausse par rapport à {before} la semaine précédente"),
                    "decreasing": pick(lang, f"down from {before} the week before",
                                        f"en baisse par rapport à {before} la semaine précédente"),
                    "stable": pick(lang, f"about the same as {before} the week before",
                                    f"à peu près comme la semaine précédente ({before})")}[s.get("trend", "stable")]
    text = pick(lang, f"{now} of this week's {counted(leads, 'lead', lang)} were high urgency, {movement}.",
                 f"{now} des {counted(leads, 'lead', lang)} de cette semaine étaient d’urgence élevée, {movement}.")
    if lang == "fr" and leads == 1:
        text = f"{now} de la seule demande de cette semaine était d’urgence élevée, {movement}."
    return Rendered(title, text, s)


# --- tone_distribution -----------------------------------------------------------------------

def _tones(s: dict, lang: Language) -> Rendered:
    title = pick(lang, "Tone of the leads' messages", "Ton des messages reçus")
    shares = [(tone, share) for tone, share in s.items() if tone != "run_date"]
    if not shares:
        return Rendered(title, pick(lang, "No leads with a detected tone in the last 30 days.",
                                     "Aucune demande dont le ton a été reconnu dans les 30 derniers jours."), s)
    top = ", ".join(f"{_tone(tone, lang)} {percent(share, lang)}" for tone, share in shares[:3])
    return Rendered(title, pick(lang, f"Tone of the last 30 days' leads: {top}.",
                                 f"Ton des demandes des 30 derniers jours{colon(lang)} {top}."), s)


def _tone(tone: str, lang: Language) -> str:
    return tone.lower() if lang == "en" else _TONE_FR.get(tone.lower(), tone.lower())


# --- conversion_prediction -------------------------------------------------------------------

def _prediction(s: dict, lang: Language) -> Rendered:
    title = pick(lang, "Conversions expected in the next 30 days", "Conversions prévues d’ici 30 jours")
    predicted, history = s.get("predicted_conversions", 0), s.get("based_on", 0)
    open_leads, rate = s.get("open_leads"), s.get("client_rate")
    expected = counted(predicted, "conversion", lang)
    source = "" if open_leads is None else pick(lang, f" from {counted(open_leads, 'open lead', lang)}",
                                                 f" parmi {counted(open_leads, 'open lead', lang)}")
    if history:
        share = "" if rate is None else pick(lang, f" ({percent(rate, lang)} of all leads)",
                                              f" ({percent(rate, lang)} de toutes les demandes)")
        text = pick(lang, f"Expect about {expected} in the next 30 days{source}, learned from your "
                           f"{counted(history, 'past conversion', lang)}{share}.",
                     f"Attendez-vous à environ {expected} dans les 30 prochains jours{source}, d’après vos "
                     f"{counted(history, 'past conversion', lang)}{share}.")
    else:
        text = pick(lang, f"No conversions recorded yet, so there is no history to learn from: this prediction "
                           f"({expected}{source}) is a placeholder with low confidence. Tag leads Converted when "
                           f"they become customers.",
                     f"Aucune conversion enregistrée pour l’instant, donc aucun historique dont apprendre"
                     f"{colon(lang)} cette prévision ({expected}{source}) est provisoire et peu fiable. "
                     f"Étiquetez une demande {quoted('Convertie', lang)} quand elle devient un client.")
    actions = s.get("actions") or [_legacy_action(a) for a in s.get("recommended_actions") or []]
    return Rendered(title, text, {**s, "actions": actions,
                                  "recommended_actions": [action_text(a, lang) for a in actions]})


def action_text(action: dict, lang: Language) -> str:
    """One recommended action ({"kind", ...}, as metrics.recommended_actions writes it) as a sentence."""
    kind = action.get("kind")
    if kind == "record_conversions":
        return pick(lang, "Tag leads Converted when they become customers: predictions learn from your own history.",
                     f"Étiquetez vos demandes {quoted('Convertie', lang)} quand elles deviennent des clients"
                     f"{colon(lang)} les prévisions apprennent de votre propre historique.")
    if kind == "stale_follow_ups":
        leads = counted(action["leads"], "lead", lang)
        return pick(lang, f"Follow up with the {leads} tagged 'Follow-Up' and untouched for over 7 days.",
                     f"Relancez {'la' if action['leads'] <= 1 else 'les'} {leads} "
                     f"{quoted('À relancer', lang)} sans suivi depuis plus de 7 jours.")
    if kind == "contact_likely":
        best, n = percent(action["probability"], lang), action["leads"]
        who = (pick(lang, "your most likely buyer", "votre client le plus probable") if n == 1 else
               pick(lang, f"your {counted(n, 'likely buyer', lang)}", f"vos {counted(n, 'likely buyer', lang)}"))
        return pick(lang, f"Contact {who} first (best chance {best}).",
                     f"Communiquez d’abord avec {who} (meilleure chance{colon(lang)} {best}).")
    if kind == "prioritise":
        rate, overall = percent(action["rate"], lang), percent(action["overall"], lang)
        value, dimension = action["value"], action["dimension"]
        which = (f"{value} {dimension} leads" if lang == "en" else
                 f"les demandes d’urgence {_URGENCY_FR.get(value, value)}" if dimension == "urgency" else
                 f"les demandes au ton {_tone(value, lang)}")
        return pick(lang, f"Prioritise {which}: they convert at {rate} against {overall} overall.",
                     f"Traitez en priorité {which}{colon(lang)} elles se convertissent à {rate}, "
                     f"contre {overall} en moyenne.")
    if kind == "none":
        return pick(lang, "No open leads need attention right now; keep answering new leads quickly.",
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
    title, text, advice = pattern_wording.PATTERNS.get(kind, pattern_wording.unknown)(affected, figures, lang)
    return Rendered(title, text, {**s, "recommendation": advice or s.get("recommendation")})


# --- outreach_funnel (the internal client) ----------------------------------------------------

def _outreach(s: dict, lang: Language) -> Rendered:
    title = pick(lang, "Outreach: who answers", f"Prospection{NBSP}: qui répond")
    funnel = s.get("funnel") or {}
    sent = funnel.get("sent", 0)
    if not sent:
        return Rendered(title, pick(lang, "No outreach email sent yet: nothing to learn about which prospects answer.",
                                     f"Aucun courriel de prospection envoyé pour l’instant{colon(lang)} rien à "
                                     f"apprendre encore sur les prospects qui répondent."), s)
    opened, replied, ignored = (number(funnel.get(k, 0), lang) for k in ("opened", "replied", "ignored"))
    rate = percent(funnel.get("replied", 0) / sent, lang, places=1)
    text = pick(lang, f"Outreach: {number(sent, lang)} emails sent, {opened} opened, {replied} replied ({rate}), "
                       f"{ignored} ignored.",
                 f"Prospection{colon(lang)} {number(sent, lang)} courriels envoyés, {opened} ouverts, {replied} "
                 f"réponses ({rate}), {ignored} sans suite.")
    for key, en, fr in (("by_industry", "Best-answering industry", "Secteur qui répond le mieux"),
                        ("by_region", "Best-answering region", "Région qui répond le mieux")):
        known = [x for x in s.get(key) or [] if x.get("segment") and x.get("sent", 0) >= MIN_SEGMENT]
        if known:
            best = max(known, key=lambda x: (x["reply_rate"], x["sent"]))
            text += pick(lang, f" {en}: {best['segment']} ({best['replied']} of {best['sent']} replied).",
                          f" {fr}{colon(lang)} {best['segment']} ({best['replied']} sur {best['sent']} ont "
                          f"répondu).")
    return Rendered(title, text, s)


# --- the lead events -------------------------------------------------------------------------

def _conversion(s: dict, lang: Language) -> Rendered:
    """A lead erased on request (shared/privacy) has lost its lead_id and name: it stays a count."""
    days, touches = counted(s.get("days_to_convert", 0), "day", lang), counted(s.get("touch_points", 0),
                                                                               "touch point", lang)
    value = s.get("conversion_value")
    worth = "" if value is None else pick(lang, f", worth {money(value, lang)}", f", pour {money(value, lang)}")
    if "lead_id" in s:
        name = quoted(s.get("lead_name") or "?", lang)
        text = pick(lang, f"Lead {name} converted in {days} with {touches}{worth}.",
                     f"Demande {name} convertie en {days}, après {touches}{worth}.")
    else:
        text = pick(lang, f"A lead (erased on request) converted in {days} with {touches}{worth}.",
                     f"Une demande (effacée à la demande de la personne) convertie en {days}, après {touches}"
                     f"{worth}.")
    return Rendered(pick(lang, "Lead converted", "Demande convertie"), text, s)


def _reversion(s: dict, lang: Language) -> Rendered:
    """Rows written before lead_name was kept name no one; an erased lead has lost its reason too."""
    name, reason = s.get("lead_name"), s.get("reason", "")
    if "lead_id" not in s:
        text = pick(lang, "A lead (erased on request) was reverted from Converted to Active.",
                     "Une demande (effacée à la demande de la personne) est repassée de Convertie à Active.")
    elif name:
        text = pick(lang, f"Lead {quoted(name, lang)} was reverted from Converted to Active: {reason}",
                     f"Conversion de {quoted(name, lang)} annulée, retour à Active{colon(lang)} {reason}")
    else:
        text = pick(lang, f"A lead was reverted from Converted to Active: {reason}",
                     f"Une demande est repassée de Convertie à Active{colon(lang)} {reason}")
    return Rendered(pick(lang, "Conversion undone", "Conversion annulée"), text, s)


_RENDERERS: dict[str, Callable[[dict, Language], Rendered]] = {
    "engagement_score": _engagement, "urgency_trend": _urgency, "tone_distribution": _tones,
    "conversion_prediction": _prediction, "pattern_detected": _pattern, "outreach_funnel": _outreach,
    "conversion": _conversion, "reversion": _reversion}
