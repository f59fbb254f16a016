"""5. Tag/revert under 32 concurrent senders, each request on a lead no other request in flight
touches: throughput and p99 against the do-nothing function at the same concurrency."""
import json

from tests.bench import lead_intake, load, profile, server_ceiling, stack
from tests.bench.report import Section, Table, Verdict

CONCURRENCY = 32
P99_TARGET_MS = 50.0

CREATE_LEADS = """
WITH lead AS (
  INSERT INTO lead_memory (email, name, message, client_id, current_tag, language, intent, tone, urgency,
                           confidence_score, tone_history, urgency_history, confidence_history, timestamp)
  SELECT 'tagged-' || :batch::text || '-' || n || '@bench-roofing.ca', 'Lead ' || n,
         'We need a quote for a new roof before winter.', :client_id::uuid, 'Active', 'en',
         'quote_request', 'Professional', 'Medium', 0.70,
         jsonb_build_array(jsonb_build_object('value', 'Professional', 'timestamp', now())),
         jsonb_build_array(jsonb_build_object('value', 'Medium', 'timestamp', now())),
         jsonb_build_array(jsonb_build_object('value', 0.70, 'timestamp', now())),
         now() - (n % 60) * interval '1 day'
  FROM generate_series(1, :count) AS n
  RETURNING id, client_id
)
INSERT INTO lead_actions (lead_id, client_id, action_type, tag)
SELECT id, client_id, 'insert', 'Active' FROM lead
RETURNING lead_id::text
"""


# pgbench picks leads by number: its own leads, numbered once.
NUMBER_LEADS = """
CREATE TABLE bench_tag_lead AS
SELECT row_number() OVER (ORDER BY id) AS n, id FROM lead_memory WHERE client_id = :client_id::uuid
"""


def pgbench_script(client_id: str, api_key: str, count: int) -> tuple[str, dict]:
    """The statements of one tag/revert request, from shared.clients.accounts, shared.platform.db,
    shared.leads.tagging and shared.growth.events, as pgbench commands: a random lead of `count` and a
    random step, a third each: tag Follow-Up; tag Converted with its growth event; revert with its
    growth event. pgbench does not read the lead's tag, so every step writes (as every request of the HTTP run does)."""
    from shared.clients import accounts
    from shared.growth import events
    from shared.leads import tagging
    from shared.platform import db

    variables = {"client_id": client_id, "digest": accounts.key_digest(api_key), "plain": api_key,
                 "reason": "Customer cancelled the contract after signing.",
                 "conversion_snapshot": json.dumps({"lead_id": "00000000-0000-4000-8000-000000000000",
                                                    "lead_name": "Lead 1", "initial_urgency": "Medium",
                                                    "initial_tone": "Professional", "days_to_convert": 12,
                                                    "touch_points": 2, "conversion_value": 4500,
                                                    "final_tag": "Converted"}),
                 "reversion_snapshot": json.dumps({"lead_id": "00000000-0000-4000-8000-000000000000",
                                                   "reason": "Customer cancelled the contract after signing.",
                                                   "previous_tag": "Converted"})}
    base = {name: f":{name}" for name in variables}
    base.update({"lead_id": "(SELECT id FROM bench_tag_lead WHERE n = :i)", "created_at": "clock_timestamp()",
                 "at": "NULL", "statement_timeout": "'5000'", "plan_cache_mode": "'auto'",
                 "action_id": "CAST('00000000-0000-4000-8000-000000000000' AS uuid)", "confidence": "0.95"})

    def step(tag: str, action_type: str, reason: str | None, event: str | None) -> str:
        parameters = dict(base, tag=f"'{tag}'", action_type=f"'{action_type}'",
                          reason=":reason" if reason else "NULL")
        text = load.pgbench_statement(tagging.Q.record_change, parameters)
        if event == "conversion":
            text += load.pgbench_statement(events.Q.client_conversion_record, parameters)
        if event:
            parameters.update(event_type=f"'{event}'", snapshot=f":{event}_snapshot",
                              insight_text=f"'Lead \"Lead 1\" {event} (bench)'")
            text += load.pgbench_statement(events.Q.insert_event, parameters)
        return text

    script = [f"\\set i random(1, {count})\n", "\\set step random(0, 2)\n",
              load.pgbench_statement(accounts.Q.authenticate, base),
              "BEGIN;\n", load.pgbench_statement(db.Q.client_settings, base),
              load.pgbench_statement(tagging.Q.lock_lead, base),
              "\\if :step = 0\n", step("Follow-Up", "tag", None, None),
              "\\elif :step = 1\n", step("Converted", "tag", None, "conversion"),
              "\\else\n", step("Active", "revert", "reason", "reversion"),
              "\\endif\n", "COMMIT;\n"]
    return "".join(script), variables


def leads(run: stack.Run, client_id: str, batch: str, count: int) -> str:
    ids = [row["lead_id"] for row in run.stack.sql(CREATE_LEADS, client_id=client_id, batch=batch, count=count)]
    return load.lua_table("lead_ids", ids)


def measure(run: stack.Run) -> Section:
    section = Section(
        "5. Tag / revert under 32 concurrent senders",
        f"`wrk` with {CONCURRENCY} connections for {run.seconds:g} s against `avenir serve`; request n goes to "
        "lead n mod N of N pre-created leads (N far above 32, so no two requests in flight share a lead) and "
        "each lead walks Follow-Up → Converted (with its growth event) → revert → …, so every request is a "
        "real change: a third tags, a third converts, a third reverts. A separate set of leads takes the "
        "warm-up. Baselines at the same concurrency: (a) the do-nothing function; (b) pgbench running the "
        "statements of one tag/revert request, generated from shared/leads/tagging.py and "
        "shared/growth/events.py (script below).")
    ceiling = server_ceiling.noop(run)[CONCURRENCY]
    key = stack.make_client("Bench Tagging Renovation", "owner@bench-tagging.ca")
    count = 600 if stack.QUICK else 3000
    warm_ids, ids = leads(run, key.client_id, "warm", 300), leads(run, key.client_id, "run", count)
    env = {"BENCH_API_KEY": key.api_key}
    stack.say(f"tag/revert: {count} leads created; serving with `avenir serve`")
    with stack.avenir_serve(run.work_dir, "tag-serve") as server:
        load.wrk("tag/revert warm-up", server.base_url, "tag_revert", 8, run.warmup_seconds, run.work_dir,
                 warm_ids, env)
        result = load.wrk("tag/revert", server.base_url, "tag_revert", CONCURRENCY, run.seconds, run.work_dir,
                          ids, env, cpu=stack.cpu_roots(run.stack, server))
    if result.requests > 3 * count:
        section.notes.append(f"{result.requests} requests went over {count} leads: some leads were visited "
                             "more than three times (still distinct in flight).")

    stack.say("baseline (b): pgbench with the statements of one tag/revert request")
    db_key = stack.make_client("Bench Tagging pgbench", "owner@bench-tagging-pgbench.ca")
    leads(run, db_key.client_id, "pgbench", count)
    run.stack.sql(NUMBER_LEADS, client_id=db_key.client_id)
    run.stack.sql("ALTER TABLE bench_tag_lead ADD PRIMARY KEY (n)")
    run.stack.sql("GRANT SELECT ON bench_tag_lead TO authenticated")
    script, variables = pgbench_script(db_key.client_id, db_key.api_key, count)
    script_path = run.work_dir / "tag_revert.pgbench.sql"
    script_path.write_text(script)
    database = load.pgbench("pgbench tag/revert", run.stack.pgbench(), run.stack.cluster.port, run.stack.database,
                            script_path, CONCURRENCY, run.seconds, run.work_dir, variables,
                            cpu=stack.cpu_roots(run.stack), mode=stack.pgbench_mode())
    run.stack.sql("DROP TABLE bench_tag_lead")

    ratio = result.rps / ceiling.rps
    section.tables.append(Table(
        ["", "req/s", "p50 ms", "p90 ms", "p99 ms", "max ms", "non-2xx / errors"],
        [["tag/revert", f"{result.rps:,.0f}", f"{result.p50_ms:.1f}", f"{result.p90_ms:.1f}",
          f"{result.p99_ms:.1f}", f"{result.max_ms:.1f}", f"{result.errors} {result.statuses}"],
         ["baseline (a): do-nothing function", f"{ceiling.rps:,.0f}", f"{ceiling.p50_ms:.1f}",
          f"{ceiling.p90_ms:.1f}", f"{ceiling.p99_ms:.1f}", f"{ceiling.max_ms:.1f}", f"{ceiling.errors}"],
         ["baseline (b): pgbench, the same statements", f"{database.rps:,.0f}", f"{database.p50_ms:.1f}",
          f"{database.p90_ms:.1f}", f"{database.p99_ms:.1f}", f"{database.max_ms:.1f}", f"{database.errors}"]]))
    section.verdicts += [
        Verdict("tag/revert p99 at 32 senders", f"{result.p99_ms:.1f} ms", f"< {P99_TARGET_MS:g} ms (as intake)",
                f"(a) {ceiling.p99_ms:.1f} ms, (b) {database.p99_ms:.1f} ms",
                f"{result.p99_ms / ceiling.p99_ms:.1f}× (a), {result.p99_ms / database.p99_ms:.1f}× (b)",
                result.p99_ms < P99_TARGET_MS and result.errors == 0),
        Verdict("tag/revert throughput at 32 senders", f"{result.rps:,.0f} req/s", "≥ 0.5× (a) (as intake)",
                f"(a) {ceiling.rps:,.0f}, (b) {database.rps:,.0f} tx/s",
                f"{ratio:.2f}× (a), {result.rps / database.rps:.2f}× (b)", ratio >= 0.5 and result.errors == 0)]
    section.notes.append("The pgbench script (generated from the app's statements; a random lead of its own "
                         f"{count} and a random step per transaction):\n\n<details><summary>tag_revert.pgbench.sql"
                         f"</summary>\n\n```sql\n{script}```\n</details>")
    if result.errors:
        section.notes.append(f"**{result.errors} requests failed** ({result.statuses}): see the server log.")
    section.tables.append(without_prepared_statements(run, key.api_key, key.client_id, result))
    mine, theirs, other = run.measured["tag_compare"]
    section.tables.append(lead_intake.cpu_table([
        ("(a) do-nothing function", ceiling), ("tag/revert, " + mine, result), ("tag/revert, " + theirs, other),
        ("(b) pgbench, the same statements", database)]))
    if section.missed:
        section.profile = profiled(run, key.api_key, key.client_id)
    return section


def without_prepared_statements(run: stack.Run, api_key: str, client_id: str, main) -> Table:
    """The same load against a server differing only in whether statements are prepared."""
    server = stack.comparison_serve(run.work_dir, "tag-compare")
    mine, theirs = lead_intake.comparison_labels()
    stack.say(f"tag/revert, before/after: the same load with {theirs}")
    ids = leads(run, client_id, "compare", 600 if stack.QUICK else 3000)
    warm_ids = leads(run, client_id, "compare-warm", 300)
    env = {"BENCH_API_KEY": api_key}
    with server:
        load.wrk("tag/revert compare warm-up", server.base_url, "tag_revert", 8, run.warmup_seconds, run.work_dir,
                 warm_ids, env)
        other = load.wrk("tag/revert compare", server.base_url, "tag_revert", CONCURRENCY, run.seconds, run.work_dir,
                         ids, env, cpu=stack.cpu_roots(run.stack, server))
    run.measured["tag_compare"] = (mine, theirs, other)
    return lead_intake.before_after_table((CONCURRENCY,), {CONCURRENCY: other}, {CONCURRENCY: main})


def profiled(run: stack.Run, api_key: str, client_id: str) -> str:
    """The same load again with every worker under py-spy; what the CPU did."""
    path = run.work_dir / "tag_revert.pyspy.txt"
    ids = leads(run, client_id, "profile", 3000)
    stack.say("tag/revert missed a target: profiling the same load under py-spy")
    with stack.avenir_serve(run.work_dir, "tag-serve-profiled", profile_to=path) as server:
        load.wrk("tag/revert profiled", server.base_url, "tag_revert", CONCURRENCY, run.seconds, run.work_dir,
                 ids, {"BENCH_API_KEY": api_key})
    text, _, _ = profile.summary(path)
    run.measured["tag_revert_profile"] = path
    return "### Profile of tag/revert at 32 senders (a target was missed)\n\n" + text
