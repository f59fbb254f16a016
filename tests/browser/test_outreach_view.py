"""The prospects view's outreach in Chromium: the funnel, the next batch previewed first (nothing
written), then sent; the emails listed as text, a reply recorded, and the same view in French."""
import pytest
from selenium.webdriver.common.by import By

from shared.mail import sender

NO_REPLY = {"has_autoresponder": False, "response_time_ms": None, "is_personalized": False, "is_generic": False}


@pytest.fixture
def outreach_ready(database, admin, served, platform_smtp):  # noqa: F811 (the imported fixture)
    """Two prospects to write to, one whose name is HTML; the internal client's mailing address set."""
    database.sql("UPDATE clients SET mailing_address = '1200 boulevard Saint-Martin Ouest, Laval QC' "
                 "WHERE client_id = :c", c=admin.client_id)
    answer = served.post("/api/prospects/score", {"prospects": [
        {"business_name": "Toitures Laval", "website": "https://toitures-laval.ca", "industry": "Roofing",
         "contact_email": "info@toitures-laval.ca", "test": NO_REPLY},
        {"business_name": "<b>Plomberie</b> <img src=x onerror=alert(5)>", "website": "https://plomberie-b.ca",
         "contact_email": "info@plomberie-b.ca", "language": "fr", "test": NO_REPLY}]}, key=admin.api_key)
    assert answer.status == 200, answer.json
    return platform_smtp


def funnel(dashboard) -> dict[str, str]:
    region = dashboard.region(dashboard.driver.find_element(By.ID, "outreach-funnel").get_attribute("aria-label"))
    terms = [e.text for e in region.find_elements(By.TAG_NAME, "dt")]
    return dict(zip(terms, [e.text for e in region.find_elements(By.TAG_NAME, "dd")], strict=True))


def test_the_next_batch_is_previewed_then_sent_and_followed(dashboard, admin, database, outreach_ready):
    dashboard.sign_in(admin.email, admin.password)
    dashboard.link("Prospects").click()
    dashboard.heading("Outreach")
    assert funnel(dashboard) == {"Sent": "0", "Opened": "0", "Replied": "0", "Ignored": "0"}

    dashboard.type_into("Emails in the next batch", "5")
    dashboard.button("Preview the next batch").click()
    dashboard.wait_for_text("Emails that would be sent now: 2")
    preview = dashboard.region("Emails that would be sent")
    assert "To info@toitures-laval.ca" in preview.text
    assert "<b>Plomberie</b> <img src=x onerror=alert(5)>" in preview.text  # text, never HTML
    assert preview.find_elements(By.TAG_NAME, "img") == [] and preview.find_elements(By.TAG_NAME, "b") == []
    assert database.scalar("SELECT count(*) FROM prospect_outreach_log") == 0  # a preview writes nothing

    dashboard.button("Send these emails (2)").click()
    dashboard.wait_for_text("Emails queued: 2.")
    dashboard.wait_until_gone("Emails that would be sent now")
    emails = dashboard.region("Outreach emails")
    assert emails.text.count("Waiting to be sent") == 2
    assert "Sent" not in emails.text.split() and funnel(dashboard)["Sent"] == "0"  # queued is not sent, anywhere
    assert database.scalar("SELECT count(*) FROM prospect_outreach_log") == 2

    assert sender.send_due().sent == 2
    assert sorted(m.rcpt_tos[0] for m in outreach_ready.received) == ["info@plomberie-b.ca", "info@toitures-laval.ca"]
    dashboard.button("Show prospects").click()
    dashboard.wait(lambda d: funnel(dashboard)["Sent"] == "2", "the funnel never counted the 2 emails sent")
    dashboard.button("Mark as replied").click()
    dashboard.wait(lambda d: funnel(dashboard)["Replied"] == "1", "the reply was never counted")
    assert funnel(dashboard) == {"Sent": "2", "Opened": "1", "Replied": "1", "Ignored": "0"}
    dashboard.button("Preview the next batch").click()
    dashboard.wait_for_text("No prospect to write to now")
    assert dashboard.alerts() == []
    dashboard.screenshot("outreach")

    dashboard.button("Français").click()
    dashboard.heading("Prospection")
    assert list(funnel(dashboard)) == ["Envoyés", "Ouverts", "Répondus", "Ignorés"]
    dashboard.wait_for_text("Aucun prospect à qui écrire maintenant")


def test_without_a_mailing_address_the_owner_is_sent_to_settings_in_their_language(dashboard, admin, database,
                                                                                   outreach_ready):
    address = database.scalar("SELECT mailing_address FROM clients WHERE client_id = :c", c=admin.client_id)
    database.sql("UPDATE clients SET mailing_address = NULL WHERE client_id = :c", c=admin.client_id)
    try:
        dashboard.sign_in(admin.email, admin.password)
        dashboard.link("Prospects").click()
        dashboard.type_into("Emails in the next batch", "5")
        dashboard.button("Preview the next batch").click()
        dashboard.wait(lambda d: "Settings, Mailing address" in dashboard.status(), "not sent to Settings")
        assert "PATCH" not in dashboard.status() and "mailing_address" not in dashboard.status()
    finally:
        database.sql("UPDATE clients SET mailing_address = :a WHERE client_id = :c", a=address, c=admin.client_id)
