"""Replies that fit the moment, as the owner sees them in a real Chromium (contract Part 3): settings
preview the reply live as the owner edits tone, service and speed, saved or not, in English and in French;
the new settings are saved from the form; a lead's page links its phone and email, shows its address, when
it wants service, each reply's full text and the owner's alerts. Screenshots at 1366 and 390 px wide."""
import re

import pytest
from selenium.webdriver.common.by import By

from shared.mail import sender
from tests.browser.dashboard import literal
from tests.browser.test_dashboard import open_lead

LEAK = ("Water is pouring through our kitchen ceiling, can someone come TODAY? Address is 45 Maple Crescent, "
        "Pointe-Claire. Please call 514-555-0187")
ROOFER = {"industry_category": "Roofing", "primary_service": "roof replacement", "phone": "418-555-0142",
          "email_tone": "Friendly", "followup_speed": "Same day", "language": "en", "primary_service_en": None,
          "primary_service_fr": None, "alert_urgency": "High", "alert_phone": None}
WIDTHS = (1366, 390)


@pytest.fixture(autouse=True)
def roofer(owner, served):
    """The owner's client set up as a roofer before each test (the saved settings the preview starts from)."""
    assert served.request("PATCH", "/api/client", ROOFER, key=owner.api_key).status == 200


def at_width(dashboard, width: int) -> None:
    dashboard.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": 900 if width > 500 else 844, "deviceScaleFactor": 1, "mobile": width < 500})


def shown_reply(dashboard, label: str) -> str:
    return dashboard.region(label).text


def fact(dashboard, term: str) -> str:
    return dashboard.visible(f"//dt[normalize-space()={literal(term)}]/following-sibling::dd[1]", term).text


def wait_for_reply(dashboard, label: str, condition, what: str) -> str:
    """The preview's text once `condition(text)` holds (it is refreshed a moment after each edit)."""
    dashboard.wait(lambda d: condition(shown_reply(dashboard, label)), f"the preview never showed {what}")
    return shown_reply(dashboard, label)


def previews_asked(dashboard) -> int:
    """How many previews the page has asked the API for so far."""
    return dashboard.driver.execute_script("return performance.getEntriesByType('resource')"
                                           ".filter((e) => e.name.endsWith('/api/client/reply-preview')).length")


def screenshots(dashboard, name: str) -> None:
    for width in WIDTHS:
        at_width(dashboard, width)
        assert dashboard.overflow() == 0, (name, width)
        dashboard.screenshot(f"{name}-{width}")
    at_width(dashboard, WIDTHS[0])


def test_the_preview_follows_the_tone_service_and_speed_as_the_owner_edits_them_unsaved(dashboard, owner,
                                                                                        served):
    at_width(dashboard, 1366)
    dashboard.sign_in(owner.email, owner.password)
    dashboard.link("Settings").click()
    dashboard.heading("Preview the reply")
    urgent = wait_for_reply(dashboard, "The reply's text", lambda text: "418-555-0142" in text, "the phone")
    assert fact(dashboard, "Subject") == "Urgent: we received your request"
    assert (fact(dashboard, "Sent"), fact(dashboard, "Alert to you")) == ("at once", "yes, at once")
    assert "<" not in urgent and "Jordan" in urgent
    screenshots(dashboard, "preview-en-urgent")

    dashboard.choose("Example message", "An ordinary quote request")
    quote = wait_for_reply(dashboard, "The reply's text", lambda text: text.startswith("Hi Sam,"), "a quote reply")
    assert fact(dashboard, "Sent") == "later the same day"
    asked = previews_asked(dashboard)
    dashboard.type_into("Service, as named in English replies", "shingle roofing")
    wait_for_reply(dashboard, "The reply's text", lambda text: "shingle roofing" in text, "the service")
    assert previews_asked(dashboard) - asked <= 3  # a word typed asks once it pauses, not once per key (15)
    dashboard.choose("Tone of the replies", "Formal")
    formal = wait_for_reply(dashboard, "The reply's text", lambda text: text.startswith("Dear Sam Ortiz,"),
                            "the formal greeting")
    assert formal != quote and "shingle roofing" in formal
    dashboard.choose("Reply speed", "Within 1 hour")
    dashboard.wait(lambda d: fact(dashboard, "Sent") == "within the hour")
    screenshots(dashboard, "preview-en-edited")
    dashboard.type_into("Booking link", "my calendar")  # not a link: no reply shown for it
    dashboard.wait_for_text("The preview waits for valid settings.")
    assert not dashboard.driver.find_elements(By.XPATH, "//*[@aria-label=\"The reply's text\"][normalize-space()]")

    saved = served.get("/api/client", headers={"x-api-key": owner.api_key}).json
    assert (saved["email_tone"], saved["primary_service_en"]) == ("Friendly", None)  # previewed, not saved


def test_the_preview_speaks_french_and_follows_the_french_service_and_the_alert_setting(dashboard, owner):
    dashboard.sign_in(owner.email, owner.password)
    dashboard.button("Français").click()
    dashboard.link("Paramètres").click()
    dashboard.heading("Aperçu de la réponse")
    label = "Le texte de la réponse"
    assert "fuite dans le toit" in dashboard.field("Message de la personne").get_attribute("value")
    wait_for_reply(dashboard, label, lambda text: "418-555-0142" in text, "the phone")
    assert fact(dashboard, "Objet") == "Urgent : nous avons bien reçu votre demande"
    assert fact(dashboard, "Alerte pour vous") == "oui, immédiatement"
    dashboard.choose("M’alerter pour", "Rien (aucune alerte)")
    dashboard.wait(lambda d: fact(dashboard, "Alerte pour vous") == "non")
    screenshots(dashboard, "preview-fr-urgent")

    dashboard.choose("Message d’exemple", "Une demande de soumission ordinaire")
    before = wait_for_reply(dashboard, label, lambda text: text.startswith("Bonjour Luc,"), "a quote reply")
    dashboard.type_into("Service, tel que nommé dans les réponses en français", "réfection de toiture")
    dashboard.choose("Ton des réponses", "Énergique")
    after = wait_for_reply(dashboard, label, lambda text: text.startswith("Salut Luc!") and "réfection de toiture"
                           in text, "the energetic greeting and the French service")
    assert "réfection de toiture" not in before and "roof replacement" not in after
    screenshots(dashboard, "preview-fr-edited")
    dashboard.button("English").click()
    dashboard.heading("Settings")


def test_the_new_settings_are_saved_from_the_form(dashboard, owner, served):
    dashboard.sign_in(owner.email, owner.password)
    dashboard.link("Settings").click()
    dashboard.type_into("Business phone (given in replies and alerts)", "514 555-0199 ext 12")
    dashboard.type_into("Service, as named in English replies", "roof repair")
    dashboard.type_into("Service, as named in French replies", "réparation de toiture")
    dashboard.type_into("Alert email", "urgent@toitures-boreal.ca")
    dashboard.type_into("Alert phone (text messages)", "+15145550123")
    dashboard.choose("Alert me about", "Highly or moderately urgent leads")
    dashboard.button("Save settings").click()
    dashboard.wait_for_text("Settings saved.")
    saved = served.get("/api/client", headers={"x-api-key": owner.api_key}).json
    assert {name: saved[name] for name in ("phone", "primary_service_en", "primary_service_fr", "alert_email",
                                           "alert_phone", "alert_urgency")} == {
        "phone": "514 555-0199 ext 12", "primary_service_en": "roof repair",
        "primary_service_fr": "réparation de toiture", "alert_email": "urgent@toitures-boreal.ca",
        "alert_phone": "+15145550123", "alert_urgency": "Medium"}
    wait_for_reply(dashboard, "The reply's text", lambda text: "514 555-0199 ext 12" in text, "the saved phone")

    dashboard.type_into("Alert phone (text messages)", "514 555 0123")
    dashboard.button("Save settings").click()
    dashboard.wait(lambda d: dashboard.field("Alert phone (text messages)").get_attribute("aria-invalid") == "true")
    assert served.get("/api/client", headers={"x-api-key": owner.api_key}).json["alert_phone"] == "+15145550123"


def test_a_lead_page_links_the_phone_and_email_and_shows_the_reply_s_full_text_and_the_alerts(
        dashboard, owner, post_lead, served, platform_smtp, tmp_path, monkeypatch):
    monkeypatch.setenv("AVENIR_SMS_DIR", str(tmp_path))  # the owner's text message, as `make run` writes it
    served.request("PATCH", "/api/client", {"alert_phone": "+15145550123"}, key=owner.api_key)
    lead = post_lead("Jordan Lee", "jordan.lee@videotron.ca", LEAK)
    sender.send_due()  # the urgent reply and the owner's alert go at once
    story = served.get(f"/api/leads/{lead['lead_id']}", headers={"x-api-key": owner.api_key}).json
    [reply] = story["replies"]
    assert reply["text"] and story["alerts"]

    at_width(dashboard, 1366)
    dashboard.sign_in(owner.email, owner.password)
    open_lead(dashboard, "Jordan Lee")
    assert dashboard.link("+1 514-555-0187").get_attribute("href") == "tel:+15145550187"
    assert dashboard.link("jordan.lee@videotron.ca").get_attribute("href") == "mailto:jordan.lee@videotron.ca"
    dashboard.wait_for_text("Address: 45 Maple Crescent")
    [message] = dashboard.region_heading_list("Messages")
    assert "Wanted today" in message.text
    [shown] = dashboard.region_heading_list("Replies to this lead")
    body = shown.find_element(By.TAG_NAME, "pre")
    # its words as sent, its unsubscribe link (each reply's own, written in as it is sent) named
    sent = reply["text"].replace("\r\n", "\n").replace("{{unsubscribe_url}}", "[…]")
    assert body.text == sent.strip() and "Hi Jordan," in body.text
    assert "[…]: the lead's own unsubscribe link, written in as the reply is sent." in shown.text
    assert body.get_attribute("innerHTML").count("<") == 0  # the words as text, never as markup
    alerts = [item.text for item in dashboard.region_heading_list("Alerts to you")]
    assert alerts and all(a.startswith(("Email · sent · ", "Text message · sent · ")) for a in alerts), alerts
    screenshots(dashboard, "lead-en")

    dashboard.button("Français").click()
    dashboard.heading("Réponses à cette personne")
    dashboard.wait(lambda d: any("Souhaité aujourd’hui" in m.text for m in dashboard.region_heading_list("Messages")),
                   "the message's wanted time is not said in French")  # the list is drawn again in French
    dashboard.wait_for_text("Adresse : 45 Maple Crescent")
    alerts = [item.text for item in dashboard.region_heading_list("Vos alertes")]
    assert all(a.startswith(("Courriel · envoyée · ", "Texto · envoyée · ")) for a in alerts), alerts
    screenshots(dashboard, "lead-fr")
    dashboard.button("English").click()
    dashboard.heading("Replies to this lead")


def test_a_reply_still_waiting_shows_the_words_it_will_be_sent_with_and_no_alert_is_listed(
        dashboard, owner, post_lead, served):
    lead = post_lead("Sam Ortiz", "sam.ortiz@bell.net", "Could you quote new shingles for our bungalow this spring?")
    story = served.get(f"/api/leads/{lead['lead_id']}", headers={"x-api-key": owner.api_key}).json
    [(status, text)] = [(r["status"], r["text"]) for r in story["replies"]]
    assert status == "queued" and text.startswith("Hi Sam,") and story["alerts"] == []
    dashboard.sign_in(owner.email, owner.password)
    open_lead(dashboard, "Sam Ortiz")
    [shown] = dashboard.region_heading_list("Replies to this lead")
    assert shown.text.startswith("Reply queued") and "Hi Sam," in shown.text
    assert not dashboard.region_heading_list("Alerts to you")
    dashboard.wait_for_text("No alert about this lead.")
    assert dashboard.link("sam.ortiz@bell.net").get_attribute("href") == "mailto:sam.ortiz@bell.net"
    assert not dashboard.driver.find_elements(By.XPATH, "//a[starts-with(@href, 'tel:')]")


def test_the_alert_email_s_link_opens_the_lead_s_page(dashboard, owner, post_lead, platform_smtp, served):
    served.request("PATCH", "/api/client", {"alert_urgency": "High"}, key=owner.api_key)
    lead = post_lead("Jordan Lee", "j.lee@sympatico.ca", LEAK)  # a new lead: one alert a day per lead
    sender.send_due()
    [alert] = [r.message for r in platform_smtp.received if r.rcpt_tos != ["j.lee@sympatico.ca"]]
    link = re.search(r"https?://\S+/#/leads/\S+", alert.get_content())[0]
    assert link.endswith(f"/#/leads/{lead['lead_id']}")
    at_width(dashboard, 390)
    dashboard.sign_in(owner.email, owner.password)
    dashboard.open("/" + link.split("/", 3)[3])
    dashboard.wait_for_text("Jordan Lee")
    dashboard.heading("Replies to this lead")
