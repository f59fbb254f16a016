"""The follow-up sender facing mail servers it cannot trust: what a server answers is never stored
as it came, a client's server never reaches the platform's own network, and one client's slow
server never holds the other clients' replies."""
import pytest

from shared.mail import outbox, sender

pytestmark = pytest.mark.usefixtures("fresh_outbox")


# --- what a server answers ------------------------------------------------------------------------

def test_a_nul_byte_in_a_server_answer_is_stored_cleaned_and_the_other_replies_still_go(
        platform_smtp, mail_client, lead_with_reply, replies_of):
    platform_smtp.handler.script = ["451 4.3.0 Try\x00 again\x07 later"]
    client_id = mail_client()
    first, _ = lead_with_reply(client_id)
    second, _ = lead_with_reply(client_id)
    summary = sender.send_due(workers=1)
    assert (summary.retrying, summary.sent) == (1, 1)
    errors = [reply["last_error"] for lead in (first, second) for reply in replies_of(lead) if reply["last_error"]]
    assert len(errors) == 1 and "\x00" not in errors[0] and "\x07" not in errors[0]
    assert errors[0].startswith("temporary failure (451 4.3.0)")


@pytest.mark.parametrize("error", ["refused\x00by\x00server", "lone surrogate \udc80 from a decode", "x" * 100_000,
                                   "line one\r\nline two\x1b[31m"])
def test_any_error_text_is_recorded_readable_and_bounded(mail_client, lead_with_reply, replies_of, error):
    lead_id, _ = lead_with_reply(mail_client())
    [claimed] = outbox.claim(10, 300)
    assert outbox.record(claimed, "queued", error, retry_in_s=60) is True
    stored = replies_of(lead_id)[0]["last_error"]
    assert stored.isprintable() and 0 < len(stored) <= 500


# --- what a lead wrote ----------------------------------------------------------------------------

def test_a_lead_named_with_a_link_gets_a_reply_without_it_addressed_to_the_email_alone(
        platform_smtp, mail_client, lead_with_reply):
    lead_with_reply(mail_client(), name="https://win-a-prize.example/claim", email="olivia@parkhomes.ca")
    assert sender.send_due().sent == 1
    message = platform_smtp.received[0].message
    text = message.get_body(("plain",)).get_content()
    assert message["To"] == "olivia@parkhomes.ca"
    assert text.startswith("Hi there,") and "win-a-prize" not in text + str(message)
