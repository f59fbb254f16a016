"""When the intake queues a reply (outbox.queue_reply in the client's own transaction), when it is due
in the client's time zone, and when tagging the lead cancels it (the migration's trigger)."""
import datetime
import uuid
from zoneinfo import ZoneInfo

import pytest

from shared.clients import accounts
from shared.leads import tagging
from shared.mail import outbox
from shared.platform import db

UTC = datetime.UTC


def at(zone: str, *parts: int) -> datetime.datetime:
    return datetime.datetime(*parts, tzinfo=ZoneInfo(zone))


# --- whether a reply is queued ----------------------------------------------------------------

def test_a_real_lead_of_a_client_with_replies_on_gets_one_queued_reply(mail_client, lead_with_reply, replies_of):
    client_id = mail_client()
    lead_id, outcome = lead_with_reply(client_id, email="olivia@parkhomes.ca", language="fr", intent="appointment")
    assert outcome == "queued"
    [reply] = replies_of(lead_id)
    assert (reply["status"], reply["client_id"], reply["to_email"], reply["language"], reply["intent"],
            reply["attempts"], reply["last_error"]) == ("queued", client_id, "olivia@parkhomes.ca", "fr",
                                                        "appointment", 0, None)


@pytest.mark.parametrize("lead, expected", [
    ({"is_test": True}, "test_lead"),
    ({"intent": "spam"}, "spam"),
])
def test_test_leads_and_spam_get_no_reply_and_the_lead_says_why(mail_client, lead_with_reply, replies_of,
                                                                 lead, expected):
    lead_id, outcome = lead_with_reply(mail_client(), **lead)
    assert outcome == expected
    assert [(r["status"], r["last_error"]) for r in replies_of(lead_id)] == [("skipped", expected)]


def test_a_client_with_personalized_replies_off_gets_no_reply_and_no_row(mail_client, lead_with_reply, replies_of):
    lead_id, outcome = lead_with_reply(mail_client(replies_on=False))
    assert outcome == "replies_off"
    assert replies_of(lead_id) == []


def test_a_client_with_the_setting_unset_gets_replies_as_the_reference_default_says(database, mail_client,
                                                                                     lead_with_reply):
    client_id = mail_client()
    database.sql("UPDATE clients SET ai_personalized_reply = NULL WHERE client_id = :c", c=client_id)
    assert lead_with_reply(client_id)[1] == "queued"


def test_an_email_that_unsubscribed_from_this_client_in_any_case_gets_no_reply(database, mail_client,
                                                                               lead_with_reply):
    client_id, other_client = mail_client(), mail_client()
    database.sql("INSERT INTO unsubscribes (client_id, email_digest) VALUES (:c, avenir_email_digest(:e))",
                 c=client_id, e="Olivia@ParkHomes.ca")
    assert lead_with_reply(client_id, email="olivia@parkhomes.ca")[1] == "unsubscribed"
    assert lead_with_reply(other_client, email="olivia@parkhomes.ca")[1] == "queued"


# (the lead's earlier reply: status, minutes since it was sent or queued) -> this delivery's outcome
@pytest.mark.parametrize("earlier_status, minutes_ago, expected", [
    ("queued", 0, "recent_reply"),
    ("queued", 45, "recent_reply"),      # waiting (Same day, say): a lead never has two replies waiting
    ("sending", 1, "recent_reply"),
    ("sent", 5, "recent_reply"),
    ("sent", 9.9, "recent_reply"),
    ("sent", 10.1, "queued"),
    ("sent", 60, "queued"),
    ("failed", 1, "queued"),
    ("cancelled", 1, "queued"),
    ("skipped", 1, "queued"),
])
def test_a_lead_that_already_got_a_reply_in_the_last_ten_minutes_gets_no_second_one(
        database, mail_client, lead_with_reply, replies_of, earlier_status, minutes_ago, expected):
    client_id = mail_client()
    lead_id, _ = lead_with_reply(client_id, email="repeat@parkhomes.ca")
    database.sql("UPDATE lead_replies SET status = :s, lease_until = now() + interval '5 minutes', "
                 "sent_at = CASE WHEN :s = 'sent' THEN now() - :m * interval '1 minute' END, "
                 "created_at = now() - :m * interval '1 minute' WHERE lead_id = :l", s=earlier_status, m=minutes_ago,
                 l=lead_id)
    _, outcome = lead_with_reply(client_id, email="repeat@parkhomes.ca", lead_id=lead_id)
    assert outcome == expected
    assert len([r for r in replies_of(lead_id) if r["status"] == "queued"]) == (1 if expected == "queued" else 0) + (
        earlier_status == "queued")


def test_queueing_is_one_statement_inside_the_callers_transaction(mail_client, database):
    """Rolled back with the intake's transaction: the reply never exists without its lead."""
    client_id = mail_client()
    lead_id = database.one("INSERT INTO lead_memory (client_id, email, name) VALUES (:c, 'a@b.ca', 'A') RETURNING id",
                           c=client_id)["id"]
    with pytest.raises(RuntimeError), db.transaction(client_id=client_id) as conn:
        assert outbox.queue_reply(conn, client_id=client_id, lead_id=lead_id, message_id=uuid.uuid4(),
                                  to_email="a@b.ca", language="en", intent="other", is_test=False) == "queued"
        raise RuntimeError("the intake failed after queueing")
    assert database.scalar("SELECT count(*) FROM lead_replies WHERE lead_id = :l", l=lead_id) == 0


def test_another_clients_transaction_sees_none_of_the_replies(mail_client, lead_with_reply):
    owner, other = mail_client(), mail_client()
    lead_with_reply(owner)
    with db.transaction(client_id=other) as conn:
        assert conn.run("SELECT count(*) FROM lead_replies")[0][0] == 0
    with db.transaction(client_id=owner) as conn:
        assert conn.run("SELECT count(*) FROM lead_replies")[0][0] >= 1


# --- when it is due ---------------------------------------------------------------------------

# (followup_speed, client time zone, received (local), due (local, same zone))
DUE_TIMES = [
    ("Instant", "America/Toronto", (2026, 11, 25, 10, 0), (2026, 11, 25, 10, 0)),
    ("Instant", "America/Toronto", (2026, 11, 25, 23, 30), (2026, 11, 25, 23, 30)),
    ("Within 1 hour", "America/Toronto", (2026, 11, 25, 10, 0), (2026, 11, 25, 10, 30)),
    ("Within 1 hour", "America/Toronto", (2026, 11, 25, 23, 50), (2026, 11, 26, 0, 20)),
    ("Same day", "America/Toronto", (2026, 11, 25, 10, 0), (2026, 11, 25, 11, 30)),
    ("Same day", "America/Toronto", (2026, 11, 25, 17, 59), (2026, 11, 25, 19, 29)),
    ("Same day", "America/Toronto", (2026, 11, 25, 18, 0), (2026, 11, 26, 9, 0)),
    ("Same day", "America/Toronto", (2026, 11, 25, 18, 1), (2026, 11, 26, 9, 0)),
    ("Same day", "America/Toronto", (2026, 11, 25, 23, 59), (2026, 11, 26, 9, 0)),
    ("Same day", "America/Toronto", (2026, 11, 25, 0, 30), (2026, 11, 25, 9, 0)),
    ("Same day", "America/Toronto", (2026, 11, 25, 8, 0), (2026, 11, 25, 9, 30)),
    ("Same day", "America/Toronto", (2026, 12, 31, 19, 0), (2027, 1, 1, 9, 0)),
    # the client's zone decides, not the server's or UTC's: 17:30 in Vancouver is 20:30 in Toronto
    ("Same day", "America/Vancouver", (2026, 11, 25, 17, 30), (2026, 11, 25, 19, 0)),
    ("Same day", "America/Vancouver", (2026, 11, 25, 18, 30), (2026, 11, 26, 9, 0)),
    ("Same day", "Europe/Paris", (2026, 11, 25, 19, 0), (2026, 11, 26, 9, 0)),
    ("Same day", "Asia/Kolkata", (2026, 11, 25, 17, 45), (2026, 11, 25, 19, 15)),
    # across the spring-forward night (EST to EDT): 09:00 on the wall clock, not 24 h of elapsed time
    ("Same day", "America/Toronto", (2026, 3, 7, 19, 0), (2026, 3, 8, 9, 0)),
    ("Same day", "America/Toronto", (2026, 10, 31, 18, 30), (2026, 11, 1, 9, 0)),
]


@pytest.mark.parametrize("speed, zone, received, due", DUE_TIMES)
def test_the_due_time_follows_followup_speed_in_the_clients_time_zone(mail_client, lead_with_reply, replies_of,
                                                                      speed, zone, received, due):
    lead_id, outcome = lead_with_reply(mail_client(speed=speed, timezone=zone), received_at=at(zone, *received))
    assert outcome == "queued"
    assert replies_of(lead_id)[0]["due_at"] == at(zone, *due)


@pytest.mark.parametrize("zone", ["Mars/Olympus_Mons", "", "Not a zone"])
def test_an_unknown_time_zone_counts_as_toronto_and_never_fails_the_intake(
        mail_client, database, lead_with_reply, replies_of, zone):
    client_id = mail_client(speed="Same day")
    database.sql("UPDATE clients SET timezone = :z WHERE client_id = :c", z=zone, c=client_id)
    lead_id, outcome = lead_with_reply(client_id, received_at=at("America/Toronto", 2026, 11, 25, 18, 30))
    assert outcome == "queued"
    assert replies_of(lead_id)[0]["due_at"] == at("America/Toronto", 2026, 11, 26, 9, 0)


@pytest.mark.parametrize("zone", ["America/Toronto", "America/Vancouver", "America/St_Johns"])
def test_a_same_day_reply_is_always_due_before_eight_pm_or_at_nine_the_next_morning(
        mail_client, lead_with_reply, replies_of, zone):
    client_id = mail_client(speed="Same day", timezone=zone)
    for minute in [*range(0, 24 * 60, 45), 17 * 60 + 59, 18 * 60, 19 * 60 + 59]:
        received = at(zone, 2026, 11, 25) + datetime.timedelta(minutes=minute)
        lead_id, _ = lead_with_reply(client_id, received_at=received)
        due = replies_of(lead_id)[0]["due_at"].astimezone(ZoneInfo(zone))
        if received.hour < 18:
            assert due.date() == received.date() and due.time() < datetime.time(20), (received, due)
            assert due >= received
        else:
            assert (due.date(), due.time()) == (received.date() + datetime.timedelta(days=1), datetime.time(9))


def test_without_a_received_time_the_reply_is_due_from_the_statements_clock(mail_client, lead_with_reply,
                                                                            replies_of):
    before = datetime.datetime.now(UTC)
    lead_id, _ = lead_with_reply(mail_client(speed="Within 1 hour"))
    due = replies_of(lead_id)[0]["due_at"]
    assert before + datetime.timedelta(minutes=30) <= due <= datetime.datetime.now(UTC) + datetime.timedelta(minutes=30)


# --- when tagging cancels it ------------------------------------------------------------------

def client_of(client_id) -> accounts.Client:
    return accounts.Client(client_id=client_id, business_name="Toitures Laval", is_internal=False, is_test=False,
                          key_prefix="test")


@pytest.mark.parametrize("tag, expected", [
    ("Converted", "cancelled"), ("Deleted", "cancelled"), ("Archived", "cancelled"),
    ("Follow-Up", "queued"), ("Active", "queued"),
])
def test_tagging_a_lead_converted_deleted_or_archived_cancels_its_waiting_reply(
        mail_client, lead_with_reply, replies_of, tag, expected):
    client_id = mail_client(speed="Same day")
    lead_id, _ = lead_with_reply(client_id)
    tagging.tag_lead(client_of(client_id), str(lead_id), tag)
    [reply] = replies_of(lead_id)
    assert reply["status"] == expected
    assert reply["last_error"] == (f"lead tagged {tag}" if expected == "cancelled" else None)


def test_tagging_leaves_a_reply_being_sent_or_already_sent_alone(mail_client, lead_with_reply, replies_of, database):
    client_id = mail_client()
    for status in ("sending", "sent"):
        lead_id, _ = lead_with_reply(client_id)
        database.sql("UPDATE lead_replies SET status = :s, lease_until = now(), sent_at = now() WHERE lead_id = :l",
                     s=status, l=lead_id)
        tagging.tag_lead(client_of(client_id), str(lead_id), "Converted")
        assert replies_of(lead_id)[0]["status"] == status


def test_any_path_that_archives_a_lead_cancels_its_reply_not_only_the_tag_route(mail_client, lead_with_reply,
                                                                                 replies_of, database):
    """The nightly maintenance archives on the admin path, with its own SQL: the trigger still acts."""
    lead_id, _ = lead_with_reply(mail_client())
    database.sql("UPDATE lead_memory SET current_tag = 'Archived', archived = true WHERE id = :l", l=lead_id)
    assert replies_of(lead_id)[0]["status"] == "cancelled"


def test_deleting_a_lead_for_good_deletes_its_replies(mail_client, lead_with_reply, database):
    lead_id, _ = lead_with_reply(mail_client())
    database.sql("DELETE FROM lead_memory WHERE id = :l", l=lead_id)
    assert database.scalar("SELECT count(*) FROM lead_replies WHERE lead_id = :l", l=lead_id) == 0
