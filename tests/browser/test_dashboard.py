"""The owner's morning in a real Chromium: sign in, the inbox (a lead posted by webhook, new leads
since the last visit, filters, search, paging, CSV), a lead (messages, timeline, tag, revert with a
reason), insights, settings, a new API key, French, sign out; lead text that stays text; every view
on a 390 px phone; every control reachable by keyboard with its focus drawn."""
import csv
import io
import re
import time

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from shared.clients import accounts
from tests.browser.dashboard import literal, served_strings

PASSWORD = "Couvreurs-2026!"  # the owner's sign-in of this module's clients

ENGLISH = served_strings("en")
URGENCY = {"High": "High urgency", "Medium": "Medium urgency", "Low": "Low urgency"}
XSS_NAME = "<img src=x onerror=alert(1)>"
XSS_MESSAGE = '<script>alert("xss")</script><b>bold</b> <img src=x onerror=alert(2)> Can you fix my roof?'


def lead_item(dashboard, name: str):
    """The inbox entry whose heading links to `name`."""
    return dashboard.visible(f"//li[.//h2/a[normalize-space()={literal(name)}]]", f"inbox entry {name!r}")


def open_lead(dashboard, name: str) -> None:
    dashboard.link(name).click()
    dashboard.visible(f"//h1[normalize-space()={literal(name)}]", f"lead heading {name!r}")


def session_token(dashboard) -> str | None:
    return dashboard.driver.execute_script(
        "const s = JSON.parse(sessionStorage.getItem('avenir.session') || 'null'); return s && s.token;")


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


# --- signing in ------------------------------------------------------------------------------------

def test_an_owner_signs_in_and_sees_a_lead_posted_by_webhook(dashboard, owner, post_lead):
    posted = post_lead("Olivia Park", "olivia@parkhomes.ca",
                       "Our roof is leaking since this morning, can someone come today?")
    dashboard.screenshot("signin")
    dashboard.sign_in(owner.email, owner.password)

    dashboard.wait_for_text(owner.business_name)
    item = lead_item(dashboard, "Olivia Park").text
    assert URGENCY[posted["enrichment"]["urgency"]] in item
    assert "olivia@parkhomes.ca" in item and "Active" in item
    token = session_token(dashboard)
    assert token and token not in dashboard.driver.current_url
    dashboard.screenshot("inbox")


def test_a_wrong_password_is_refused_with_one_message(dashboard, owner):
    dashboard.type_into("Email", owner.email)
    dashboard.type_into("Password", "not-the-password")
    dashboard.button("Sign in").click()
    dashboard.wait_for_text("Wrong email or password.")
    assert session_token(dashboard) is None
    dashboard.heading("Sign in")


def test_the_inbox_counts_the_leads_new_since_the_last_visit(dashboard, owner, post_lead):
    post_lead("Before Visit", "before.visit@videotron.ca", "Bonjour!")
    dashboard.sign_in(owner.email, owner.password)
    dashboard.button("Sign out").click()
    dashboard.heading("Sign in")
    post_lead("Noah Lefebvre", "noah.lefebvre@videotron.ca", "Bonjour, une soumission pour mon toit?")
    post_lead("Emma Gagnon", "emma.gagnon@videotron.ca", "Could you look at my gutters?")

    dashboard.sign_in(owner.email, owner.password)
    dashboard.wait_for_text("2 new since your last visit")
    assert "New" in lead_item(dashboard, "Emma Gagnon").text.split()
    assert "New" not in lead_item(dashboard, "Before Visit").text.split()


def test_a_signed_in_owner_stays_signed_in_across_a_reload_but_not_in_the_address(dashboard, owner):
    dashboard.sign_in(owner.email, owner.password)
    dashboard.driver.refresh()
    dashboard.heading("Inbox")
    token = session_token(dashboard)
    assert "token" not in dashboard.driver.current_url and token not in dashboard.driver.current_url
    kept = "return Object.keys(localStorage).filter(k => localStorage.getItem(k).includes(arguments[0]))"
    assert dashboard.driver.execute_script(kept, token) == []


# --- a lead ------------------------------------------------------------------------------------------

def test_a_lead_shows_every_message_with_its_date_and_enrichment_and_the_timeline(dashboard, owner, post_lead):
    post_lead("Liam Tremblay", "liam.tremblay@bell.net", "Bonjour, pouvez-vous évaluer ma toiture?", language="fr")
    post_lead("Liam Tremblay", "liam.tremblay@bell.net", "Il y a maintenant une fuite au plafond, c'est urgent!",
              language="fr")
    dashboard.sign_in(owner.email, owner.password)
    open_lead(dashboard, "Liam Tremblay")

    messages = dashboard.region_heading_list("Messages")
    assert len(messages) == 2
    assert "Bonjour, pouvez-vous évaluer ma toiture?" in messages[0].text
    assert "Il y a maintenant une fuite au plafond, c'est urgent!" in messages[1].text
    for message in messages:
        assert "Received" in message.text and "French" in message.text
        assert any(label in message.text for label in URGENCY.values())
    timeline = [item.text for item in dashboard.region_heading_list("Timeline")]
    assert any("Lead received" in entry for entry in timeline)
    assert any("New message" in entry for entry in timeline)
    # The owner's replies are on: the first message's reply is queued (no subject until it is sent),
    # the second's skipped, said in words, since a reply to this lead is already on its way.
    assert any(re.search(r"\nReply queued(: [^·]+)? · due [^·]+$", entry) for entry in timeline), timeline
    assert any(re.search(r"\nReply skipped · due [^·]+ · not sent: a reply went out less than 10 minutes ago$", entry)
               for entry in timeline), timeline
    dashboard.screenshot("lead")


def test_a_lead_that_is_not_there_says_so_and_offers_nothing_to_do_on_it(dashboard, owner, post_lead):
    post_lead("Noémie Gagnon", "noemie.gagnon@videotron.ca", "Pouvez-vous inspecter ma toiture?", language="fr")
    dashboard.sign_in(owner.email, owner.password)
    dashboard.link("Noémie Gagnon").click()
    dashboard.heading("Messages")

    dashboard.driver.get(dashboard.base_url + "/#/lead/00000000-0000-0000-0000-000000000000")

    dashboard.heading("This lead does not exist or is not yours.")
    shown = [h.text for h in dashboard.driver.find_elements(By.CSS_SELECTOR, "#view-lead h2") if h.is_displayed()]
    assert shown == [] and not dashboard.driver.find_element(By.ID, "conversion-value").is_displayed()
    assert "Noémie Gagnon" not in dashboard.driver.find_element(By.TAG_NAME, "body").text
    dashboard.link("← Back to the inbox").click()
    dashboard.link("Noémie Gagnon").click()
    dashboard.heading("Messages")


def test_a_lead_is_tagged_converted_then_reverted_with_a_required_reason(dashboard, owner, post_lead, database):
    lead_id = post_lead("Chloé Bergeron", "chloe.bergeron@cgocable.ca", "A quote for a metal roof please.")["lead_id"]
    dashboard.sign_in(owner.email, owner.password)
    open_lead(dashboard, "Chloé Bergeron")

    dashboard.type_into("Conversion value ($, for Converted)", "12500")
    dashboard.button("Converted").click()
    dashboard.wait_for_text("Tagged Converted.")
    assert dashboard.button("Converted").get_attribute("aria-pressed") == "true"
    assert any("Tagged Converted" in e.text for e in dashboard.region_heading_list("Timeline"))
    value = database.scalar("SELECT learning_snapshot->>'conversion_value' FROM growth_brain "
                            "WHERE event_type = 'conversion' AND learning_snapshot->>'lead_id' = :id", id=lead_id)
    assert value == "12500"

    dashboard.button("Revert the conversion…").click()
    assert dashboard.dialog() is not None
    dashboard.button("Revert").click()
    dashboard.wait_for_text("A reason is required.")
    assert dashboard.dialog() is not None
    dashboard.type_into("Reason", "The customer cancelled the contract")
    dashboard.button("Revert").click()
    dashboard.wait_for_text("Conversion reverted: the lead is Active again.")
    assert dashboard.dialog() is None
    assert any("The customer cancelled the contract" in e.text for e in dashboard.region_heading_list("Timeline"))
    assert database.scalar("SELECT current_tag FROM lead_memory WHERE id = :id", id=lead_id) == "Active"
    assert database.scalar("SELECT reversion_reason FROM lead_actions WHERE lead_id = :id AND action_type = 'revert'",
                           id=lead_id) == "The customer cancelled the contract"


def test_a_converted_lead_can_leave_converted_only_through_revert(dashboard, owner, post_lead):
    post_lead("Mateo Silva", "mateo.silva@globetrotter.net", "Please book an inspection.")
    dashboard.sign_in(owner.email, owner.password)
    open_lead(dashboard, "Mateo Silva")
    dashboard.button("Converted").click()
    dashboard.wait_for_text("Tagged Converted.")
    dashboard.button("Archived").click()
    dashboard.wait_for_text("A Converted lead leaves Converted only through Revert.")
    assert dashboard.button("Converted").get_attribute("aria-pressed") == "true"


# --- the inbox's filters, search, paging and CSV -----------------------------------------------------

def test_filters_and_search_narrow_the_inbox(dashboard, owner, post_lead, served):
    post_lead("Ferme Lapierre", "info@fermelapierre.qc.ca", "Bonjour, une soumission pour la grange?",
                       language="fr")
    english = post_lead("Harbour Lofts", "manager@harbourlofts.ca", "Hi, can you quote our flat roof?", language="en")
    archived = post_lead("Old Barn Co", "hello@oldbarn.ca", "Do you repair barn roofs?", language="en")
    served.post(f"/api/leads/{archived['lead_id']}/tag", {"tag": "Archived"}, key=owner.api_key)
    dashboard.sign_in(owner.email, owner.password)

    dashboard.choose("Language", "French")
    dashboard.wait(lambda d: "Harbour Lofts" not in dashboard.lead_names())
    assert "Ferme Lapierre" in dashboard.lead_names()
    dashboard.choose("Language", "Any")
    dashboard.search("lapierre")
    dashboard.wait(lambda d: dashboard.lead_names() == ["Ferme Lapierre"])
    dashboard.button("Clear").click()
    dashboard.wait(lambda d: {"Harbour Lofts", "Ferme Lapierre", "Old Barn Co"} <= set(dashboard.lead_names()))

    dashboard.choose("Tag", "Archived")
    dashboard.wait(lambda d: dashboard.lead_names() == ["Old Barn Co"])
    dashboard.choose("Tag", "Active")
    dashboard.wait(lambda d: "Old Barn Co" not in dashboard.lead_names() and "Harbour Lofts" in dashboard.lead_names())
    dashboard.choose("Tag", "All but deleted")
    intent = english["enrichment"]["intent"]
    dashboard.choose("Intent", ENGLISH[f"intent.{intent}"])
    dashboard.wait(lambda d: "Harbour Lofts" in dashboard.lead_names())
    dashboard.choose("Urgency", "High")
    high = [lead["name"] for lead in served.get(f"/api/leads?urgency=High&intent={intent}",
                                                 headers={"x-api-key": owner.api_key}).json["leads"]]
    dashboard.wait(lambda d: dashboard.lead_names() == high)
    assert all("High urgency" in entry for entry in dashboard.lead_entries())


def test_an_empty_inbox_says_no_lead_came_yet_and_a_search_finding_nothing_says_so(dashboard, database):
    email = "proprietaire@couvreurs-nouveaux.ca"
    accounts.create_client("Couvreurs Nouveaux", email, PASSWORD)
    dashboard.sign_in(email, PASSWORD)
    dashboard.wait_for_text("No leads yet")
    assert "No leads match these filters." not in dashboard.driver.find_element(By.TAG_NAME, "body").text

    dashboard.search("gouttières")

    dashboard.wait_for_text("No leads match these filters.")
    dashboard.wait_until_gone("No leads yet")


def test_paging_walks_every_matching_lead_once_newest_first(dashboard, owner, post_lead):
    for n in range(1, 31):
        post_lead(f"Pager Lead {n:02}", f"pager{n:02}@paging-roofs.ca", "Looking for a roof quote.")
    dashboard.sign_in(owner.email, owner.password)
    dashboard.search("Pager Lead")
    dashboard.wait(lambda d: len(dashboard.lead_names()) == 25)
    first = dashboard.lead_names()
    assert first[0] == "Pager Lead 30"
    dashboard.button("Next page").click()
    dashboard.wait(lambda d: len(dashboard.lead_names()) == 5)
    second = dashboard.lead_names()
    assert sorted(first + second) == [f"Pager Lead {n:02}" for n in range(1, 31)]
    assert second[-1] == "Pager Lead 01"
    assert not [b for b in dashboard.driver.find_elements(By.XPATH, "//button[normalize-space()='Next page']")
                if b.is_displayed()]
    dashboard.button("Previous page").click()
    dashboard.wait(lambda d: dashboard.lead_names() == first)


def test_the_csv_download_holds_the_current_filter(dashboard, owner, post_lead, downloads):
    post_lead("Quillfeather Roofing Client", "anna@quillfeather.ca", "Bonjour, toiture à refaire, merci.")
    post_lead("Quillfeather Annex", "annex@quillfeather.ca", 'Two lines,\nand a "quote" please')
    dashboard.sign_in(owner.email, owner.password)
    dashboard.search("quillfeather")
    dashboard.wait(lambda d: len(dashboard.lead_names()) == 2)
    before = set(downloads.glob("*.csv"))
    dashboard.button("Download CSV").click()
    dashboard.wait(lambda d: set(downloads.glob("*.csv")) - before and not list(downloads.glob("*.crdownload")))
    (saved,) = set(downloads.glob("*.csv")) - before
    raw = saved.read_bytes()
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == 3
    names = {value for row in rows[1:] for value in row}
    assert {"Quillfeather Roofing Client", "Quillfeather Annex"} <= names


# --- insights -------------------------------------------------------------------------------------------

def test_insights_show_the_latest_run_with_labelled_charts_and_the_likeliest_leads(
        dashboard, owner, admin, served, post_lead):
    for n, message in enumerate(["Water is coming through the ceiling, emergency!", "A quote for shingles please.",
                                 "Can I book an appointment next week?", "Urgent: leak in the attic now!"]):
        post_lead(f"Insight Lead {n}", f"insight{n}@rooflines.ca", message)
    converted = post_lead("Insight Buyer", "buyer@rooflines.ca", "Please quote a full roof replacement.")
    served.post(f"/api/leads/{converted['lead_id']}/tag", {"tag": "Converted", "conversion_value": 9800},
                key=owner.api_key)
    run = served.post("/api/intelligence/run", {"client_id": str(owner.client_id)}, key=admin.api_key)
    assert run.status == 200, run.json
    dashboard.sign_in(owner.email, owner.password)
    dashboard.link("Insights").click()

    for title in ("Leads per day", "Urgency trend", "Tone of the leads", "Conversions"):
        figure = dashboard.visible(f"//figure[.//h3[normalize-space()={literal(title)}]]", f"chart {title!r}")
        svg = figure.find_element(By.CSS_SELECTOR, "svg[role='img']")
        assert svg.find_elements(By.TAG_NAME, "rect") and svg.find_elements(By.TAG_NAME, "text")
    insights = served.get("/api/insights", headers={"x-api-key": owner.api_key}).json
    for event in insights["events"]:
        if event["event_type"] in ("engagement_score", "urgency_trend", "tone_distribution"):
            dashboard.wait_for_text(event["insight_text"])
    dashboard.wait_for_text("9,800")
    dashboard.screenshot("insights")
    likeliest = dashboard.visible("//h3[normalize-space()='Leads most likely to convert']/following-sibling::ol//a",
                                  "a likely lead")
    name = likeliest.text
    likeliest.click()
    dashboard.visible(f"//h1[normalize-space()={literal(name)}]", "the likely lead's page")


# --- settings, the API key ------------------------------------------------------------------------------

def test_a_setting_changed_in_the_form_is_saved_and_shown_again(dashboard, owner, served):
    dashboard.sign_in(owner.email, owner.password)
    dashboard.link("Settings").click()
    dashboard.heading("Settings")
    dashboard.type_into("Contact name", "Gabrielle Roy")
    dashboard.choose("Reply speed", "Within 1 hour")
    dashboard.type_into("Booking link", "https://cal.toitures-boreal.ca/rdv")
    dashboard.button("Save settings").click()
    dashboard.wait_for_text("Settings saved.")
    settings = served.get("/api/client", headers={"x-api-key": owner.api_key}).json
    assert (settings["contact_name"], settings["followup_speed"], settings["booking_link"]) == (
        "Gabrielle Roy", "Within 1 hour", "https://cal.toitures-boreal.ca/rdv")
    dashboard.screenshot("settings")

    dashboard.driver.refresh()
    dashboard.heading("Settings")
    dashboard.wait(lambda d: dashboard.field("Contact name").get_attribute("value") == "Gabrielle Roy")

    dashboard.type_into("Booking link", "not a link")
    dashboard.button("Save settings").click()
    dashboard.wait(lambda d: dashboard.field("Booking link").get_attribute("aria-invalid") == "true")
    error = "//form[.//button[normalize-space()='Save settings']]//*[@role='alert']"
    assert "Booking link" in dashboard.driver.find_element(By.XPATH, error).text


def test_a_new_api_key_is_shown_once_and_the_old_one_stops_working(dashboard, served, database):
    email = "owner@couvreurs-laurentides.ca"
    client_id, old_key = accounts.create_client("Couvreurs Laurentides", email, PASSWORD)
    dashboard.sign_in(email, PASSWORD)
    dashboard.link("Settings").click()
    dashboard.button("Issue a new API key").click()
    dashboard.button("Yes, replace my key").click()
    new_key = dashboard.field("Your new API key (shown only once: copy it now)").get_attribute("value")
    assert new_key.startswith("avk_") and new_key != old_key
    lead = {"name": "Key Check", "email": "key.check@laurentides.ca", "message": "Hello"}
    assert served.post("/api/lead", lead, key=old_key).status == 401
    assert served.post("/api/lead", lead, key=new_key).status == 201


# --- languages ---------------------------------------------------------------------------------------------

def test_the_switch_puts_every_view_in_french_with_french_dates(dashboard, owner, post_lead):
    post_lead("Zoé Fortin", "zoe.fortin@videotron.ca", "Bonjour, j'aimerais une soumission.", language="fr")
    dashboard.sign_in(owner.email, owner.password)
    dashboard.button("Français").click()
    dashboard.heading("Boîte de réception")
    assert dashboard.driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "fr"
    dashboard.field("Rechercher")
    dashboard.field("Étiquette")
    item = lead_item(dashboard, "Zoé Fortin").text
    assert "Active" in item and any(w in item for w in ("Urgence élevée", "Urgence moyenne", "Urgence faible"))
    month = dashboard.driver.execute_script(
        "return new Intl.DateTimeFormat('fr-CA', {month: 'short'}).format(new Date())")
    assert month in item
    dashboard.screenshot("fr-inbox")

    open_lead(dashboard, "Zoé Fortin")
    dashboard.heading("Messages")
    dashboard.heading("Historique")
    dashboard.button("Convertie")
    dashboard.screenshot("fr-lead")
    dashboard.link("Analyses").click()
    dashboard.heading("Analyses")
    dashboard.heading("Demandes par jour")
    dashboard.screenshot("fr-insights")
    dashboard.link("Paramètres").click()
    dashboard.heading("Paramètres")
    dashboard.field("Nom de l’entreprise")
    dashboard.screenshot("fr-settings")
    dashboard.button("English").click()
    dashboard.heading("Settings")


def test_the_dashboard_speaks_the_language_the_client_chose(dashboard, owner, served):
    served.request("PATCH", "/api/client", {"language": "fr"}, key=owner.api_key)
    try:
        dashboard.sign_in(owner.email, owner.password, expect="Boîte de réception")
        dashboard.button("Se déconnecter")
    finally:
        served.request("PATCH", "/api/client", {"language": "en"}, key=owner.api_key)


# --- signing out --------------------------------------------------------------------------------------------

def test_signing_out_ends_the_session_on_the_server_too(dashboard, owner, served):
    dashboard.sign_in(owner.email, owner.password)
    token = session_token(dashboard)
    assert served.get("/api/leads", headers=bearer(token)).status == 200
    dashboard.button("Sign out").click()
    dashboard.heading("Sign in")
    dashboard.wait_for_text("You are signed out.")
    assert session_token(dashboard) is None
    dashboard.wait(lambda d: served.get("/api/leads", headers=bearer(token)).status == 401, "the token still works")
    dashboard.driver.refresh()
    dashboard.heading("Sign in")


def test_a_session_ended_elsewhere_returns_the_owner_to_sign_in(dashboard, owner, served):
    dashboard.sign_in(owner.email, owner.password)
    served.post("/api/auth/logout", headers=bearer(session_token(dashboard)))
    dashboard.link("Insights").click()
    dashboard.heading("Sign in")
    dashboard.wait_for_text("Your session has ended. Sign in again.")


# --- text from outside stays text --------------------------------------------------------------------------

def test_a_lead_made_of_html_is_shown_as_text_and_never_runs(dashboard, owner, post_lead):
    post_lead(XSS_NAME, "mallory@evil-roofs.ca", XSS_MESSAGE)
    dashboard.sign_in(owner.email, owner.password)

    item = lead_item(dashboard, XSS_NAME)
    assert XSS_NAME in item.text
    assert item.find_elements(By.TAG_NAME, "img") == []
    open_lead(dashboard, XSS_NAME)
    dashboard.wait_for_text('<script>alert("xss")</script><b>bold</b>')
    messages = dashboard.region_heading_list("Messages")
    assert messages[0].find_elements(By.XPATH, ".//img | .//b | .//script") == []
    # the page's one entry module (the others are its imports): the lead's text added none
    assert len(dashboard.driver.find_elements(By.TAG_NAME, "script")) == 1
    time.sleep(0.5)
    assert dashboard.alerts() == []
    assert dashboard.driver.title == f"{XSS_NAME} · Avenir"
    dashboard.screenshot("xss-lead")


# --- a 390 px phone -----------------------------------------------------------------------------------------

def assert_fits(dashboard, name: str) -> None:
    width = dashboard.driver.execute_script("return document.documentElement.scrollWidth")
    assert width <= 390, f"{name}: the page is {width} px wide on a 390 px screen"
    dashboard.screenshot(f"phone-{name}", max_height=1700)


def test_every_view_fits_a_390_pixel_phone_screen(dashboard, owner, admin, served, post_lead):
    long_word = "Toiture" * 20
    post_lead(f"Alexandrine-Marguerite Vaillancourt-Desrosiers {long_word}",
              f"alexandrine.marguerite.vaillancourt.desrosiers@{'tres-long-sous-domaine.' * 6}quebec.ca",
              f"Bonjour! {long_word} https://example.org/{'tres/long/chemin/' * 10} Urgent: fuite d'eau.")
    served.post("/api/intelligence/run", {"client_id": str(owner.client_id)}, key=admin.api_key)
    dashboard.phone()
    dashboard.open("/")
    dashboard.heading("Sign in")
    assert_fits(dashboard, "signin")
    dashboard.sign_in(owner.email, owner.password)
    dashboard.wait(lambda d: dashboard.lead_names())
    assert_fits(dashboard, "inbox")
    open_lead(dashboard, dashboard.lead_names()[0])
    assert_fits(dashboard, "lead")
    dashboard.link("Insights").click()
    dashboard.heading("Leads per day")
    assert_fits(dashboard, "insights")
    dashboard.link("Settings").click()
    dashboard.heading("Your business")
    assert_fits(dashboard, "settings")
    dashboard.button("Français").click()
    dashboard.heading("Votre entreprise")
    assert_fits(dashboard, "settings-fr")
    dashboard.link("Boîte de réception").click()
    dashboard.wait(lambda d: dashboard.lead_names())
    assert_fits(dashboard, "inbox-fr")
    dashboard.button("Se déconnecter").click()
    dashboard.button("English").click()

    scored = served.post("/api/prospects/score", {"prospects": [{
        "business_name": "Toitures Laval et Environs Incorporée (succursale de la Rive-Nord)",
        "website": f"https://{'toitures-laval-' * 5}.ca/{'contact/' * 8}", "industry": "roofing", "region": "Laval",
        "contact_email": "info@toitures-laval.ca",
        "test": {"has_autoresponder": False, "response_time_ms": None, "is_personalized": False, "is_generic": True}}]},
        key=admin.api_key)
    assert scored.status == 200, scored.json
    dashboard.sign_in(admin.email, admin.password)
    dashboard.link("Prospects").click()
    dashboard.wait_for_text("Toitures Laval et Environs")
    assert_fits(dashboard, "prospects")


# --- the keyboard -------------------------------------------------------------------------------------------

def tab_through(dashboard, times: int) -> list[dict]:
    seen = []
    for _ in range(times):
        dashboard.tab()
        focused = dashboard.focused()
        if focused["tag"] != "body":  # past the last control, Tab leaves the page for the browser's own UI
            seen.append(focused)
    return seen


def test_every_control_is_reachable_by_keyboard_with_its_focus_drawn(dashboard, owner, post_lead):
    post_lead("Keyboard Kate", "kate@keys-roofing.ca", "A quote for my porch roof, please.")
    seen = tab_through(dashboard, 4)  # from a page just loaded
    assert [s["name"] for s in seen[:4]] == ["Skip to content", "Français", "Email", "Password"]
    dashboard.driver.switch_to.active_element.send_keys(owner.password)
    dashboard.tab(shift=True)
    dashboard.driver.switch_to.active_element.send_keys(owner.email + Keys.ENTER)
    dashboard.heading("Inbox")

    seen = tab_through(dashboard, 60)
    names = {s["name"] for s in seen}
    for control in ("Inbox", "Insights", "Settings", "Français", "Sign out", "Search", "Tag", "Urgency", "Intent",
                    "Language", "Include test leads", "Apply filters", "Clear", "Download CSV", "Keyboard Kate"):
        assert control in names, f"{control!r} was never reached by Tab: {sorted(names)}"
    assert all(s["ring"] for s in seen), [s for s in seen if not s["ring"]]

    dashboard.tab_to("Keyboard Kate")
    dashboard.driver.switch_to.active_element.send_keys(Keys.ENTER)
    dashboard.visible("//h1[normalize-space()='Keyboard Kate']", "the lead's page")
    seen = tab_through(dashboard, 12)
    assert {"Active", "Follow-Up", "Converted", "Archived", "Deleted", "Conversion value ($, for Converted)"} <= {
        s["name"] for s in seen}
    assert all(s["ring"] for s in seen), [s for s in seen if not s["ring"]]
    dashboard.tab_to("Converted")
    dashboard.driver.switch_to.active_element.send_keys(Keys.ENTER)
    dashboard.wait_for_text("Tagged Converted.")
    assert dashboard.focused()["name"] == "Converted"
    dashboard.tab_to("Revert the conversion…")
    dashboard.driver.switch_to.active_element.send_keys(Keys.ENTER)
    assert dashboard.dialog() is not None and dashboard.focused()["name"] == "Reason"
    dashboard.driver.switch_to.active_element.send_keys(Keys.ESCAPE)
    dashboard.wait(lambda d: dashboard.dialog() is None)


# --- the internal client's prospects ---------------------------------------------------------------------

def test_the_prospects_view_is_only_for_the_internal_client_and_shows_names_as_text(dashboard, owner, admin, served):
    dashboard.sign_in(owner.email, owner.password)
    assert not [a for a in dashboard.driver.find_elements(By.XPATH, "//a[normalize-space()='Prospects']")
                if a.is_displayed()]
    dashboard.button("Sign out").click()

    scored = served.post("/api/prospects/score", {"prospects": [
        {"business_name": "<img src=x onerror=alert(3)> Couvreur Express", "website": "javascript:alert(4)//x.ca",
         "industry": "roofing", "region": "Montréal",
         "test": {"has_autoresponder": False, "response_time_ms": 9000, "is_personalized": False, "is_generic": True}},
        {"business_name": "Toitures Rive-Sud", "website": "https://toitures-rive-sud.ca", "industry": "roofing",
         "region": "Longueuil",
         "test": {"has_autoresponder": False, "response_time_ms": None, "is_personalized": False, "is_generic": False}},
    ]}, key=admin.api_key)
    assert scored.status == 200, scored.json
    dashboard.sign_in(admin.email, admin.password)
    dashboard.link("Prospects").click()
    dashboard.wait_for_text("<img src=x onerror=alert(3)> Couvreur Express")
    dashboard.wait_for_text("Toitures Rive-Sud")
    prospects = dashboard.region("Prospects")
    assert prospects.find_elements(By.TAG_NAME, "img") == []
    links = [a.get_attribute("href") for a in prospects.find_elements(By.TAG_NAME, "a")]
    assert "https://toitures-rive-sud.ca/" in links
    assert all(link.startswith("https://") for link in links)
    dashboard.wait_for_text("javascript:alert(4)//x.ca")  # shown as text, never a link
    assert dashboard.alerts() == []
    dashboard.screenshot("prospects")


@pytest.fixture(autouse=True)
def _no_script_errors(browser):
    """No test may leave a script error or a Content-Security-Policy violation in the browser's console.
    (A 4xx the page handles, such as the 403 that tells a client it is not the internal one, is logged
    by Chromium as a failed resource: that is the API answering, not an error of the page.)"""
    browser.get_log("browser")
    yield
    errors = [e["message"] for e in browser.get_log("browser") if e["level"] == "SEVERE"
              and not re.search(r"Failed to load resource: the server responded with a status of 4\d\d", e["message"])]
    assert errors == []
