"""Every growth event said in English and in Québec French, from its snapshot alone: the sentences
an owner reads, written out by hand (in French, `~` marks a no-break space: before %, $ and a
colon, between thousands)."""
import pytest

from shared.growth import locale, wording

RUN = {"run_date": "2026-11-20"}


def said(event_type, snapshot, language):
    rendered = wording.render(event_type, {**snapshot}, language)
    return rendered.title, rendered.text


def fr(text: str) -> str:
    return text.replace("~", locale.NBSP)


@pytest.mark.parametrize(("value", "en", "french"), [
    (12500, "12,500", "12~500"), (0, "0", "0"), (1234567, "1,234,567", "1~234~567")])
def test_numbers_are_written_as_each_locale_writes_them(value, en, french):
    assert locale.number(value, "en") == en and locale.number(value, "fr") == fr(french)


@pytest.mark.parametrize(("value", "en", "french"), [
    (12500, "$12,500", "12~500~$"), (1234.5, "$1,234.50", "1~234,50~$"), (0, "$0", "0~$")])
def test_money_is_written_as_each_locale_writes_it(value, en, french):
    assert locale.money(value, "en") == en and locale.money(value, "fr") == fr(french)


@pytest.mark.parametrize(("share", "places", "en", "french"), [
    (0.2, 0, "20%", "20~%"), (0.1951, 0, "20%", "20~%"), (0.0208, 1, "2.1%", "2,1~%"), (0.1, 1, "10%", "10~%")])
def test_percentages_are_written_as_each_locale_writes_them(share, places, en, french):
    assert locale.percent(share, "en", places) == en and locale.percent(share, "fr", places) == fr(french)


ENGAGEMENT = {"overall_score": 52, "trend": "increasing", "period": "last_30_days",
              "metrics": {"total_leads": 41, "active_leads": 12, "avg_confidence": 0.7, "high_urgency_pct": 0.2,
                          "conversion_rate": 0.1951}, "converted": 8, "previous_score": 40, "previous_leads": 30, **RUN}
URGENCY = {"high_urgency_pct": 0.375, "previous_high_urgency_pct": 0.2, "trend": "increasing",
           "distribution": {"High": 3, "Medium": 4, "Low": 1}, "leads": 8, "previous_leads": 5, **RUN}
PREDICTION = {"predicted_conversions": 3, "prediction_window": "next_30_days", "confidence": 0.43, "based_on": 8,
              "open_leads": 12, "client_rate": 0.2, "high_value_leads": [], "recommended_actions": [],
              "actions": [{"kind": "stale_follow_ups", "leads": 2},
                          {"kind": "contact_likely", "leads": 3, "probability": 0.4167},
                          {"kind": "prioritise", "dimension": "urgency", "value": "High", "rate": 0.45,
                           "overall": 0.2},
                          {"kind": "prioritise", "dimension": "tone", "value": "Friendly", "rate": 0.3,
                           "overall": 0.2}], **RUN}


def pattern(kind, affected, figures):
    return {"pattern_type": kind, "affected_leads": affected, "time_period": "last_7_days", "confidence": 0.7,
            "recommendation": "", "figures": figures, **RUN}


CASES = [
    ("engagement_score", ENGAGEMENT,
     "Engagement score", "Engagement score 52/100 (up from 40) over the last 30 days: 41 leads, 12 still active, "
                         "8 converted (20%).",
     "Score d’engagement", "Score d’engagement de 52/100 (en hausse par rapport à 40) sur les 30 derniers jours~: "
                           "41 demandes, dont 12 encore actives et 8 converties (20~%)."),
    ("engagement_score", {**ENGAGEMENT, "previous_score": 0, "previous_leads": 0},
     "Engagement score", "Engagement score 52/100 (the first period measured, nothing earlier to compare with) over "
                         "the last 30 days: 41 leads, 12 still active, 8 converted (20%).",
     "Score d’engagement", "Score d’engagement de 52/100 (première période mesurée, rien d’antérieur pour comparer) "
                           "sur les 30 derniers jours~: 41 demandes, dont 12 encore actives et 8 converties (20~%)."),
    ("engagement_score", {**ENGAGEMENT, "metrics": {**ENGAGEMENT["metrics"], "total_leads": 0}},
     "Engagement score", "No leads in the last 30 days, so there is no engagement to score yet.",
     "Score d’engagement", "Aucune demande dans les 30 derniers jours~: il n’y a pas encore d’engagement à mesurer."),
    ("urgency_trend", URGENCY,
     "High-urgency leads this week", "38% of this week's 8 leads were high urgency, up from 20% the week before.",
     "Demandes d’urgence élevée cette semaine", "38~% des 8 demandes de cette semaine étaient d’urgence élevée, "
                                                "en hausse par rapport à 20~% la semaine précédente."),
    ("urgency_trend", {**URGENCY, "trend": "stable", "previous_high_urgency_pct": 0.35},
     "High-urgency leads this week", "38% of this week's 8 leads were high urgency, about the same as 35% the week "
                                     "before.",
     "Demandes d’urgence élevée cette semaine", "38~% des 8 demandes de cette semaine étaient d’urgence élevée, "
                                                "à peu près comme la semaine précédente (35~%)."),
    ("urgency_trend", {**URGENCY, "leads": 0, "previous_leads": 3},
     "High-urgency leads this week", "No leads in the last 7 days (the week before: 3 leads).",
     "Demandes d’urgence élevée cette semaine", "Aucune demande dans les 7 derniers jours (la semaine précédente~: "
                                                "3 demandes)."),
    ("tone_distribution", {"friendly": 0.5, "professional": 0.3, "frustrated": 0.2, **RUN},
     "Tone of the leads' messages", "Tone of the last 30 days' leads: friendly 50%, professional 30%, frustrated 20%.",
     "Ton des messages reçus", "Ton des demandes des 30 derniers jours~: amical 50~%, professionnel 30~%, "
                               "frustré 20~%."),
    ("tone_distribution", RUN,
     "Tone of the leads' messages", "No leads with a detected tone in the last 30 days.",
     "Ton des messages reçus", "Aucune demande dont le ton a été reconnu dans les 30 derniers jours."),
    ("conversion_prediction", PREDICTION,
     "Conversions expected in the next 30 days", "Expect about 3 conversions in the next 30 days from 12 open leads, "
                                                 "learned from your 8 past conversions (20% of all leads).",
     "Conversions prévues d’ici 30 jours", "Attendez-vous à environ 3 conversions dans les 30 prochains jours parmi "
                                           "12 demandes ouvertes, d’après vos 8 conversions passées (20~% de toutes "
                                           "les demandes)."),
    ("conversion_prediction", {**PREDICTION, "based_on": 0, "predicted_conversions": 1, "open_leads": 5},
     "Conversions expected in the next 30 days", "No conversions recorded yet, so there is no history to learn from: "
                                                 "this prediction (1 conversion from 5 open leads) is a placeholder "
                                                 "with low confidence. Tag leads Converted when they become customers.",
     "Conversions prévues d’ici 30 jours", "Aucune conversion enregistrée pour l’instant, donc aucun historique dont "
                                           "apprendre~: cette prévision (1 conversion parmi 5 demandes ouvertes) est "
                                           "provisoire et peu fiable. Étiquetez une demande «~Convertie~» quand elle "
                                           "devient un client."),
    ("pattern_detected", pattern("urgency_increasing", 4, {"high_urgency_pct": 0.5, "previous_high_urgency_pct": 0.2}),
     "Urgency rising", "Urgency is rising: 50% of this week's leads were high urgency against 20% the week before "
                       "(4 urgent leads waiting on you).",
     "L’urgence monte", "L’urgence monte~: 50~% des demandes de cette semaine étaient d’urgence élevée, contre 20~% la "
                        "semaine précédente (4 demandes urgentes vous attendent)."),
    ("pattern_detected", pattern("volume_spike", 5, {"leads": 5, "previous_leads": 2}),
     "More leads than usual", "Lead volume jumped: 5 leads this week against 2 the week before.",
     "Plus de demandes que d’habitude", "Les demandes bondissent~: 5 demandes cette semaine, contre 2 la semaine "
                                        "précédente."),
    ("pattern_detected", pattern("volume_spike", 4, {"leads": 4, "previous_leads": 0}),
     "More leads than usual", "Lead volume jumped: 4 leads this week, and none the week before.",
     "Plus de demandes que d’habitude", "Les demandes bondissent~: 4 demandes cette semaine, aucune la semaine "
                                        "précédente."),
    ("pattern_detected", pattern("volume_drop", 5, {"leads": 1, "previous_leads": 6}),
     "Fewer leads than usual", "Lead volume dropped: 1 lead this week against 6 the week before (5 fewer).",
     "Moins de demandes que d’habitude", "Les demandes chutent~: 1 demande cette semaine, contre 6 la semaine "
                                         "précédente (5 de moins)."),
    ("pattern_detected", pattern("stale_follow_ups", 1, {}),
     "Follow-ups waiting", "1 lead tagged Follow-Up has not been touched for over 7 days.",
     "Relances en attente", "1 demande étiquetée «~À relancer~» est sans suivi depuis plus de 7 jours."),
    ("pattern_detected", pattern("stale_follow_ups", 3, {}),
     "Follow-ups waiting", "3 leads tagged Follow-Up have not been touched for over 7 days.",
     "Relances en attente", "3 demandes étiquetées «~À relancer~» sont sans suivi depuis plus de 7 jours."),
    ("pattern_detected", pattern("conversion_rate_falling", 9,
                                 {"conversion_rate": 0.1, "previous_conversion_rate": 0.3}),
     "Conversion rate falling", "Conversions are falling: 10% of the last 30 days' leads converted against 30% the "
                                "30 days before.",
     "Taux de conversion en baisse", "Les conversions baissent~: 10~% des demandes des 30 derniers jours se sont "
                                     "converties, contre 30~% les 30 jours précédents."),
    ("outreach_funnel", {"funnel": {"sent": 1200, "opened": 300, "replied": 25, "ignored": 875},
                         "by_industry": [{"segment": "Roofing", "sent": 10, "opened": 5, "replied": 2, "ignored": 3,
                                          "reply_rate": 0.2}], "by_region": [], **RUN},
     "Outreach: who answers", "Outreach: 1,200 emails sent, 300 opened, 25 replied (2.1%), 875 ignored. "
                              "Best-answering industry: Roofing (2 of 10 replied).",
     "Prospection~: qui répond", "Prospection~: 1~200 courriels envoyés, 300 ouverts, 25 réponses (2,1~%), 875 sans "
                                 "suite. Secteur qui répond le mieux~: Roofing (2 sur 10 ont répondu)."),
    ("outreach_funnel", {"funnel": {"sent": 0, "opened": 0, "replied": 0, "ignored": 0}, "by_industry": [],
                         "by_region": [], **RUN},
     "Outreach: who answers", "No outreach email sent yet: nothing to learn about which prospects answer.",
     "Prospection~: qui répond", "Aucun courriel de prospection envoyé pour l’instant~: rien à apprendre encore sur "
                                 "les prospects qui répondent."),
    ("conversion", {"lead_id": "1", "lead_name": "Olivia Park", "initial_urgency": "High", "initial_tone": "Urgent",
                    "days_to_convert": 3, "touch_points": 2, "conversion_value": 12500, "final_tag": "Converted"},
     "Lead converted", 'Lead "Olivia Park" converted in 3 days with 2 touch points, worth $12,500.',
     "Demande convertie", "Demande «~Olivia Park~» convertie en 3 jours, après 2 points de contact, pour 12~500~$."),
    ("conversion", {"lead_id": "1", "lead_name": "Luc Roy", "days_to_convert": 1, "touch_points": 1,
                    "conversion_value": None},
     "Lead converted", 'Lead "Luc Roy" converted in 1 day with 1 touch point.',
     "Demande convertie", "Demande «~Luc Roy~» convertie en 1 jour, après 1 point de contact."),
    ("conversion", {"days_to_convert": 0, "touch_points": 2, "conversion_value": 900.5},  # erased on request
     "Lead converted", "A lead (erased on request) converted in 0 days with 2 touch points, worth $900.50.",
     "Demande convertie", "Une demande (effacée à la demande de la personne) convertie en 0 jour, après 2 points de "
                          "contact, pour 900,50~$."),
    ("reversion", {"lead_id": "1", "lead_name": "Olivia Park", "reason": "Contrat annulé", "previous_tag": "Converted"},
     "Conversion undone", 'Lead "Olivia Park" was reverted from Converted to Active: Contrat annulé',
     "Conversion annulée", "Conversion de «~Olivia Park~» annulée, retour à Active~: Contrat annulé"),
    ("reversion", {"lead_id": "1", "reason": "Cancelled", "previous_tag": "Converted"},  # written before lead_name
     "Conversion undone", "A lead was reverted from Converted to Active: Cancelled",
     "Conversion annulée", "Une demande est repassée de Convertie à Active~: Cancelled"),
    ("reversion", {"previous_tag": "Converted"},  # erased on request
     "Conversion undone", "A lead (erased on request) was reverted from Converted to Active.",
     "Conversion annulée", "Une demande (effacée à la demande de la personne) est repassée de Convertie à Active."),
]


@pytest.mark.parametrize(("event_type", "snapshot", "en_title", "en_text", "fr_title", "fr_text"), CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_every_event_reads_as_a_native_speaker_writes_it(event_type, snapshot, en_title, en_text, fr_title, fr_text):
    assert said(event_type, snapshot, "en") == (en_title, en_text)
    assert said(event_type, snapshot, "fr") == (fr(fr_title), fr(fr_text))


def test_every_event_kind_the_brain_writes_has_its_sentences_here():
    from shared.growth.intelligence.models import DAILY_EVENTS, LEAD_EVENTS
    assert {case[0] for case in CASES} == {*DAILY_EVENTS, *LEAD_EVENTS}
    patterns = {case[1]["pattern_type"] for case in CASES if case[0] == "pattern_detected"}
    assert patterns == {"urgency_increasing", "volume_spike", "volume_drop", "stale_follow_ups",
                        "conversion_rate_falling"}


def test_the_advice_of_a_prediction_is_said_in_the_owners_language():
    snapshot = wording.render("conversion_prediction", PREDICTION, "fr").snapshot
    assert snapshot["recommended_actions"] == [fr(text) for text in [
        "Relancez les 2 demandes «~À relancer~» sans suivi depuis plus de 7 jours.",
        "Communiquez d’abord avec vos 3 clients les plus probables (meilleure chance~: 42~%).",
        "Traitez en priorité les demandes d’urgence élevée~: elles se convertissent à 45~%, contre 20~% en moyenne.",
        "Traitez en priorité les demandes au ton amical~: elles se convertissent à 30~%, contre 20~% en moyenne."]]


def test_a_prediction_written_before_its_actions_were_kept_is_read_back_from_its_english_advice():
    legacy = {**PREDICTION, "actions": None, "recommended_actions": [
        "Tag leads Converted when they become customers: predictions learn from your own history.",
        "Follow up with the 1 lead tagged 'Follow-Up' and untouched for over 7 days.",
        "Contact your 2 most likely buyers first (best chance 31%).",
        "Prioritise Medium urgency leads: they convert at 40% against 25% overall.",
        "No open leads need attention right now; keep answering new leads quickly."]}
    assert wording.render("conversion_prediction", legacy, "fr").snapshot["recommended_actions"] == [
        fr(text) for text in [
            "Étiquetez vos demandes «~Convertie~» quand elles deviennent des clients~: les prévisions apprennent de "
            "votre propre historique.",
            "Relancez la 1 demande «~À relancer~» sans suivi depuis plus de 7 jours.",
            "Communiquez d’abord avec vos 2 clients les plus probables (meilleure chance~: 31~%).",
            "Traitez en priorité les demandes d’urgence moyenne~: elles se convertissent à 40~%, contre 25~% en "
            "moyenne.",
            "Aucune demande ouverte n’exige votre attention pour l’instant; continuez de répondre vite aux nouvelles "
            "demandes."]]


def test_a_pattern_written_before_its_figures_were_kept_still_reads_in_both_languages():
    legacy = {"pattern_type": "volume_drop", "affected_leads": 4, "time_period": "last_7_days", "confidence": 0.6,
              "recommendation": "Check that your contact form, ads and listings are still bringing people in.", **RUN}
    assert said("pattern_detected", legacy, "en") == (
        "Fewer leads than usual", "Lead volume dropped: 4 leads fewer this week than the week before.")
    assert said("pattern_detected", legacy, "fr") == (
        "Moins de demandes que d’habitude",
        fr("Les demandes chutent~: 4 demandes de moins cette semaine que la semaine précédente."))
    assert wording.render("pattern_detected", legacy, "fr").snapshot["recommendation"] == (
        "Vérifiez que votre formulaire de contact, vos publicités et vos fiches en ligne attirent toujours des gens.")


def test_an_engagement_row_written_before_its_earlier_score_was_kept_says_the_direction():
    legacy = {k: v for k, v in ENGAGEMENT.items() if k not in ("converted", "previous_score", "previous_leads")}
    assert said("engagement_score", legacy, "en")[1] == (
        "Engagement score 52/100 (rising) over the last 30 days: 41 leads, 12 still active, 8 converted (20%).")
    assert said("engagement_score", legacy, "fr")[1] == fr(
        "Score d’engagement de 52/100 (en hausse) sur les 30 derniers jours~: 41 demandes, dont 12 encore actives "
        "et 8 converties (20~%).")


def test_a_row_without_a_snapshot_keeps_its_text_under_a_title_in_the_language():
    row = {"event_type": "engagement_score", "insight_text": "Written long ago.", "learning_snapshot": None}
    assert wording.localized(row, "fr") == {**row, "title": "Score d’engagement"}
