"""The one-line summary (issue 29): what the lead needs in the client's trade, when and where."""

from __future__ import annotations

import pytest

import shared.enrichment as enrichment
from shared.enrichment import Enrichment, LexiconProvider, Trade, enrich
from shared.enrichment.trade import family

ROOFER = Trade("Roofing", "roof repair")
COUVREUR = Trade("Toiture", "réfection de toiture")
PLUMBER = Trade("Plumbing")
PLOMBIER = Trade("Plomberie", "débouchage")
DENTIST = Trade("Dental clinic", "teeth cleaning")
DENTISTE = Trade("Clinique dentaire", "nettoyage dentaire")
REALTOR = Trade("Real estate")
COURTIER = Trade("Immobilier", "courtier immobilier")
CONTRACTOR = Trade("General contractor")
GESTIONNAIRE = Trade("Gestion immobilière")
RENOVATION = Trade("Rénovation")

JORDAN = ("Jordan Lee", "Hi, water is pouring through our kitchen ceiling, can someone come TODAY? "
          "Address is 45 Maple Crescent, Pointe-Claire. Please call 514-555-0187")
MARIE = ("Marie Tremblay", "Bonjour, on a une fuite dans le toit, l'eau coule dans la cuisine. Pouvez-vous "
         "venir aujourd'hui? C'est au 45 rue des Érables. Merci de me rappeler au 514 555-0187.")
KEVIN = ("Kevin Nguyen", "Hi, there's a leak in the bathroom ceiling, could you come take a look this week? "
         "230 Elm Street.")
JULIE = ("Julie Caron", "Bonjour, j'ai une fuite sous l'évier de la cuisine, pouvez-vous passer demain? "
         "12 rue Principale.")
SOPHIE = ("Sophie Roy", "Bonjour, j'aimerais prendre rendez-vous pour un nettoyage cette semaine.")
EMMA = ("Emma Wilson", "Hi, I'd like to book a cleaning next Tuesday.")
LUC = ("Luc Gagnon", "Bonjour, nous voulons vendre notre condo. Pouvez-vous venir l'évaluer la semaine "
       "prochaine? 1200 boul. René-Lévesque Ouest, app. 1804, Montréal, QC H3B 4W8")
CHRIS = ("Chris Moore", "Hi, we're thinking of selling. Could you come estimate what our house is worth? "
         "We're at 88 Birch Road.")
NADIA = ("Nadia Haddad", "We have water damage in the basement after a leak, can you send someone today? "
         "77 Cedar Avenue")
ANA = ("Ana Silva", "Hi, I need a quote for a new roof, no rush, sometime in the spring. "
       "4521 Chemin de la Côte-des-Neiges")
OLIVIA = ("Olivia Park", "Hi, I'd like a quote for a bathroom remodel.")


@pytest.mark.parametrize("trade, lead, expected", [
    # a roofer's leak, in English and in French
    (ROOFER, JORDAN,
     "Jordan Lee reports a roof leak (roof repair) and wants someone today, at 45 Maple Crescent; "
     "high urgency."),
    (COUVREUR, MARIE,
     "Marie Tremblay signale une fuite dans la toiture (réparation de toiture) et souhaite une "
     "intervention aujourd'hui, au 45 rue des Érables; urgence élevée."),
    # a plumber's leak; a leak the message puts under the sink is plumbing even at a roofer's
    (PLUMBER, KEVIN,
     "Kevin Nguyen reports a plumbing leak (plumbing repair) and wants someone in the coming days, "
     "at 230 Elm Street; medium urgency."),
    (PLOMBIER, JULIE,
     "Julie Caron signale une fuite de plomberie (réparation de plomberie) et souhaite une intervention "
     "dans les prochains jours, au 12 rue Principale; urgence élevée."),
    (COUVREUR, JULIE,
     "Julie Caron signale une fuite de plomberie (réparation de plomberie) et souhaite une intervention "
     "dans les prochains jours, au 12 rue Principale; urgence élevée."),
    # a general contractor's or a property manager's leak is water damage
    (CONTRACTOR, NADIA,
     "Nadia Haddad reports water damage (leak) and wants someone today, at 77 Cedar Avenue; high urgency."),
    # a dentist's cleaning
    (DENTISTE, SOPHIE,
     "Sophie Roy souhaite prendre rendez-vous pour un nettoyage dentaire dans les prochains jours; "
     "urgence moyenne."),
    (DENTIST, EMMA,
     "Emma Wilson wants to book an appointment for a dental cleaning in the coming days; medium urgency."),
    # a realtor's valuation; the long address keeps its street and unit, not the city and postal code
    (COURTIER, LUC,
     "Luc Gagnon souhaite prendre rendez-vous pour une évaluation de propriété, sans presse, au 1200 boul. "
     "René-Lévesque Ouest, app. 1804; urgence moyenne."),
    (REALTOR, CHRIS,
     "Chris Moore requests a quote for a property valuation, at 88 Birch Road; medium urgency."),
    # no rush
    (ROOFER, ANA,
     "Ana Silva requests a quote for roofing work, no rush, at 4521 Chemin de la Côte-des-Neiges; "
     "low urgency."),
    # neither when nor where
    (RENOVATION, OLIVIA, "Olivia Park requests a quote for a bathroom renovation; medium urgency."),
    # no trade at all: the topics as before, a roof leak still a roof repair
    (None, MARIE,
     "Marie Tremblay signale une fuite dans la toiture (réparation de toiture) et souhaite une "
     "intervention aujourd'hui, au 45 rue des Érables; urgence élevée."),
    (None, KEVIN,
     "Kevin Nguyen wants to book an appointment for plumbing in the coming days, at 230 Elm Street; "
     "medium urgency."),
    (None, ("Alex", "I'd like a quote for my roof"), "Alex requests a quote for roofing work; medium urgency."),
    (Trade("Photography"), KEVIN,
     "Kevin Nguyen wants to book an appointment for plumbing in the coming days, at 230 Elm Street; "
     "medium urgency."),
])
def test_summary_says_what_in_the_trade_s_terms_and_when_and_where(trade, lead, expected):
    assert enrich(*lead, trade=trade).ai_summary == expected


@pytest.mark.parametrize("trade, expected", [
    (None, "Omar Aziz requests a quote for a kitchen renovation; medium urgency."),
    (Trade("Electrician"), "Omar Aziz requests a quote for electrical work; medium urgency."),
    (Trade("Maître électricien"), "Omar Aziz requests a quote for electrical work; medium urgency."),
])
def test_of_several_topics_the_trade_s_own_is_named(trade, expected):
    message = "Hi, we're redoing the kitchen and need a quote for a new electrical panel and wiring."
    assert enrich("Omar Aziz", message, trade=trade).ai_summary == expected


def test_a_roof_leak_is_never_called_plumbing_even_without_a_trade():
    summary = enrich(*MARIE).ai_summary
    assert "toiture" in summary and "plomberie" not in summary


def test_a_property_manager_reads_a_french_leak_as_water_damage():
    summary = enrich("Hélène Roy", "Bonjour, dégât d'eau dans l'appartement 3 après une fuite, pouvez-vous "
                     "envoyer quelqu'un aujourd'hui?", trade=GESTIONNAIRE).ai_summary
    assert summary.startswith("Hélène Roy signale un dégât d'eau (fuite) et souhaite une intervention "
                              "aujourd'hui")


@pytest.mark.parametrize("lead", [JORDAN, MARIE, ("Sam", "Call me at (438) 555-0199 about a quote")])
def test_the_summary_never_repeats_the_phone_number(lead):
    summary = enrich(*lead, trade=ROOFER).ai_summary
    assert "555" not in summary


def test_a_long_name_and_address_still_fit_an_inbox_card():
    name = "Maximilien-Alexandre de la Fontaine-Beauregard " * 4
    message = ("Leak in the roof, come today please. 12345 Boulevard of the Very Long Street Name Extension "
               "West, Unit 4500, Pointe-Claire, QC H9R 5K2")
    summary = enrich(name, message, trade=ROOFER).ai_summary
    assert len(summary) <= 200
    assert summary.endswith("; high urgency.")
    assert "roof leak (roof repair)" in summary


def test_a_follow_up_names_the_thread_s_leak_and_address():
    first = enrich(*JORDAN, trade=ROOFER)
    previous = first.as_dict() | {"message": JORDAN[1]}
    summary = enrich("Jordan Lee", "any update?", previous=previous, trade=ROOFER).ai_summary
    assert "roof leak (roof repair)" in summary and "45 Maple Crescent" in summary


@pytest.mark.parametrize("category, service, expected", [
    ("Roofing", None, "roofing"), ("Toiture", None, "roofing"), ("Entrepreneur couvreur", None, "roofing"),
    ("PLOMBERIE", None, "plumbing"), ("Plomberie et chauffage", None, "plumbing"),
    ("Electrician", None, "electrical"), ("Électricien", None, "electrical"),
    ("HVAC", None, "hvac"), ("Chauffage et climatisation", None, "hvac"),
    ("Dental clinic", None, "health"), ("Clinique dentaire", None, "health"),
    ("Real estate", None, "real_estate"), ("Agence immobilière", None, "real_estate"),
    ("Property management", None, "real_estate"),
    ("Notaire", None, "legal"), ("Law firm", None, "legal"),
    ("Landscaping", None, "landscaping"), ("Paysagement", None, "landscaping"),
    ("Entretien ménager", None, "cleaning"), ("Cleaning services", None, "cleaning"),
    ("Marketing agency", None, "agency"),
    ("General contractor", None, "renovation"), ("Entrepreneur général", None, "renovation"),
    ("Photography", None, "other"), (None, "réfection de toiture", "roofing"), (None, None, "other"),
])
def test_free_text_industry_categories_map_onto_trade_families(category, service, expected):
    assert family(Trade(category, service)) == expected


def test_without_a_trade_there_is_no_family():
    assert family(None) is None


def test_enrich_hands_previous_and_trade_to_the_provider():
    seen = {}

    class RecordingProvider:
        def enrich(self, name, message, language=None, previous=None, trade=None):
            seen.update(previous=previous, trade=trade)
            return Enrichment("en", "other", "Neutral", "Low", 0.0, "x.")

    installed = enrichment.set_default_provider(RecordingProvider())
    try:
        enrich("Alex", "any update?", previous={"urgency": "High"}, trade=ROOFER)
    finally:
        enrichment.set_default_provider(installed)
    assert seen == {"previous": {"urgency": "High"}, "trade": ROOFER}


def test_the_lexicon_provider_takes_previous_and_reads_the_trade():
    found = LexiconProvider().enrich(*JORDAN, previous={"urgency": "High"}, trade=ROOFER)
    assert "roof leak (roof repair)" in found.ai_summary
