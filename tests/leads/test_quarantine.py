"""The quarantine over served HTTP: each signal alone quarantines a form's lead (and a spam intent a
webhook's), with no reply and no alert; quarantined leads stay out of the inbox and the analytics
unless asked for; the owner's "not spam" queues the reply, "spam" cancels it; IP digests purged at 48 h."""
import datetime

import pytest

from shared.privacy import maintenance
from tests.leads.front_door import FETCH, SITE, Poster, aged_token, fields

pytestmark = pytest.mark.pooled

SEO = ("Hello, I noticed your website is not ranking on the first page of Google. We can get you to #1 "
       "in 30 days guaranteed. Reply YES for a free audit.")
CYRILLIC = "Здравствуйте! Купить дешёвые лекарства без рецепта, быстрая доставка по всему миру."
URGENT = "C'est urgent, une fuite dans le toit, pouvez-vous venir aujourd'hui?"
LINKS = ("Bonjour, voici des photos du toit: https://photos.example/1 https://photos.example/2 "
         "https://photos.example/3")


@pytest.fixture
def client_with_alerts(make_client, database):
    client = make_client("Toitures Laval")
    database.sql("UPDATE clients SET alert_urgency = 'Medium' WHERE client_id = :c", c=client.client_id)
    return client


@pytest.fixture
def poster(api, server, client_with_alerts) -> Poster:
    form = api.post("/api/forms", {"allowed_origins": [SITE], "min_fill_seconds": 3},
                    key=client_with_alerts.api_key).json
    return Poster(server, form)


def lead_of(database, email):
    return database.one("SELECT id, spam_status, spam_signals FROM lead_memory WHERE email = :e", e=email)


def outbox_of(database, lead_id):
    return database.sql("SELECT kind, status, last_error FROM lead_replies WHERE lead_id = :id ORDER BY kind",
                        id=lead_id)


# The enrichment engine already reads every link-laden or non-Latin message as spam, so those two
# signals come with spam_intent over HTTP; tests/leads/test_spam_checks.py checks each alone.
@pytest.mark.parametrize("overrides, signals", [
    ({"_ts": None}, ["no_token"]),
    ({"_ts": "1760000000000.AAAAAAAAAAAAAAAAAAAAAA"}, ["forged_token"]),
    ({"_ts": "not a token"}, ["forged_token"]),
    ({"_ts": "expired"}, ["expired_token"]),
    ({"_ts": "fast"}, ["too_fast"]),
    ({"message": SEO}, ["spam_intent"]),
    ({"message": LINKS}, ["links", "spam_intent"]),
    ({"message": CYRILLIC}, ["foreign_script", "spam_intent"]),
])
def test_each_signal_quarantines_the_lead_with_no_reply_and_no_alert(poster, database, overrides, signals):
    if overrides.get("_ts") == "expired":
        overrides = {"_ts": aged_token(poster.key, age_s=25 * 3600)}
    if overrides.get("_ts") == "fast":
        overrides = {"_ts": aged_token(poster.key, age_s=1)}
    values = fields(poster.key, **{"message": URGENT, **overrides})

    answer = poster.post(values, headers=FETCH)

    assert answer.status == 200 and answer.json == {"ok": True}
    lead = lead_of(database, values["email"])
    assert lead["spam_status"] == "quarantined" and lead["spam_signals"] == signals
    assert [row for row in outbox_of(database, lead["id"]) if row["status"] != "skipped"] == []


def test_a_clean_post_of_the_same_urgent_message_gets_its_reply_and_its_alert(poster, database):
    values = fields(poster.key, message=URGENT)

    poster.post(values, headers=FETCH)

    lead = lead_of(database, values["email"])
    assert lead["spam_status"] == "ok"
    assert {(row["kind"], row["status"]) for row in outbox_of(database, lead["id"])} >= {("reply", "queued"),
                                                                                        ("alert", "queued")}


def test_the_same_message_from_a_third_address_in_a_day_is_quarantined(poster, database):
    message = "Is this the company that does roofs? Please call me back about a quote for my roof."
    first, second, third = (fields(poster.key, message=message) for _ in range(3))
    poster.post(first, headers=FETCH)
    poster.post(second, headers=FETCH)

    poster.post(third, headers=FETCH)

    assert [lead_of(database, v["email"])["spam_status"] for v in (first, second, third)] == \
        ["ok", "ok", "quarantined"]
    assert lead_of(database, third["email"])["spam_signals"] == ["repeated_message"]


def test_a_webhook_lead_with_a_spam_intent_is_quarantined_too(api, client_with_alerts, database):
    email = "growth-team@seo-rank-fast.example.net"

    response = api.post("/api/lead", {"name": "Digital Growth Team", "email": email, "message": SEO},
                        key=client_with_alerts.api_key)

    assert response.status == 201
    lead = lead_of(database, email)
    assert lead["spam_status"] == "quarantined" and lead["spam_signals"] == ["spam_intent"]


def test_quarantined_leads_are_out_of_the_inbox_and_analytics_unless_asked_for(api, poster, client_with_alerts,
                                                                               database):
    clean, spammy = fields(poster.key), fields(poster.key, message=CYRILLIC)
    poster.post(clean, headers=FETCH)
    poster.post(spammy, headers=FETCH)
    key = client_with_alerts.api_key

    inbox = [lead["email"] for lead in api.get("/api/leads", key=key).json["leads"]]
    folder = api.get("/api/leads?spam=only", key=key).json["leads"]
    everything = [lead["email"] for lead in api.get("/api/leads?spam=include", key=key).json["leads"]]
    analytics = api.get("/api/analytics?days=7", key=key).json

    assert clean["email"] in inbox and spammy["email"] not in inbox
    assert [(lead["email"], lead["spam_signals"]) for lead in folder] == \
        [(spammy["email"], ["foreign_script", "spam_intent"])]
    assert {clean["email"], spammy["email"]} <= set(everything)
    assert sum(day["count"] for day in analytics["leads_per_day"]) == 1 and "spam" not in analytics["by_intent"]


def test_not_spam_releases_the_lead_and_queues_its_reply_spam_cancels_it(api, poster, client_with_alerts, database):
    values = fields(poster.key, _ts=None)
    poster.post(values, headers=FETCH)
    lead_id = lead_of(database, values["email"])["id"]
    key = client_with_alerts.api_key

    released = api.post(f"/api/leads/{lead_id}/not-spam", key=key)

    assert released.status == 200
    assert released.json["spam_status"] == "ok" and released.json["reply"] == "queued"
    assert lead_of(database, values["email"])["spam_status"] == "ok"
    assert ("reply", "queued") in {(r["kind"], r["status"]) for r in outbox_of(database, lead_id)}
    assert values["email"] in [lead["email"] for lead in api.get("/api/leads", key=key).json["leads"]]

    marked = api.post(f"/api/leads/{lead_id}/spam", key=key)

    assert marked.status == 200 and marked.json["spam_status"] == "quarantined"
    assert marked.json["spam_signals"] == ["no_token", "marked_by_owner"]
    assert ("reply", "queued") not in {(r["kind"], r["status"]) for r in outbox_of(database, lead_id)}
    assert ("reply", "cancelled") in {(r["kind"], r["status"]) for r in outbox_of(database, lead_id)}


def test_a_released_spam_intent_lead_gets_its_reply(api, client_with_alerts, database):
    email = "marketing@rank-first.example.net"
    api.post("/api/lead", {"name": "Rank First", "email": email, "message": SEO}, key=client_with_alerts.api_key)
    lead_id = lead_of(database, email)["id"]

    released = api.post(f"/api/leads/{lead_id}/not-spam", key=client_with_alerts.api_key)

    assert released.json["reply"] == "queued"


def test_a_released_lead_writing_again_in_words_read_as_spam_still_gets_its_reply(api, client_with_alerts, database):
    email = "marketing@rank-higher.example.net"
    api.post("/api/lead", {"name": "Rank Higher", "email": email, "message": SEO}, key=client_with_alerts.api_key)
    lead_id = lead_of(database, email)["id"]
    api.post(f"/api/leads/{lead_id}/not-spam", key=client_with_alerts.api_key)
    database.sql("UPDATE lead_replies SET status = 'sent', sent_at = now() - interval '1 hour' "
                 "WHERE lead_id = :l AND status = 'queued'", l=lead_id)

    api.post("/api/lead", {"name": "Rank Higher", "email": email, "message": SEO}, key=client_with_alerts.api_key)

    assert [r["status"] for r in outbox_of(database, lead_id) if r["kind"] == "reply"].count("queued") == 1


def test_not_spam_on_a_lead_not_in_the_quarantine_changes_nothing_and_queues_no_second_reply(
        api, client_with_alerts, database):
    email = "julie.fortin@videotron.ca"
    api.post("/api/lead", {"name": "Julie Fortin", "email": email, "message": "Une soumission pour ma toiture?"},
             key=client_with_alerts.api_key)
    lead_id = lead_of(database, email)["id"]
    database.sql("UPDATE lead_replies SET status = 'sent', sent_at = now() - interval '1 hour' WHERE lead_id = :l",
                 l=lead_id)

    answer = api.post(f"/api/leads/{lead_id}/not-spam", key=client_with_alerts.api_key)

    assert answer.status == 200 and answer.json["spam_status"] == "ok" and answer.json["reply"] is None
    assert [r["status"] for r in outbox_of(database, lead_id) if r["kind"] == "reply"] == ["sent"]


def test_another_clients_lead_cannot_be_released(api, client, poster, database):
    values = fields(poster.key, _ts=None)
    poster.post(values, headers=FETCH)
    lead_id = lead_of(database, values["email"])["id"]

    assert api.post(f"/api/leads/{lead_id}/not-spam", key=client.api_key).status == 404
    assert api.post("/api/leads/not-a-uuid/spam", key=client.api_key).status == 404
    assert lead_of(database, values["email"])["spam_status"] == "quarantined"


def test_the_nightly_maintenance_deletes_ip_digests_after_48_hours(poster, database):
    poster.post(fields(poster.key), headers=FETCH)
    form_id = poster.form["form_id"]
    now = datetime.datetime.now(datetime.UTC)

    assert maintenance.run(now + datetime.timedelta(hours=47)).form_posts_deleted == 0
    assert database.scalar("SELECT count(*) FROM form_posts WHERE form_id = :f", f=form_id) == 1
    assert maintenance.run(now + datetime.timedelta(hours=48, minutes=1)).form_posts_deleted >= 1
    assert database.scalar("SELECT count(*) FROM form_posts WHERE form_id = :f", f=form_id) == 0


def test_a_post_from_outside_never_moves_a_lead_out_of_the_inbox_and_its_suspicious_message_gets_no_reply(
        api, poster, client_with_alerts, database):
    """Anyone may post any email to a public form: a signalled message about a lead already in the
    inbox leaves it there (only the owner's Spam action moves it) and gets no reply nor alert."""
    values = fields(poster.key)
    untimed = {name: value for name, value in values.items() if name != "_ts"}
    poster.post(values, headers=FETCH)
    lead = lead_of(database, values["email"])
    database.sql("UPDATE lead_replies SET status = 'sent', sent_at = now() - interval '1 hour' WHERE lead_id = :l",
                 l=lead["id"])
    poster.post(dict(untimed, message="Hello again"), headers=FETCH)

    assert lead_of(database, values["email"])["spam_status"] == "ok"
    replies = database.sql("SELECT status, last_error FROM lead_replies WHERE lead_id = :l AND kind = 'reply' "
                           "ORDER BY created_at", l=lead["id"])
    assert [(r["status"], r["last_error"]) for r in replies] == [("sent", None), ("skipped", "spam")]
    assert database.sql("SELECT 1 FROM lead_replies WHERE lead_id = :l AND kind = 'alert' AND created_at > "
                        "now() - interval '1 minute' AND status = 'queued' AND message_id = (SELECT id FROM "
                        "lead_messages WHERE lead_id = :l ORDER BY received_at DESC LIMIT 1)", l=lead["id"]) == []


def test_a_quarantined_lead_stays_quarantined_until_the_owner_releases_it(api, poster, client_with_alerts,
                                                                          database):
    values = fields(poster.key)
    untimed = {name: value for name, value in values.items() if name != "_ts"}
    poster.post(untimed, headers=FETCH)
    poster.post(values, headers=FETCH)
    lead = lead_of(database, values["email"])
    assert (lead["spam_status"], lead["spam_signals"]) == ("quarantined", ["no_token"])

    api.post(f"/api/leads/{lead['id']}/not-spam", key=client_with_alerts.api_key)
    poster.post(dict(untimed, message="Me again: any news about the quote?"), headers=FETCH)

    assert lead_of(database, values["email"])["spam_status"] == "ok"  # the owner's word stands
    stats = next(f["stats"] for f in api.get("/api/forms", key=client_with_alerts.api_key).json["forms"]
                 if f["form_id"] == poster.form["form_id"])
    assert stats == {"accepted_today": 1, "quarantined_today": 2, "blocked_today": 0}
