"""The pattern_detected insight in English and Québec French: for each pattern the nightly brain finds
(shared/growth/intelligence/patterns.py), its title, its text and its advice, from the figures it kept."""
from shared.growth.locale import Language, colon, counted, number, percent, pick, quoted


def _urgency_increasing(affected: int, f: dict, lang: Language) -> tuple[str, str, str]:
    waiting = pick(lang, f"{counted(affected, 'urgent lead', lang)} waiting on you",
                    f"{counted(affected, 'urgent lead', lang)} "
                    f"{'vous attend' if affected <= 1 else 'vous attendent'}")
    if "high_urgency_pct" in f:
        now, before = percent(f["high_urgency_pct"], lang), percent(f["previous_high_urgency_pct"], lang)
        text = pick(lang, f"Urgency is rising: {now} of this week's leads were high urgency against {before} the week "
                           f"before ({waiting}).",
                     f"L’urgence monte{colon(lang)} {now} des demandes de cette semaine étaient d’urgence élevée, "
                     f"contre {before} la semaine précédente ({waiting}).")
    else:
        text = pick(lang, f"Urgency is rising: {waiting}.", f"L’urgence monte{colon(lang)} {waiting}.")
    return (pick(lang, "Urgency rising", "L’urgence monte"), text,
            pick(lang, "Increase follow-up frequency: answer high-urgency leads within the hour.",
                  f"Relancez plus souvent{colon(lang)} répondez aux demandes urgentes dans l’heure."))


def _volume_spike(affected: int, f: dict, lang: Language) -> tuple[str, str, str]:
    now, previous = counted(f.get("leads", affected), "lead", lang), f.get("previous_leads")
    before = ("" if previous is None else
              pick(lang, ", and none the week before", ", aucune la semaine précédente") if previous == 0 else
              pick(lang, f" against {number(previous, lang)} the week before",
                    f", contre {number(previous, lang)} la semaine précédente"))
    return (pick(lang, "More leads than usual", "Plus de demandes que d’habitude"),
            pick(lang, f"Lead volume jumped: {now} this week{before}.",
                  f"Les demandes bondissent{colon(lang)} {now} cette semaine{before}."),
            pick(lang, "Make sure every new lead gets an answer the same day while volume is high.",
                  "Tant que le volume est élevé, assurez-vous que chaque nouvelle demande reçoit une réponse "
                  "le jour même."))


def _volume_drop(affected: int, f: dict, lang: Language) -> tuple[str, str, str]:
    if "leads" in f:
        now, before = counted(f["leads"], "lead", lang), number(f["previous_leads"], lang)
        text = pick(lang, f"Lead volume dropped: {now} this week against {before} the week before "
                           f"({number(affected, lang)} fewer).",
                     f"Les demandes chutent{colon(lang)} {now} cette semaine, contre {before} la semaine "
                     f"précédente ({number(affected, lang)} de moins).")
    else:
        text = pick(lang, f"Lead volume dropped: {counted(affected, 'lead', lang)} fewer this week than the week "
                           f"before.",
                     f"Les demandes chutent{colon(lang)} {counted(affected, 'lead', lang)} de moins cette semaine "
                     f"que la semaine précédente.")
    return (pick(lang, "Fewer leads than usual", "Moins de demandes que d’habitude"), text,
            pick(lang, "Check that your contact form, ads and listings are still bringing people in.",
                  "Vérifiez que votre formulaire de contact, vos publicités et vos fiches en ligne attirent "
                  "toujours des gens."))


def _stale_follow_ups(affected: int, f: dict, lang: Language) -> tuple[str, str, str]:
    one = affected <= 1
    text = pick(lang, f"{counted(affected, 'lead', lang)} tagged Follow-Up {'has' if affected == 1 else 'have'} not "
                       f"been touched for over 7 days.",
                 f"{counted(affected, 'lead', lang)} {'étiquetée' if one else 'étiquetées'} "
                 f"{quoted('À relancer', lang)} {'est' if one else 'sont'} sans suivi depuis plus de 7 jours.")
    return (pick(lang, "Follow-ups waiting", "Relances en attente"), text,
            pick(lang, "Call or email these Follow-Up leads this week, or archive the ones that went cold.",
                  "Appelez ou écrivez à ces demandes à relancer cette semaine, ou archivez celles qui se sont "
                  "refroidies."))


def _conversion_rate_falling(affected: int, f: dict, lang: Language) -> tuple[str, str, str]:
    if "conversion_rate" in f:
        now, before = percent(f["conversion_rate"], lang), percent(f["previous_conversion_rate"], lang)
        text = pick(lang, f"Conversions are falling: {now} of the last 30 days' leads converted against {before} "
                           f"the 30 days before.",
                     f"Les conversions baissent{colon(lang)} {now} des demandes des 30 derniers jours se sont "
                     f"converties, contre {before} les 30 jours précédents.")
    else:
        text = pick(lang, "Conversions are falling: fewer of the last 30 days' leads converted than the 30 days "
                           "before.",
                     f"Les conversions baissent{colon(lang)} moins de demandes des 30 derniers jours se sont "
                     f"converties que les 30 jours précédents.")
    return (pick(lang, "Conversion rate falling", "Taux de conversion en baisse"), text,
            pick(lang, "Review how quickly and how personally open leads are answered; call the warmest ones "
                        "back first.",
                  "Revoyez la rapidité et la personnalisation de vos réponses aux demandes ouvertes; rappelez "
                  "d’abord les plus chaudes."))


def unknown(affected: int, f: dict, lang: Language) -> tuple[str, str, str]:
    return (pick(lang, "Pattern detected", "Tendance détectée"),
            pick(lang, f"{counted(affected, 'lead', lang)} concerned.", f"{counted(affected, 'lead', lang)} "
                                                                         f"{'visée' if affected <= 1 else 'visées'}."),
            "")


PATTERNS = {"urgency_increasing": _urgency_increasing, "volume_spike": _volume_spike, "volume_drop": _volume_drop,
             "stale_follow_ups": _stale_follow_ups, "conversion_rate_falling": _conversion_rate_falling}
