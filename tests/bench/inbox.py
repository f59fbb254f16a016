"""The inbox at 100,000 leads for one client: each filter's first page timed in the database (EXPLAIN
ANALYZE as the client's role, custom plans, as `GET /api/leads` runs it), against the schema
reference's own dashboard query, unpaged, on the same data."""
import statistics
import uuid

from shared.leads import inbox
from shared.platform import sql
from tests.bench import stack
from tests.bench.report import Section, Table, Verdict
from tests.leads.test_inbox_plans import FILTERS, GENERATE, LEADS, explain, lead_rows_read

Q = sql.load(__file__)
GOAL_MS = 20.0
RARE_WORD = "a rare word (search, then the page)"


def measure(run: stack.Run) -> Section:
    section = Section(f"The inbox at {LEADS:,} leads", (
        "Each filter's first page of 25, database time by EXPLAIN ANALYZE, median of 5 (a search: its matches "
        "through the trigram index, then the page). Baseline: the reference's dashboard query, unpaged."))
    client_id = uuid.UUID(stack.make_client("Bench Inbox", "owner@bench-inbox.ca").client_id)
    run.sql(GENERATE, client_id=client_id, leads=LEADS)
    run.sql("ANALYZE")
    reference_ms = median_ms([run.sql(Q.explain_reference, client_id=client_id)[0]["QUERY PLAN"][0] for _ in range(5)])
    table = Table(["page", "database ms", "lead rows read", "÷ baseline"])
    for name, filters in (FILTERS | {RARE_WORD: {"search": True, "pattern": "%zinc%"}}).items():
        plans = [explain(run, client_id, "force_custom_plan", **dict(filters)) for _ in range(5)]
        ms = median_ms(plans)
        if filters.get("search"):
            ids = [r["id"] for r in run.sql(inbox.Q.search, client_id=client_id, pattern="%zinc%", cap=2000)]
            ms += median_ms([explain(run, client_id, "force_custom_plan", ids=ids) for _ in range(5)])
        table.rows.append([name, f"{ms:.2f}", lead_rows_read(plans[0]["Plan"]), f"{ms / reference_ms:.3f}"])
    table.rows.append(["the reference's query, unpaged (baseline)", f"{reference_ms:.1f}", "every lead", "1"])
    section.tables.append(table)
    slowest = max(table.rows[:-1], key=lambda row: float(row[1]))
    worst = float(slowest[1])
    section.verdicts.append(Verdict(f"slowest inbox page ({slowest[0]}), database time", f"{worst:.2f} ms",
                                    f"{reference_ms:.1f} ms reference query", f"{worst / reference_ms:.3f}",
                                    f"< {GOAL_MS:g} ms", worst < GOAL_MS))
    return section


def median_ms(plans: list[dict]) -> float:
    return statistics.median(plan["Execution Time"] for plan in plans)
