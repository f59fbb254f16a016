"""The sender's ways in: `avenir followups send` and `retry --failed`, the scheduled Lambda handler and
the Cloud Scheduler CloudEvent target, what template.yaml wires to them, and make run's mail sink."""
import email
import email.policy
import json
import smtplib
import time

import pytest

from infra import cli, mailsink
from infra.pgcluster import free_port
from shared.mail import sender
from tests.helpers import load_function, scheduled_event, scheduler_cloudevent

pytestmark = pytest.mark.usefixtures("fresh_outbox")


def run_cli(capsys, *argv) -> tuple[int, dict]:
    status = cli.main(list(argv))
    return status, json.loads(capsys.readouterr().out)


# --- the command line -----------------------------------------------------------------------------

def test_followups_send_sends_what_is_due_once_and_prints_the_summary(platform_smtp, mail_client, lead_with_reply,
                                                                      capsys):
    lead_with_reply(mail_client())
    status, summary = run_cli(capsys, "followups", "send")
    assert status == 0 and summary == {"sent": 1, "retrying": 0, "failed": 0, "cancelled": 0, "skipped": 0,
                                       "released": 0}
    assert run_cli(capsys, "followups", "send")[1]["sent"] == 0
    assert len(platform_smtp.received) == 1


def test_followups_retry_failed_queues_one_clients_failed_replies_again_with_fresh_attempts(
        platform_smtp, mail_client, lead_with_reply, replies_of, database, capsys):
    mine, theirs = mail_client(), mail_client()
    my_lead, _ = lead_with_reply(mine)
    their_lead, _ = lead_with_reply(theirs)
    database.sql("UPDATE lead_replies SET status = 'failed', attempts = 6, last_error = 'SMTP 550 mailbox full'")
    status, answer = run_cli(capsys, "followups", "retry", "--failed", "--client", str(mine))
    assert (status, answer) == (0, {"requeued": 1})
    assert (replies_of(my_lead)[0]["status"], replies_of(my_lead)[0]["attempts"]) == ("queued", 0)
    assert replies_of(their_lead)[0]["status"] == "failed"
    assert sender.send_due().sent == 1
    assert run_cli(capsys, "followups", "retry", "--failed")[1] == {"requeued": 1}
    assert replies_of(their_lead)[0]["status"] == "queued"


def test_followups_retry_requires_failed(capsys):
    with pytest.raises(SystemExit) as stopped:
        cli.main(["followups", "retry"])
    assert stopped.value.code == 2 and "--failed" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [["followups", "--help"], ["followups", "send", "--help"],
                                  ["followups", "retry", "--help"]])
def test_every_followups_command_has_help(argv, capsys):
    with pytest.raises(SystemExit) as stopped:
        cli.main(argv)
    assert stopped.value.code == 0 and "usage: avenir followups" in capsys.readouterr().out


# --- the function ---------------------------------------------------------------------------------

def test_the_every_minute_schedule_sends_the_due_replies_through_the_lambda_handler(platform_smtp, mail_client,
                                                                                   lead_with_reply, replies_of):
    lead_id, _ = lead_with_reply(mail_client())
    result = load_function("followup_sender").handler(scheduled_event(), None)
    assert result["statusCode"] == 200 and json.loads(result["body"])["sent"] == 1
    assert replies_of(lead_id)[0]["status"] == "sent" and len(platform_smtp.received) == 1


def test_cloud_schedulers_cloudevent_runs_the_same_sender(platform_smtp, mail_client, lead_with_reply, replies_of):
    lead_id, _ = lead_with_reply(mail_client())
    load_function("followup_sender").followup_sender_scheduled(scheduler_cloudevent())
    assert replies_of(lead_id)[0]["status"] == "sent"


def test_a_run_that_cannot_reach_the_database_fails_as_the_functions_error(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"postgresql://postgres@127.0.0.1:{free_port()}/none?sslmode=disable")
    with pytest.raises(RuntimeError, match="status 503"):
        load_function("followup_sender").handler(scheduled_event(), None)


def test_the_template_runs_the_sender_every_minute_and_lets_it_send_only_from_the_platform_address():
    from tests.deploy import stack

    template = stack.load()
    function = stack.function_for(template, "followup_sender")
    [schedule] = function.schedules()
    assert schedule["Schedule"] == "rate(1 minute)" and schedule.get("Enabled", True) is True
    assert function.properties["EventInvokeConfig"]["MaximumRetryAttempts"] == 0
    assert function.properties["Timeout"] > load_function("followup_sender").BUDGET_S
    variables = function.properties["Environment"]["Variables"]
    assert variables["AVENIR_SES_FROM"] == {"Ref": "SesFromAddress"} and "AVENIR_PUBLIC_URL" in variables
    [ses] = [s for p in function.properties["Policies"] if "Statement" in p for s in p["Statement"]
             if s["Action"] != "sns:Publish"]  # the other statement: owner alerts by SMS
    assert ses["Action"] == "ses:SendRawEmail"
    assert ses["Condition"] == {"StringEquals": {"ses:FromAddress": {"Ref": "SesFromAddress"}}}
    assert stack.function_for(template, "unsubscribe").routes() == {("GET", "/u/{token}"), ("POST", "/u/{token}"),
                                                                   ("GET", "/o/{token}")}  # the outreach pixel


# --- make run's mail sink -------------------------------------------------------------------------

def test_the_mail_sink_keeps_each_message_as_an_eml_file(tmp_path):
    controller = mailsink.start_sink(tmp_path / "mail", free_port())
    try:
        with smtplib.SMTP("127.0.0.1", controller.port, timeout=5) as smtp:
            smtp.sendmail("replies@avenir.localhost", ["olivia@parkhomes.ca"],
                          b"Subject: Bonjour\r\nMessage-ID: <1@avenir.localhost>\r\n\r\nAllo!\r\n")
    finally:
        controller.stop()
    [kept] = list((tmp_path / "mail").glob("*.eml"))
    message = email.message_from_bytes(kept.read_bytes(), policy=email.policy.default)
    assert message["Subject"] == "Bonjour" and message.get_content().strip() == "Allo!"


def test_make_runs_mail_starts_the_sink_and_the_sender_and_stops_both(tmp_path, mail_client, lead_with_reply,
                                                                     replies_of, monkeypatch):
    monkeypatch.delenv("AVENIR_SMTP_URL", raising=False)
    lead_id, _ = lead_with_reply(mail_client())
    stop = mailsink.start_local_mail(tmp_path / "mail", free_port())
    try:
        deadline = time.monotonic() + 20
        while replies_of(lead_id)[0]["status"] != "sent" and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        stop()
    assert replies_of(lead_id)[0]["status"] == "sent"
    assert len(list((tmp_path / "mail").glob("*.eml"))) == 1
