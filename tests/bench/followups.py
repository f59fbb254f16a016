"""Follow-up replies: how fast one sender drains 1,000 due replies to a local SMTP sink (infra/mailsink.py,
each message written as a .eml file), against the sink's own floor (the same number of ready-made
messages sent by a bare smtplib loop over one connection); and what queueing the reply adds to an
intake. Alone: `.venv/bin/python -m tests.bench.followups`."""
import contextlib
import shutil
import smtplib
import socket
import statistics
import subprocess
import sys
import time
from email.message import EmailMessage
from pathlib import Path

from tests.bench import stack
from tests.bench.report import Section, Table, Verdict

REPLIES = 200 if stack.QUICK else 1000
TARGET_SECONDS = 10.0  # 1,000 due replies drained in under 10 s
INTAKES = 100 if stack.QUICK else 400
INTAKE_TARGET = 1.10  # the intake with its reply queued stays within 10% of one without

DUE_REPLIES = """
WITH lead AS (
  INSERT INTO lead_memory (client_id, email, name, language, intent)
  SELECT :client_id::uuid, 'lead' || n || '@bench-roofing.ca', 'Lead ' || n,
         (ARRAY['en', 'fr'])[1 + n % 2], (ARRAY['quote_request', 'appointment', 'information', 'support'])[1 + n % 4]
  FROM generate_series(1, :count) AS n
  RETURNING id, client_id, email, language, intent
)
INSERT INTO lead_replies (client_id, lead_id, to_email, language, intent, due_at)
SELECT client_id, id, email, language, intent, now() - interval '1 minute' FROM lead
"""
REPLY_SETTINGS = """
UPDATE clients SET primary_service = 'roof replacement', booking_link = 'https://cal.bench-roofing.ca/book',
       custom_tagline = 'Roofs that outlast winter', mailing_address = '123 rue Principale, Laval QC H7N 1A1'
WHERE client_id = :client_id::uuid
"""


def measure(run: stack.Run) -> Section:
    from infra.pgcluster import free_port
    from shared.mail import sender

    section = Section(
        "Follow-up replies: one sender draining the outbox",
        f"{REPLIES} replies are made due at once (leads in English and French, four intents), then one sender "
        "(`shared.mail.sender.send_due()`, what `avenir followups send` and the every-minute function run, with "
        f"its {sender.WORKERS} replies in flight) claims, renders, sends and records them all through "
        "`AVENIR_SMTP_URL` to the local sink of `make run` (`python -m infra.mailsink` in its own process, one "
        ".eml file per message). Baseline: the same number of ready-made messages sent by a bare smtplib loop "
        "over one connection to the same sink.")

    # Only this section's replies are due: earlier sections' leads queued theirs in the same database.
    run.stack.sql("UPDATE lead_replies SET status = 'cancelled' WHERE status IN ('queued', 'sending')")
    client = stack.make_client("Bench Roofing", f"owner-{int(time.time())}@bench-roofing.ca")
    run.stack.sql(REPLY_SETTINGS, client_id=client.client_id)
    run.stack.sql(DUE_REPLIES, client_id=client.client_id, count=REPLIES)
    sink_dir, port = run.work_dir / "mail", free_port()
    with _sink_process(sink_dir, port, run.work_dir / "mailsink.log"):
        with stack.environment(AVENIR_SMTP_URL=f"smtp://127.0.0.1:{port}", AVENIR_LOG_LEVEL="WARNING"):
            started = time.perf_counter()
            summary = sender.send_due()
            drain_s = time.perf_counter() - started
        kept = len(list(sink_dir.glob("*.eml")))
        floor_s = _bare_smtp_loop(port, REPLIES)
    sent = run.stack.scalar("SELECT count(*) FROM lead_replies WHERE client_id = :c::uuid AND status = 'sent'",
                            c=client.client_id)
    if summary.sent != REPLIES or sent != REPLIES or kept != REPLIES:
        raise AssertionError(f"expected {REPLIES} sent and kept, got summary {summary}, {sent} rows sent, {kept} files")
    rate, floor_rate = REPLIES / drain_s, REPLIES / floor_s
    stack.say(f"follow-ups: {REPLIES} replies in {drain_s:.2f} s ({rate:.0f}/s); bare smtplib {floor_rate:.0f}/s")
    table = Table(["replies", "drain s", "replies / s", "(baseline) bare smtplib / s", "ratio"])
    table.rows.append([str(REPLIES), f"{drain_s:.2f}", f"{rate:.0f}", f"{floor_rate:.0f}", f"{floor_rate / rate:.1f}x"])
    section.tables.append(table)
    section.verdicts.append(Verdict(f"{REPLIES} due replies drained by one sender", f"{drain_s:.2f} s",
                                    f"< {TARGET_SECONDS * REPLIES / 1000:g} s", f"{floor_s:.2f} s bare smtplib",
                                    f"{drain_s / floor_s:.1f}x", drain_s < TARGET_SECONDS * REPLIES / 1000))
    with_reply, without = _intake_ms(run)
    stack.say(f"follow-ups: intake {with_reply:.2f} ms with its reply queued, {without:.2f} ms with replies off")
    section.tables.append(Table(["one intake in process, new email (median of " + str(INTAKES) + ")", "ms"],
                                [["replies on: the reply queued in the intake's transaction", f"{with_reply:.2f}"],
                                 ["(baseline) replies off: no outbox row", f"{without:.2f}"]]))
    section.verdicts.append(Verdict("intake with its reply queued", f"{with_reply:.2f} ms",
                                    f"<= {INTAKE_TARGET:.2f}x replies off", f"{without:.2f} ms replies off",
                                    f"{with_reply / without:.2f}x", with_reply <= INTAKE_TARGET * without))
    return section


def _intake_ms(run: stack.Run) -> tuple[float, float]:
    """Median time of one lead intake in this process (enrichment, the transaction, the commit), each a
    new email, for a client whose replies are on (the reply row is queued in the same transaction) and
    one whose replies are off (the queueing statement runs and writes nothing), taking turns so that
    both see the same machine."""
    from shared.clients import accounts
    from shared.leads import intake

    owners, times = {}, {True: [], False: []}
    for replies_on in times:
        key = stack.make_client("Bench Replies", f"owner-{replies_on}-{time.time_ns()}@bench-roofing.ca")
        run.stack.sql("UPDATE clients SET ai_personalized_reply = :on WHERE client_id = :client_id::uuid",
                      on=replies_on, client_id=key.client_id)
        owners[replies_on] = accounts.authenticate(key.api_key)
    for n in range(INTAKES):
        for replies_on, client in owners.items():
            lead = intake.LeadRequest(name=f"Lead {n}", email=f"lead{n}@bench-replies.ca",
                                     message="Hello, could you send me a quote for a new roof this spring?")
            started = time.perf_counter()
            intake.intake(client, lead)
            times[replies_on].append(time.perf_counter() - started)
    return statistics.median(times[True]) * 1000, statistics.median(times[False]) * 1000


@contextlib.contextmanager
def _sink_process(directory: Path, port: int, log: Path):
    """`python -m infra.mailsink` as its own process, as a mail server is: it does not share the
    sender's interpreter (and GIL)."""
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


def _bare_smtp_loop(port: int, count: int) -> float:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "replies@bench.ca", "lead@bench-roofing.ca", "Bench"
    message.set_content("Hello " * 200)
    message.add_alternative("<p>" + "Hello " * 200 + "</p>", subtype="html")
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as smtp:
        for _ in range(count):
            smtp.send_message(message)
    return time.perf_counter() - started


def main() -> int:
    bench = stack.Stack()
    bench.start()
    run = stack.Run(bench, bench.root / "work")
    run.work_dir.mkdir()
    try:
        section = measure(run)
    finally:
        bench.stop()
        shutil.rmtree(bench.root, ignore_errors=True)
    for table in section.tables:
        print(table.markdown())
    for verdict in section.verdicts:
        print(f"{verdict.what}: {verdict.figure} (target {verdict.target}; baseline {verdict.baseline}) "
              f"-> {'met' if verdict.met else 'MISSED'}")
    return 0 if not section.missed else 1


if __name__ == "__main__":
    sys.exit(main())
