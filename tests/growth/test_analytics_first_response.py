"""GET /api/analytics's first_response and bounce_rate, exact on a hand-computed data set: each lead's
first message, its first reply sent and its owner's first action placed by hand, so the median, the
p90 and the share within 5 minutes are known before the route is asked; the client's emails sent and
bounced in the period (and outside it, and another client's) likewise."""
import datetime
import uuid

import pytest

from shared.clients import accounts

pytestmark = pytest.mark.pooled

MINUTE = datetime.timedelta(minutes=1)


@pytest.fixture
def owner(database):
    client_id, key = accounts.create_client("Toitures Laval", f"owner-{uuid.uuid4().hex[:8]}@toitures-laval.ca")
    return {"client_id": client_id, "key": key}


class Story:
    """A client's leads written by hand: messages, replies, the owner's actions, mail events."""

    def __init__(self, database, client_id):
        self.database, self.client_id = database, client_id

    def lead(self, received_at, is_test=False) -> uuid.UUID:
        lead_id = self.database.scalar(
            "INSERT INTO lead_memory (email, name, client_id, is_test, timestamp) "
            "VALUES (:e, 'Lead', :c, :t, :at) RETURNING id",
            e=f"{uuid.uuid4().hex[:8]}@lead.ca", c=self.client_id, t=is_test, at=received_at)
        self.message(lead_id, received_at)
        return lead_id

    def message(self, lead_id, at):
        self.database.sql("INSERT INTO lead_messages (lead_id, client_id, received_at, message) "
                          "VALUES (:l, :c, :at, 'Can you quote a roof?')", l=lead_id, c=self.client_id, at=at)

    def reply(self, lead_id, sent_at, status="sent") -> uuid.UUID:
        return self.database.scalar(
            "INSERT INTO lead_replies (client_id, lead_id, to_email, status, due_at, sent_at) "
            "VALUES (:c, :l, 'lead@lead.ca', :s, :at, CASE WHEN :s = 'sent' THEN CAST(:at AS timestamptz) END) "
            "RETURNING reply_id", c=self.client_id, l=lead_id, s=status, at=sent_at)

    def action(self, lead_id, action_type, at):
        self.database.sql("INSERT INTO lead_actions (lead_id, client_id, action_type, tag, timestamp) "
                          "VALUES (:l, :c, :a, 'Follow-Up', :at)", l=lead_id, c=self.client_id, a=action_type,
                          at=at)

    def bounce(self, reply_id, at, source="ses", client_id=None):
        self.database.sql(
            "INSERT INTO mail_events (source, notification_id, kind, client_id, reply_id, email_digest, occurred_at) "
            "VALUES (:s, :n, 'bounce', :c, :r, avenir_email_digest('lead@lead.ca'), :at)",
            s=source, n=str(uuid.uuid4()), c=client_id or self.client_id, r=reply_id, at=at)


def test_first_response_and_bounce_rate_on_a_known_data_set(api, owner, database):
    story = Story(database, owner["client_id"])
    t = datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=2)

    a = story.lead(t)                                  # a reply 2 minutes later: 2
    a_reply = story.reply(a, t + 2 * MINUTE)
    b = story.lead(t)                                  # reply at 12, but the owner tagged it at 7: 7
    story.reply(b, t + 12 * MINUTE)
    story.action(b, "tag", t + 7 * MINUTE)
    c = story.lead(t)                                  # no reply; the owner's tag at 30: 30
    story.action(c, "tag", t + 30 * MINUTE)
    d = story.lead(t)                                  # a second message at 60, the reply at 65: 65 from the first
    story.message(d, t + 60 * MINUTE)
    story.reply(d, t + 65 * MINUTE)
    f = story.lead(t)                                  # a reply at exactly 5 minutes: within 5
    story.reply(f, t + 5 * MINUTE)
    e = story.lead(t)                                  # never answered: its reply refused at RCPT TO
    refused = story.reply(e, t + 1 * MINUTE, status="failed")
    i = story.lead(t)                                  # only archived by the night: no owner's answer
    story.action(i, "archive", t + 3 * MINUTE)
    test_lead = story.lead(t, is_test=True)            # test leads do not count
    story.reply(test_lead, t + 1 * MINUTE)
    old = story.lead(t - datetime.timedelta(days=40))  # outside the 30 days, its reply and bounce too
    old_reply = story.reply(old, t - datetime.timedelta(days=40) + MINUTE)
    story.bounce(old_reply, t - datetime.timedelta(days=40) + 2 * MINUTE)

    story.bounce(a_reply, t + 3 * MINUTE)              # SES: A's reply bounced
    story.bounce(refused, t + MINUTE, source="smtp")   # E's reply refused at RCPT TO
    other = accounts.create_client("Paysagement Lefebvre", f"other-{uuid.uuid4().hex[:8]}@lefebvre.ca")[0]
    story.bounce(None, t, client_id=other)             # another client's bounce

    figures = api.get("/api/analytics", key=owner["key"]).json
    # answered: 2, 5, 7, 30, 65 -> median 7; p90 at rank 0.9 * 4 = 3.6: 30 + 0.6 * (65 - 30) = 51
    # within 5 minutes: A and F, of the 7 leads of the period (a, b, c, d, f, e, i) = 0.2857
    assert figures["first_response"] == {"median_minutes": 7.0, "p90_minutes": 51.0, "within_5_minutes": 0.2857}
    # emails of the period: 5 sent (a, b, d, f, and the test lead's) + 1 refused = 6; bounced: 2 -> 0.3333
    assert figures["bounce_rate"] == 0.3333


def test_without_leads_or_email_the_figures_say_none(api, owner):
    figures = api.get("/api/analytics?days=7", key=owner["key"]).json
    assert figures["first_response"] == {"median_minutes": None, "p90_minutes": None, "within_5_minutes": 0.0}
    assert figures["bounce_rate"] == 0.0
