"""Unsubscribe end to end: a reply sent over SMTP, its link followed over HTTP on the served app (GET
shows one button, POST unsubscribes at once, including RFC 8058's one-click POST a mail client sends
by itself), and what that changes; unknown links; the Lambda handler answering the same."""
import base64
import hashlib
import urllib.error
import urllib.parse
import urllib.request

import pytest

from shared.mail import sender
from tests.helpers import apigw_event, load_function

pytestmark = [pytest.mark.pooled, pytest.mark.usefixtures("fresh_outbox")]
ONE_CLICK = b"List-Unsubscribe=One-Click"
FORM = "application/x-www-form-urlencoded"


def fetch(url: str, method: str = "GET", body: bytes | None = None, content_type: str | None = None):
    request = urllib.request.Request(url, data=body, method=method)
    if content_type:
        request.add_header("Content-Type", content_type)
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, dict(answer.headers), answer.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read().decode()


@pytest.fixture
def sent_reply(platform_smtp, server, monkeypatch, mail_client, lead_with_reply):
    """A reply really sent, its links pointing at the served app: (client_id, lead_id, email, link)."""
    monkeypatch.setenv("AVENIR_PUBLIC_URL", server)
    client_id = mail_client(business_name="Toitures Laval")
    email = "olivia.park@parkhomes.ca"
    lead_id, _ = lead_with_reply(client_id, email=email)
    assert sender.send_due().sent == 1
    link = platform_smtp.received[-1].message["List-Unsubscribe"].strip().strip("<>")
    return client_id, lead_id, email, link


def test_the_link_shows_a_page_with_one_button_and_changes_nothing(sent_reply, database):
    client_id, _, email, link = sent_reply
    status, headers, page = fetch(link)
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert "Toitures Laval" in page and page.count("<button") == 1 and '<form method="post">' in page
    assert email not in page and "<script" not in page
    assert "script-src" not in headers["Content-Security-Policy"] and "default-src 'none'" in \
        headers["Content-Security-Policy"]
    assert headers["Referrer-Policy"] == "no-referrer" and headers["Cache-Control"] == "no-store"
    assert database.scalar("SELECT count(*) FROM unsubscribes WHERE client_id = :c", c=client_id) == 0


@pytest.mark.parametrize("body, content_type", [(ONE_CLICK, FORM), (b"", FORM), (b"", None)])
def test_posting_to_the_link_unsubscribes_at_once(sent_reply, database, lead_with_reply, body, content_type):
    client_id, lead_id, email, link = sent_reply
    status, headers, page = fetch(link, "POST", body, content_type)
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert "unsubscribed" in page and "Toitures Laval" in page
    row = database.one("SELECT * FROM unsubscribes WHERE client_id = :c", c=client_id)
    assert row["email_digest"] == hashlib.sha256(email.encode()).hexdigest()
    assert email not in str(row)
    status, _, page = fetch(link)
    assert status == 200 and "already unsubscribed" in page and "<button" not in page
    database.sql("UPDATE lead_replies SET sent_at = now() - interval '1 hour' WHERE lead_id = :l", l=lead_id)
    assert lead_with_reply(client_id, email=email.upper(), lead_id=lead_id)[1] == "unsubscribed"


def test_unsubscribing_twice_is_the_same_as_once(sent_reply, database):
    client_id, _, _, link = sent_reply
    assert fetch(link, "POST", ONE_CLICK, FORM)[0] == 200
    assert fetch(link, "POST", ONE_CLICK, FORM)[0] == 200
    assert database.scalar("SELECT count(*) FROM unsubscribes WHERE client_id = :c", c=client_id) == 1


def test_a_reply_waiting_for_that_email_is_skipped_at_once(sent_reply, database, lead_with_reply, replies_of,
                                                           mail_client):
    client_id, lead_id, email, link = sent_reply
    database.sql("UPDATE lead_replies SET sent_at = now() - interval '1 hour' WHERE lead_id = :l", l=lead_id)
    assert lead_with_reply(client_id, email=email, lead_id=lead_id)[1] == "queued"
    other_client = mail_client()
    other_lead, _ = lead_with_reply(other_client, email=email)
    fetch(link, "POST", ONE_CLICK, FORM)
    assert [r["status"] for r in replies_of(lead_id)] == ["sent", "skipped"]
    assert replies_of(lead_id)[1]["last_error"] == "unsubscribed"
    assert [r["status"] for r in replies_of(other_lead)] == ["queued"]  # another client's replies go on


def test_the_link_still_works_sixty_one_days_later_and_not_once_expired(sent_reply, database):
    _, _, _, link = sent_reply
    database.sql("UPDATE unsubscribe_tokens SET created_at = now() - interval '61 days', "
                 "expires_at = now() + interval '119 days'")
    assert fetch(link)[0] == 200
    database.sql("UPDATE unsubscribe_tokens SET created_at = now() - interval '181 days', "
                 "expires_at = now() - interval '1 day'")
    assert fetch(link)[0] == 404


@pytest.mark.parametrize("token", ["Zq3xT0kenThatWasNeverIssued_0123456789ab", "short", "not-a-token!!%21", "x" * 300])
def test_an_unknown_link_is_a_404_page_in_both_languages(server, token, database):
    for method, body in (("GET", None), ("POST", ONE_CLICK)):
        status, headers, page = fetch(f"{server}/u/{urllib.parse.quote(token)}", method, body, FORM if body else None)
        assert status == 404 and headers["Content-Type"].startswith("text/html")
        assert "not valid" in page and "pas valide" in page
    assert database.scalar("SELECT count(*) FROM unsubscribes") == 0


def test_the_page_speaks_the_leads_language(platform_smtp, server, monkeypatch, mail_client, lead_with_reply):
    monkeypatch.setenv("AVENIR_PUBLIC_URL", server)
    lead_with_reply(mail_client(), language="fr")
    sender.send_due()
    link = platform_smtp.received[-1].message["List-Unsubscribe"].strip().strip("<>")
    status, _, page = fetch(link)
    assert status == 200 and 'lang="fr"' in page and "Me désabonner" in page
    assert "Vous êtes désabonné" in fetch(link, "POST", ONE_CLICK, FORM)[2]


def test_the_lambda_handler_answers_the_one_click_post_as_the_local_server_does(sent_reply, database):
    client_id, _, _, link = sent_reply
    path = urllib.parse.urlsplit(link).path
    function = load_function("unsubscribe")
    page = function.handler(apigw_event("GET", path, content_type=None), None)
    assert page["statusCode"] == 200 and page["headers"]["Content-Type"].startswith("text/html")
    assert "<button" in page["body"] and page["isBase64Encoded"] is False
    event = apigw_event("POST", path, raw=ONE_CLICK.decode(), content_type=FORM, base64_body=True)
    done = function.handler(event, None)
    assert done["statusCode"] == 200 and "unsubscribed" in done["body"]
    assert database.scalar("SELECT count(*) FROM unsubscribes WHERE client_id = :c", c=client_id) == 1
    unknown = function.handler(apigw_event("GET", "/u/" + base64.urlsafe_b64encode(b"x" * 24).decode(),
                                           content_type=None), None)
    assert unknown["statusCode"] == 404 and "pas valide" in unknown["body"]
