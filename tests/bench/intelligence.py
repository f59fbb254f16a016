"""2. Daily intelligence at half, full and double the schema reference's largest sizes (1,000
clients, 100,000 leads, 500,000 actions at full size), each in a database of its own loaded with
the intelligence tests' set-based generator, against one grouped pass over the same tables."""
import datetime
import math
import time

from tests.bench import stack
from tests.bench.report import Section, Table, Verdict

TARGET_SECONDS = 5.0
SCALES = (0.05, 0.1, 0.2) if stack.QUICK else (0.5, 1.0, 2.0)
FULL = SCALES[1]
# Time may grow like the data (exponent 1); 10 % is allowed for a shared machine's noise.
EXPONENT_LIMIT = 1.1

# Baseline: read every lead and every action once, grouped by client, as any daily job must.
ONE_PASS = """
SELECT (SELECT count(*) FROM (SELECT client_id, count(*), avg(confidence_score),
                                     count(*) FILTER (WHERE urgency = 'High')
                              FROM lead_memory GROUP BY client_id) AS leads) AS clients_with_leads,
       (SELECT count(*) FROM (SELECT client_id, count(*), count(*) FILTER (WHERE conversion_outcome)
                              FROM lead_actions GROUP BY client_id) AS actions) AS clients_with_actions
"""


def measure(run: stack.Run) -> Section:
    section = Section(
        "2. Daily intelligence at scale",
        "For each size, a fresh migrated database is loaded by `tests/growth/intelligence/datagen.py` (set-based "
        "`generate_series` SQL, leads over the 90 days before the run date, 5 % test clients, 5 % test leads), "
        "then the job runs in process as the schedule runs it (`shared.growth.intelligence.run_daily(run_date)` for "
        "every non-test client), then again for the same date (which replaces that date's rows). Baseline: "
        "one grouped pass over lead_memory and lead_actions (`SELECT client_id, count(*), avg(...) ... GROUP "
        "BY client_id`), the least any daily job reading all the data must do.")
    run_date = datetime.datetime.now(datetime.UTC).date() - datetime.timedelta(days=1)
    table = Table(["scale", "clients", "leads", "actions", "growth events (input)", "load s", "job s",
                   "re-run s", "clients processed", "events written", "failed", "(baseline) one pass s",
                   "job / baseline"])
    figures = {}
    for scale in SCALES:
        figures[scale], row = one_scale(run, scale, run_date)
        table.rows.append(row)
    section.tables.append(table)
    section.verdicts += verdicts(figures)
    section.notes.append(f"Run date {run_date} (yesterday, UTC); each size's database is dropped after it is "
                         "measured. 'load s' is the generator's time (one transaction + ANALYZE). The growth "
                         "exponents compare the faster of the two runs at each size (the least noisy figure).")
    return section


def one_scale(run: stack.Run, scale: float, run_date: datetime.date) -> tuple[tuple[float, float, float], list[str]]:
    """Load a fresh database at `scale`, time the baseline pass, the job and its re-run; drop it.
    ((job s, re-run s, baseline s), the table's row)."""
    from shared.growth import intelligence
    from shared.platform import migrate
    from tests.growth.intelligence import datagen

    name = f"bench_intelligence_{str(scale).replace('.', '_')}"
    url = run.stack.cluster.create_database(name)
    with stack.environment(DATABASE_URL=url):
        migrate.migrate()
        conn = _connect(run, name)
        try:
            stack.say(f"intelligence: loading scale {scale:g} ({datagen.sizes(scale)}) ...")
            started = time.perf_counter()
            counts = datagen.populate(conn, **datagen.sizes(scale), end=run_date)
            load_s = time.perf_counter() - started
            stack.say(f"intelligence: loaded {counts} in {load_s:.1f} s; one grouped pass (baseline) ...")
            started = time.perf_counter()
            conn.run(ONE_PASS)
            baseline_s = time.perf_counter() - started
        finally:
            conn.close()
        stack.say(f"intelligence: baseline {baseline_s:.2f} s; running the job for {run_date} ...")
        started = time.perf_counter()
        summary = intelligence.run_daily(run_date, progress=lambda m: stack.say("    " + m))
        job_s = time.perf_counter() - started
        stack.say(f"intelligence: job {job_s:.2f} s; again for the same date ...")
        started = time.perf_counter()
        again = intelligence.run_daily(run_date)
        rerun_s = time.perf_counter() - started
        stack.say(f"intelligence: scale {scale:g}: job {job_s:.2f} s, re-run {rerun_s:.2f} s")
    _drop(run, name)
    problems = len(summary.failed_clients) + len(again.failed_clients)
    return (job_s, rerun_s, baseline_s), [
        f"{scale:g}×", f"{counts['clients']:,}", f"{counts['leads']:,}", f"{counts['actions']:,}",
        f"{counts.get('growth_events', 0):,}", f"{load_s:.1f}", f"{job_s:.2f}", f"{rerun_s:.2f}",
        f"{summary.clients_processed:,}", f"{summary.events_written:,}", str(problems),
        f"{baseline_s:.2f}", f"{job_s / baseline_s:.1f}×"]


def verdicts(figures: dict[float, tuple[float, float, float]]) -> list[Verdict]:
    """Under 5 s at full size; between sizes, time growing no faster than the data (the exponent of
    the faster of the job's two runs, against the baseline pass's)."""
    half, full, double = (figures[s] for s in SCALES)
    found = [Verdict(
        f"intelligence job at full size ({FULL:g}×)", f"{full[0]:.2f} s", f"< {TARGET_SECONDS:g} s",
        f"{full[2]:.2f} s one pass", f"{full[0] / full[2]:.1f}×", full[0] < TARGET_SECONDS)]
    for (low, a), (high, b) in (((SCALES[0], half), (SCALES[1], full)), ((SCALES[1], full), (SCALES[2], double))):
        growth = min(b[:2]) / min(a[:2])
        exponent = math.log(growth) / math.log(high / low)
        base_exponent = math.log(b[2] / a[2]) / math.log(high / low)
        found.append(Verdict(
            f"intelligence growth {low:g}× → {high:g}×", f"time × {growth:.2f} for data × {high / low:g} "
            f"(exponent {exponent:.2f})", f"exponent ≤ 1 (≤ {EXPONENT_LIMIT:g} allowing for noise)",
            f"one pass × {b[2] / a[2]:.2f} (exponent {base_exponent:.2f})", f"{exponent:.2f}",
            exponent <= EXPONENT_LIMIT))
    return found


def _connect(run: stack.Run, database: str):
    import pg8000.native

    return pg8000.native.Connection(user="postgres", host="127.0.0.1", port=run.stack.cluster.port,
                                    database=database)


def _drop(run: stack.Run, database: str) -> None:
    from shared.platform import db

    db.discard()
    conn = run.stack.connect()
    try:
        conn.run(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    finally:
        conn.close()
