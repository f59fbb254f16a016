"""The follow-up sender against a real SMTP server (aiosmtpd, in this process): what it sends and
records, through which server, how it retries, what it never sends twice, and SES through moto."""
import dataclasses
import datetime
import hashlib
import ssl
import threading
import urllib.parse

import pytest

from infra.pgcluster import free_port
from shared.mail import envelope, outbox, render, sender, smtp, transports
from shared.platform import cipher

pytestmark = pytest.mark.usefixtures("fresh_outbox")


def unsubscribe_token(message) -> str:
    url = message["List-Unsubscribe"].strip().strip("<>")  # a long header is folded: unfolded, it keeps a space
    return urllib.parse.urlsplit(url).path.rsplit("/", 1)[1]


# --- what is sent and recorded --------------------------------------------------------------------

def test_a_due_reply_is_sent_once_and_recorded_with_its_message_id(platform_smtp, mail_client, lead_with_reply,
                                                                    replies_of):
    lead_id, _ = lead_with_reply(mail_client(), email="olivia@parkhomes.ca")
    summary = sender.send_due()
    assert summary.sent == 1 and sender.send_due().sent == 0
    [received] = platform_smtp.received
    assert received.rcpt_tos == ["olivia@parkhomes.ca"] and received.mail_from == "replies@avenir-mail.ca"
    [reply] = replies_of(lead_id)
    assert (reply["status"], reply["attempts"], reply["last_error"], reply["lease_until"]) == ("sent", 1, None, None)
    assert reply["sent_at"] is not None
    assert reply["provider_message_id"] == received.message["Message-ID"]
    assert reply["subject"] == received.message["Subject"] == "Your roof replacement quote: a few details"


def test_the_reply_goes_from_the_platform_in_the_clients_name_with_replies_to_the_client(
        platform_smtp, mail_client, lead_with_reply, database):
    client_id = mail_client(business_name="Toitures Laval")
    owner_email = database.scalar("SELECT email FROM clients WHERE client_id = :c", c=client_id)
    lead_with_reply(client_id, name="Olivia Park")
    sender.send_due()
    message = platform_smtp.received[0].message
    assert message["From"] == "Toitures Laval <replies@avenir-mail.ca>"
    assert message["To"] == "Olivia Park <" + platform_smtp.received[0].rcpt_tos[0] + ">"
    assert message["Reply-To"] == owner_email
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["List-Unsubscribe"].strip().startswith("<https://avenir.example.ca/u/")


def test_the_unsubscribe_token_is_stored_only_as_a_digest_valid_at_least_60_days(platform_smtp, mail_client,
                                                                                  lead_with_reply, replies_of,
                                                                                  database):
    lead_id, _ = lead_with_reply(mail_client(), email="olivia@parkhomes.ca")
    sender.send_due()
    token = unsubscribe_token(platform_smtp.received[0].message)
    assert len(token) >= 32  # 192 random bits: cannot be guessed
    row = database.one("SELECT * FROM unsubscribe_tokens WHERE token_digest = :d",
                       d=hashlib.sha256(token.encode()).hexdigest())
    assert row is not None and row["expires_at"] - row["created_at"] >= datetime.timedelta(days=60)
    assert "olivia" not in str(row) and token not in str(row)
    [reply] = replies_of(lead_id)
    assert token not in reply["body_text"] + reply["body_html"]
    assert render.UNSUBSCRIBE_MARK in reply["body_text"]
    assert token in platform_smtp.received[0].message.get_body(("plain",)).get_content()


def test_a_client_with_its_own_smtp_server_sends_through_it_from_its_outbound_address(
        smtp_server, monkeypatch, mail_client, lead_with_reply, database):
    monkeypatch.setenv("AVENIR_SMTP_URL", f"smtp://127.0.0.1:{free_port()}")  # the platform's: must not be used
    client_id = mail_client()
    database.sql("UPDATE clients SET smtp_host = '127.0.0.1', smtp_port = :p, outbound_email = 'hello@toitures.ca' "
                 "WHERE client_id = :c", p=smtp_server.port, c=client_id)
    lead_with_reply(client_id)
    assert sender.send_due().sent == 1
    [received] = smtp_server.received
    assert received.mail_from == "hello@toitures.ca"
    assert received.message["From"] == "Toitures Laval <hello@toitures.ca>"
    assert received.message["Message-ID"].endswith("@toitures.ca>")


def test_a_password_is_never_sent_to_a_server_without_tls(smtp_server, mail_client, lead_with_reply, replies_of,
                                                          database):
    client_id = mail_client()
    database.sql("UPDATE clients SET smtp_host = '127.0.0.1', smtp_port = :p, smtp_username = 'owner', "
                 "smtp_password = 'hunter2-secret' WHERE client_id = :c", p=smtp_server.port, c=client_id)
    lead_id, _ = lead_with_reply(client_id)
    assert sender.send_due().failed == 1
    [reply] = replies_of(lead_id)
    assert "no STARTTLS" in reply["last_error"] and smtp_server.received == []


@pytest.mark.parametrize("workers", [1, 3])
def test_many_replies_through_one_server_reuse_one_connection_per_worker(platform_smtp, mail_client,
                                                                          lead_with_reply, monkeypatch, workers):
    opened = []
    real_open = smtp.SmtpTransport._open
    monkeypatch.setattr(smtp.SmtpTransport, "_open", lambda self: opened.append(1) or real_open(self))
    client_id = mail_client()
    for _ in range(12):
        lead_with_reply(client_id)
    assert sender.send_due(workers=workers).sent == 12
    assert 1 <= len(opened) <= workers and len(platform_smtp.received) == 12


def test_replies_not_yet_due_wait(platform_smtp, mail_client, lead_with_reply, replies_of):
    lead_id, _ = lead_with_reply(mail_client(speed="Within 1 hour"))
    assert sender.send_due().sent == 0
    assert replies_of(lead_id)[0]["status"] == "queued" and platform_smtp.received == []


# --- stopped before sending -------------------------------------------------------------------------

def test_an_email_that_unsubscribed_after_its_reply_was_queued_gets_nothing(platform_smtp, mail_client,
                                                                            lead_with_reply, replies_of, database):
    client_id = mail_client()
    lead_id, _ = lead_with_reply(client_id, email="olivia@parkhomes.ca")
    database.sql("INSERT INTO unsubscribes (client_id, email_digest) "
                 "VALUES (:c, avenir_email_digest('OLIVIA@parkhomes.ca'))", c=client_id)
    assert sender.send_due().skipped == 1
    assert [(r["status"], r["last_error"]) for r in replies_of(lead_id)] == [("skipped", "unsubscribed")]
    assert platform_smtp.received == []


def test_a_client_that_turned_replies_off_meanwhile_sends_nothing(platform_smtp, mail_client, lead_with_reply,
                                                                  replies_of, database):
    client_id = mail_client()
    lead_id, _ = lead_with_reply(client_id)
    database.sql("UPDATE clients SET ai_personalized_reply = false WHERE client_id = :c", c=client_id)
    assert sender.send_due().cancelled == 1
    assert replies_of(lead_id)[0]["status"] == "cancelled" and platform_smtp.received == []


# --- temporary and permanent failures ---------------------------------------------------------------

def test_a_server_answering_421_then_250_gets_the_reply_on_the_second_attempt(platform_smtp, mail_client,
                                                                              lead_with_reply, replies_of,
                                                                              time_passes):
    platform_smtp.handler.script = ["421 4.7.0 Try again later"]
    lead_id, _ = lead_with_reply(mail_client())
    before = datetime.datetime.now(datetime.UTC)
    assert sender.send_due().retrying == 1
    [reply] = replies_of(lead_id)
    assert (reply["status"], reply["attempts"], reply["last_error"]) == ("queued", 1, "temporary failure (421 4.7.0)")
    assert before + datetime.timedelta(seconds=59) <= reply["due_at"] <= before + datetime.timedelta(seconds=75)
    assert sender.send_due().sent == 0  # not before its retry is due
    time_passes()
    assert sender.send_due().sent == 1
    [reply] = replies_of(lead_id)
    assert (reply["status"], reply["attempts"], reply["last_error"]) == ("sent", 2, None)
    assert len(platform_smtp.received) == 1


@pytest.mark.parametrize("where, answer, error", [
    ("rcpt", "550 5.1.1 No such user here", "recipient refused (550 5.1.1)"),
    ("data", "554 5.7.1 Message rejected as spam", "message refused (554 5.7.1)")])
def test_a_server_answering_5xx_fails_the_reply_at_once_with_what_failed(platform_smtp, mail_client, lead_with_reply,
                                                                         replies_of, time_passes, where, answer,
                                                                         error):
    script = platform_smtp.handler.rcpt_script if where == "rcpt" else platform_smtp.handler.script
    script.append(answer)
    lead_id, _ = lead_with_reply(mail_client())
    assert sender.send_due().failed == 1
    time_passes()
    assert sender.send_due().sent == 0
    [reply] = replies_of(lead_id)
    assert (reply["status"], reply["attempts"], reply["last_error"]) == ("failed", 1, error)


def test_a_server_that_is_down_is_retried_later_and_tried_once_per_run(monkeypatch, mail_client, lead_with_reply,
                                                                       replies_of, smtp_server, time_passes):
    monkeypatch.setenv("AVENIR_SMTP_URL", f"smtp://127.0.0.1:{free_port()}")  # nothing listens there
    client_id = mail_client()
    leads = [lead_with_reply(client_id)[0] for _ in range(3)]
    assert sender.send_due().retrying == 3
    for lead_id in leads:
        [reply] = replies_of(lead_id)
        assert reply["status"] == "queued" and reply["attempts"] == 1
        assert reply["last_error"] == "connection refused"
    monkeypatch.setenv("AVENIR_SMTP_URL", smtp_server.url)  # it is back
    time_passes()
    assert sender.send_due().sent == 3


def test_a_server_too_slow_to_answer_times_out_and_is_retried(platform_smtp, monkeypatch, mail_client,
                                                              lead_with_reply, replies_of):
    monkeypatch.setenv("AVENIR_SMTP_TIMEOUT_S", "0.5")
    platform_smtp.handler.script = [("sleep", 2)]
    lead_id, _ = lead_with_reply(mail_client())
    assert sender.send_due().retrying == 1  # a sender that waited the server out would have sent it
    [reply] = replies_of(lead_id)
    assert reply["status"] == "queued" and "(timeout)" in reply["last_error"]


def test_after_six_temporary_failures_the_reply_fails_with_delays_growing_in_between(
        platform_smtp, mail_client, lead_with_reply, replies_of, time_passes):
    platform_smtp.handler.script = ["451 4.3.0 Local error"] * 10
    lead_id, _ = lead_with_reply(mail_client())
    delays = []
    for attempt in range(1, 7):
        started = datetime.datetime.now(datetime.UTC)
        sender.send_due()
        [reply] = replies_of(lead_id)
        assert reply["attempts"] == attempt
        if attempt < 6:
            assert reply["status"] == "queued"
            delays.append(round((reply["due_at"] - started).total_seconds() / 60))
            time_passes()
    assert delays == [1, 5, 15, 30, 60]
    assert reply["status"] == "failed" and reply["last_error"] == "temporary failure (451 4.3.0) (after 6 attempts)"
    time_passes()
    assert sender.send_due().sent == 0 and replies_of(lead_id)[0]["attempts"] == 6


def test_no_platform_sender_configured_keeps_replies_waiting_with_the_reason(monkeypatch, mail_client,
                                                                             lead_with_reply, replies_of):
    monkeypatch.delenv("AVENIR_SMTP_URL", raising=False)
    monkeypatch.delenv("AVENIR_SES_FROM", raising=False)
    lead_id, _ = lead_with_reply(mail_client())
    assert sender.send_due().retrying == 1
    assert "AVENIR_SMTP_URL or AVENIR_SES_FROM" in replies_of(lead_id)[0]["last_error"]


# --- never twice ------------------------------------------------------------------------------------

BULK_REPLIES = """
WITH lead AS (
  INSERT INTO lead_memory (client_id, email, name, language, intent)
  SELECT :client_id, 'lead' || n || '@bulk-roofing.ca', 'Lead ' || n, 'en', 'quote_request'
  FROM generate_series(1, :count) AS n
  RETURNING id, client_id, email
)
INSERT INTO lead_replies (client_id, lead_id, to_email, language, intent, due_at)
SELECT client_id, id, email, 'en', 'quote_request', now() - interval '1 minute' FROM lead
"""


def test_two_senders_at_once_on_200_due_replies_send_each_exactly_once(platform_smtp, mail_client, database):
    client_id = mail_client()
    database.sql(BULK_REPLIES, client_id=client_id, count=200)
    start, summaries = threading.Barrier(2), []

    def run():
        start.wait()
        summaries.append(sender.send_due(batch_size=10))
    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sum(s.sent for s in summaries) == 200
    message_ids = [r.message["Message-ID"] for r in platform_smtp.received]
    assert len(message_ids) == len(set(message_ids)) == 200
    recipients = sorted(r.rcpt_tos[0] for r in platform_smtp.received)
    assert recipients == sorted(f"lead{n}@bulk-roofing.ca" for n in range(1, 201))
    stored = database.sql("SELECT status, attempts, provider_message_id FROM lead_replies WHERE client_id = :c",
                          c=client_id)
    assert {(r["status"], r["attempts"]) for r in stored} == {("sent", 1)}
    assert {r["provider_message_id"] for r in stored} == set(message_ids)


class SenderDied(BaseException):
    """The process stops dead (a Lambda timeout, a lost machine): nothing after it runs."""


def test_a_sender_that_dies_after_the_server_accepted_is_followed_by_one_resend_with_the_same_message_id(
        platform_smtp, mail_client, lead_with_reply, replies_of, database, monkeypatch):
    lead_id, _ = lead_with_reply(mail_client())
    real_record = outbox.record

    def dies_when_recording_sent(reply, status, *args, **kwargs):
        if status == "sent":
            raise SenderDied()
        return real_record(reply, status, *args, **kwargs)
    monkeypatch.setattr(outbox, "record", dies_when_recording_sent)
    with pytest.raises(SenderDied):
        sender.send_due()
    monkeypatch.setattr(outbox, "record", real_record)
    assert replies_of(lead_id)[0]["status"] == "sending"
    assert sender.send_due().sent == 0  # the lease still holds: nobody else sends it meanwhile
    database.sql("UPDATE lead_replies SET lease_until = now() - interval '1 second' WHERE lead_id = :l", l=lead_id)
    assert sender.send_due().sent == 1
    first, second = platform_smtp.received
    assert first.message["Message-ID"] == second.message["Message-ID"] == replies_of(lead_id)[0]["provider_message_id"]
    first_text, second_text = (r.message.get_body(("plain",)).get_content().replace("\r\n", "\n")
                                for r in (first, second))
    assert first_text.split("\n-- \n")[0] == second_text.split("\n-- \n")[0]  # each has its own unsubscribe token
    assert (replies_of(lead_id)[0]["status"], replies_of(lead_id)[0]["attempts"]) == ("sent", 2)


def test_a_sender_whose_lease_was_taken_over_records_nothing(mail_client, lead_with_reply, replies_of, database):
    lead_id, _ = lead_with_reply(mail_client())
    [claimed] = outbox.claim(10, 300)
    database.sql("UPDATE lead_replies SET lease_until = now() - interval '1 second' WHERE lead_id = :l", l=lead_id)
    [taken_over] = outbox.claim(10, 300)
    assert outbox.record(claimed, "failed", "late news") is False
    assert outbox.record(taken_over, "sent") is True
    assert replies_of(lead_id)[0]["status"] == "sent"


def test_a_claimed_reply_is_never_changed_in_place_and_an_attempt_makes_a_new_one(mail_client, lead_with_reply):
    lead_with_reply(mail_client())
    [claimed] = outbox.claim(10, 300)
    with pytest.raises(dataclasses.FrozenInstanceError):
        claimed.attempts = 5
    attempted = outbox.begin_attempt(claimed)
    assert (claimed.attempts, attempted.attempts) == (0, 1) and attempted.lease_until == claimed.lease_until
    assert outbox.record(attempted, "sent") is True


def test_replies_not_started_before_the_lease_nears_its_end_are_handed_back_unsent(
        platform_smtp, mail_client, lead_with_reply, replies_of, monkeypatch):
    monkeypatch.setattr(sender, "LEASE_MARGIN_S", sender.LEASE_S + 1)
    lead_id, _ = lead_with_reply(mail_client())
    summary = sender.send_due(budget_s=0.5)
    assert summary.released >= 1 and summary.sent == 0
    [reply] = replies_of(lead_id)
    assert (reply["status"], reply["attempts"]) == ("queued", 0) and platform_smtp.received == []


def test_a_reply_claimed_again_after_its_last_attempt_died_is_failed_not_sent_a_seventh_time(
        platform_smtp, mail_client, lead_with_reply, replies_of, database):
    lead_id, _ = lead_with_reply(mail_client())
    database.sql("UPDATE lead_replies SET status = 'sending', attempts = 6, lease_until = now() - interval '1 second' "
                 "WHERE lead_id = :l", l=lead_id)
    assert sender.send_due().failed == 1
    assert replies_of(lead_id)[0]["status"] == "failed" and platform_smtp.received == []


# --- TLS -----------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    """A self-signed certificate for 127.0.0.1, trusted by the test's SSL contexts."""
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
            .sign(key, hashes.SHA256()))
    folder = tmp_path_factory.mktemp("tls")
    (folder / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / "key.pem").write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                       serialization.NoEncryption()))
    return folder / "cert.pem", folder / "key.pem"


def tls_server(certificate, implicit: bool, logins: list):
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult

    from tests.helpers import ScriptedHandler

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*certificate)

    def authenticator(server, session, envelope, mechanism, auth_data):
        logins.append((auth_data.login.decode(), auth_data.password.decode()))
        return AuthResult(success=True)
    handler = ScriptedHandler()
    options = {"ssl_context": context} if implicit else {"tls_context": context, "require_starttls": True}
    # aiosmtpd counts only STARTTLS as TLS for AUTH: with implicit TLS the whole session is encrypted
    controller = Controller(handler, hostname="127.0.0.1", port=free_port(), authenticator=authenticator,
                            auth_require_tls=not implicit, **options)
    if implicit:
        controller.ready_timeout = 10
    controller.start()
    return controller, handler


def test_starttls_then_login_with_the_clients_decrypted_password(certificate, monkeypatch, mail_client,
                                                                  lead_with_reply, database):
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))
    monkeypatch.setenv("AVENIR_SECRET_KEY", cipher.new_key())
    logins = []
    controller, handler = tls_server(certificate, implicit=False, logins=logins)
    try:
        client_id = mail_client()
        stored = cipher.encrypt("S3cret-smtp")  # as PATCH /api/client stores it
        database.sql("UPDATE clients SET smtp_host = '127.0.0.1', smtp_port = :p, smtp_username = 'owner', "
                     "smtp_password = :pw WHERE client_id = :c", p=controller.port, pw=stored, c=client_id)
        lead_with_reply(client_id)
        assert sender.send_due().sent == 1
        assert logins == [("owner", "S3cret-smtp")] and len(handler.received) == 1
    finally:
        controller.stop()


def test_port_465_means_implicit_tls_and_any_other_port_starttls():
    assert smtp.SmtpTransport("mail.example.ca", 465).implicit_tls is True
    assert smtp.SmtpTransport("mail.example.ca", 587).implicit_tls is False
    assert smtp.SmtpTransport.from_url("smtps://mail.example.ca").port == 465
    assert smtp.SmtpTransport.from_url("smtp://u:p%40ss@mail.example.ca:2525").password == "p@ss"


def test_implicit_tls_sends_over_an_encrypted_connection_from_the_start(certificate, monkeypatch):
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))
    logins = []
    controller, handler = tls_server(certificate, implicit=True, logins=logins)
    try:
        transport = smtp.SmtpTransport("127.0.0.1", controller.port, "owner", "pw", implicit_tls=True)
        message = envelope.email_message(render.reply(render.ReplyContext("en", "other", "Friendly", "A", "B")),
                                       envelope.Envelope("B", "b@b.ca", "A", "a@a.ca", None), "<1@b.ca>", "en",
                                       "https://x/u/t")
        transport.send(message, "b@b.ca", "a@a.ca")
        transport.close()
        assert logins == [("owner", "pw")] and len(handler.received) == 1
    finally:
        controller.stop()


def test_a_certificate_that_does_not_verify_fails_the_reply_for_good(certificate, mail_client, lead_with_reply,
                                                                     replies_of, database):
    logins = []
    controller, _ = tls_server(certificate, implicit=False, logins=logins)  # not trusted: no SSL_CERT_FILE
    try:
        client_id = mail_client()
        database.sql("UPDATE clients SET smtp_host = '127.0.0.1', smtp_port = :p, smtp_username = 'owner', "
                     "smtp_password = 'pw' WHERE client_id = :c", p=controller.port, c=client_id)
        lead_id, _ = lead_with_reply(client_id)
        assert sender.send_due().failed == 1
        assert "certificate" in replies_of(lead_id)[0]["last_error"] and logins == []
    finally:
        controller.stop()


# --- Amazon SES (moto) -------------------------------------------------------------------------------

@pytest.fixture
def ses(monkeypatch):
    """SES as moto serves it, with the platform sender's address verified."""
    import boto3
    from moto import mock_aws

    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                        "AWS_DEFAULT_REGION": "ca-central-1"}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AVENIR_SMTP_URL", raising=False)
    monkeypatch.setenv("AVENIR_SES_FROM", "replies@avenir-mail.ca")
    with mock_aws():
        client = boto3.client("ses", region_name="ca-central-1")
        client.verify_email_identity(EmailAddress="replies@avenir-mail.ca")
        yield client


def ses_sent(client) -> list:
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.ses.models import ses_backends

    return ses_backends[DEFAULT_ACCOUNT_ID]["ca-central-1"].sent_messages


def test_without_an_smtp_url_the_platform_sends_through_ses(ses, mail_client, lead_with_reply, replies_of):
    lead_id, _ = lead_with_reply(mail_client(), email="olivia@parkhomes.ca")
    assert sender.send_due(ses_client=ses).sent == 1
    [sent] = ses_sent(ses)
    assert sent.source == "replies@avenir-mail.ca" and "olivia@parkhomes.ca" in sent.destinations
    assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in sent.raw_data
    assert replies_of(lead_id)[0]["status"] == "sent"


def test_ses_refusing_an_unverified_sender_fails_the_reply_with_its_error(ses, monkeypatch, mail_client,
                                                                          lead_with_reply, replies_of):
    monkeypatch.setenv("AVENIR_SES_FROM", "nobody@unverified.example.ca")
    lead_id, _ = lead_with_reply(mail_client())
    assert sender.send_due(ses_client=ses).failed == 1
    assert replies_of(lead_id)[0]["last_error"].startswith("SES MessageRejected")


@pytest.mark.parametrize("code, status, temporary", [("Throttling", 400, True), ("ServiceUnavailable", 503, True),
                                                     ("InternalFailure", 500, True), ("MessageRejected", 400, False),
                                                     ("AccountSendingPausedException", 400, False)])
def test_ses_errors_are_sorted_into_temporary_and_permanent(code, status, temporary):
    from botocore.exceptions import ClientError

    error = ClientError({"Error": {"Code": code, "Message": "m"}, "ResponseMetadata": {"HTTPStatusCode": status}},
                        "SendRawEmail")
    failure = transports.ses_failure(error)
    assert isinstance(failure, transports.TemporaryFailure if temporary else transports.PermanentFailure)
