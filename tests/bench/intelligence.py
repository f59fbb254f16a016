"""The nightly intelligence job at half, full and double the schema reference's largest sizes (1,000
clients, 100,000 leads, 500,000 actions at full size), each in a fresh database loaded by the
intelligence tests' generator, against one grouped pass over the same tables."""
import datetime
import math

from shared.platform import sql
from tests.bench import stack
from tests.bench.report import Section, Table, Verdict, ratio

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
                           f"{job[scale]:.2f}", f"{base[scale]:.2f}", ratio(job[scale], base[scale]), failed])
    section.tables.append(table)
    low, full, high = SCALES

    def exponent(seconds: dict) -> float:  # time ∝ data^exponent between the smallest and largest size
        return math.log(seconds[high] / seconds[low]) / math.log(high / low)
    section.verdicts += [
        Verdict(f"intelligence job at {full:g}× the reference's sizes", f"{job[full]:.2f} s",
                f"{base[full]:.2f} s one pass", ratio(job[full], base[full]), f"< {GOAL_SECONDS:g} s",
                job[full] < GOAL_SECONDS),
        Verdict(f"intelligence growth {low:g}× → {high:g}× (time ∝ data^exponent)", f"exponent {exponent(job):.2f}",
                f"one pass: exponent {exponent(base):.2f}", f"{exponent(job) / exponent(base):.1f}"
                if exponent(base) else "—", f"≤ {EXPONENT_LIMIT:g}", exponent(job) <= EXPONENT_LIMIT)]
    return section


def one_scale(run: stack.Run, scale: float, run_date: datetime.date) -> tuple[dict, float, float, int]:
    """(row counts, job s, baseline s, failed clients) in a database of its own, dropped afterwards."""
    from shared.growth import intelligence

    with run.populated(f"bench_intelligence_{scale:g}".replace(".", "_"), scale, run_date) as (conn, counts):
        _, baseline_s = stack.timed(conn.run, Q.one_pass)
        runs = [stack.timed(intelligence.run_daily, run_date) for _ in range(2)]
    stack.say(f"intelligence: scale {scale:g}: job {runs[0][1]:.2f} s, again {runs[1][1]:.2f} s, "
              f"baseline {baseline_s:.2f} s")
    return counts, min(s for _, s in runs), baseline_s, sum(len(summary.failed_clients) for summary, _ in runs)
