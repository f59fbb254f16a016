"""The owner's language in Chromium: the language picked on the sign-in page or with the switch is kept
across sign-ins on that browser (over the client's own `language`), and a refused setting is explained
next to its field in that language, in a sentence of the page's own, never the validator's words."""

import pytest
from selenium.webdriver.common.by import By

from shared.mail import sender
from tests.browser.dashboard import served_strings

FRENCH = served_strings("fr")


@pytest.fixture(params=[1366, 390], ids=["1366px", "390px"])
def screen(request, dashboard):
    """Each test on a desktop and on a phone: the dashboard opened fresh at that width."""
    if request.param == 390:
        dashboard.phone()
    else:
        dashboard.desktop()
    dashboard.open("/")
    return request.param


def sign_in_in_french(dashboard, owner) -> None:
    dashboard.type_into("Courriel", owner.email)
    dashboard.type_into("Mot de passe", owner.password)
    dashboard.button("Se connecter").click()
    dashboard.heading("Boîte de réception")


def field_error(dashboard, label: str) -> str:
    """The error sentence the page shows with a field (the element its aria-describedby names), once the
    field is marked invalid."""
    def shown(driver):
        field = dashboard.field(label)
        if field.get_attribute("aria-invalid") != "true":
            return False
        ids = (field.get_attribute("aria-describedby") or "").split()
        return " ".join(text for i in ids if (text := driver.find_element(By.ID, i).text))
    return dashboard.wait(shown, f"{label!r} not marked invalid")


def test_french_picked_on_the_sign_in_page_is_kept_at_sign_in_and_at_the_next_sign_in(dashboard, screen, owner):
    dashboard.heading("Sign in")
    dashboard.button("Français").click()
    dashboard.heading("Connexion")
    sign_in_in_french(dashboard, owner)  # the client's own language is English
    dashboard.button("Se déconnecter").click()
    dashboard.heading("Connexion")

    dashboard.driver.execute_script("sessionStorage.clear()")  # a new tab, another day: the same browser
    dashboard.open("/")
    dashboard.heading("Connexion")
    sign_in_in_french(dashboard, owner)
    dashboard.link("Analyses")
    assert dashboard.driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "fr"


def test_english_picked_with_the_switch_wins_over_a_french_client_at_the_next_sign_in(dashboard, screen, owner, served):
    served.request("PATCH", "/api/client", {"language": "fr"}, key=owner.api_key)
    try:
        dashboard.sign_in(owner.email, owner.password, expect="Boîte de réception")
        dashboard.button("English").click()
        dashboard.heading("Inbox")
        dashboard.button("Sign out").click()
        dashboard.heading("Sign in")
        dashboard.sign_in(owner.email, owner.password)
        dashboard.link("Insights")
    finally:
        served.request("PATCH", "/api/client", {"language": "en"}, key=owner.api_key)


def test_a_refused_booking_link_is_explained_in_french_beside_the_field(dashboard, screen, owner, served):
    dashboard.button("Français").click()
    sign_in_in_french(dashboard, owner)
    dashboard.link("Paramètres").click()
    dashboard.heading("Paramètres")
    dashboard.type_into("Lien de réservation", "pas un lien")
    dashboard.button("Enregistrer les paramètres").click()

    shown = field_error(dashboard, "Lien de réservation")
    refused = served.request("PATCH", "/api/client", {"booking_link": "pas un lien"}, key=owner.api_key)
    assert refused.status == 422
    reason = refused.json["error"]["details"][0].get("reason")
    assert shown == FRENCH.get(f"reason.{reason}", FRENCH["reason.unexplained"])
    assert "should" not in shown and "pattern" not in shown
    alert = dashboard.driver.find_element(By.ID, "settings-error").text
    assert alert == "Vérifiez les champs indiqués : Lien de réservation."
    assert served.get("/api/client", key=owner.api_key).json["booking_link"] is None
    dashboard.screenshot(f"fr-settings-field-error-{screen}")


def test_a_booking_link_typed_without_https_is_completed_and_saved(dashboard, screen, owner, served):
    dashboard.sign_in(owner.email, owner.password)
    dashboard.link("Settings").click()
    dashboard.type_into("Booking link", f"www.demo-roofing.ca/booking/{screen}")
    dashboard.button("Save settings").click()
    dashboard.wait_for_text("Settings saved.")
    completed = f"https://www.demo-roofing.ca/booking/{screen}"
    assert dashboard.field("Booking link").get_attribute("value") == completed
    assert served.get("/api/client", key=owner.api_key).json["booking_link"] == completed


def test_a_reply_the_sender_stopped_after_a_tag_is_explained_in_french_on_the_lead_page(
        dashboard, owner, served, post_lead):
    lead = post_lead("Mathis Roy", "mathis.roy@videotron.ca", "Bonjour, une soumission pour mon toit?", language="fr")
    tagged = served.post(f"/api/leads/{lead['lead_id']}/tag", {"tag": "Archived"}, key=owner.api_key)
    assert tagged.status == 200, tagged.json
    sender.send_due()  # finds the queued reply's lead archived: cancelled, with the sender's reason
    dashboard.button("Français").click()
    sign_in_in_french(dashboard, owner)
    dashboard.link("Mathis Roy").click()
    history = " ".join(item.text for item in dashboard.region_heading_list("Historique"))
    assert "annulée" in history and "non envoyée : la demande a été étiquetée Archivée" in history, history
    assert "lead tagged" not in history


def test_a_refused_conversion_value_is_said_in_french_with_the_fields_label(dashboard, owner, served, post_lead):
    lead = post_lead("Léa Bouchard", "lea.bouchard@videotron.ca", "Une soumission pour ma toiture?", language="fr")
    refused = served.post(f"/api/leads/{lead['lead_id']}/tag", {"tag": "Converted", "conversion_value": -500},
                          key=owner.api_key)
    assert refused.status == 422
    reason = refused.json["error"]["details"][0].get("reason")
    dashboard.button("Français").click()
    sign_in_in_french(dashboard, owner)
    dashboard.link("Léa Bouchard").click()
    dashboard.type_into("Valeur de la conversion ($, pour Converti)", "-500")
    dashboard.button("Convertie").click()
    expected = FRENCH.get(f"reason.{reason}", FRENCH["reason.unexplained"])
    dashboard.wait(lambda d: expected in dashboard.status(), "the refusal was not said in French")
    assert dashboard.status() == f"Valeur de la conversion ($, pour Converti) : {expected}"


@pytest.mark.parametrize("typed, amount", [("12 500,50 $", 12500.5), ("8 750", 8750.0), ("1,5", 1.5)])
def test_an_amount_typed_the_french_way_is_saved_as_meant(dashboard, owner, served, post_lead, database, typed,
                                                          amount):
    email = f"client-{str(amount).replace('.', '-')}@videotron.ca"
    lead = post_lead("Paul Gagnon", email, "Une soumission pour ma toiture?", language="fr")
    dashboard.button("Français").click()
    sign_in_in_french(dashboard, owner)
    dashboard.open(f"/#/lead/{lead['lead_id']}")
    dashboard.type_into("Valeur de la conversion ($, pour Converti)", typed)
    dashboard.button("Convertie").click()
    dashboard.wait(lambda d: "Étiquetée Convertie." in dashboard.status(), "not tagged")
    saved = database.scalar("SELECT learning_snapshot->>'conversion_value' FROM growth_brain WHERE event_type = "
                            "'conversion' AND learning_snapshot->>'lead_id' = :id", id=lead["lead_id"])
    assert float(saved) == amount


def test_an_amount_that_is_not_one_is_refused_before_anything_is_sent(dashboard, owner, post_lead, database):
    lead = post_lead("Paul Gagnon", "paul.gagnon@videotron.ca", "Une soumission pour ma toiture?", language="fr")
    dashboard.button("Français").click()
    sign_in_in_french(dashboard, owner)
    dashboard.open(f"/#/lead/{lead['lead_id']}")
    dashboard.type_into("Valeur de la conversion ($, pour Converti)", "douze mille")
    dashboard.button("Convertie").click()
    dashboard.wait(lambda d: "Valeur de la conversion" in dashboard.status(), "no refusal said")
    assert database.scalar("SELECT count(*) FROM growth_brain WHERE event_type = 'conversion' "
                           "AND learning_snapshot->>'lead_id' = :id", id=lead["lead_id"]) == 0
