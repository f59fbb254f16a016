"""An urgent lead's minute: from `POST /api/lead` (served by `avenir serve`) to its urgent reply and
the owner's alert landing in make run's mail sink, sent by make run's sender (woken by the intake's
NOTIFY, infra/mailsink.py), one lead at a time; baseline: the same requests' own HTTP answer time."""
import json
import time
import urllib.request
from email import message_from_bytes

from tests.bench import stack
from tests.bench.report import Section, Table, Verdict, percentile, ratio, spread

LEADS = 10 if stack.QUICK else 40
GOAL_P99_S = 10.0
LEAK = ("Water is pouring through our kitchen ceiling, can someone come TODAY? Address is 45 Maple Crescent, "
        "Pointe-Claire. Please call 514-555-0187")


def measure(run: stack.Run) -> Section:
    from infra import mailsink

    section = Section("An urgent lead's reply and alert", (
        f"{LEADS} urgent leads posted one at a time to `avenir serve`; each time, the wait until the urgent reply "
        "and the owner's email alert are files in the mail sink, sent by `make run`'s sender (woken by the "
        "intake, its minute as the safety net). Baseline: the POST's own answer time."))
    owner = f"owner-{int(time.time())}@bench-urgent.ca"
    client = stack.make_client("Bench Urgent Roofing", owner)
    sink = run.work_dir / "urgent-mail"
    with stack.serve(run.work_dir, "urgent-serve") as server, stack.environment(AVENIR_SMTP_URL=""):
        stop = mailsink.start_local_mail(sink, stack.free_port())
        try:
            timings = [one_lead(server.base_url, client.api_key, sink, f"lead-{i}@bench-urgent.ca", owner)
                       for i in range(LEADS)]
        finally:
            stop()
    answer, reply, alert = zip(*timings, strict=True)
    section.tables.append(Table(["from the POST to", "p50 s", "p99 s", "max s"], [spread(
        "its answer (baseline)", answer), spread("the urgent reply", reply), spread("the owner's alert", alert)]))
    worst, base = max(percentile(reply, 99), percentile(alert, 99)), percentile(answer, 99)
    section.verdicts.append(Verdict("urgent lead → reply and alert sent, p99", f"{worst:.2f} s",
                                    f"{base:.3f} s the POST's answer", ratio(worst, base, 0),
                                    f"< {GOAL_P99_S:g} s", worst < GOAL_P99_S))
    return section


def one_lead(base_url: str, key: str, sink, email: str, owner: str) -> tuple[float, float, float]:
    """Seconds from the POST to its answer, to the reply to `email`, and to the alert to `owner`."""
    seen = {path.name for path in sink.glob("*.eml")} if sink.exists() else set()
    body = json.dumps({"name": "Jordan Lee", "email": email, "message": LEAK}).encode()
    request = urllib.request.Request(base_url + "/api/lead", data=body, method="POST",
                                     headers={"Content-Type": "application/json", "x-api-key": key})
    started = time.perf_counter()
    urllib.request.urlopen(request, timeout=30).close()
    answered, arrived = time.perf_counter() - started, {}
    while len(arrived) < 2 and time.perf_counter() - started < 90:
        for path in sink.glob("*.eml"):
            if path.name not in seen:
                seen.add(path.name)
                to = message_from_bytes(path.read_bytes())["To"] or ""
                arrived["reply" if email in to else "alert" if owner in to else path.name] = (
                    time.perf_counter() - started)
        time.sleep(0.005)
    if not {"reply", "alert"} <= set(arrived):
        raise AssertionError(f"after 90 s, only {sorted(arrived)} arrived for {email}")
    return answered, arrived["reply"], arrived["alert"]
