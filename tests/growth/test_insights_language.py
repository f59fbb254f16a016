"""GET /api/insights and GET /api/leads/{lead_id} answer in the owner's language (the client's
`language`, or `lang=`), from rows the nightly run and the tag route really wrote; the insights say
which run their figures come from, never repeat one another, and say so when a run is the first."""
import datetime
import json

import pytest

from shared.growth import locale
from shared.growth.intelligence import runner

pytestmark = pytest.mark.pooled


def fr(text: str) -> str:
    return text.replace("~", locale.NBSP)


@pytest.fixture
def french_owner(make_client, database):
    owner = make_client("Clinique dentaire Laval")
    database.sql("UPDATE clients SET language = 'fr' WHERE client_id = :c", c=owner.client_id)
    return owner


def by_title(answer) -> dict[str, str]:
    return {e["title"]: e["insight_text"] for e in answer.json["events"]}


def test_a_french_owners_first_night_reads_in_french_and_says_it_is_the_first(api, french_owner, make_lead):
    for name in ("Julie Gagnon", "Marc Roy", "Nadia Côté"):
        make_lead(french_owner.client_id, name=name, age_days=1)
    runner.run_daily(runner.today(), french_owner.client_id)

    answer = api.get("/api/insights", key=french_owner.api_key)

    assert answer.status == 200 and answer.json["language"] == "fr" and answer.json["first_run"] is True
    assert answer.json["run_date"] == runner.today().isoformat() and answer.json["as_of"].endswith("Z")
    assert {e["source"] for e in answer.json["events"]} == {"nightly"}
    assert by_title(answer) == {fr(title): fr(text) for title, text in {
        "Score d’engagement": "Score d’engagement de 59/100 (première période mesurée, rien d’antérieur pour "
                              "comparer) sur les 30 derniers jours~: 3 demandes, dont 3 encore actives et 0 convertie "
                              "(0~%).",
        "Demandes d’urgence élevée cette semaine": "0~% des 3 demandes de cette semaine étaient d’urgence élevée, "
                                                   "sans demande la semaine précédente pour comparer.",
        "Ton des messages reçus": "Ton des demandes des 30 derniers jours~: professionnel 100~%.",
        "Conversions prévues d’ici 30 jours": "Aucune conversion enregistrée pour l’instant, donc aucun historique "
                                              "dont apprendre~: cette prévision (0 conversion parmi 3 demandes "
                                              "ouvertes) est provisoire et peu fiable. Étiquetez une demande "
                                              "«~Convertie~» quand elle devient un client.",
        "Plus de demandes que d’habitude": "Les demandes bondissent~: 3 demandes cette semaine, aucune la semaine "
                                           "précédente.",
    }.items()}


def test_lang_en_answers_the_same_night_in_english(api, french_owner, make_lead):
    for name in ("Julie Gagnon", "Marc Roy", "Nadia Côté"):
        make_lead(french_owner.client_id, name=name, age_days=1)
    runner.run_daily(runner.today(), french_owner.client_id)

    answer = api.get("/api/insights?lang=en", key=french_owner.api_key)

    assert answer.json["language"] == "en"
    assert by_title(answer)["Engagement score"] == (
        "Engagement score 59/100 (the first period measured, nothing earlier to compare with) over the last 30 days: "
        "3 leads, 3 still active, 0 converted (0%).")
    assert by_title(answer)["More leads than usual"] == (
        "Lead volume jumped: 3 leads this week, and none the week before.")
    prediction = next(e for e in answer.json["events"] if e["event_type"] == "conversion_prediction")
    assert prediction["learning_snapshot"]["recommended_actions"] == [
        "Tag leads Converted when they become customers: predictions learn from your own history."]


def test_a_second_night_is_not_the_first(api, french_owner, make_lead):
    make_lead(french_owner.client_id, age_days=1)
    runner.run_daily(runner.today() - datetime.timedelta(days=1), french_owner.client_id)
    runner.run_daily(runner.today(), french_owner.client_id)

    assert api.get("/api/insights", key=french_owner.api_key).json["first_run"] is False


def add_event(database, client_id, event_type, snapshot, text):
    database.sql("INSERT INTO growth_brain (client_id, event_type, learning_snapshot, insight_text, confidence, "
                 "created_at) VALUES (:c, :t, CAST(:s AS jsonb), :x, 0.7, now())",
                 c=client_id, t=event_type, s=json.dumps(snapshot), x=text)


def test_the_urgency_trend_is_said_once_not_again_as_a_pattern(api, make_client, database):
    owner = make_client()
    day = "2026-11-20"
    add_event(database, owner.client_id, "urgency_trend", {
        "high_urgency_pct": 0.5, "previous_high_urgency_pct": 0.2, "trend": "increasing",
        "distribution": {"High": 4, "Medium": 4, "Low": 0}, "run_date": day}, "50% of this week's 8 leads ...")
    add_event(database, owner.client_id, "pattern_detected", {
        "pattern_type": "urgency_increasing", "affected_leads": 4, "time_period": "last_7_days", "confidence": 0.7,
        "recommendation": "Increase follow-up frequency: answer high-urgency leads within the hour.", "run_date": day},
        "Urgency is rising: ...")
    add_event(database, owner.client_id, "pattern_detected", {
        "pattern_type": "stale_follow_ups", "affected_leads": 2, "time_period": "more_than_7_days", "confidence": 0.95,
        "recommendation": "Call or email these Follow-Up leads this week, or archive the ones that went cold.",
        "run_date": day}, "2 leads tagged Follow-Up have not been touched for over 7 days.")

    answer = api.get("/api/insights?lang=fr", key=owner.api_key)

    assert [e["title"] for e in answer.json["events"]] == [
        "Demandes d’urgence élevée cette semaine", "Relances en attente"]
    [trend, _] = answer.json["events"]
    assert trend["insight_text"] == fr("50~% des 8 demandes de cette semaine étaient d’urgence élevée, en hausse par "
                                       "rapport à 20~% la semaine précédente.")
    assert trend["learning_snapshot"]["recommended_actions"] == [
        fr("Relancez plus souvent~: répondez aux demandes urgentes dans l’heure.")]
    alone = api.get("/api/insights?event_type=pattern_detected&lang=en", key=owner.api_key)
    assert [e["title"] for e in alone.json["events"]] == ["Urgency rising", "Follow-ups waiting"]


def test_the_prediction_leaves_the_stale_follow_ups_to_their_own_card(api, make_client, database):
    owner = make_client()
    day = "2026-11-20"
    add_event(database, owner.client_id, "conversion_prediction", {
        "predicted_conversions": 2, "prediction_window": "next_30_days", "confidence": 0.4, "based_on": 3,
        "high_value_leads": [], "run_date": day, "recommended_actions": [  # a row written before `actions`
            "Follow up with the 2 leads tagged 'Follow-Up' and untouched for over 7 days.",
            "Contact your 1 most likely buyer first (best chance 40%)."]}, "Expect about 2 conversions ...")
    stale = {"pattern_type": "stale_follow_ups", "affected_leads": 2, "time_period": "more_than_7_days",
             "confidence": 0.95, "recommendation": "", "run_date": day}

    alone = api.get("/api/insights?lang=en", key=owner.api_key).json["events"]
    add_event(database, owner.client_id, "pattern_detected", stale, "2 leads tagged Follow-Up ...")
    beside = api.get("/api/insights?lang=fr", key=owner.api_key).json["events"]

    assert alone[0]["learning_snapshot"]["recommended_actions"] == [
        "Follow up with the 2 leads tagged 'Follow-Up' and untouched for over 7 days.",
        "Contact your most likely buyer first (best chance 40%)."]
    assert [e["title"] for e in beside] == ["Conversions prévues d’ici 30 jours", "Relances en attente"]
    assert beside[0]["learning_snapshot"]["recommended_actions"] == [
        fr("Communiquez d’abord avec votre client le plus probable (meilleure chance~: 40~%).")]


def test_a_lead_story_tells_its_conversion_in_the_owners_language(api, french_owner, make_lead):
    lead = make_lead(french_owner.client_id, name="Julie Gagnon", age_days=3)
    assert api.post(f"/api/leads/{lead.id}/tag", {"tag": "Converted", "conversion_value": 12500},
                    key=french_owner.api_key).status == 200
    assert api.post(f"/api/leads/{lead.id}/revert", {"reason": "Contrat annulé par la cliente"},
                    key=french_owner.api_key).status == 200

    story = api.get(f"/api/leads/{lead.id}", key=french_owner.api_key)
    english = api.get(f"/api/leads/{lead.id}?lang=en", key=french_owner.api_key)

    assert [(e["title"], e["insight_text"]) for e in story.json["growth_events"]] == [
        ("Demande convertie", fr("Demande «~Julie Gagnon~» convertie en 3 jours, après 1 point de contact, pour "
                                 "12~500~$.")),
        ("Conversion annulée", fr("Conversion de «~Julie Gagnon~» annulée, retour à Active~: Contrat annulé par la "
                                  "cliente"))]
    assert [e["insight_text"] for e in english.json["growth_events"]] == [
        'Lead "Julie Gagnon" converted in 3 days with 1 touch point, worth $12,500.',
        'Lead "Julie Gagnon" was reverted from Converted to Active: Contrat annulé par la cliente']
    runner.run_daily(runner.today(), french_owner.client_id)
    insights = api.get("/api/insights", key=french_owner.api_key)
    assert [(e["title"], e["source"]) for e in insights.json["events"] if e["event_type"] in ("conversion", "reversion")
            ] == [("Demande convertie", "live"), ("Conversion annulée", "live")]


@pytest.mark.parametrize("path", ["/api/insights?lang=de", "/api/leads/00000000-0000-0000-0000-000000000000?lang=de"])
def test_a_language_the_product_does_not_speak_is_refused(api, make_client, path):
    answer = api.get(path, key=make_client().api_key)
    assert answer.status == 422
    assert answer.json["error"]["details"][0]["field"] == "lang"
