"""Tag/revert over HTTP at 32 senders, each request on a lead no other request in flight touches
(every request a real change: a third tag Follow-Up, a third convert, a third revert), against
(a) the do-nothing function and (b) pgbench running one tag/revert request's statements."""
import json

from shared.platform import sql
from tests.bench import intake, load, stack
from tests.bench.report import Section, Verdict

Q = sql.load(__file__)
SENDERS = 32
REASON = "Customer cancelled."


def pgbench_script(client_id: str, api_key: str, prefix: str, count: int) -> tuple[str, dict]:
    """The statements of one request from shared/ as pgbench commands: lead :i of `count` and a random
    step (tag Follow-Up; tag Converted with its growth event; revert with its growth event)."""
    from shared.clients import accounts
    from shared.growth import events
    from shared.leads import tagging
    from shared.platform import db

    lead = {"lead_id": "00000000-0000-4000-8000-000000000000", "lead_name": "Lead 1"}
    variables = {"client_id": client_id, "digest": accounts.key_digest(api_key), "plain": api_key, "reason": REASON,
                 "prefix": prefix, "reversion_snapshot": json.dumps(lead | {"reason": REASON}),
                 "conversion_snapshot": json.dumps(lead | {"initial_urgency": "Medium", "conversion_value": 4500})}
    base = {name: f":{name}" for name in variables} | {
        "lead_id": "CAST(:prefix || lpad(CAST(:i AS text), 12, '0') AS uuid)", "created_at": "clock_timestamp()",
        "at": "NULL", "statement_timeout": "'5000'", "plan_cache_mode": "'auto'", "confidence": "0.95",
        "action_id": "CAST('00000000-0000-4000-8000-000000000000' AS uuid)"}

    def step(tag: str, action_type: str, event: str | None) -> str:
        parameters = base | {"tag": f"'{tag}'", "action_type": f"'{action_type}'",
                             "reason": ":reason" if event == "reversion" else "NULL", "event_type": f"'{event}'",
                             "snapshot": f":{event}_snapshot", "insight_text": f"'Lead 1 {event} (bench)'"}
        statements = {None: [], "conversion": [events.Q.client_conversion_record, events.Q.insert_event],
                      "reversion": [events.Q.insert_reversion]}[event]
        statements = [tagging.Q.record_change, *statements]
        return "".join(load.pgbench_statement(statement, parameters) for statement in statements)

    script = [f"\\set i random(1, {count})\n", "\\set step random(0, 2)\n",
              load.pgbench_statement(accounts.Q.authenticate, base), "BEGIN;\n",
              load.pgbench_statement(db.Q.client_settings, base), load.pgbench_statement(tagging.Q.lock_lead, base),
              "\\if :step = 0\n", step("Follow-Up", "tag", None), "\\elif :step = 1\n",
              step("Converted", "tag", "conversion"), "\\else\n", step("Active", "revert", "reversion"),
              "\\endif\n", "COMMIT;\n"]
    return "".join(script), variables


def leads(run: stack.Run, client_id: str, batch: int, count: int) -> str:
    """`count` new leads whose ids are the batch's prefix and their number; as a Lua table for wrk."""
    rows = run.stack.sql(Q.create_leads, client_id=client_id, prefix=prefix(batch), count=count)
    return load.lua_table("lead_ids", [row["lead_id"] for row in rows])


def prefix(batch: int) -> str:  # a uuid without its last 12 digits, the lead's number
    return f"{batch:08x}-0000-4000-8000-"


def measure(run: stack.Run) -> Section:
    section = Section("Tag / revert over HTTP", (
        f"`wrk` with {SENDERS} senders for {run.seconds:g} s; request n goes to lead n mod N of N pre-created "
        "leads (N far above 32), each lead walking Follow-Up → Converted → revert. (a) and (b) as for intake; "
        "(b) runs the statements of shared/leads/tagging.py and shared/growth/events.py."))
    noop = intake.do_nothing(run)
    count = 600 if stack.QUICK else 3000
    key = stack.make_client("Bench Tagging Renovation", "owner@bench-tagging.ca")
    env = {"BENCH_API_KEY": key.api_key}
    with stack.avenir_serve(run.work_dir, "tag-serve") as server:
        load.wrk("tag/revert warm-up", server.base_url, "tag_revert", 8, run.warmup_seconds, run.work_dir,
                 leads(run, key.client_id, 1, 300), env)
        served = load.wrk("tag/revert", server.base_url, "tag_revert", SENDERS, run.seconds, run.work_dir,
                          leads(run, key.client_id, 2, count), env)
    db_key = stack.make_client("Bench Tagging pgbench", "owner@bench-tagging-pgbench.ca")
    leads(run, db_key.client_id, 3, count)
    script, variables = pgbench_script(db_key.client_id, db_key.api_key, prefix(3), count)
    script_path = run.work_dir / "tag_revert.pgbench.sql"
    script_path.write_text(script)
    database = load.pgbench("pgbench tag/revert", run.stack, script_path, SENDERS, run.seconds, variables,
                            stack.pgbench_mode())
    a, b = noop[SENDERS], database  # baselines (a) and (b)
    section.tables.append(intake.throughput_table({SENDERS: served}, noop, {SENDERS: database}))
    section.verdicts += [
        Verdict(f"tag/revert p99 at {SENDERS} senders", f"{served.p99_ms:.1f} ms",
                f"(a) {a.p99_ms:.1f}, (b) {b.p99_ms:.1f} ms",
                f"{served.p99_ms / a.p99_ms:.1f}× (a), {served.p99_ms / b.p99_ms:.1f}× (b)",
                f"< {intake.P99_GOAL_MS:g} ms", served.p99_ms < intake.P99_GOAL_MS and not served.errors),
        Verdict(f"tag/revert throughput, {SENDERS} senders", f"{served.rps:,.0f} req/s",
                f"(a) {a.rps:,.0f}, (b) {b.rps:,.0f} tx/s",
                f"{served.rps / a.rps:.2f}× (a), {served.rps / b.rps:.2f}× (b)", f"≥ {intake.THROUGHPUT_GOAL:g}× (a)",
                served.rps >= intake.THROUGHPUT_GOAL * a.rps and not served.errors)]
    return section
