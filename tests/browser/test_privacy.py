"""A lead's page in a real Chromium offers the person's data: an export that is the lead detail, and
an erasure only after a confirmation that names the email (Cancel erases nothing), in English and
French."""
import json

from tests.browser.dashboard import literal
from tests.browser.test_dashboard import _no_script_errors  # noqa: F401 (autouse: no script error in any test)

NAME, EMAIL = "Ysolde Marchetti", "ysolde.marchetti@videotron.ca"


def open_lead(dashboard, name: str) -> None:
    dashboard.link(name).click()
    dashboard.visible(f"//h1[normalize-space()={literal(name)}]", f"lead heading {name!r}")


def test_the_export_downloads_every_lead_with_the_email_as_the_lead_detail_shows_it(dashboard, owner, post_lead,
                                                                                      served, downloads):
    lead_id = post_lead(NAME, EMAIL, "A quote for a cedar deck, please.")["lead_id"]
    post_lead(NAME, EMAIL.upper(), "And a railing too.")
    dashboard.sign_in(owner.email, owner.password)
    open_lead(dashboard, NAME)
    before = set(downloads.glob("*.json"))

    dashboard.button("Export this person's data").click()

    dashboard.wait_for_text(f"Exported 1 lead(s) for {EMAIL}.")
    dashboard.wait(lambda d: set(downloads.glob("*.json")) - before and not list(downloads.glob("*.crdownload")))
    (saved,) = set(downloads.glob("*.json")) - before
    exported = json.loads(saved.read_text())
    assert exported == {"email": EMAIL, "leads": [served.get(f"/api/leads/{lead_id}", key=owner.api_key).json]}


def test_erasing_asks_first_cancel_keeps_everything_and_confirming_erases_the_person(dashboard, owner, post_lead,
                                                                                    database):
    lead_id = post_lead("Henrique Valdivia", "henrique@valdivia-renos.ca", "Need a new roof before winter.")["lead_id"]
    post_lead("Neighbour Staying", "neighbour@staying.ca", "A gutter repair.")
    dashboard.sign_in(owner.email, owner.password)
    open_lead(dashboard, "Henrique Valdivia")

    dashboard.button("Erase this person's data…").click()
    dialog = dashboard.dialog()
    assert dialog is not None and "henrique@valdivia-renos.ca" in dialog.text and "cannot be undone" in dialog.text
    dashboard.button("Cancel").click()
    dashboard.wait(lambda d: dashboard.dialog() is None)
    assert database.scalar("SELECT count(*) FROM lead_memory WHERE id = :id", id=lead_id) == 1

    dashboard.button("Erase this person's data…").click()
    dashboard.button("Erase for good").click()

    dashboard.wait_for_text("Erased henrique@valdivia-renos.ca: 1 lead(s), 1 message(s), 1 action(s)")
    dashboard.heading("Inbox")
    assert "Henrique Valdivia" not in dashboard.lead_names() and "Neighbour Staying" in dashboard.lead_names()
    assert database.scalar("SELECT count(*) FROM lead_memory WHERE lower(email) = 'henrique@valdivia-renos.ca'") == 0
    assert database.scalar("SELECT count(*) FROM privacy_erasures WHERE client_id = :c", c=owner.client_id) == 1
    assert dashboard.alerts() == []


def test_the_confirmation_speaks_french(dashboard, owner, post_lead):
    post_lead("Siobhan O'Brien", "obrien@toitures-laval.ca", "Une soumission pour la toiture, svp.")
    dashboard.sign_in(owner.email, owner.password)
    dashboard.button("Français").click()
    dashboard.heading("Boîte de réception")
    open_lead(dashboard, "Siobhan O'Brien")
    dashboard.button("Effacer les données de cette personne…").click()
    dialog = dashboard.dialog()
    assert "obrien@toitures-laval.ca" in dialog.text and "irréversible" in dialog.text
    assert "Effacer pour de bon" in dialog.text
    dashboard.button("Annuler").click()
    dashboard.wait(lambda d: dashboard.dialog() is None)
