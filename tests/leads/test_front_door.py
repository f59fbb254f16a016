"""POST /f/{form_key} over served HTTP as browsers, pages' scripts and servers send it: the three
encodings, the answers (303, the bilingual pages, {"ok": true}), CORS per form, the honeypot, the
rate limits, and that the lead goes through the intake (dedupe, message log, reply, alert)."""
import os
import uuid

import pytest

from infra.pgcluster import free_port
from shared.platform import db
from tests.helpers import apigw_event, invoke, load_function
from tests.leads.front_door import FETCH, NAVIGATE, QUOTE, SITE, Poster, fields, json_body, multipart, send, urlencoded

pytestmark = pytest.mark.pooled


@pytest.fixture
def form(api, client) -> dict:
    """A fresh form per test (the rate limits count per form, and every test posts from 127.0.0.1)."""
    return api.post("/api/forms", {"allowed_origins": [SITE, "http://127.0.0.1:9"],
                                   "thank_you_url": "https://toitures-laval.ca/merci"}, key=client.api_key).json


@pytest.fixture
def poster(server, form) -> Poster:
    return Poster(server, form)


def lead_of(database, email):
    return database.one("SELECT * FROM lead_memory WHERE email = :email", email=email)


def test_a_browsers_form_post_lands_as_a_lead_and_ends_on_the_thank_you_url(poster, database):
    values = fields(poster.key)

    answer = poster.browser(values)

    assert answer.status == 303 and answer.headers["Location"] == "https://toitures-laval.ca/merci"
    lead = lead_of(database, values["email"])
    assert lead["name"] == "Sophie Tremblay" and lead["phone"] == "+14505550187"
    assert lead["spam_status"] == "ok" and lead["spam_signals"] == []
    assert database.scalar("SELECT message FROM lead_messages WHERE lead_id = :id", id=lead["id"]) == QUOTE
    assert database.scalar("SELECT status FROM lead_replies WHERE lead_id = :id AND kind = 'reply'",
                           id=lead["id"]) == "queued"


def test_without_a_thank_you_url_the_browser_gets_a_small_bilingual_page(api, client, server, database):
    form = api.post("/api/forms", {"allowed_origins": [SITE], "language": "fr"}, key=client.api_key).json

    answer = Poster(server, form).browser(fields(form["form_key"]))

    assert answer.status == 200 and answer.headers["Content-Type"].startswith("text/html")
    assert answer.text.index("Merci, votre message a été envoyé.") < answer.text.index("Thank you, your message")


def test_an_origin_the_owner_typed_in_capitals_lets_that_sites_posts_in(api, client, server, database):
    form = api.post("/api/forms", {"allowed_origins": ["HTTPS://Toitures-Laval.CA"]}, key=client.api_key).json
    values = fields(form["form_key"])

    answer = Poster(server, form).post(values, headers=FETCH)

    assert answer.status == 200 and answer.headers["Access-Control-Allow-Origin"] == SITE
    assert lead_of(database, values["email"])["message"] == QUOTE


def test_a_multipart_post_from_a_pages_fetch_gets_ok_and_its_origin_back(poster, database):
    values = fields(poster.key)

    answer = poster.post(values, encoding=lambda v: multipart(v, files={"resume": "not kept"}), headers=FETCH)

    assert answer.status == 200 and answer.json == {"ok": True}
    assert answer.headers["Access-Control-Allow-Origin"] == SITE
    assert lead_of(database, values["email"])["message"] == QUOTE


def test_a_json_post_gets_ok(poster, database):
    values = fields(poster.key, language="fr")

    answer = poster.post(values, encoding=json_body, origin=None)

    assert answer.status == 200 and answer.json == {"ok": True}
    assert lead_of(database, values["email"])["language"] == "fr"


def test_a_second_post_from_the_same_email_updates_the_same_lead(poster, database):
    values = fields(poster.key)
    poster.post(values, headers=FETCH)

    poster.post(dict(values, message="Also, can you check the gutters?"), headers=FETCH)

    assert database.scalar("SELECT count(*) FROM lead_memory WHERE email = :e", e=values["email"]) == 1
    assert database.scalar("SELECT count(*) FROM lead_messages JOIN lead_memory ON lead_memory.id = lead_id "
                           "WHERE email = :e", e=values["email"]) == 2


def test_a_public_post_never_changes_a_known_leads_phone_but_keeps_the_new_one_on_its_message(
        api, client, poster, database):
    email = f"olivia.{uuid.uuid4().hex[:6]}@parkhomes.ca"
    api.post("/api/lead", {"name": "Olivia Park", "email": email, "message": f"{QUOTE} Call me at 514-555-0142."},
             key=client.api_key)

    poster.post(fields(poster.key, email=email, phone="438-555-0199"), headers=FETCH)

    lead = lead_of(database, email)
    assert lead["phone"] == "+15145550142"
    assert database.scalar("SELECT phone FROM lead_messages WHERE lead_id = :l ORDER BY received_at DESC LIMIT 1",
                           l=lead["id"]) == "+14385550199"


def test_a_public_post_gives_a_known_lead_a_phone_it_did_not_have(api, client, poster, database):
    email = f"samuel.{uuid.uuid4().hex[:6]}@parkhomes.ca"
    api.post("/api/lead", {"name": "Samuel Roy", "email": email, "message": QUOTE}, key=client.api_key)

    poster.post(fields(poster.key, email=email, phone="438-555-0177"), headers=FETCH)

    assert lead_of(database, email)["phone"] == "+14385550177"


def test_the_preflight_is_answered_only_for_the_forms_origins(server, form):
    allowed = send(server, "OPTIONS", f"/f/{form['form_key']}",
                   headers={"Origin": SITE, "Access-Control-Request-Method": "POST"})
    refused = send(server, "OPTIONS", f"/f/{form['form_key']}",
                   headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"})

    assert allowed.status == 204 and allowed.headers["Access-Control-Allow-Origin"] == SITE
    assert "POST" in allowed.headers["Access-Control-Allow-Methods"]
    assert "Access-Control-Allow-Origin" not in refused.headers


def test_a_post_from_another_site_is_a_403_stores_no_lead_and_shows_in_the_forms_blocked_count(
        api, client, poster, database):
    values = fields(poster.key)

    answer = poster.post(values, origin="https://www.toitures-laval.ca", headers=FETCH)

    assert answer.status == 403 and "Access-Control-Allow-Origin" not in answer.headers
    assert lead_of(database, values["email"]) is None
    stats = next(f["stats"] for f in api.get("/api/forms", key=client.api_key).json["forms"]
                 if f["form_id"] == poster.form["form_id"])
    assert stats == {"accepted_today": 0, "quarantined_today": 0, "blocked_today": 1}


def test_an_unknown_or_disabled_key_is_a_404(api, client, poster):
    assert poster.post(fields(poster.key), origin=None).status == 200
    api.request("PATCH", f"/api/forms/{poster.form['form_id']}", {"enabled": False}, key=client.api_key)

    assert poster.post(fields(poster.key), origin=None).status == 404
    assert send(poster.base_url, "POST", "/f/avf_nosuchformkeyatall000", b"{}",
                {"Content-Type": "application/json"}).status == 404


def test_bad_fields_are_a_422_naming_them_and_store_nothing(poster, database):
    values = fields(poster.key, email="not-an-email", phone="call me")

    answer = poster.post(values, headers=FETCH)

    assert answer.status == 422
    assert {d["field"] for d in answer.json["error"]["details"]} == {"email", "phone"}
    assert answer.headers["Access-Control-Allow-Origin"] == SITE
    assert database.scalar("SELECT count(*) FROM form_posts WHERE form_id = :f", f=poster.form["form_id"]) == 0


def test_a_browser_with_bad_fields_gets_a_bilingual_page_saying_which(poster):
    answer = poster.browser(fields(poster.key, name=""))

    assert answer.status == 422 and answer.headers["Content-Type"].startswith("text/html")
    assert "your name (1 to 200 characters)" in answer.text and "votre nom (1 à 200 caractères)" in answer.text


def test_a_body_that_cannot_be_read_is_a_400_saying_why_in_words_not_a_python_name(poster):
    latin1 = send(poster.base_url, "POST", f"/f/{poster.key}", "name=André Bélanger".encode("latin-1"),
                  {"Content-Type": "application/x-www-form-urlencoded"})
    crowded = send(poster.base_url, "POST", f"/f/{poster.key}", "&".join(f"f{i}=x" for i in range(101)).encode(),
                   {"Content-Type": "application/x-www-form-urlencoded"})

    assert latin1.status == 400 and "not UTF-8 text" in latin1.json["error"]["message"]
    assert crowded.status == 400 and "more than 100 fields" in crowded.json["error"]["message"]
    assert "Error" not in latin1.json["error"]["message"] + crowded.json["error"]["message"]


def test_another_content_type_is_a_415(poster):
    answer = send(poster.base_url, "POST", f"/f/{poster.key}", b"name=x", {"Content-Type": "text/plain"})

    assert answer.status == 415


def test_a_filled_honeypot_gets_the_success_answer_stores_nothing_and_counts_as_blocked(api, client, poster, database):
    values = fields(poster.key, _gotcha="http://cheap-pills.example", email="not even an email")

    answer = poster.browser(values)

    assert answer.status == 303
    assert database.scalar("SELECT count(*) FROM lead_memory WHERE name = 'Sophie Tremblay' AND email = :e",
                           e=values["email"]) == 0
    stats = next(f["stats"] for f in api.get("/api/forms", key=client.api_key).json["forms"]
                 if f["form_id"] == poster.form["form_id"])
    assert stats == {"accepted_today": 0, "quarantined_today": 0, "blocked_today": 1}


@pytest.mark.parametrize("filled", [123, ["http://cheap-pills.example"], {"url": "x"}, True])
def test_a_honeypot_a_json_post_fills_with_anything_but_text_is_caught_too(poster, database, filled):
    values = {**fields(poster.key), "_gotcha": filled}

    answer = poster.post(values, encoding=json_body, headers=FETCH)

    assert answer.status == 200 and answer.json == {"ok": True}
    assert lead_of(database, values["email"]) is None
    assert database.scalar("SELECT count(*) FROM form_posts WHERE form_id = :f AND outcome = 'blocked'",
                           f=poster.form["form_id"]) == 1


def test_blocked_posts_never_count_toward_the_limits_so_a_script_cannot_close_the_form(poster, database):
    for _ in range(6):
        poster.post(fields(poster.key, _gotcha="http://cheap-pills.example"), headers=FETCH)
        poster.post(fields(poster.key), origin="https://evil.example", headers=FETCH)
    values = fields(poster.key)

    answer = poster.post(values, headers=FETCH)

    assert answer.status == 200 and lead_of(database, values["email"]) is not None


def test_the_sixth_post_from_one_address_in_ten_minutes_is_a_429_with_retry_after(poster, database):
    for _ in range(5):
        assert poster.post(fields(poster.key), headers=FETCH).status == 200
    values = fields(poster.key)

    answer = poster.post(values, headers=FETCH)

    assert answer.status == 429 and 1 <= int(answer.headers["Retry-After"]) <= 600
    assert answer.json["error"]["code"] == "too_many_posts"
    assert lead_of(database, values["email"]) is None


def test_a_browser_posting_too_often_gets_a_page_saying_to_wait_not_json(poster, database):
    for _ in range(5):
        assert poster.post(fields(poster.key), headers=FETCH).status == 200
    values = fields(poster.key)

    answer = poster.browser(values)

    assert answer.status == 429 and answer.headers["Content-Type"].startswith("text/html")
    assert 1 <= int(answer.headers["Retry-After"]) <= 600
    assert "Please wait a few minutes" in answer.text and "Veuillez patienter quelques minutes" in answer.text
    assert lead_of(database, values["email"]) is None


def test_a_browser_posting_from_another_site_or_to_a_disabled_form_gets_a_page_in_its_language(
        api, client, poster, database):
    values = fields(poster.key)

    elsewhere = poster.browser(values, origin="https://evil.example")
    api.request("PATCH", f"/api/forms/{poster.form['form_id']}", {"enabled": False}, key=client.api_key)
    disabled = poster.post(values, headers={**NAVIGATE, "Accept-Language": "fr-CA,fr;q=0.9,en;q=0.5"})

    assert elsewhere.status == 403 and elsewhere.headers["Content-Type"].startswith("text/html")
    assert "Please reach the business another way" in elsewhere.text
    assert disabled.status == 404 and disabled.headers["Content-Type"].startswith("text/html")
    assert disabled.text.index("ne reçoit plus de messages") < disabled.text.index("no longer taking messages")
    assert lead_of(database, values["email"]) is None


def test_a_browser_posting_a_large_file_with_its_message_gets_a_page_saying_so(poster, database):
    values = fields(poster.key)

    answer = poster.browser(values, encoding=lambda v: multipart(v, files={"photo": "x" * 300_000}))

    assert answer.status == 413 and answer.headers["Content-Type"].startswith("text/html")
    assert "too large to be sent" in answer.text and "trop volumineux" in answer.text
    assert lead_of(database, values["email"]) is None


def test_a_browser_posting_while_the_database_is_down_gets_a_page_to_try_again(form):
    public_forms = load_function("public_forms")
    os.environ["DATABASE_URL"] = f"postgresql://postgres@127.0.0.1:{free_port()}/nowhere"
    db.discard()

    body, content_type = urlencoded(fields(form["form_key"]))
    answer = public_forms.handler(apigw_event("POST", f"/f/{form['form_key']}", raw=body.decode(),
                                              content_type=content_type, path_params={"form_key": form["form_key"]},
                                              headers={"Origin": SITE, **NAVIGATE}), None)

    assert answer["statusCode"] == 503 and answer["headers"]["Content-Type"].startswith("text/html")
    assert int(answer["headers"]["Retry-After"]) > 0
    assert "send it again in a few minutes" in answer["body"] and "dans quelques minutes" in answer["body"]


def test_the_501st_post_to_a_form_in_a_day_is_a_429(poster, database):
    database.sql("INSERT INTO form_posts (form_id, client_id, ip_digest, outcome, posted_at) "
                 "SELECT :form_id, client_id, repeat('ab', 32), 'accepted', now() - interval '23 hours' "
                 "FROM lead_forms, generate_series(1, 500) WHERE form_id = :form_id", form_id=poster.form["form_id"])

    answer = poster.post(fields(poster.key), headers=FETCH)

    assert answer.status == 429 and 3000 <= int(answer.headers["Retry-After"]) <= 3600


def test_the_senders_ip_is_kept_only_as_a_keyed_digest(poster, database):
    poster.post(fields(poster.key), headers=FETCH)

    digest = database.scalar("SELECT ip_digest FROM form_posts WHERE form_id = :f", f=poster.form["form_id"])
    assert len(digest) == 64 and "127.0.0.1" not in digest
    assert digest != __import__("hashlib").sha256(b"127.0.0.1").hexdigest()


def test_the_token_is_a_signed_issue_time_with_cors_for_the_forms_origins(poster):
    answer = send(poster.base_url, "GET", f"/f/{poster.key}/token", headers={"Origin": SITE})

    assert answer.status == 200 and answer.headers["Access-Control-Allow-Origin"] == SITE
    assert answer.json["token"].startswith(str(answer.json["issued_at"]))


def test_the_embed_script_fills_the_forms_ts_with_a_fresh_token(poster):
    answer = send(poster.base_url, "GET", f"/f/{poster.key}/embed.js")

    assert answer.status == 200 and answer.headers["Content-Type"].startswith("text/javascript")
    assert f"/f/{poster.key}" in answer.text and "_ts" in answer.text
    assert answer.headers["Cache-Control"] == "no-store"


def test_through_lambda_the_sender_is_api_gateways_source_ip_never_x_forwarded_for(form, database):
    public_forms = load_function("public_forms")

    def post_from(source_ip, forwarded_for):
        event = apigw_event("POST", f"/f/{form['form_key']}", fields(form["form_key"]),
                            path_params={"form_key": form["form_key"]},
                            headers={"Origin": SITE, "X-Forwarded-For": forwarded_for})
        event["requestContext"]["http"]["sourceIp"] = source_ip
        return invoke(public_forms, event)

    for n in range(5):
        assert post_from("198.51.100.7", f"203.0.113.{n}").status == 200

    assert post_from("198.51.100.7", "203.0.113.99").status == 429  # a forged header changes nothing
    assert post_from("198.51.100.8", "198.51.100.7").status == 200
    assert database.scalar("SELECT count(DISTINCT ip_digest) FROM form_posts WHERE form_id = :f",
                           f=form["form_id"]) == 2


def test_an_ipv6_sender_is_counted_by_its_64_network_not_by_each_address_in_it(form, database):
    public_forms = load_function("public_forms")

    def post_from(source_ip):
        event = apigw_event("POST", f"/f/{form['form_key']}", fields(form["form_key"]),
                            path_params={"form_key": form["form_key"]}, headers={"Origin": SITE})
        event["requestContext"]["http"]["sourceIp"] = source_ip
        return invoke(public_forms, event).status

    assert [post_from(f"2001:db8:41:7::{n:x}") for n in range(1, 6)] == [200] * 5
    assert post_from("2001:db8:41:7:ffff:ffff:ffff:fffe") == 429  # another address of the same /64
    assert post_from("2001:db8:41:8::1") == 200  # the next /64 is another sender
    assert [post_from(ip) for ip in ("::ffff:198.51.100.20", "198.51.100.20", "198.51.100.21")] == [200, 200, 200]
    assert database.scalar("SELECT count(DISTINCT ip_digest) FROM form_posts WHERE form_id = :f",
                           f=form["form_id"]) == 4
