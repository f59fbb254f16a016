"""1. Lead intake over HTTP at 1, 8 and 32 concurrent senders, against (a) the do-nothing function
served the same way (the server's ceiling) and (b) pgbench running the statements the function
runs per request (the database's ceiling)."""
import json
import time

from tests.bench import load, profile, server_ceiling, stack
from tests.bench.report import Section, Table, Verdict

CONCURRENCY = server_ceiling.CONCURRENCY
P99_TARGET_MS = 50.0
THROUGHPUT_TARGET = 0.5  # of baseline (a)



def fixture_leads() -> list[tuple[str, str]]:
    """(name, message) of the labelled lead messages of tests/fixtures, JSON-encoded for the wrk script."""
    rows = []
    for line in (stack.ROOT / "tests" / "fixtures" / "labelled_leads.jsonl").read_text().splitlines():
        if line.strip():
            lead = json.loads(line)
            rows.append((json.dumps(lead["name"]), json.dumps(lead["message"])))
    return rows


def pgbench_script(client_id: str, api_key: str) -> tuple[str, dict]:
    """The statements one POST /api/lead of a new email runs, in order, taken from the app's own
    modules (shared.platform.db, shared.clients.accounts, shared.leads.intake): the key lookup transaction,
    then the intake transaction (role + client, advisory lock, lookup, insert of the lead, its action, its
    message and its response, the follow-up reply queued). Per transaction a new email (:n) and lock id
    (:lock); the rest as the app sends it."""
    from shared import enrichment
    from shared.clients import accounts
    from shared.leads import intake
    from shared.mail import outbox
    from shared.platform import db

    name, message = "Olivia Park", "Hi, I'd like a quote for a full bathroom remodel in our condo in Verdun."
    found = enrichment.enrich(name, message)
    variables = {"client_id": client_id, "digest": accounts.key_digest(api_key), "plain": api_key,
                 "route": intake.ROUTE, "name": name, "message": message, "is_test": "false",
                 "response_status": "201", "enrichment_version": enrichment.ENGINE_VERSION,
                 **{k: str(v) for k, v in found.as_dict().items()}}
    variables["response_body"] = json.dumps({"lead_id": "00000000-0000-0000-0000-000000000000",
                                             "action": "insert", "is_test": False,
                                             "enrichment": found.as_dict()})
    parameters = {name: f":{name}" for name in variables}
    parameters.update({"email": "('sender-' || :n || '@bench-roofing.ca')", "lead_id": "gen_random_uuid()",
                       "message_id": "gen_random_uuid()", "lock_ids": "ARRAY[CAST(:lock AS bigint)]",
                       "idempotency_key": "NULL", "request_hash": "NULL", "wait_ms": "'0'",
                       "statement_timeout": "'5000'", "plan_cache_mode": "'auto'"})
    statements = [db.Q.client_settings, intake.Q.lock_wait, intake.Q.lock, intake.Q.lock_wait_end, intake.Q.lookup]
    # The reply is queued for the lead and message the insert made (their ids kept by pgbench's \gset).
    reply = dict(parameters, lead_id=":id", message_id=":message_id", to_email=parameters["email"], received_at="NULL")
    script = ["\\set n random(1, 999999999999)\n",
              "\\set lock random(1, 9000000000000000000)\n",
              load.pgbench_statement(accounts.Q.authenticate, parameters),
              "BEGIN;\n", *(load.pgbench_statement(sql, parameters) for sql in statements),
              load.pgbench_statement(intake.Q.insert_lead, parameters).rstrip().removesuffix(";") + " \\gset\n",
              load.pgbench_statement(outbox.Q.queue_reply, reply), "COMMIT;\n"]
    return "".join(script), variables


def measure(run: stack.Run) -> Section:
    section = Section("1. Lead intake over HTTP", describe(run))
    ceiling = server_ceiling.noop(run)
    key = stack.make_client("Bench Roofing Intake", "owner@bench-roofing-intake.ca")
    leads_data = load.lua_table("leads", fixture_leads())
    results = served_load(run, key.api_key, leads_data)
    stored = run.stack.scalar("SELECT count(*) FROM lead_memory WHERE client_id = :c::uuid", c=key.client_id)
    db_key = stack.make_client("Bench Roofing pgbench", "owner@bench-roofing-pgbench.ca")
    script, ceiling_db = database_ceiling(run, db_key)
    stack.say("lead intake: one request's parts, in process")
    parts = breakdown(run, db_key.api_key, 50 if stack.QUICK else 200)
    section.tables += [results_table(results, ceiling, ceiling_db), parts]
    section.verdicts += verdicts(results, ceiling, ceiling_db)
    section.notes += notes(results, ceiling, ceiling_db, commit_ms=float(parts.rows[-1][1]), stored=stored)
    section.tables.append(without_prepared_statements(run, key.api_key, leads_data, results))
    mine, theirs, other = run.measured["intake_compare"]
    section.tables.append(cpu_table([("(a) do-nothing function", ceiling[32]), ("lead intake, " + mine, results[32]),
                                     ("lead intake, " + theirs, other),
                                     ("(b) pgbench, the intake's statements", ceiling_db[32])]))
    section.notes.append(lookup_plan(run, key.client_id))
    section.notes.append("The pgbench script (generated; pgbench variables from -D, :n and :lock drawn per "
                         f"transaction):\n\n<details><summary>lead_intake.pgbench.sql</summary>\n\n```sql\n"
                         f"{script}```\n</details>")
    if section.missed:
        section.profile = profiled(run, key.api_key, leads_data)
    return section


def describe(run: stack.Run) -> str:
    return (
        f"`wrk` for {run.seconds:g} s per point POSTs `/api/lead` with a new email every request (so each is "
        "an insert: enrichment, key lookup, advisory lock, dedupe lookup, lead + action rows, one commit), "
        "messages cycling over tests/fixtures/labelled_leads.jsonl, against `avenir serve` and a real "
        "PostgreSQL with fsync and synchronous_commit on. Baseline (a): the do-nothing function "
        "(tests/bench/functions/noop) served by the same `infra.serve.run` (same gunicorn settings, same path "
        "dispatch to a functions-framework app). Baseline (b): pgbench running the very statements one intake "
        f"request runs, generated from shared/clients/accounts.py, shared/platform/db.py and "
        f"shared/leads/intake.py (script below), "
        f"same concurrency, `-M {stack.pgbench_mode()}` as the app sends them (prepared once per connection, "
        "or unnamed and parsed every time when AVENIR_PREPARED_STATEMENTS=0). Each system gets its own "
        "client, so each starts with no lead.")


def served_load(run: stack.Run, api_key: str, leads_data: str) -> dict:
    """wrk against `avenir serve` at each concurrency, after a warm-up."""
    env = {"BENCH_API_KEY": api_key}
    stack.say("lead intake: `avenir serve` over a real PostgreSQL")
    with stack.avenir_serve(run.work_dir, "intake-serve") as server:
        load.wrk("intake warm-up", server.base_url, "lead_intake", 8, run.warmup_seconds, run.work_dir, leads_data,
                 {**env, "BENCH_RUN_TAG": "warm"})
        return {c: load.wrk("intake", server.base_url, "lead_intake", c, run.seconds, run.work_dir,
                            leads_data, {**env, "BENCH_RUN_TAG": f"c{c}-{int(time.time())}"},
                            cpu=stack.cpu_roots(run.stack, server))
                for c in CONCURRENCY}


def database_ceiling(run: stack.Run, db_key) -> tuple[str, dict]:
    """Baseline (b): pgbench with the statements of one intake request; (script, result per concurrency)."""
    stack.say("baseline (b): pgbench with the statements of one intake request")
    script, variables = pgbench_script(db_key.client_id, db_key.api_key)
    script_path = run.work_dir / "lead_intake.pgbench.sql"
    script_path.write_text(script)
    return script, {c: load.pgbench("pgbench intake", run.stack.pgbench(), run.stack.cluster.port,
                                    run.stack.database, script_path, c, run.seconds, run.work_dir, variables,
                                    cpu=stack.cpu_roots(run.stack), mode=stack.pgbench_mode())
                    for c in CONCURRENCY}


def results_table(results: dict, ceiling: dict, ceiling_db: dict) -> Table:
    table = Table(["senders", "intake req/s", "p50 ms", "p90 ms", "p99 ms", "max ms",
                   "(a) do-nothing req/s", "(a) p99 ms", "(b) pgbench tx/s", "(b) p50 ms", "(b) p99 ms",
                   "intake / (a)", "intake / (b)", "non-2xx / errors"])
    for c in CONCURRENCY:
        r, a, b = results[c], ceiling[c], ceiling_db[c]
        table.rows.append([str(c), f"{r.rps:,.0f}", f"{r.p50_ms:.1f}", f"{r.p90_ms:.1f}", f"{r.p99_ms:.1f}",
                           f"{r.max_ms:.1f}", f"{a.rps:,.0f}", f"{a.p99_ms:.1f}", f"{b.rps:,.0f}", f"{b.p50_ms:.1f}",
                           f"{b.p99_ms:.1f}", f"{r.rps / a.rps:.2f}", f"{r.rps / b.rps:.2f}",
                           f"{r.errors} {r.statuses}" if r.errors else "0"])
    return table


def verdicts(results: dict, ceiling: dict, ceiling_db: dict) -> list[Verdict]:
    """p99 under 50 ms at 32 senders; at each concurrency, at least half of the do-nothing throughput."""
    top, errors = results[32], sum(r.errors for r in results.values())
    found = [Verdict(
        "intake p99 at 32 senders", f"{top.p99_ms:.1f} ms", f"< {P99_TARGET_MS:g} ms",
        f"(a) {ceiling[32].p99_ms:.1f} ms, (b) {ceiling_db[32].p99_ms:.1f} ms",
        f"{top.p99_ms / ceiling[32].p99_ms:.1f}× (a), {top.p99_ms / ceiling_db[32].p99_ms:.1f}× (b)",
        top.p99_ms < P99_TARGET_MS and errors == 0)]
    for c in CONCURRENCY:
        ratio = results[c].rps / ceiling[c].rps
        found.append(Verdict(
            f"intake throughput at {c} sender{'s' if c > 1 else ''}", f"{results[c].rps:,.0f} req/s",
            f"≥ {THROUGHPUT_TARGET:g}× (a)", f"(a) {ceiling[c].rps:,.0f}, (b) {ceiling_db[c].rps:,.0f} tx/s",
            f"{ratio:.2f}× (a), {results[c].rps / ceiling_db[c].rps:.2f}× (b)",
            ratio >= THROUGHPUT_TARGET and results[c].errors == 0))
    return found


def notes(results: dict, ceiling: dict, ceiling_db: dict, commit_ms: float, stored: int) -> list[str]:
    """What the figures mean: the 1-sender bound, what the targets ask of this machine (Little's law),
    every request checked."""
    needed = 32 / (P99_TARGET_MS / 1000)
    answered = sum(int(r.statuses.get("201", 0)) for r in results.values())
    errors = sum(r.errors for r in results.values())
    return [
        f"At 1 sender throughput is 1 / latency: half of (a) there is {ceiling[1].rps / 2:,.0f} req/s, i.e. under "
        f"{2000 / ceiling[1].rps:.2f} ms per request, while one durable commit alone took {commit_ms:.2f} ms "
        f"(median, breakdown table) and pgbench's whole transaction {ceiling_db[1].p50_ms:.2f} ms (p50).",
        f"What the targets ask of this machine. 32 senders each wait for their answer (a closed loop), so by "
        f"Little's law the mean latency is 32 / throughput: a p99 under {P99_TARGET_MS:g} ms needs a mean under "
        f"{P99_TARGET_MS:g} ms, i.e. more than {needed:,.0f} req/s. PostgreSQL alone, running the same statements "
        f"from a C client with no HTTP and no Python, did {ceiling_db[32].rps:,.0f} tx/s at 32 clients here (p99 "
        f"{ceiling_db[32].p99_ms:.0f} ms)"
        + (", so no application code can meet the p99 target on this machine with synchronous commit: the "
           "database's own ceiling is below it." if ceiling_db[32].rps < needed else ".")
        + f" Likewise 'half of (a)' is {ceiling[32].rps / 2:,.0f} req/s at 32 senders"
        + (f", above what PostgreSQL alone reaches with these statements ({ceiling_db[32].rps:,.0f} tx/s)"
           if ceiling_db[32].rps < ceiling[32].rps / 2 else "")
        + ". The CPU table shows why: the systems doing work keep the 2 cores about busy, so their throughput "
          "is about 2 cores / CPU time per request; the server's and PostgreSQL's CPU per request is what the code can "
          "still cut (intake / (b) is the ratio to watch).",
        f"Every measured request was checked: {answered:,} answered 201, {errors} failed; the "
        f"client holds {stored:,} leads afterwards (warm-up included, and requests still in flight "
        "when wrk stopped).",
        "The do-nothing function answers in about the time of one loopback HTTP exchange through "
        "gunicorn + Flask; everything above it is our code, pg8000 and PostgreSQL. pgbench is a C "
        "client with no HTTP, so (b) is how fast PostgreSQL itself commits these statements on "
        "this disk."]


def breakdown(run: stack.Run, api_key: str, repeats: int) -> Table:
    """One sender, no HTTP: the parts of an intake request timed in this process, next to the
    costs of the driver's round trips and of one durable commit on this disk."""
    import statistics
    import uuid

    from pg8000.native import to_statement

    from shared import enrichment
    from shared.clients import accounts
    from shared.leads import intake
    from shared.platform import db

    message = "Hi, I'd like a quote for a full bathroom remodel in our condo in Verdun. Could someone come next week?"
    client = accounts.authenticate(api_key)
    conn = run.stack.connect()  # plain pg8000 (the app's connection prepares its statements itself)
    conn.run("CREATE TABLE IF NOT EXISTS bench_commit (n int)")  # not TEMP: a temp table writes no WAL
    prepared = conn.prepare("SELECT CAST(:x AS int)")
    parametrised = [accounts.Q.authenticate, intake.Q.lock, intake.Q.lookup, intake.Q.insert_lead]

    def timed(action) -> str:
        samples = []
        for i in range(repeats):
            started = time.perf_counter()
            action(i)
            samples.append((time.perf_counter() - started) * 1000)
        return f"{statistics.median(samples):.2f}"

    def durable_commit(i):
        conn.run("BEGIN")
        conn.run(f"INSERT INTO bench_commit VALUES ({i})")
        conn.run("COMMIT")

    def store(i):
        lead = intake.LeadRequest(name="Olivia Park", email=f"breakdown-{uuid.uuid4().hex}@bench-roofing.ca",
                                 message=message)
        intake.intake(client, lead, None)

    rows = [
        ["pydantic parse of the body (LeadRequest)", timed(lambda i: intake.LeadRequest(
            name="Olivia Park", email=f"p{i}@bench-roofing.ca", message=message))],
        ["enrichment (shared.enrichment.enrich)", timed(lambda i: enrichment.enrich("Olivia Park", message))],
        ["key lookup transaction (accounts.authenticate)", timed(lambda i: accounts.authenticate(api_key))],
        ["intake transaction, enrichment included (intake.intake, new email)", timed(store)],
        ["driver: one simple-protocol statement (`SELECT 1`, no parameter)", timed(lambda i: conn.run("SELECT 1"))],
        ["driver: one statement with a parameter (pg8000's `conn.run`, unnamed: 3 round trips)",
         timed(lambda i: conn.run("SELECT CAST(:x AS int)", x=i))],
        ["driver: the same, prepared once (`conn.prepare(...).run`: 1 round trip)", timed(lambda i: prepared.run(x=i))],
        [f"driver: rewriting the SQL text of one intake request's {len(parametrised)} parametrised statements to "
         "$n (`pg8000.native.to_statement`, in pure Python: on every call unless the statement is prepared)",
         timed(lambda i: [to_statement(sql) for sql in parametrised])],
        ["PostgreSQL: one durable commit (BEGIN, 1-row INSERT, COMMIT: waits for the WAL flush)",
         timed(durable_commit)],
    ]
    conn.run("DROP TABLE bench_commit")
    conn.close()
    db.discard()
    return Table([f"one sender, in process, no HTTP (median of {repeats})", "ms"], rows)


def cpu_table(rows: list) -> Table:
    """Where the 2 cores went, per request, at 32 senders: CPU time of each process group divided by
    the requests answered (from /proc during each run)."""
    groups = ["server (gunicorn workers)", "PostgreSQL", "load generator (wrk)", "load generator (pgbench)"]
    table = Table(["CPU time per request at 32 senders, ms (all cores)", "server (gunicorn workers)", "PostgreSQL",
                   "load generator", "total", "cores busy (total × req/s)"])
    for name, result in rows:
        cpu = result.cpu_ms
        if not cpu:
            continue
        total = sum(cpu.values())
        generator = cpu.get(groups[2], cpu.get(groups[3], 0.0))
        table.rows.append([name, f"{cpu[groups[0]]:.2f}" if groups[0] in cpu else "—", f"{cpu.get(groups[1], 0):.2f}",
                           f"{generator:.2f}", f"{total:.2f}", f"{total * result.rps / 1000:.2f}"])
    return table


PREPARED = "statements prepared once per connection"
UNPREPARED = "statements parsed and rewritten on every call"


def comparison_labels() -> tuple[str, str]:
    """(label of the main runs, label of the comparison runs)."""
    return f"{PREPARED} (as shipped)", f"{UNPREPARED} (AVENIR_PREPARED_STATEMENTS=0)"


def without_prepared_statements(run: stack.Run, api_key: str, leads_data: str, main: dict) -> Table:
    """Prepared statements (shared/platform/db.py) against none: the same load against a server that differs
    only in that."""
    server = stack.comparison_serve(run.work_dir, "intake-compare")
    mine, theirs = comparison_labels()
    stack.say(f"lead intake, before/after: the same load with {theirs}")
    other = {}
    with server:
        load.wrk("intake compare warm-up", server.base_url, "lead_intake", 8, run.warmup_seconds, run.work_dir,
                 leads_data, {"BENCH_API_KEY": api_key, "BENCH_RUN_TAG": f"compare-warm-{int(time.time())}"})
        for c in (1, 32):
            env = {"BENCH_API_KEY": api_key, "BENCH_RUN_TAG": f"compare-{c}-{int(time.time())}"}
            other[c] = load.wrk("intake compare", server.base_url, "lead_intake", c, run.seconds, run.work_dir,
                                leads_data, env, cpu=stack.cpu_roots(run.stack, server))
    run.measured["intake_compare"] = (mine, theirs, other[32])
    return before_after_table((1, 32), before=other, after=main)


def before_after_table(concurrencies, before: dict, after: dict) -> Table:
    table = Table([f"before: {UNPREPARED}; after: {PREPARED}", "req/s before", "req/s after", "p50 ms before",
                   "p50 ms after", "p99 ms before", "p99 ms after", "errors before / after"])
    for c in concurrencies:
        b, a = before[c], after[c]
        table.rows.append([f"{c} sender{'s' if c > 1 else ''}", f"{b.rps:,.0f}", f"{a.rps:,.0f}", f"{b.p50_ms:.1f}",
                           f"{a.p50_ms:.1f}", f"{b.p99_ms:.1f}", f"{a.p99_ms:.1f}", f"{b.errors} / {a.errors}"])
    return table


def lookup_plan(run: stack.Run, client_id: str) -> str:
    """How PostgreSQL finds a client's lead by email once the client has many leads."""
    from shared.leads import intake

    email = run.stack.scalar("SELECT email FROM lead_memory WHERE client_id = :c::uuid LIMIT 1", c=client_id)
    if email is None:
        return "No lead was stored: no dedupe lookup plan to show."
    conn = run.stack.connect()
    try:
        for _ in range(2):  # the second run: a new session's first use of a collation loads it
            rows = conn.run("EXPLAIN (ANALYZE, COSTS OFF) " + intake.Q.lookup, client_id=client_id, email=email,
                            route=intake.ROUTE, idempotency_key=None)
    finally:
        conn.close()
    plan = "\n".join(row[0] for row in rows)
    return ("The dedupe lookup of an existing email for this client, after the run (EXPLAIN ANALYZE, the "
            "second run in one session):"
            f"\n\n<details><summary>plan</summary>\n\n```\n{plan}\n```\n</details>")


def profiled(run: stack.Run, api_key: str, leads_data: str) -> str:
    """The same load at 32 senders again with every worker under py-spy; where the CPU went."""
    path = run.work_dir / "lead_intake.pyspy.txt"
    stack.say("lead intake missed a target: profiling 32 senders under py-spy")
    with stack.avenir_serve(run.work_dir, "intake-serve-profiled", profile_to=path) as server:
        load.wrk("intake profiled", server.base_url, "lead_intake", 32, run.seconds, run.work_dir, leads_data,
                 {"BENCH_API_KEY": api_key, "BENCH_RUN_TAG": f"profile-{int(time.time())}"})
    text, _, _ = profile.summary(path)
    run.measured["intake_profile"] = path
    return "### Profile of lead intake at 32 senders (a target was missed)\n\n" + text
