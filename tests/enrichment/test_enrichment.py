"""Behaviour of the offline lead-enrichment engine (shared.enrichment)."""

from __future__ import annotations

import dataclasses
import re

import pytest

import shared.enrichment as enrichment
from shared.enrichment import (
    Enrichment,
    EnrichmentProvider,
    HybridProvider,
    LexiconProvider,
    enrich,
    relationship_insight,
)
from shared.enrichment.rules import shouting

SENTENCE_END = re.compile(r"[.!?](?:\s|$)")


def make(language="en", tone="Neutral", urgency="Medium", confidence=0.5, intent="quote_request"):
    return Enrichment(language=language, intent=intent, tone=tone, urgency=urgency,
                      confidence_score=confidence, ai_summary="x.")


# --------------------------------------------------------------------------- urgency
@pytest.mark.parametrize("urgent, relaxed", [
    ("I need a quote to fix my roof, it's urgent.", "I need a quote to fix my roof, no rush."),
    ("I need a quote to fix my roof, it's urgent.", "I need a quote to fix my roof, it's not urgent."),
    ("Il me faut une soumission pour ma toiture, c'est urgent.",
     "Il me faut une soumission pour ma toiture, rien d'urgent."),
    ("Il me faut une soumission pour ma toiture, c'est urgent.",
     "Il me faut une soumission pour ma toiture, pas pressé."),
])
def test_negation_lowers_urgency(urgent, relaxed):
    assert enrich("Alex", urgent).urgency == "High"
    assert enrich("Alex", relaxed).urgency == "Low"


@pytest.mark.parametrize("message", [
    "Water is leaking through the ceiling, can someone come today?",
    "Basement flooding, need a plumber ASAP",
    "Une fuite sous l'évier, pouvez-vous venir aujourd'hui?",
    "Inondation au sous-sol, envoyez quelqu'un dès que possible",
])
def test_emergencies_and_same_day_requests_are_high_urgency(message):
    assert enrich("Sam", message).urgency == "High"


def test_capitals_and_exclamations_raise_urgency():
    calm = enrich("Sam", "The sink drain is clogged again, please come and look.")
    shouted = enrich("Sam", "THE SINK DRAIN IS CLOGGED AGAIN!!! PLEASE COME AND LOOK.")
    assert calm.urgency == "Medium"
    assert shouted.urgency == "High"


def test_acronyms_are_not_shouting():
    assert shouting("Are your installers RBQ, CCQ and AMF certified?") == 0
    assert shouting("PLEASE CALL BACK") == 2
    assert shouting("Please call back!!") == 1


@pytest.mark.parametrize("message", [
    "Experienced roofer, available immediately, looking for a job. CV attached.",
    "Earn $5000 today with Bitcoin!!! Click here: http://example.xyz",
])
def test_job_seekers_and_spammers_are_never_urgent(message):
    assert enrich("Sam", message).urgency == "Low"


# --------------------------------------------------------------------------- language
@pytest.mark.parametrize("message", [
    "Prix pour une thermopompe?",
    "bonjour jaimerais un prix pour mon toit svp",
])
def test_french_messages_are_detected_as_french(message):
    assert enrich("Alex", message).language == "fr"


@pytest.mark.parametrize("message", ["Réparation à prévoir", "Thermopompe installée", "Fenêtres"])
def test_french_accents_alone_are_enough_to_detect_french(message):
    assert enrich("Alex", message).language == "fr"


@pytest.mark.parametrize("message", [
    "Hi, could you send me a quote for my roof?",
    "Is Dr. Bélanger available next Tuesday? I need to reschedule my appointment.",
])
def test_english_messages_are_detected_as_english_even_with_accented_names(message):
    assert enrich("Alex", message).language == "en"


@pytest.mark.parametrize("message", [
    "Hola, quería saber tu precio.",            # "tu" is French too; í is not a French letter
    "Ciao, volevo sapere il tuo prezzo.",       # "il" is French too; no accent at all
    "Eu queria saber o seu preço.",             # ç is French too
    "Tôi muốn biết giá của bạn",                # ô is French too
])
def test_a_message_in_neither_language_falls_back_to_english(message):
    assert enrich("Alex", message).language == "en"


@pytest.mark.parametrize("message", [
    "toujours rien?",
    "Bonjour, ici Carlos Muñoz, j'ai besoin d'une soumission pour ma toiture.",
])
def test_short_or_foreign_named_french_messages_stay_french(message):
    assert enrich("Alex", message).language == "fr"


@pytest.mark.parametrize("given, expected", [("fr", "fr"), ("FR", "fr"), ("fr-CA", "fr"), ("en", "en")])
def test_explicit_language_is_used_instead_of_detection(given, expected):
    message = "Hi, could you send me a quote for my roof?" if expected == "fr" else \
        "Bonjour, pourriez-vous m'envoyer une soumission pour ma toiture?"
    e = enrich("Alex", message, language=given)
    assert e.language == expected
    assert ("urgence" in e.ai_summary) == (expected == "fr")


def test_unknown_explicit_language_falls_back_to_detection():
    assert enrich("Alex", "Bonjour, j'aimerais une soumission", language="de").language == "fr"


# --------------------------------------------------------------------------- intent
@pytest.mark.parametrize("message, intent", [
    ("How much would it cost to replace my shingles?", "quote_request"),
    ("Combien pour refaire ma salle de bain? J'aimerais une soumission.", "quote_request"),
    ("I'd like to book an appointment for a cleaning next week.", "appointment"),
    ("Avez-vous des disponibilités pour un rendez-vous mardi?", "appointment"),
    ("Do you serve the South Shore?", "information"),
    ("Acceptez-vous les paiements par carte de crédit?", "information"),
    ("The faucet you installed last week is dripping.", "support"),
    ("Le chauffe-eau ne fonctionne pas depuis votre intervention.", "support"),
    ("Would you be open to a referral partnership with our brokerage?", "partnership"),
    ("Nous aimerions vous proposer une collaboration.", "partnership"),
    ("Are you hiring? I can send my resume.", "job_application"),
    ("Je souhaite poser ma candidature, voici mon CV.", "job_application"),
    ("Rank #1 on Google with our SEO package, click here!", "spam"),
    ("Cheap viagra, no prescription needed", "spam"),
    ("Thank you so much, the new roof looks amazing!", "other"),
    ("test", "other"),
])
def test_intent_is_recognised_in_both_languages(message, intent):
    assert enrich("Alex", message).intent == intent


def test_an_unrecognised_question_is_an_information_request_and_a_statement_is_other():
    assert enrich("Alex", "Can I bring my dog to the office?").intent == "information"
    assert enrich("Alex", "I can bring my dog to the office.").intent == "other"


def test_a_link_tips_a_sales_pitch_into_spam():
    assert enrich("Promo", "Best deals this week www.super-deals.biz").intent == "spam"


# --------------------------------------------------------------------------- tone
@pytest.mark.parametrize("message, tone", [
    ("This is unacceptable, I'm still waiting for a call back.", "Frustrated"),
    ("Madame, Monsieur, je sollicite une soumission. Salutations distinguées.", "Formal"),
    ("Hi! Thanks so much, could you send a quote? 😊", "Friendly"),
    ("Pipe burst, water everywhere, come now!!", "Urgent"),
    ("price for gutter cleaning", "Neutral"),
])
def test_tone_follows_the_wording(message, tone):
    assert enrich("Alex", message).tone == tone


@pytest.mark.parametrize("message", [
    "how much to wax my pickup truck 😊",
    "allo vous faites le déneigement de toitures? 😊",
    "hey can someone check my furnace filter next week 🙂",
])
def test_casual_warm_markers_make_a_plain_request_friendly(message):
    assert enrich("Alex", message).tone == "Friendly"


# --------------------------------------------------------------------------- confidence
@pytest.mark.parametrize("message", [
    "I'd like a quote for a new roof next month.",
    "Click here to earn Bitcoin now!!! http://x.biz",
    "Are you hiring?",
    "",
    "Bonjour",
])
def test_confidence_is_between_0_and_1_with_two_decimals(message):
    score = enrich("Alex", message).confidence_score
    assert 0.0 <= score <= 1.0
    assert round(score, 2) == score


@pytest.mark.parametrize("message", [
    "Earn $5000 per week with our Bitcoin bot! Click here: http://bit.ly/x",
    "Best online casino bonus, free spins www.casino.example.com",
    "Gagnez 3000$ par semaine! Cliquez ici https://crypto.example.fr",
])
def test_spam_gets_near_zero_confidence(message):
    assert enrich("Spammer", message).confidence_score <= 0.1


def test_clear_quote_request_scores_higher_than_a_question_and_spam():
    quote = enrich("Olivia Park", "Hi, I'd like a quote for a bathroom remodel, about 8x10.")
    question = enrich("Olivia Park", "Do you serve the South Shore?")
    spam = enrich("Promo", "Click here for free SEO www.seo.example.com")
    assert quote.confidence_score >= 0.7
    assert quote.confidence_score > question.confidence_score > spam.confidence_score


# --------------------------------------------------------------------------- summary
@pytest.mark.parametrize("name, message, language, expected", [
    ("Olivia Park", "Hi, I'd like a quote for a bathroom remodel.", "en",
     "Olivia Park requests a quote for a bathroom renovation; medium urgency."),
    ("Marc Tremblay", "Bonjour, j'aimerais une soumission pour refaire ma toiture.", "fr",
     "Marc Tremblay demande une soumission pour des travaux de toiture; urgence moyenne."),
])
def test_summary_is_one_sentence_in_the_lead_language(name, message, language, expected):
    e = enrich(name, message)
    assert e.language == language
    assert e.ai_summary == expected
    assert len(SENTENCE_END.findall(e.ai_summary)) == 1


@pytest.mark.parametrize("message", [
    "URGENT!!! Basement flooding RIGHT NOW. Please come. Thanks.",
    "Merci! Bonjour. Je cherche un emploi. Voici mon CV.",
    "",
])
def test_summary_stays_a_single_sentence_for_multi_sentence_messages(message):
    assert len(SENTENCE_END.findall(enrich("Jo Roy", message).ai_summary)) == 1


def test_summary_without_a_name_still_reads_as_a_sentence():
    assert enrich("", "I'd like a quote for my roof").ai_summary.startswith("This lead requests a quote")


# --------------------------------------------------------------------------- empty input
@pytest.mark.parametrize("message", [None, "", "   "])
@pytest.mark.parametrize("name, language", [("Paul Evans", "en"), ("Émilie Lavoie", "fr"),
                                            ("Marc Tremblay", "fr"), ("", "en")])
def test_empty_message_still_enriches(message, name, language):
    e = enrich(name, message)
    assert e.language == language
    assert (e.intent, e.urgency) == ("other", "Low")
    assert e.confidence_score <= 0.1


# --------------------------------------------------------------------------- contract
def test_same_input_gives_same_output():
    args = ("Luc Bergeron", "URGENT une partie de mon toit s'est arrachée, combien pour aujourd'hui?")
    assert enrich(*args) == enrich(*args) == HybridProvider().enrich(*args)


def test_as_dict_returns_exactly_the_six_fields():
    d = enrich("Alex", "Quote for a roof please").as_dict()
    assert set(d) == {"language", "intent", "tone", "urgency", "confidence_score", "ai_summary"}


def test_enrichment_is_immutable():
    with pytest.raises(dataclasses.FrozenInstanceError):
        enrich("Alex", "hello").urgency = "High"


@pytest.mark.parametrize("field, bad", [("language", "de"), ("intent", "sales"), ("tone", "Angry"),
                                        ("urgency", "Critical"), ("confidence_score", 1.5)])
def test_enrichment_rejects_values_outside_the_contract(field, bad):
    values = make().as_dict() | {field: bad}
    with pytest.raises(ValueError):
        Enrichment(**values)


@pytest.mark.parametrize("provider", [HybridProvider(), LexiconProvider()])
def test_both_engines_satisfy_the_provider_protocol(provider):
    assert isinstance(provider, EnrichmentProvider)


def test_enrich_delegates_to_the_replaceable_default_provider():
    class FixedProvider:
        def enrich(self, name, message, language=None, previous=None, trade=None):
            return make(language="fr", intent="other")

    previous = enrichment.set_default_provider(FixedProvider())
    try:
        assert enrich("Alex", "Quote for a roof please").intent == "other"
    finally:
        enrichment.set_default_provider(previous)
    assert enrich("Alex", "Quote for a roof please").intent == "quote_request"


# --------------------------------------------------------------------------- relationship
def test_relationship_insight_mentions_rising_urgency():
    previous = {"tone": "Neutral", "urgency": "Low", "confidence_score": 0.5}
    text = relationship_insight(previous, make(urgency="High"))
    assert "urgency rose from Low to High" in text
    assert len(SENTENCE_END.findall(text)) == 1


def test_relationship_insight_mentions_falling_urgency_and_lower_confidence():
    text = relationship_insight(make(urgency="High", confidence=0.9), make(urgency="Low", confidence=0.4))
    assert "urgency fell" in text and "confidence went down" in text


def test_relationship_insight_reports_a_lead_becoming_frustrated():
    text = relationship_insight(make(tone="Friendly"), make(tone="Frustrated"))
    assert "became Frustrated" in text


def test_relationship_insight_is_written_in_the_current_language():
    text = relationship_insight({"tone": "Neutral", "urgency": "Low", "confidence_score": 0.5},
                                make(language="fr", urgency="High"))
    assert text.startswith("Depuis le dernier contact, l'urgence a augmenté")


@pytest.mark.parametrize("previous", [
    {"tone": None, "urgency": None, "confidence_score": None},
    {},
    make(),
])
def test_relationship_insight_without_a_measurable_change_says_similar_request(previous):
    assert relationship_insight(previous, make()) == "The lead returned with a similar request."


def test_relationship_insight_ignores_small_confidence_moves():
    assert "confidence" not in relationship_insight(make(confidence=0.50), make(confidence=0.55))
