"""Follow-up replies from the outside: leads posted to POST /api/lead on the served app get their reply
queued in the intake's own transaction, by the contract's rules; the sender delivers it over SMTP;
tagging the lead through the API cancels a reply still waiting."""
import pytest

from shared.mail import sender

pytestmark = [pytest.mark.pooled, pytest.mark.usefixtures("fresh_outbox")]
QUOTE = "Can you quote a new roof for our house in Laval?"
SPAM = "Buy cheap followers and SEO backlinks now!!! Click here http://spam.biz to win a free iPhone"


def post_lead(api, key, email, message=QUOTE, name="Olivia Park", **extra):
    answer = api.post("/api/lead", {"name": name, "email": email, "message": message, **extra}, key=key)
    assert answer.status in (200, 201), answer.json
    return answer.json


def replies_for(database, lead_id) -> list[dict]:
    return database.sql("SELECT * FROM lead_replies WHERE lead_id = :l ORDER BY created_at", l=lead_id)


def test_a_new_lead_gets_its_reply_queued_with_the_lead_in_one_transaction(api, make_client, database):
    client = make_client("Toitures Laval")
    lead = post_lead(api, client.api_key, "olivia@parkhomes.ca",
                     "Bonjour, pouvez-vous me faire une soumission pour refaire ma toiture?")
    [reply] = replies_for(database, lead["lead_id"])
    assert (reply["status"], reply["to_email"], reply["language"], reply["intent"]) == (
        "queued", "olivia@parkhomes.ca", "fr", "quote_request")
    message = database.one("SELECT id FROM lead_messages WHERE lead_id = :l", l=lead["lead_id"])
    assert reply["message_id"] == message["id"]


def test_a_second_message_within_ten_minutes_gets_no_second_reply(api, make_client, database):
    client = make_client()
    first = post_lead(api, client.api_key, "repeat@parkhomes.ca")
    second = post_lead(api, client.api_key, "REPEAT@parkhomes.ca", "Also, can you check the gutters?")
    assert second["lead_id"] == first["lead_id"] and second["action"] == "update"
    assert [r["status"] for r in replies_for(database, first["lead_id"])] == ["queued", "skipped"]


@pytest.mark.parametrize("email, message, reason", [
    ("someone@example.com", QUOTE, "test_lead"),
    ("qa-test@parkhomes.ca", QUOTE, "test_lead"),
    ("promo@spam.biz", SPAM, "spam"),
])
def test_test_leads_and_spam_get_no_reply(api, make_client, database, email, message, reason):
    lead = post_lead(api, make_client().api_key, email, message)
    assert [(r["status"], r["last_error"]) for r in replies_for(database, lead["lead_id"])] == [("skipped", reason)]


def test_a_client_with_personalized_replies_off_gets_none(api, make_client, database):
    client = make_client()
    database.sql("UPDATE clients SET ai_personalized_reply = false WHERE client_id = :c", c=client.client_id)
    lead = post_lead(api, client.api_key, "olivia@parkhomes.ca")
    assert replies_for(database, lead["lead_id"]) == []


def test_an_idempotent_replay_queues_nothing_more(api, make_client, database):
    client = make_client()
    body = {"name": "Olivia Park", "email": "keyed@parkhomes.ca", "message": QUOTE}
    first = api.post("/api/lead", body, key=client.api_key, headers={"Idempotency-Key": "form-7731"})
    api.post("/api/lead", body, key=client.api_key, headers={"Idempotency-Key": "form-7731"})
    assert len(replies_for(database, first.json["lead_id"])) == 1


def test_the_lead_gets_the_reply_over_smtp_in_its_language(api, make_client, database, platform_smtp):
    client = make_client("Toitures Laval")
    lead = post_lead(api, client.api_key, "olivia@parkhomes.ca")
    assert sender.send_due().sent == 1
    [received] = platform_smtp.received
    assert received.rcpt_tos == ["olivia@parkhomes.ca"]
    assert received.message["Subject"].startswith("Your ") and "Hi Olivia," in \
        received.message.get_body(("plain",)).get_content()
    assert replies_for(database, lead["lead_id"])[0]["status"] == "sent"


def test_tagging_the_lead_converted_through_the_api_cancels_its_waiting_reply(api, make_client, database,
                                                                              platform_smtp):
    client = make_client()
    database.sql("UPDATE clients SET followup_speed = 'Within 1 hour' WHERE client_id = :c", c=client.client_id)
    lead = post_lead(api, client.api_key, "olivia@parkhomes.ca")
    tagged = api.post(f"/api/leads/{lead['lead_id']}/tag", {"tag": "Converted", "conversion_value": 12500},
                      key=client.api_key)
    assert tagged.status == 200
    [reply] = replies_for(database, lead["lead_id"])
    assert (reply["status"], reply["last_error"]) == ("cancelled", "lead tagged Converted")
    database.sql("UPDATE lead_replies SET due_at = now() WHERE lead_id = :l", l=lead["lead_id"])
    assert sender.send_due().sent == 0 and platform_smtp.received == []
