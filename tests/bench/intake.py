"""Lead intake over HTTP at 1, 8 and 32 senders: throughput and latency of `POST /api/lead` (a new
email every request) against (a) the do-nothing function served the same way and (b) pgbench
running the very statements one intake runs, at the same concurrency."""
import json
import time

from tests.bench import load, stack
from tests.bench.report import Section, Table, Verdict

SENDERS = (1, 8, 32)
P99_GOAL_MS = 50.0
THROUGHPUT_GOAL = 0.5  # of baseline (a)


def do_nothing(run: stack.Run) -> dict[int, load.LoadResult]:
    """Baseline (a) at every concurrency: gunicorn + functions-framework answering a small JSON POST.
    Measured once per run; the tag/revert section compares against it too."""
    def measure():
        with stack.noop_serve(run.work_dir) as server:
            load.wrk("noop warm-up", server.base_url, "noop", 8, run.warmup_seconds, run.work_dir)
            return {c: load.wrk("noop", server.base_url, "noop", c, run.seconds, run.work_dir) for c in SENDERS}
    return run.once("noop", measure)


def pgbench_script(client_id: str, api_key: str) -> tuple[str, dict]:
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
    variables = {"client_id": client_id, "digest": accounts.key_digest(api_key), "plain": api_key,
                 "route": intake.ROUTE, "name": name, "message": message, "is_test": "false",
                 "response_status": "201", "enrichment_version": enrichment.ENGINE_VERSION,
                 **{k: str(v) for k, v in found.items()},
                 "response_body": json.dumps({"lead_id": "00000000-0000-0000-0000-000000000000",
                                              "action": "insert", "is_test": False, "enrichment": found})}
    parameters = {name: f":{name}" for name in variables} | {
        "email": "('sender-' || :n || '@bench-roofing.ca')", "lead_id": "gen_random_uuid()",
        "message_id": "gen_random_uuid()", "lock_ids": "ARRAY[CAST(:lock AS bigint)]", "idempotency_key": "NULL",
        "request_hash": "NULL", "wait_ms": "'0'", "statement_timeout": "'5000'", "plan_cache_mode": "'auto'",
        "phone": "NULL", "address": "NULL", "wanted": "NULL"}
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
    section = Section(
        "Lead intake over HTTP",
        f"`wrk` POSTs `/api/lead` for {run.seconds:g} s per point, a new email each request (an insert, its "
        "reply queued), messages from tests/fixtures/labelled_leads.jsonl. (a): the do-nothing function "
        "(tests/bench/functions/noop) behind the same server; (b): pgbench running the intake's statements "
        "(generated from shared/, kept in the run's scratch directory).")
    noop = do_nothing(run)
    key = stack.make_client("Bench Roofing Intake", "owner@bench-roofing-intake.ca")
    leads = load.lua_table("leads", [(json.dumps(r["name"]), json.dumps(r["message"])) for r in stack.labelled_leads()])
    with stack.avenir_serve(run.work_dir, "intake-serve") as server:
        load.wrk("intake warm-up", server.base_url, "lead_intake", 8, run.warmup_seconds, run.work_dir, leads,
                 {"BENCH_API_KEY": key.api_key, "BENCH_RUN_TAG": "warm"})
        served = {c: load.wrk("intake", server.base_url, "lead_intake", c, run.seconds, run.work_dir, leads,
                              {"BENCH_API_KEY": key.api_key, "BENCH_RUN_TAG": f"c{c}-{int(time.time())}"})
                  for c in SENDERS}
    db_key = stack.make_client("Bench Roofing pgbench", "owner@bench-roofing-pgbench.ca")
    script, variables = pgbench_script(db_key.client_id, db_key.api_key)
    script_path = run.work_dir / "lead_intake.pgbench.sql"
    script_path.write_text(script)
    database = {c: load.pgbench("pgbench intake", run.stack, script_path, c, run.seconds, variables,
                                stack.pgbench_mode()) for c in SENDERS}
    section.tables.append(throughput_table(served, noop, database))
    top = served[32]
    section.verdicts.append(Verdict(
        "intake p99 at 32 senders", f"{top.p99_ms:.1f} ms",
        f"(a) {noop[32].p99_ms:.1f}, (b) {database[32].p99_ms:.1f} ms",
        f"{top.p99_ms / noop[32].p99_ms:.1f}× (a), {top.p99_ms / database[32].p99_ms:.1f}× (b)",
        f"< {P99_GOAL_MS:g} ms", top.p99_ms < P99_GOAL_MS and not top.errors))
    for c in SENDERS:
        r = served[c]
        section.verdicts.append(Verdict(
            f"intake throughput, {c} sender{'s' * (c > 1)}", f"{r.rps:,.0f} req/s",
            f"(a) {noop[c].rps:,.0f}, (b) {database[c].rps:,.0f} tx/s",
            f"{r.rps / noop[c].rps:.2f}× (a), {r.rps / database[c].rps:.2f}× (b)", f"≥ {THROUGHPUT_GOAL:g}× (a)",
            r.rps >= THROUGHPUT_GOAL * noop[c].rps and not r.errors))
    return section


def throughput_table(served: dict, noop: dict, database: dict) -> Table:
    """One row per concurrency: the served figures, both baselines, the ratios, the failures."""
    table = Table(["senders", "req/s", "p50 ms", "p99 ms", "(a) req/s", "(a) p99 ms", "(b) tx/s", "(b) p99 ms",
                   "÷ (a)", "÷ (b)", "errors"])
    for c, r in served.items():
        a, b = noop[c], database[c]
        table.rows.append([str(c), f"{r.rps:,.0f}", f"{r.p50_ms:.1f}", f"{r.p99_ms:.1f}", f"{a.rps:,.0f}",
                           f"{a.p99_ms:.1f}", f"{b.rps:,.0f}", f"{b.p99_ms:.1f}", f"{r.rps / a.rps:.2f}",
                           f"{r.rps / b.rps:.2f}", str(r.errors)])
    return table
