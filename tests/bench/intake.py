"""Lead intake over HTTP at 1, 8 and 32 senders: throughput and latency of `POST /api/lead` (a new
email every request) against (a) the do-nothing function served the same way, the same requests, and
(b) pgbench running the very statements one intake runs, at the same concurrency. The heaviest write
route: tag and revert (3 round trips each, tests/platform/test_round_trips.py) do less."""
import json

from tests.bench import load, stack
from tests.bench.report import Section, Table, Verdict, ratio

SENDERS = (1, 8, 32)
P99_GOAL_MS = 50.0
THROUGHPUT_GOAL = 0.5  # of baseline (a)


def served(run: stack.Run, label: str, server: stack.Server, api_key: str) -> dict[int, load.LoadResult]:
    """`server` warmed up with 8 senders, then loaded for run.seconds at each count of senders."""
    with server:
        load.wrk(f"{label} warm-up", server.base_url, api_key, 8, run.warmup_seconds, run.work_dir)
        return {c: load.wrk(label, server.base_url, api_key, c, run.seconds, run.work_dir) for c in SENDERS}


def pgbench_script(client) -> tuple[str, dict]:
    """The statements one POST /api/lead of a new email runs, in order, taken from the app's modules: the
    key lookup, then the intake transaction (settings, advisory lock, lookup, the insert, the reply
    queued). A new email (:n) and lock id (:lock) per transaction; the rest as the app sends it."""
    from shared import enrichment
    from shared.clients import accounts
    from shared.leads import intake
    from shared.mail import outbox, wake
    from shared.platform import db

    name, message = "Olivia Park", "Hi, I'd like a quote for a full bathroom remodel in our condo in Verdun."
    found = enrichment.enrich(name, message).as_dict()
    variables = {"client_id": client.client_id, "digest": accounts.key_digest(client.api_key), "plain": client.api_key,
                 "route": intake.ROUTE, "name": name, "message": message, "is_test": "false",
                 "response_status": "201", "enrichment_version": enrichment.ENGINE_VERSION,
                 **{k: str(v) for k, v in found.items()},
                 "response_body": json.dumps({"lead_id": "00000000-0000-0000-0000-000000000000",
                                              "action": "insert", "is_test": False, "enrichment": found})}
    parameters = {name: f":{name}" for name in variables} | {
        "email": "('sender-' || :n || '@bench-roofing.ca')", "lead_id": "gen_random_uuid()",
        "message_id": "gen_random_uuid()", "lock_ids": "ARRAY[CAST(:lock AS bigint)]", "idempotency_key": "NULL",
        "request_hash": "NULL", "wait_ms": "'0'", "statement_timeout": "'5000'", "plan_cache_mode": "'auto'",
        "phone": "NULL", "address": "NULL", "wanted": "NULL", "spam_signals": "'{}'"}  # a webhook's lead: no signals
    # The delivery is recorded, and the reply queued, for the lead the insert made and the message
    # recorded with it (their ids kept by pgbench's \gset).
    delivery = parameters | {"lead_id": ":id", "action_type": "'insert'"}
    reply = parameters | {"lead_id": ":id", "message_id": ":message_id", "to_email": parameters["email"],
                          "received_at": "NULL", "suspicious": "false"}
    steps = [db.Q.client_settings, intake.Q.lock_wait, intake.Q.lock, intake.Q.lock_wait_end, intake.Q.lookup]
    script = ["\\set n random(1, 999999999999)\n", "\\set lock random(1, 9000000000000000000)\n",
              load.pgbench_statement(accounts.Q.authenticate, parameters), "BEGIN;\n",
              *(load.pgbench_statement(sql, parameters) for sql in steps),
              load.pgbench_statement(intake.Q.insert_lead, parameters).rstrip().removesuffix(";") + " \\gset\n",
              load.pgbench_statement(intake.Q.record_delivery, delivery).rstrip().removesuffix(";") + " \\gset\n",
              load.pgbench_statement(outbox.Q.queue_reply, reply), load.pgbench_statement(outbox.Q.queue_alerts, reply),
              load.pgbench_statement(wake.Q.due_now, reply), "COMMIT;\n"]
    return "".join(script), variables


def measure(run: stack.Run) -> Section:
    noop = served(run, "noop", stack.serve(run.work_dir, "noop-serve", ("tests.bench.noop_server", "serve")), "none")
    key = stack.make_client("Bench Roofing Intake", "owner@bench-roofing-intake.ca")
    http = served(run, "intake", stack.serve(run.work_dir, "intake-serve"), key.api_key)
    script, variables = pgbench_script(stack.make_client("Bench Roofing pgbench", "owner@bench-roofing-pgbench.ca"))
    (path := run.work_dir / "lead_intake.pgbench.sql").write_text(script)
    database = {c: load.pgbench(run, "pgbench intake", path, c, variables) for c in SENDERS}
    points = [(c, http[c], noop[c], database[c]) for c in SENDERS]  # served, (a), (b)
    return Section("Lead intake over HTTP", (
        f"`wrk` POSTs `/api/lead` for {run.seconds:g} s per point, a new email each request (an insert, its "
        "reply queued), messages from tests/fixtures/labelled_leads.jsonl. (a): the do-nothing function "
        "(tests/bench/functions/noop) behind the same server; (b): pgbench running the intake's statements "
        "(generated from shared/, kept in the run's scratch directory)."), [table(points)], verdicts(points))


def table(points: list[tuple]) -> Table:
    return Table(["senders", "req/s", "p50 ms", "p99 ms", "(a) req/s", "(a) p99 ms", "(b) tx/s", "(b) p99 ms",
                  "÷ (a)", "÷ (b)", "errors"],
                 [[c, f"{r.rps:,.0f}", f"{r.p50_ms:.1f}", f"{r.p99_ms:.1f}", f"{a.rps:,.0f}", f"{a.p99_ms:.1f}",
                   f"{b.rps:,.0f}", f"{b.p99_ms:.1f}", f"{r.rps / a.rps:.2f}", f"{r.rps / b.rps:.2f}", r.errors]
                  for c, r, a, b in points])


def verdicts(points: list[tuple]) -> list[Verdict]:
    """p99 at the most senders; throughput at each count of senders."""
    c, r, a, b = points[-1]
    return [Verdict(f"intake p99 at {c} senders", f"{r.p99_ms:.1f} ms", f"(a) {a.p99_ms:.1f}, (b) {b.p99_ms:.1f} ms",
                    f"{ratio(r.p99_ms, a.p99_ms)} (a), {ratio(r.p99_ms, b.p99_ms)} (b)", f"< {P99_GOAL_MS:g} ms",
                    r.p99_ms < P99_GOAL_MS and not r.errors)] + [
            Verdict(f"intake throughput, {c} sender{'s' * (c > 1)}", f"{r.rps:,.0f} req/s",
                    f"(a) {a.rps:,.0f}, (b) {b.rps:,.0f} tx/s",
                    f"{ratio(r.rps, a.rps, 2)} (a), {ratio(r.rps, b.rps, 2)} (b)", f"≥ {THROUGHPUT_GOAL:g}× (a)",
                    r.rps >= THROUGHPUT_GOAL * a.rps and not r.errors) for c, r, a, b in points]
