"""0. Round trips: intake, tag and revert at one sender, in process through each function's Lambda
handler, with the database reached directly and through a relay that holds each answer back 2 ms
(as a database 2 ms away would): round trips per request counted on the wire, and the latency added."""
import json
import statistics
import time
import uuid

from tests.bench import stack
from tests.bench.report import Section, Table, Verdict
from tests.relay import Relay

DELAY_MS = 2.0
GOAL = 3  # round trips per request (issue 17)
BEFORE = {"intake (new email)": "6", "tag (Follow-Up)": "4.5 (mean of the tag kinds)",
          "revert": "about 6 (13 for a conversion and its revert)"}  # counted on the wire before issue 17


def kinds(api_key: str) -> dict:
    """For each request: prepare(i) -> its argument (not timed) and request(argument) (timed)."""
    import sys

    sys.path.insert(0, str(stack.ROOT / "tests"))  # as pytest runs them: the suite's event builder and loader
    from tests.helpers import apigw_event, load_function

    intake, tag, revert = (load_function(name) for name in ("lead_intake", "tag_lead", "revert_lead"))

    def call(module, event) -> dict:
        answer = module.handler(event, None)
        assert answer["statusCode"] < 300, answer
        return json.loads(answer["body"])

    def new_lead(i) -> str:
        body = {"name": "Olivia Park", "email": f"rt-{uuid.uuid4().hex}@bench-roofing.ca",
                "message": "Can you quote a new roof? Water is coming through the ceiling."}
        return call(intake, apigw_event("POST", "/api/lead", body, key=api_key))["lead_id"]

    def tagged(lead_id: str, tag_name: str) -> str:
        call(tag, apigw_event("POST", f"/api/leads/{lead_id}/tag", {"tag": tag_name}, key=api_key,
                              path_params={"lead_id": lead_id}))
        return lead_id

    def reverted(lead_id: str) -> None:
        call(revert, apigw_event("POST", f"/api/leads/{lead_id}/revert", {"reason": "Cancelled"}, key=api_key,
                                 path_params={"lead_id": lead_id}))

    return {"intake (new email)": (lambda i: i, new_lead),
            "tag (Follow-Up)": (new_lead, lambda lead_id: tagged(lead_id, "Follow-Up")),
            "revert": (lambda i: tagged(new_lead(i), "Converted"), reverted)}


def timed(relay: Relay, prepare, request, repeats: int) -> tuple[float, float]:
    """(round trips per request, median ms) of `repeats` requests; the first one, which prepares
    the statements on the connection, and each one's set-up are not counted."""
    trips, samples = 0, []
    for i in range(repeats + 1):
        argument = prepare(i)
        before, started = relay.round_trips, time.perf_counter()
        request(argument)
        if i:
            samples.append((time.perf_counter() - started) * 1000)
            trips += relay.round_trips - before
    return trips / repeats, statistics.median(samples)


def through_relay(run: stack.Run, delay_s: float, prepare, request, repeats: int) -> tuple[float, float]:
    from shared.platform import db

    port = run.stack.cluster.port
    with Relay(port, delay_s=delay_s) as relay, stack.environment(
            DATABASE_URL=run.stack.url.replace(f":{port}/", f":{relay.port}/")):
        db.discard()
        try:
            return timed(relay, prepare, request, repeats)
        finally:
            db.discard()


def measure(run: stack.Run) -> Section:
    section = Section("0. Round trips per request, and what 2 ms to the database adds",
                      __doc__.removeprefix("0. Round trips: ").replace("\n", " "))
    key = stack.make_client("Bench Roofing Round Trips", "owner@bench-roofing-rt.ca")
    repeats = 20 if stack.QUICK else 100
    table = Table(["request (one sender, Lambda handler in process)", "round trips (before issue 17)",
                   "direct, median ms", f"through a {DELAY_MS:g} ms relay, median ms", "added ms"])
    for name, (prepare, request) in kinds(key.api_key).items():
        trips, direct_ms = through_relay(run, 0.0, prepare, request, repeats)
        _, relayed_ms = through_relay(run, DELAY_MS / 1000, prepare, request, repeats)
        table.rows.append([name, f"{trips:.1f} ({BEFORE[name]})", f"{direct_ms:.2f}", f"{relayed_ms:.2f}",
                           f"{relayed_ms - direct_ms:.2f}"])
        section.verdicts.append(Verdict(f"{name}: round trips per request", f"{trips:.1f}", f"≤ {GOAL}",
                                        f"before: {BEFORE[name]}", "", trips <= GOAL))
    section.tables.append(table)
    return section
