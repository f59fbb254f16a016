"""Outreach emails end to end: sent by the replies' sender to a real SMTP server, their words in
both languages and their anti-spam content, the unsubscribe link (never written to again), the open
pixel, a reply recorded over HTTP, `ignored` after 14 days (the time given to the rule), and the
funnel of GET /api/outreach on hand-made data."""
import datetime
import re
import urllib.request
import uuid

import pytest

from shared.mail import sender
from shared.privacy import maintenance
from shared.prospects import outreach
from tests.helpers import ADDRESS, INTERNAL, insert_outreach, prospect

pytestmark = pytest.mark.usefixtures("clean")
OUTREACH = "/api/prospects/outreach"
SLOW_GENERIC = {"has_autoresponder": True, "response_time_ms": 45000, "is_personalized": False, "is_generic": True}
HUMAN_AFTER_3_HOURS = {"has_autoresponder": False, "response_time_ms": 3 * 3600 * 1000, "is_personalized": True,
                       "is_generic": False}


@pytest.fixture
def served_links(platform_smtp, server, monkeypatch):
    """Emails sent to the SMTP sink, their links pointing at the served app."""
    monkeypatch.setenv("AVENIR_PUBLIC_URL", server)
    return platform_smtp


def fetch(url: str, method: str = "GET", body: bytes | None = None):
    request = urllib.request.Request(url, data=body, method=method)
    with urllib.request.urlopen(request, timeout=30) as answer:
        return answer.status, dict(answer.headers), answer.read()


def parts(message) -> tuple[str, str]:
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    return text, html


def log_row(database, prospect_id: str) -> dict:
    return database.one("SELECT * FROM prospect_outreach_log WHERE prospect_id = :p", p=uuid.UUID(prospect_id))


def test_an_english_email_says_what_the_test_found_and_carries_the_anti_spam_content(
        api, admin, score, database, served_links):
    [prospect_id] = score(prospect("Toitures Laval", SLOW_GENERIC, industry="Residential roofing",
                                   region="Laval", language="en"))
    queued = api.post(OUTREACH, {"min_score": 40}, key=admin.api_key).json["queued"]  # its need is 40
    assert log_row(database, prospect_id)["sent_at"] is None
    assert sender.send_due().sent == 1

    [received] = served_links.received
    message = received.message
    text, html = parts(message)
    assert received.rcpt_tos == ["info@toitureslaval.ca"]
    assert message["Subject"] == queued[0]["email_subject"] == \
        "Toitures Laval: what a test of your website's contact form found"
    assert "The first answer arrived 45 seconds after the test enquiry was sent." in text
    assert "generic message" in text and "roofing business" in text
    # identification, mailing address, contact, unsubscribe in one click
    assert "Avenir AI Solutions" in message["From"] and "ops@avenir-leads.ca" in text
    assert ADDRESS in text and ADDRESS in html
    unsubscribe = message["List-Unsubscribe"].strip("<>")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe.startswith(served_links_url(api)) and unsubscribe in text and unsubscribe in html
    assert message["Auto-Submitted"] == "auto-generated" and message["Content-Language"] == "en"
    pixel = re.search(r'<img src="([^"]+/o/[A-Za-z0-9_-]+\.gif)" width="1" height="1"', html)
    assert pixel and pixel.group(1) not in text
    row = log_row(database, prospect_id)
    assert (row["status"], row["email_subject"]) == ("sent", message["Subject"]) and row["sent_at"] is not None
    assert "45 seconds" in row["email_body"]


def served_links_url(api) -> str:
    return api.base_url + "/u/"


def test_a_french_prospect_gets_its_email_in_french(api, admin, score, served_links):
    score(prospect("Plomberie Gagnon", HUMAN_AFTER_3_HOURS, industry="Plomberie", language="fr"),
          prospect("Déneigement Sans Réponse", industry="Déneigement", language="fr"))
    api.post(OUTREACH, {}, key=admin.api_key)
    assert sender.send_due().sent == 2
    by_subject = {m.message["Subject"]: parts(m.message)[0] for m in served_links.received}
    gagnon = by_subject["Plomberie Gagnon : ce qu'un test du formulaire de contact de votre site a constaté"]
    assert "Il n'y a eu aucun accusé de réception automatique." in gagnon
    assert "La première réponse est arrivée 3 heures après l'envoi de la demande de test." in gagnon
    assert "En plomberie" in gagnon and "désabonnez-vous ici : http" in gagnon and ADDRESS in gagnon
    silent = next(text for subject, text in by_subject.items() if subject.startswith("Déneigement"))
    assert "Aucune réponse n'est arrivée" in silent and "déneigement, la saison est courte" in silent
    assert all(m.message["Content-Language"] == "fr" for m in served_links.received)


def test_a_prospect_that_unsubscribes_is_never_written_to_again(api, admin, score, database, served_links):
    [first] = score(prospect("Toitures Laval", industry="Roofing"))
    api.post(OUTREACH, {}, key=admin.api_key)
    sender.send_due()
    link = served_links.received[-1].message["List-Unsubscribe"].strip("<>")
    status, _, page = fetch(link, "POST", b"List-Unsubscribe=One-Click")
    assert status == 200 and b"unsubscribed" in page
    assert database.scalar("SELECT count(*) FROM unsubscribes WHERE client_id = :c", c=INTERNAL) == 1

    # re-scored, its contacted flag reset by an operator, and listed again under another website
    score(prospect("Toitures Laval", industry="Roofing"))
    database.sql("UPDATE prospect_candidates SET contacted = false")
    score(prospect("Toitures Laval Renamed", email="INFO@toitureslaval.ca"))
    assert api.post(OUTREACH, {"min_score": 0}, key=admin.api_key).json["queued"] == []
    assert database.scalar("SELECT count(*) FROM prospect_outreach_log") == 1
    assert log_row(database, first)["status"] == "sent"


def test_an_email_unsubscribed_while_queued_is_not_sent(api, admin, score, database, served_links):
    score(prospect("Toitures Laval"), prospect("Plomberie Gagnon"))
    api.post(OUTREACH, {}, key=admin.api_key)
    database.sql("INSERT INTO unsubscribes (client_id, email_digest) VALUES (:c, avenir_email_digest(:e))",
                 c=INTERNAL, e="info@plomberiegagnon.ca")
    summary = sender.send_due()
    assert (summary.sent, summary.skipped) == (1, 1)
    assert [m.rcpt_tos for m in served_links.received] == [["info@toitureslaval.ca"]]


def test_the_open_pixel_marks_a_sent_email_opened_once(api, admin, score, database, served_links):
    [prospect_id] = score(prospect("Toitures Laval"))
    api.post(OUTREACH, {}, key=admin.api_key)
    stored = database.one("SELECT body_html FROM lead_replies")["body_html"]
    pixel = re.search(r'<img src="([^"]+\.gif)"', stored).group(1)

    status, headers, image = fetch(pixel)  # fetched before the email went: nothing changes
    assert (status, headers["Content-Type"]) == (200, "image/gif")
    assert image[:6] == b"GIF89a" and (image[6], image[8]) == (1, 1) and "no-store" in headers["Cache-Control"]
    assert log_row(database, prospect_id)["opened_at"] is None

    sender.send_due()
    fetch(pixel)
    opened = log_row(database, prospect_id)
    assert opened["status"] == "opened" and opened["opened_at"] >= opened["sent_at"]
    fetch(pixel)
    assert log_row(database, prospect_id)["opened_at"] == opened["opened_at"]

    status, _, image = fetch(api.base_url + "/o/" + "x" * 32 + ".gif")  # unknown: the image all the same
    assert status == 200 and image[:6] == b"GIF89a"


def test_a_reply_is_recorded_and_status_only_moves_forward(api, admin, score, database, served_links):
    [prospect_id] = score(prospect("Toitures Laval"))
    [queued] = api.post(OUTREACH, {}, key=admin.api_key).json["queued"]
    path = f"/api/outreach/{queued['outreach_id']}/replied"
    not_yet = api.post(path, key=admin.api_key)
    assert not_yet.status == 409 and "not been sent" in not_yet.json["error"]["message"]

    sender.send_due()
    answer = api.post(path, key=admin.api_key)
    assert answer.status == 200
    assert (answer.json["status"], answer.json["business_name"]) == ("replied", "Toitures Laval")
    replied_at = answer.json["replied_at"]
    assert api.post(path, key=admin.api_key).json["replied_at"] == replied_at  # again: unchanged
    pixel = re.search(r'<img src="([^"]+\.gif)"', parts(served_links.received[0].message)[1]).group(1)
    fetch(pixel)  # opening after the reply does not move it back
    assert log_row(database, prospect_id)["status"] == "replied"
    assert outreach.mark_ignored(datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=30)) == 0
    assert log_row(database, prospect_id)["status"] == "replied"

    assert api.post(f"/api/outreach/{uuid.uuid4()}/replied", key=admin.api_key).status == 404
    assert api.post("/api/outreach/not-a-uuid/replied", key=admin.api_key).status == 404


def test_ignored_after_14_days_from_the_time_given(database):
    now = datetime.datetime(2026, 12, 4, 6, 0, tzinfo=datetime.UTC)
    days = (datetime.datetime.now(datetime.UTC) - now).total_seconds() / 86400  # "ago" measured from `now`
    old_sent = insert_outreach(database, "Old Sent", "Roofing", "Laval", "sent", days + 15)
    old_opened = insert_outreach(database, "Old Opened", "Roofing", "Laval", "opened", days + 20, opened=True)
    recent = insert_outreach(database, "Recent", "Roofing", "Laval", "sent", days + 13)
    old_replied = insert_outreach(database, "Old Replied", "Roofing", "Laval", "replied", days + 30)
    unsent = insert_outreach(database, "Still Queued", "Roofing", "Laval", "sent", None)

    assert outreach.mark_ignored(now) == 2
    statuses = {row["id"]: row["status"] for row in database.sql("SELECT id, status FROM prospect_outreach_log")}
    assert statuses == {old_sent: "ignored", old_opened: "ignored", recent: "sent", old_replied: "replied",
                        unsent: "sent"}
    assert outreach.mark_ignored(now) == 0  # once
    assert outreach.mark_ignored(now + datetime.timedelta(days=2)) == 1  # `recent` turns 15 days old


def test_the_nightly_maintenance_marks_outreach_ignored_as_of_its_run_time(database):
    now = datetime.datetime(2026, 12, 4, 6, 30, tzinfo=datetime.UTC)
    days = (datetime.datetime.now(datetime.UTC) - now).total_seconds() / 86400
    old_sent = insert_outreach(database, "Old Sent", "Roofing", "Laval", "sent", days + 15)
    recent = insert_outreach(database, "Recent", "Roofing", "Laval", "sent", days + 13)

    assert maintenance.run(now).outreach_ignored == 1
    statuses = {row["id"]: row["status"] for row in database.sql("SELECT id, status FROM prospect_outreach_log")}
    assert (statuses[old_sent], statuses[recent]) == ("ignored", "sent")
    assert maintenance.run(now).outreach_ignored == 0


def test_the_list_and_its_funnel_add_up_on_hand_made_data(api, admin, database):
    rows = [("Roof A", "Roofing", "Laval", "sent", False), ("Roof B", "Roofing", "Laval", "opened", True),
            ("Roof C", "Roofing", "Montreal", "replied", True), ("Roof D", "Roofing", "Montreal", "replied", False),
            ("Plumb A", "Plumbing", "Laval", "ignored", False), ("Plumb B", "Plumbing", "Laval", "ignored", True),
            ("Plumb C", "Plumbing", None, "opened", True)]
    for name, industry, region, status, opened in rows:
        insert_outreach(database, name, industry, region, status, opened=opened)
    insert_outreach(database, "Queued", "Roofing", "Laval", "sent", None)  # not sent yet: in the list, not the funnel

    everything = api.get("/api/outreach", key=admin.api_key)
    assert everything.status == 200
    assert everything.json["funnel"] == {"sent": 7, "opened": 5, "replied": 2, "ignored": 2}
    assert len(everything.json["outreach"]) == 8 and everything.json["outreach"][0]["business_name"] == "Queued"
    roofing = api.get("/api/outreach?industry=roofing", key=admin.api_key).json
    assert roofing["funnel"] == {"sent": 4, "opened": 3, "replied": 2, "ignored": 0}
    laval = api.get("/api/outreach?region=Laval&industry=Plumbing", key=admin.api_key).json
    assert laval["funnel"] == {"sent": 2, "opened": 1, "replied": 0, "ignored": 2}
    replied = api.get("/api/outreach?status=replied", key=admin.api_key).json
    assert sorted(r["business_name"] for r in replied["outreach"]) == ["Roof C", "Roof D"]
    assert replied["funnel"]["sent"] == 7  # the funnel is the whole funnel of that industry and region
    assert set(replied["outreach"][0]) >= {"outreach_id", "prospect_id", "business_name", "email_subject",
                                           "status", "sent_at", "opened_at", "replied_at", "delivery"}
    bad = api.get("/api/outreach?status=bounced", key=admin.api_key)
    assert bad.status == 422 and bad.json["error"]["details"][0]["field"] == "status"
