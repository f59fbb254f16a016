"""The dashboard's front door in a real Chromium: the Spam folder lists the quarantined leads with why
each was held, in plain words; "Not spam" sends one back to the inbox (its reply queued) and "Spam
after all" puts it back; the Forms view shows each form's snippet and today's posts, and adds a form."""
from tests.browser.test_dashboard import _no_script_errors  # noqa: F401 (autouse: no script error in any test)

SEO = ("Hello, I noticed your website is not ranking on the first page of Google. We can get you to #1 "
       "in 30 days guaranteed. Reply YES for a free audit.")


def test_the_spam_folder_explains_each_lead_and_not_spam_sends_it_back_to_the_inbox(dashboard, owner, post_lead,
                                                                                    database):
    held = post_lead("Digital Growth Team", "growth@rank-first.example.net", SEO)["lead_id"]
    post_lead("Rosalind Fairweather", "rosalind@fairweather.ca", "Could you quote a new roof for our bungalow?")
    dashboard.sign_in(owner.email, owner.password)
    assert "Digital Growth Team" not in dashboard.lead_names()

    dashboard.link("Spam").click()
    dashboard.heading("Spam folder")
    dashboard.wait_for_text("The message reads as spam.")
    assert dashboard.lead_names() == ["Digital Growth Team"]
    dashboard.button("Not spam").click()

    dashboard.wait_for_text("Released: it is back in the inbox and its reply is on its way.")
    assert database.scalar("SELECT spam_status FROM lead_memory WHERE id = :id", id=held) == "ok"
    assert database.scalar("SELECT status FROM lead_replies WHERE lead_id = :id AND kind = 'reply' "
                           "ORDER BY created_at DESC LIMIT 1", id=held) == "queued"
    dashboard.button("Spam after all").click()
    dashboard.wait_for_text("Digital Growth Team is in the Spam folder again.")
    assert database.scalar("SELECT spam_status FROM lead_memory WHERE id = :id", id=held) == "quarantined"
    dashboard.link("Inbox").click()
    dashboard.heading("Inbox")
    assert "Digital Growth Team" not in dashboard.lead_names()


def test_the_forms_view_adds_a_form_and_shows_its_snippet_and_todays_posts(dashboard, owner, served):
    dashboard.sign_in(owner.email, owner.password)
    dashboard.link("Settings").click()  # the web forms are part of the settings
    dashboard.link("Forms").click()
    dashboard.heading("Web forms")

    dashboard.type_into("Your site's address (https://...)", "https://toitures-boreal.ca")
    dashboard.choose("The form's language", "French")
    dashboard.button("Create the form").click()

    dashboard.wait_for_text("Today: 0 received, 0 held as spam, 0 blocked.")
    snippet = dashboard.field("Code to paste into your page").get_attribute("value")
    (form,) = [f for f in served.get("/api/forms", key=owner.api_key).json["forms"]
               if f["allowed_origins"] == ["https://toitures-boreal.ca"]]
    assert snippet == form["embed_html"] and "Votre nom" in snippet
    assert "Sites: https://toitures-boreal.ca" in dashboard.driver.find_element("tag name", "body").text
