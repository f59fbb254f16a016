"""Mail that listens, as the owner sees it in a real Chromium: a lead whose email bounced says so on
its page, with the reply it did not get and why; the insights show how fast leads were answered and
the bounce rate, with the period they cover."""
import datetime
import zoneinfo

from shared.mail import sender
from tests.browser.dashboard import literal
from tests.browser.test_dashboard import open_lead


def test_a_lead_whose_email_bounced_says_so_and_why_its_reply_did_not_go(dashboard, owner, post_lead, database):
    post_lead("Nora Gagnon", "nora@gagnon-typo.ca", "Can you quote a new roof?")
    database.sql("INSERT INTO mail_suppressions (email_digest, reason, client_id) "
                 "VALUES (avenir_email_digest('nora@gagnon-typo.ca'), 'bounced', :c)", c=owner.client_id)
    sender.send_due()  # its queued reply meets the suppression
    dashboard.sign_in(owner.email, owner.password)
    open_lead(dashboard, "Nora Gagnon")

    status = dashboard.visible("//dt[normalize-space()='Email']/following-sibling::dd[1]", "the email status")
    assert status.text == "bounced — no email can reach this address, so no reply goes to it"
    timeline = [item.text for item in dashboard.region_heading_list("Timeline")]
    assert any(entry.endswith("not sent: mail to this address bounced") for entry in timeline), timeline


def test_a_lead_whose_email_is_fine_shows_no_email_status(dashboard, owner, post_lead):
    post_lead("Omar Haddad", "omar@haddad-reno.ca", "Do you repair gutters?")
    dashboard.sign_in(owner.email, owner.password)
    open_lead(dashboard, "Omar Haddad")
    assert not dashboard.driver.find_elements("xpath", "//dt[normalize-space()='Email']")


def test_insights_show_the_first_response_figures_and_bounce_rate_with_their_period(
        dashboard, owner, post_lead, database):
    lead = post_lead("Paul Roy", "paul@roy-maison.ca", "Please call me about a leak.")
    database.sql("UPDATE lead_replies SET status = 'sent', sent_at = m.received_at + interval '3 minutes' "
                 "FROM lead_messages AS m WHERE m.lead_id = lead_replies.lead_id AND lead_replies.lead_id = :l",
                 l=lead["lead_id"])
    dashboard.sign_in(owner.email, owner.password)
    dashboard.link("Insights").click()

    figures = dashboard.visible(f"//section[h3[normalize-space()={literal('How fast leads are answered')}]]",
                                "the first-response figures")
    today = datetime.datetime.now(zoneinfo.ZoneInfo("America/Toronto")).date()
    dashboard.wait_for_text("Median first response")
    text = figures.text
    assert "From " in text and f"{today.day}" in text and str(today.year) in text
    assert "Median first response\n3 min" in text, text
    assert "Emails that bounced\n0%" in text, text
