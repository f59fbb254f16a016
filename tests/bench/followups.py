"""Follow-up replies: how fast one sender (`shared.mail.sender.send_due()`, what the every-minute
function runs) drains 1,000 due replies to the local SMTP sink of `make run` (its own process),
against a bare smtplib loop sending as many ready-made messages to the same sink."""
import contextlib
import smtplib
import socket
import subprocess
import sys
import time
from email.message import EmailMessage
from pathlib import Path

from shared.platform import sql
from tests.bench import stack
from tests.bench.report import Section, Table, Verdict

Q = sql.load(__file__)
REPLIES = 200 if stack.QUICK else 1000
GOAL_SECONDS = 10.0 * REPLIES / 1000


def measure(run: stack.Run) -> Section:
    from infra.pgcluster import free_port
    from shared.mail import sender

    section = Section("Follow-up replies", (
        f"{REPLIES} replies made due at once, drained by one sender ({sender.WORKERS} in flight) through "
        "`AVENIR_SMTP_URL` to `python -m infra.mailsink`; baseline: a bare smtplib loop over one connection."))
    run.stack.sql(Q.cancel_due)
    client = stack.make_client("Bench Roofing", f"owner-{int(time.time())}@bench-roofing.ca")
    run.stack.sql(Q.reply_settings, client_id=client.client_id)
    run.stack.sql(Q.due_replies, client_id=client.client_id, count=REPLIES)
    sink_dir, port = run.work_dir / "mail", free_port()
    with sink(sink_dir, port, run.work_dir / "mailsink.log"):
        with stack.environment(AVENIR_SMTP_URL=f"smtp://127.0.0.1:{port}"):
            started = time.perf_counter()
            summary = sender.send_due()
            drain_s = time.perf_counter() - started
        kept = len(list(sink_dir.glob("*.eml")))
        bare_s = bare_smtp_loop(port, REPLIES)
    sent = run.stack.scalar(Q.sent, client_id=client.client_id)
    if not summary.sent == sent == kept == REPLIES:
        raise AssertionError(f"expected {REPLIES} sent and kept: summary {summary}, {sent} rows sent, {kept} files")
    section.tables.append(Table(["replies", "drain s", "replies / s", "bare smtplib / s (baseline)", "ratio"], [[
        str(REPLIES), f"{drain_s:.2f}", f"{REPLIES / drain_s:.0f}", f"{REPLIES / bare_s:.0f}",
        f"{drain_s / bare_s:.1f}×"]]))
    section.verdicts.append(Verdict(f"{REPLIES} due replies drained by one sender", f"{drain_s:.2f} s",
                                    f"{bare_s:.2f} s bare smtplib", f"{drain_s / bare_s:.1f}×",
                                    f"< {GOAL_SECONDS:g} s", drain_s < GOAL_SECONDS))
    return section


@contextlib.contextmanager
def sink(directory: Path, port: int, log: Path):
    """`python -m infra.mailsink` as its own process, as a mail server is (not sharing the sender's GIL)."""
    with open(log, "ab") as out:
        process = subprocess.Popen([sys.executable, "-m", "infra.mailsink", "--port", str(port), "--dir",
                                    str(directory)], cwd=stack.ROOT, stdout=out, stderr=out)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the mail sink did not start; see {log}") from None
                time.sleep(0.1)
        yield
    finally:
        process.terminate()
        process.wait(timeout=10)


def bare_smtp_loop(port: int, count: int) -> float:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "replies@bench.ca", "lead@bench-roofing.ca", "Bench"
    message.set_content("Hello " * 200)
    message.add_alternative("<p>" + "Hello " * 200 + "</p>", subtype="html")
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as smtp:
        for _ in range(count):
            smtp.send_message(message)
    return time.perf_counter() - started
