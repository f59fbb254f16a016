"""What an outreach email says of the prospect's trade, read with the replies' trade reader from its
name and its industry, never its industry label pasted into a sentence; and GET /api/outreach
never calls an email sent that the mail server has not taken, so its rows and its funnel agree."""
import pytest

from shared.mail import sender
from shared.prospects import outreach
from tests.helpers import prospect

pytestmark = pytest.mark.usefixtures("clean")
OUTREACH = "/api/prospects/outreach"
ROOFING_EN = "For a roofing business, that silence is costly"
ROOFING_FR = "Pour un couvreur, ce silence coûte cher"


@pytest.mark.parametrize(("name", "industry", "language", "opening"), [
    ("Toitures Laval", "Real estate", "en", ROOFING_EN),  # what it calls itself wins over a wrong label
    ("Toitures Laval", None, "fr", ROOFING_FR),
    ("Groupe Laval", "Couvreur résidentiel", "fr", ROOFING_FR),
    ("Groupe Laval", "Residential roofing", "en", ROOFING_EN),
    ("Groupe Laval", "Real estate", "en", "In real estate, buyers and sellers contact several brokers at once"),
    ("Groupe Laval", "Agence immobilière", "fr", "En immobilier, acheteurs et vendeurs"),
    ("Clinique dentaire Laval", None, "fr", "Pour une clinique, le patient"),
    ("Groupe Laval", "Aerospace", "en", "Most customers write to two or three companies"),
    ("Groupe Laval", None, "en", "Most customers write to two or three companies"),
])
def test_the_cost_paragraph_fits_the_prospects_trade(name, industry, language, opening):
    said = outreach.cost(name, industry, language)
    assert said.startswith(opening), said
    assert "$" not in said and (industry is None or industry not in said)


def test_a_roofer_filed_under_real_estate_is_written_to_as_a_roofer(api, admin, score):
    score(prospect("Toitures Laval", industry="Real estate", language="en"))
    [email] = api.post(OUTREACH, {"min_score": 0, "dry_run": True}, key=admin.api_key).json["queued"]
    assert ROOFING_EN in email["email_body"]
    assert "Real estate" not in email["email_body"] and "business in" not in email["email_body"]


def statuses(api, admin) -> tuple[list[tuple[str, str | None]], dict]:
    answer = api.get("/api/outreach", key=admin.api_key).json
    return [(row["status"], row["sent_at"]) for row in answer["outreach"]], answer["funnel"]


def test_right_after_a_batch_no_row_is_sent_while_the_funnel_says_sent_0(api, admin, score, platform_smtp):
    score(prospect("Toitures Laval"), prospect("Plomberie Gagnon"))
    assert len(api.post(OUTREACH, {"min_score": 0}, key=admin.api_key).json["queued"]) == 2

    rows, funnel = statuses(api, admin)
    assert rows == [("queued", None), ("queued", None)] and funnel["sent"] == 0
    assert api.get("/api/outreach?status=sent", key=admin.api_key).json["outreach"] == []
    assert len(api.get("/api/outreach?status=queued", key=admin.api_key).json["outreach"]) == 2

    assert sender.send_due().sent == 2
    rows, funnel = statuses(api, admin)
    assert [status for status, _ in rows] == ["sent", "sent"] and all(sent_at for _, sent_at in rows)
    assert funnel["sent"] == 2 == sum(status == "sent" for status, _ in rows)


def test_an_email_the_outbox_gave_up_on_is_not_sent(api, admin, score, database, platform_smtp):
    score(prospect("Toitures Laval"))
    api.post(OUTREACH, {"min_score": 0}, key=admin.api_key)
    database.sql("UPDATE lead_replies SET status = 'failed', last_error = 'mailbox unavailable'")

    rows, funnel = statuses(api, admin)
    assert rows == [("not_sent", None)] and funnel["sent"] == 0
