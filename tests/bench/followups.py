"""Follow-up replies: how fast one sender (`shared.mail.sender.send_due()`, what the every-minute
function runs) drains 1,000 due replies to the local SMTP sink of `make run` (its own process),
against a bare smtplib loop sending as many ready-made messages to the same sink."""
import smtplib
import time
from email.message import EmailMessage

from shared.platform import sql
from tests.bench import stack
from tests.bench.report import Section, Table, Verdict, ratio

Q = sql.load(__file__)
REPLIES = 200 if stack.QUICK else 1000
GOAL_SECONDS = 10.0 * REPLIES / 1000


def measure(run: stack.Run) -> Section:
    from shared.mail import sender

    section = Section("Follow-up replies", (
        f"{REPLIES} replies made due at once, drained by one sender ({sender.WORKERS} in flight) through "
        "`AVENIR_SMTP_URL` to `python -m infra.mailsink`; baseline: a bare smtplib loop over one connection."))
    run.sql(Q.cancel_due)
    client = stack.make_client("Bench Roofing", f"owner-{int(time.time())}@bench-roofing.ca")
    run.sql(Q.reply_settings, client_id=client.client_id)
    run.sql(Q.due_replies, client_id=client.client_id, count=REPLIES)
    sink_dir = run.work_dir / "mail"
    # The sink of `make run`, in its own process as a mail server is (not sharing the sender's GIL).
    command = ["infra.mailsink", "--port", "{port}", "--dir", str(sink_dir)]
    with stack.Server("mailsink", command, run.work_dir, http=False) as sink:
        with stack.environment(AVENIR_SMTP_URL=f"smtp://127.0.0.1:{sink.port}"):
            summary, drain_s = stack.timed(sender.send_due)
        kept = len(list(sink_dir.glob("*.eml")))
        _, bare_s = stack.timed(bare_smtp_loop, sink.port, REPLIES)
    sent = run.sql(Q.sent, client_id=client.client_id)[0]["sent"]
    if not summary.sent == sent == kept == REPLIES:
        raise AssertionError(f"expected {REPLIES} sent and kept: summary {summary}, {sent} rows sent, {kept} files")
    section.tables.append(Table(["replies", "drain s", "replies / s", "bare smtplib / s (baseline)", "ratio"], [[
        REPLIES, f"{drain_s:.2f}", f"{REPLIES / drain_s:.0f}", f"{REPLIES / bare_s:.0f}", ratio(drain_s, bare_s)]]))
    section.verdicts.append(Verdict(f"{REPLIES} due replies drained by one sender", f"{drain_s:.2f} s",
                                    f"{bare_s:.2f} s bare smtplib", ratio(drain_s, bare_s),
                                    f"< {GOAL_SECONDS:g} s", drain_s < GOAL_SECONDS))
    return section


def bare_smtp_loop(port: int, count: int) -> None:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "replies@bench.ca", "lead@bench-roofing.ca", "Bench"
    message.set_content("Hello " * 200)
    message.add_alternative("<p>" + "Hello " * 200 + "</p>", subtype="html")
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as smtp:
        for _ in range(count):
            smtp.send_message(message)
