"""A complaint about an outreach email (the prospect marked it as spam), posted by SNS as SES sends
it: the address leaves outreach for good, as if it had unsubscribed; the clients' own replies to that
address are not stopped by it."""
import json

import pytest

from shared.mail import sender
from tests.helpers import INTERNAL, prospect
from tests.mail.conftest import install_fake_sns

pytestmark = pytest.mark.usefixtures("clean")


@pytest.fixture
def fake_sns(monkeypatch):
    return install_fake_sns(monkeypatch)


@pytest.fixture
def no_mail_events(database):
    database.sql("DELETE FROM mail_events")
    database.sql("DELETE FROM mail_suppressions")


def test_a_complaint_about_outreach_unsubscribes_the_prospect_from_outreach(
        api, admin, score, database, platform_smtp, fake_sns, no_mail_events):
    score(prospect("Toitures Laval", industry="Roofing"))
    api.post("/api/prospects/outreach", {}, key=admin.api_key)
    assert sender.send_due().sent == 1
    message_id = platform_smtp.received[-1].message["Message-ID"]

    complaint = fake_sns.notification("complaint", "info@toitureslaval.ca", message_id)
    answer = api.post("/api/mail/events", raw=json.dumps(complaint).encode(), content_type="text/plain",
                      headers={"x-amz-sns-message-type": "Notification"})
    assert answer.status == 200 and answer.json["recorded"] == 1
    assert database.scalar("SELECT count(*) FROM unsubscribes WHERE client_id = :c", c=INTERNAL) == 1
    assert database.scalar("SELECT count(*) FROM mail_suppressions WHERE reason = 'complained' AND client_id = :c",
                           c=INTERNAL) == 1

    database.sql("UPDATE prospect_candidates SET contacted = false")  # an operator's reset
    assert api.post("/api/prospects/outreach", {"min_score": 0}, key=admin.api_key).json["queued"] == []
