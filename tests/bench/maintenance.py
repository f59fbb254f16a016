"""The nightly data maintenance at the schema reference's largest sizes (1,000 clients, 100,000
leads, 500,000 actions, plus idempotency keys and sessions to purge), against the reference's own
"Archive Old Leads" UPDATE on the same data (which archives the same leads but writes no action)."""
import datetime

from shared.platform import sql
from tests.bench import stack
from tests.bench.report import Section, Table, Verdict, ratio

Q = sql.load(__file__)
GOAL_SECONDS = 10.0
LATER_RATIO_LIMIT = 2.0  # archiving every Active lead at once: within 2× the reference UPDATE
SCALE = 0.1 if stack.QUICK else 1.0


def measure(run: stack.Run) -> Section:
    from shared.privacy import maintenance

    section = Section("Nightly maintenance", (
        "`shared.privacy.maintenance.run(now)` 320 days after the data's last day (the older leads are over a year "
        "old), then as of 80 days later, when every lead still Active is archived (the most one night can hold). "
        "Baseline: the reference's UPDATE at each date, rolled back."))
    end = datetime.date(2026, 6, 30)
    now = datetime.datetime.combine(end + datetime.timedelta(days=320), datetime.time(4), datetime.UTC)
    later = now + datetime.timedelta(days=80)
    with run.populated("bench_maintenance", SCALE, end) as (conn, counts):
        for statement in (Q.expiring_keys, Q.expiring_sessions):
            conn.run(statement, now=now)
        conn.run("ANALYZE idempotency_keys, owner_sessions")
        (ref_s, ref_rows), (later_ref_s, later_rows) = reference_update(conn, now), reference_update(conn, later)
        first, first_s = stack.timed(maintenance.run, now)
        again, _ = stack.timed(maintenance.run, now)
        worst, worst_s = stack.timed(maintenance.run, later)
    section.tables.append(Table(
        ["run as of", "leads", "run s", "archived", "reference UPDATE s (baseline)", "its archived", "ratio"],
        [[label, f"{counts['leads']:,}", f"{s:.2f}", f"{done.archived:,}", f"{r_s:.2f}", f"{r_rows:,}", ratio(s, r_s)]
         for label, done, s, r_s, r_rows in (("320 days on", first, first_s, ref_s, ref_rows),
                                                ("80 days later", worst, worst_s, later_ref_s, later_rows))]))
    section.verdicts += [
        Verdict(f"nightly maintenance at {SCALE:g}× the reference's sizes", f"{first_s:.2f} s",
                f"{ref_s:.2f} s reference UPDATE", ratio(first_s, ref_s), f"< {GOAL_SECONDS:g} s",
                first_s < GOAL_SECONDS and first.archived == ref_rows and again.archived == 0
                and not first.failed_clients),
        Verdict("maintenance archiving every lead still Active", f"{worst_s:.2f} s",
                f"{later_ref_s:.2f} s reference UPDATE", ratio(worst_s, later_ref_s),
                f"≤ {LATER_RATIO_LIMIT:g}× baseline",
                worst_s <= LATER_RATIO_LIMIT * later_ref_s and first.archived + worst.archived == later_rows)]
    return section


def reference_update(conn, now: datetime.datetime) -> tuple[float, int]:
    """The reference's statement as of `now`, timed and rolled back: (seconds, leads it archives)."""
    conn.run("BEGIN")
    try:
        _, seconds = stack.timed(conn.run, Q.reference_archive, now=now)
        return seconds, conn.row_count
    finally:
        conn.run("ROLLBACK")
