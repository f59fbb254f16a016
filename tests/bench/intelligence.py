"""The nightly intelligence job at half, full and double the schema reference's largest sizes (1,000
clients, 100,000 leads, 500,000 actions at full size), each in a fresh database loaded by the
intelligence tests' generator, against one grouped pass over the same tables."""
import datetime
import math
import time

from shared.platform import sql
from tests.bench import stack
from tests.bench.report import Section, Table, Verdict

Q = sql.load(__file__)
GOAL_SECONDS = 5.0
SCALES = (0.05, 0.1, 0.2) if stack.QUICK else (0.5, 1.0, 2.0)
EXPONENT_LIMIT = 1.1  # time may grow like the data (exponent 1), with 10 % for a shared machine's noise


def measure(run: stack.Run) -> Section:
    section = Section("Nightly intelligence", (
        "Per size, `shared.growth.intelligence.run_daily(yesterday)` as the schedule runs it, then again for the "
        "same date (the faster counts); data from `tests/growth/intelligence/datagen.py` over 90 days. "
        "Baseline: one grouped pass over lead_memory and lead_actions."))
    run_date = datetime.datetime.now(datetime.UTC).date() - datetime.timedelta(days=1)
    table = Table(["scale", "clients", "leads", "actions", "job s", "one pass s (baseline)", "ratio", "failed"])
    job, base = {}, {}
    for scale in SCALES:
        counts, job[scale], base[scale], failed = one_scale(run, scale, run_date)
        table.rows.append([f"{scale:g}×", f"{counts['clients']:,}", f"{counts['leads']:,}", f"{counts['actions']:,}",
                           f"{job[scale]:.2f}", f"{base[scale]:.2f}", f"{job[scale] / base[scale]:.1f}×", str(failed)])
    section.tables.append(table)
    low, full, high = SCALES
    exponent = math.log(job[high] / job[low]) / math.log(high / low)
    base_exponent = math.log(base[high] / base[low]) / math.log(high / low)
    section.verdicts += [
        Verdict(f"intelligence job at {full:g}× the reference's sizes", f"{job[full]:.2f} s",
                f"{base[full]:.2f} s one pass", f"{job[full] / base[full]:.1f}×", f"< {GOAL_SECONDS:g} s",
                job[full] < GOAL_SECONDS),
        Verdict(f"intelligence growth {low:g}× → {high:g}× (time ∝ data^exponent)", f"exponent {exponent:.2f}",
                f"one pass: exponent {base_exponent:.2f}", f"{exponent / base_exponent:.1f}" if base_exponent else "—",
                f"≤ {EXPONENT_LIMIT:g}", exponent <= EXPONENT_LIMIT)]
    return section


def one_scale(run: stack.Run, scale: float, run_date: datetime.date) -> tuple[dict, float, float, int]:
    """(row counts, job s, baseline s, failed clients) in a database of its own, dropped afterwards."""
    from shared.growth import intelligence
    from tests.growth.intelligence import datagen

    with run.stack.scratch_database(f"bench_intelligence_{str(scale).replace('.', '_')}") as name:
        conn = run.stack.connect(name)
        try:
            stack.say(f"intelligence: loading {datagen.sizes(scale)} ...")
            counts = datagen.populate(conn, **datagen.sizes(scale), end=run_date)
            started = time.perf_counter()
            conn.run(Q.one_pass)
            baseline_s = time.perf_counter() - started
        finally:
            conn.close()
        runs = []
        for _ in range(2):
            started = time.perf_counter()
            summary = intelligence.run_daily(run_date)
            runs.append((time.perf_counter() - started, len(summary.failed_clients)))
    stack.say(f"intelligence: scale {scale:g}: job {runs[0][0]:.2f} s, again {runs[1][0]:.2f} s, "
              f"baseline {baseline_s:.2f} s")
    return counts, min(s for s, _ in runs), baseline_s, sum(f for _, f in runs)
