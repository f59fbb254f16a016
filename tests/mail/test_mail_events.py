"""Mail that listens, end to end: a reply really sent over SMTP, then Amazon SES's word about it
posted by SNS (signed as SNS signs, as text/plain JSON) to the served app's /api/mail/events; what the
sender does with the next replies to that address, for that client and the others; what the lead's
page says; replays, forged signatures and foreign certificate hosts refused; subscription confirmed."""
import json

import pytest

from shared.mail import sender
from tests.helpers import apigw_event, avenir, invoke, load_function
from tests.mail.conftest import SNS_CERT_URL

pytestmark = [pytest.mark.pooled, pytest.mark.usefixtures("fresh_outbox")]
SNS_HEADERS = {"x-amz-sns-message-type": "Notification"}


def post(api, message: dict, headers=SNS_HEADERS):
    return api.post("/api/mail/events", raw=json.dumps(message).encode(), content_type="text/plain; charset=UTF-8",
                    headers={**headers, "x-amz-sns-message-type": message.get("Type", "Notification")})


@pytest.fixture
def two_clients(platform_smtp, mail_client, make_client):
    """Two clients that reply to their leads: (Toitures Laval, Paysagement Lefebvre)."""
    return mail_client(business_name="Toitures Laval"), mail_client(business_name="Paysagement Lefebvre")


@pytest.fixture
def sent_to(lead_with_reply, replies_of, platform_smtp):
    """sent_to(client_id, email) -> (lead_id, Message-ID): a reply to a new lead, really sent."""
    def send(client_id, email):
        lead_id, outcome = lead_with_reply(client_id, email=email)
        assert outcome == "queued" and sender.send_due().sent == 1
        return lead_id, platform_smtp.received[-1].message["Message-ID"]
    return send


def next_reply(lead_with_reply, replies_of, client_id, email) -> dict:
    """A new lead from this address for this client, the sender run: its reply as stored."""
    lead_id, _ = lead_with_reply(client_id, email=email)
    sender.send_due()
    return replies_of(lead_id)[-1]


def test_a_permanent_bounce_stops_every_clients_replies_to_the_address(
        api, fake_sns, two_clients, sent_to, lead_with_reply, replies_of, database):
    laval, lefebvre = two_clients
    email = "olivia.park@parkhomes.ca"
    _, message_id = sent_to(laval, email)

    answer = post(api, fake_sns.notification("bounce_permanent", email, message_id))
    assert answer.status == 200 and answer.json == {"type": "Notification", "confirmed": False, "recorded": 1,
                                                    "suppressed": 1}
    for client_id in (laval, lefebvre):
        reply = next_reply(lead_with_reply, replies_of, client_id, email)
        assert (reply["status"], reply["last_error"]) == ("skipped", "suppressed: bounced")
    other = next_reply(lead_with_reply, replies_of, lefebvre, "someone.else@parkhomes.ca")
    assert other["status"] == "sent"


def test_the_address_is_suppressed_whatever_its_letter_case(api, fake_sns, two_clients, sent_to,
                                                            lead_with_reply, replies_of):
    laval, lefebvre = two_clients
    _, message_id = sent_to(laval, "Olivia.Park@ParkHomes.ca")
    post(api, fake_sns.notification("bounce_permanent", "olivia.park@parkhomes.ca", message_id))
    assert next_reply(lead_with_reply, replies_of, lefebvre, "OLIVIA.PARK@parkhomes.ca")["status"] == "skipped"


def test_a_transient_bounce_changes_nothing(api, fake_sns, two_clients, sent_to, lead_with_reply, replies_of,
                                            database):
    laval, _ = two_clients
    email = "full.mailbox@parkhomes.ca"
    _, message_id = sent_to(laval, email)
    answer = post(api, fake_sns.notification("bounce_transient", email, message_id))
    assert answer.status == 200 and (answer.json["recorded"], answer.json["suppressed"]) == (0, 0)
    assert database.scalar("SELECT count(*) FROM mail_events") == 0
    database.sql("UPDATE lead_replies SET sent_at = now() - interval '11 minutes'")  # past the 10-minute rule
    assert next_reply(lead_with_reply, replies_of, laval, email)["status"] == "sent"


def test_a_complaint_unsubscribes_the_address_from_that_client_only(
        api, fake_sns, two_clients, sent_to, lead_with_reply, replies_of, database, make_client):
    laval, lefebvre = two_clients
    email = "annoyed@parkhomes.ca"
    _, message_id = sent_to(laval, email)

    answer = post(api, fake_sns.notification("complaint", email, message_id))
    assert answer.status == 200 and (answer.json["recorded"], answer.json["suppressed"]) == (1, 1)
    assert database.scalar("SELECT count(*) FROM unsubscribes WHERE client_id = :c", c=laval) == 1
    assert next_reply(lead_with_reply, replies_of, lefebvre, email)["status"] == "sent"
    database.sql("UPDATE lead_replies SET sent_at = now() - interval '11 minutes'")
    # the intake's own rule now stops Laval's next reply; one queued before the complaint is stopped
    # by the sender, saying why
    assert next_reply(lead_with_reply, replies_of, laval, email)["last_error"] == "unsubscribed"


def test_a_reply_queued_before_a_complaint_is_skipped_saying_so(api, fake_sns, two_clients, sent_to,
                                                                lead_with_reply, replies_of, database):
    laval, _ = two_clients
    email = "annoyed-later@parkhomes.ca"
    _, message_id = sent_to(laval, email)
    database.sql("UPDATE lead_replies SET sent_at = now() - interval '11 minutes'")
    queued_lead, outcome = lead_with_reply(laval, email=email, name="Olivia Park")
    assert outcome == "queued"
    post(api, fake_sns.notification("complaint", email, message_id))
    sender.send_due()
    reply = replies_of(queued_lead)[-1]
    assert (reply["status"], reply["last_error"]) == ("skipped", "suppressed: complained")


def test_the_lead_page_says_whether_its_email_bounced_or_complained(
        api, fake_sns, platform_smtp, make_client, lead_with_reply, mail_client, database):
    from shared.clients import accounts
    client_id, key = accounts.create_client("Plomberie Gagnon", "bureau@plomberie-gagnon.ca")
    database.sql("UPDATE clients SET mailing_address = '1 rue Gagnon, Laval QC' WHERE client_id = :c", c=client_id)
    leads = {}
    for email in ("gone@parkhomes.ca", "spam-clicker@parkhomes.ca", "fine@parkhomes.ca"):
        leads[email], _ = lead_with_reply(client_id, email=email)
    sender.send_due()
    ids = {m["To"].split("<")[-1].strip(">"): m["Message-ID"] for m in (r.message for r in platform_smtp.received)}
    post(api, fake_sns.notification("bounce_permanent", "gone@parkhomes.ca", ids["gone@parkhomes.ca"]))
    post(api, fake_sns.notification("complaint", "spam-clicker@parkhomes.ca", ids["spam-clicker@parkhomes.ca"]))

    statuses = {email: api.get(f"/api/leads/{lead_id}", key=key).json["email_status"]
                for email, lead_id in leads.items()}
    assert statuses == {"gone@parkhomes.ca": "bounced", "spam-clicker@parkhomes.ca": "complained",
                        "fine@parkhomes.ca": "ok"}


def test_a_replayed_notification_changes_nothing(api, fake_sns, two_clients, sent_to, database):
    laval, _ = two_clients
    _, message_id = sent_to(laval, "twice@parkhomes.ca")
    bounce = fake_sns.notification("bounce_permanent", "twice@parkhomes.ca", message_id)
    first, again = post(api, bounce), post(api, bounce)
    # SES sending the same bounce through a second topic: another SNS MessageId, the same feedbackId
    resent = post(api, fake_sns.notification("bounce_permanent", "twice@parkhomes.ca", message_id))
    assert (first.json["recorded"], again.json["recorded"], resent.json["recorded"]) == (1, 0, 0)
    assert again.json["suppressed"] == resent.json["suppressed"] == 0
    assert database.scalar("SELECT count(*) FROM mail_events") == 1
    assert database.scalar("SELECT count(*) FROM mail_suppressions") == 1


@pytest.mark.parametrize("version", ["1", "2"])
def test_both_signature_versions_verify(api, fake_sns, two_clients, sent_to, version):
    _, message_id = sent_to(two_clients[0], f"v{version}@parkhomes.ca")
    answer = post(api, fake_sns.notification("bounce_permanent", f"v{version}@parkhomes.ca", message_id, version))
    assert answer.status == 200 and answer.json["recorded"] == 1


def test_a_forged_signature_is_refused_and_nothing_is_stored(api, fake_sns, two_clients, sent_to, database):
    from cryptography.hazmat.primitives.asymmetric import rsa
    _, message_id = sent_to(two_clients[0], "target@parkhomes.ca")
    genuine = fake_sns.notification("bounce_permanent", "target@parkhomes.ca", message_id)
    forger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = fake_sns.sign({k: v for k, v in genuine.items() if k != "Signature"}, key=forger)
    altered = {**genuine, "Message": genuine["Message"].replace("target@", "victim@")}
    for message in (forged, altered, {**genuine, "Signature": "bm90IGEgc2lnbmF0dXJl"}):
        answer = post(api, message)
        assert answer.status == 403 and answer.json["error"]["code"] == "forbidden"
    assert database.scalar("SELECT count(*) FROM mail_events") == 0
    assert database.scalar("SELECT count(*) FROM mail_suppressions") == 0


@pytest.mark.parametrize("url", ["https://evil.example.com/cert.pem", "http://sns.ca-central-1.amazonaws.com/c.pem",
                                 "https://sns.ca-central-1.amazonaws.com.evil.example/c.pem",
                                 "https://sns.ca-central-1.amazonaws.com:8443/c.pem"])
def test_a_certificate_from_anywhere_but_an_sns_host_is_never_fetched(api, fake_sns, database, url):
    message = fake_sns.notification("bounce_permanent", "a@parkhomes.ca", None)
    message = fake_sns.sign({**{k: v for k, v in message.items() if k != "Signature"}, "SigningCertURL": url})
    answer = post(api, message)
    assert answer.status == 403 and fake_sns.visited == []
    assert database.scalar("SELECT count(*) FROM mail_events") == 0


def test_the_certificate_is_fetched_once(api, fake_sns):
    for n in range(3):
        assert post(api, fake_sns.notification("bounce_transient", f"n{n}@parkhomes.ca", None)).status == 200
    assert fake_sns.visited == [SNS_CERT_URL]


def test_a_subscription_is_confirmed_by_visiting_its_sns_url(api, fake_sns):
    url = ("https://sns.ca-central-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=arn:aws:sns:ca-central-1:"
           "123456789012:avenir-mail-events&Token=2336412f37fb687f5d51e6e2425c464de12884ca")
    answer = post(api, fake_sns.subscription(url))
    assert answer.status == 200 and answer.json["confirmed"] is True
    assert fake_sns.visited == [SNS_CERT_URL, url]


def test_a_subscription_url_off_sns_is_refused_and_never_visited(api, fake_sns):
    answer = post(api, fake_sns.subscription("https://attacker.example.com/?Action=ConfirmSubscription"))
    assert answer.status == 403 and fake_sns.visited == [SNS_CERT_URL]


def test_without_verification_an_unsigned_message_is_taken_only_when_the_setting_says_so(
        api, fake_sns, two_clients, sent_to, monkeypatch):
    _, message_id = sent_to(two_clients[0], "unsigned@parkhomes.ca")
    unsigned = {k: v for k, v in fake_sns.notification("bounce_permanent", "unsigned@parkhomes.ca", message_id).items()
                if k not in ("Signature", "SigningCertURL", "SignatureVersion")}
    assert post(api, unsigned).status == 403
    monkeypatch.setenv("AVENIR_SNS_VERIFY", "0")  # this test says so: the server runs in this process
    assert post(api, unsigned).json["recorded"] == 1


@pytest.mark.parametrize("body, status", [(b"not json", 400), (b'{"Type": "Notification"}', 422),
                                          (b'{"Type": "Nonsense", "MessageId": "x"}', 422)])
def test_a_message_that_is_not_sns_is_refused_and_writes_nothing(api, body, status, database):
    answer = api.post("/api/mail/events", raw=body, content_type="text/plain; charset=UTF-8")
    assert answer.status == status and "error" in answer.json
    assert database.scalar("SELECT count(*) FROM mail_events") == 0


# --- an SMTP server's answer to RCPT TO, at send time ----------------------------------------------

@pytest.fixture
def own_server_client(mail_client, smtp_server, database):
    """A client sending through its own SMTP server (the test's aiosmtpd, on loopback)."""
    client_id = mail_client(business_name="Plomberie Gagnon")
    database.sql("UPDATE clients SET smtp_host = '127.0.0.1', smtp_port = :p, outbound_email = 'bureau@gagnon.ca' "
                 "WHERE client_id = :c", p=smtp_server.port, c=client_id)
    return client_id


@pytest.mark.parametrize("through", ["own server", "platform relay"])
def test_a_5xx_to_rcpt_to_is_a_permanent_bounce_for_every_client(
        through, platform_smtp, own_server_client, mail_client, lead_with_reply, replies_of, database):
    client_id = own_server_client if through == "own server" else mail_client(business_name="Toitures Laval")
    other = mail_client(business_name="Paysagement Lefebvre")
    email = "nobody-here@parkhomes.ca"
    platform_smtp.handler.rcpt_script.append("550 5.1.1 <nobody-here@parkhomes.ca>: Recipient address rejected")
    lead_id, _ = lead_with_reply(client_id, email=email)
    assert sender.send_due().failed == 1
    assert replies_of(lead_id)[-1]["last_error"] == "recipient refused (550 5.1.1)"
    assert database.scalar("SELECT count(*) FROM mail_events WHERE source = 'smtp' AND client_id = :c",
                           c=client_id) == 1
    reply = next_reply(lead_with_reply, replies_of, other, email)
    assert (reply["status"], reply["last_error"]) == ("skipped", "suppressed: bounced")


def test_a_4xx_to_rcpt_to_is_no_bounce(platform_smtp, own_server_client, mail_client, lead_with_reply, replies_of,
                                       time_passes, database):
    email = "greylisted@parkhomes.ca"
    platform_smtp.handler.rcpt_script.append("451 4.7.1 Greylisted, try again later")
    lead_id, _ = lead_with_reply(own_server_client, email=email)
    assert sender.send_due().retrying == 1
    assert database.scalar("SELECT count(*) FROM mail_events") == 0
    time_passes()
    assert sender.send_due().sent == 1 and replies_of(lead_id)[-1]["status"] == "sent"
    other = mail_client(business_name="Paysagement Lefebvre")
    assert next_reply(lead_with_reply, replies_of, other, email)["status"] == "sent"


def test_an_erasure_removes_the_addresss_suppressions_with_the_rest(platform_smtp, make_client, lead_with_reply,
                                                                    replies_of, api, database):
    owner = make_client("Plomberie Gagnon")
    database.sql("UPDATE clients SET mailing_address = '1 rue Gagnon, Laval QC' WHERE client_id = :c",
                 c=owner.client_id)
    email = "Forget.Me@parkhomes.ca"
    platform_smtp.handler.rcpt_script.append("550 5.1.1 no such user")
    lead_id, _ = lead_with_reply(owner.client_id, email=email)
    sender.send_due()
    assert api.get(f"/api/leads/{lead_id}", key=owner.api_key).json["email_status"] == "bounced"

    assert api.post("/api/privacy/erase", {"email": "forget.me@parkhomes.ca"}, key=owner.api_key).status == 200
    assert database.scalar("SELECT count(*) FROM mail_suppressions") == 0
    assert database.scalar("SELECT count(*) FROM mail_events") == 0
    assert next_reply(lead_with_reply, replies_of, owner.client_id, email)["status"] == "sent"


# --- avenir mail events --file F ---------------------------------------------------------------------

def test_the_command_replays_a_file_of_notifications_once_and_names_the_lines_it_refuses(
        fake_sns, two_clients, sent_to, database):
    laval, lefebvre = two_clients
    _, message_id = sent_to(laval, "file-bounce@parkhomes.ca")
    bounce = fake_sns.notification("bounce_permanent", "file-bounce@parkhomes.ca", message_id)
    lines = [json.dumps(bounce), json.dumps(bounce), "",
             json.dumps(fake_sns.notification("bounce_transient", "other@parkhomes.ca", None)), "{not json"]
    # the command runs in a process of its own, where no test certificate can be served: this test
    # says so, and turns verification off
    done = avenir("mail", "events", "--file", "/dev/stdin", stdin="\n".join(lines) + "\n",
                  env={"AVENIR_SNS_VERIFY": "0"})
    assert done.returncode == 1, done.stderr
    assert json.loads(done.stdout) == {"messages": 4, "recorded": 1, "suppressed": 1, "confirmed": 0, "refused": 1}
    assert done.stderr.startswith("avenir: error: line 5: not an SNS message") and done.stderr.count("\n") == 1
    assert database.scalar("SELECT count(*) FROM mail_suppressions WHERE reason = 'bounced'") == 1


def test_the_command_verifies_signatures_too(fake_sns, database):
    message = fake_sns.notification("bounce_permanent", "forged@parkhomes.ca", None)
    forged = {**message, "SigningCertURL": "https://evil.example.com/cert.pem"}
    done = avenir("mail", "events", "--file", "/dev/stdin", stdin=json.dumps(forged) + "\n")
    assert done.returncode == 1 and "SigningCertURL" in done.stderr
    assert json.loads(done.stdout)["refused"] == 1
    assert database.scalar("SELECT count(*) FROM mail_events") == 0


def test_the_command_with_a_missing_file_is_one_line_and_exit_status_1(database):
    done = avenir("mail", "events", "--file", "/nonexistent/sns-messages.jsonl")
    assert done.returncode == 1 and done.stderr.count("\n") == 1 and done.stderr.startswith("avenir: error:")


def test_a_signed_message_from_another_topic_is_refused_when_the_topic_is_set(api, fake_sns, monkeypatch,
                                                                               database):
    monkeypatch.setenv("AVENIR_SNS_TOPIC_ARN", "arn:aws:sns:ca-central-1:123456789012:avenir-mail-events")
    ours = fake_sns.notification("bounce_permanent", "ours@parkhomes.ca", None)
    theirs = fake_sns.sign({**{k: v for k, v in ours.items() if k != "Signature"},
                            "TopicArn": "arn:aws:sns:us-east-1:999999999999:someone-elses-topic"})
    assert post(api, theirs).status == 403
    assert database.scalar("SELECT count(*) FROM mail_events") == 0
    assert post(api, ours).json["recorded"] == 1


def test_the_lambda_handler_takes_sns_as_the_http_route_does(fake_sns, two_clients, sent_to, database):
    _, message_id = sent_to(two_clients[0], "lambda@parkhomes.ca")
    bounce = fake_sns.notification("bounce_permanent", "lambda@parkhomes.ca", message_id)
    event = apigw_event("POST", "/api/mail/events", raw=json.dumps(bounce), content_type="text/plain; charset=UTF-8",
                        headers={"x-amz-sns-message-type": "Notification"})
    answer = invoke(load_function("mail_events"), event)
    assert answer.status == 200 and (answer.json["recorded"], answer.json["suppressed"]) == (1, 1)
    forged = {**bounce, "Message": bounce["Message"].replace("lambda@", "other@")}
    assert invoke(load_function("mail_events"), apigw_event("POST", "/api/mail/events", raw=json.dumps(forged),
                                                            content_type="text/plain")).status == 403


# --- through Amazon SES (moto): the configuration set, and the email found by its tag ------------------

@pytest.fixture
def ses(monkeypatch):
    """SES as moto serves it: the platform sender verified, the configuration set the template makes;
    each SendRawEmail's parameters, as the boto3 client sent them, kept in `ses.calls`."""
    import boto3
    from moto import mock_aws

    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                        "AWS_DEFAULT_REGION": "ca-central-1", "AVENIR_SES_FROM": "replies@avenir-mail.ca",
                        "AVENIR_SES_CONFIGURATION_SET": "avenir-mail"}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AVENIR_SMTP_URL", raising=False)
    with mock_aws():
        client = boto3.client("ses", region_name="ca-central-1")
        client.verify_email_identity(EmailAddress="replies@avenir-mail.ca")
        client.create_configuration_set(ConfigurationSet={"Name": "avenir-mail"})
        client.calls = []
        client.meta.events.register("provide-client-params.ses.SendRawEmail",
                                    lambda params, **_: client.calls.append(params))
        yield client


def test_an_email_sent_through_ses_names_the_configuration_set_and_its_bounce_finds_it_by_tag(
        api, fake_sns, ses, mail_client, lead_with_reply, replies_of, database):
    client_id = mail_client(business_name="Toitures Laval")
    lead_id, _ = lead_with_reply(client_id, email="ses-bounce@parkhomes.ca")
    assert sender.send_due(ses_client=ses).sent == 1
    [call] = ses.calls
    assert call["ConfigurationSetName"] == "avenir-mail"
    [tag] = call["Tags"]
    # SES may give the email a Message-ID of its own: its configuration set's event still carries the tag
    bounce = fake_sns.notification("bounce_permanent", "ses-bounce@parkhomes.ca",
                                   "<0100018c4e3a0f11-ses-000000@email.amazonses.com>",
                                   tags={tag["Name"]: [tag["Value"]], "ses:configuration-set": ["avenir-mail"]})
    assert post(api, bounce).json["recorded"] == 1
    assert database.scalar("SELECT client_id FROM mail_events") == client_id
    assert database.scalar("SELECT reply_id FROM mail_events") == replies_of(lead_id)[0]["reply_id"]
