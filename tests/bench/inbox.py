"""6. The inbox at 100,000 leads for one client: each filter's first page and a page deep in the list,
timed in the database (EXPLAIN ANALYZE, as the client's role), against the reference's own
"Dashboard: Fetch Active Leads" query (unpaged) on the same data."""
import statistics
import uuid

from shared.leads import inbox
from tests.bench import stack
from tests.bench.report import Section, Table, Verdict, mark
from tests.leads.test_inbox_plans import FILTERS, GENERATE, LEADS, explain, lead_rows_read

TARGET_MS = 20.0
# The schema reference's query, as it is written there (every active lead with its latest action).
REFERENCE = """
SELECT DISTINCT ON (lm.id) lm.*, la.action_type, la.timestamp AS action_at
FROM lead_memory lm
LEFT JOIN lead_actions la ON la.lead_id = lm.id
WHERE lm.client_id = :client_id AND lm.current_tag = 'Active' AND lm.is_test = false
ORDER BY lm.id, la.timestamp DESC
"""


class _Database:
    """What tests/leads/test_inbox_plans.explain needs of a database: a superuser connection."""

    def __init__(self, bench: stack.Stack):
        self.bench = bench

    def connect(self):
        return self.bench.connect()


def measure(run: stack.Run) -> Section:
    section = Section("6. The inbox at 100,000 leads", (
        f"One client with {LEADS:,} leads (one action and one logged message each). Each filter's first page "
        "of 25, timed by EXPLAIN ANALYZE inside the client's transaction "
        "(role `authenticated`, custom plans, as `GET /api/leads` runs it), median of 5. A search takes two "
        "statements (its matches through the trigram index, then the page): both are timed. Baseline: the "
        "schema reference's dashboard query, unpaged, on the same data."))
    client_id = uuid.uuid4()
    run.stack.sql("INSERT INTO clients (client_id, business_name, email, password_hash, api_key) "
                  "VALUES (:c, 'Bench Inbox', :e, 'x', :k)", c=client_id, e=f"{client_id}@inbox.ca", k=str(client_id))
    run.stack.sql(GENERATE, client_id=client_id, leads=LEADS)
    run.stack.sql("ANALYZE")
    database = _Database(run.stack)
    reference_ms = _median(lambda: _reference_ms(run.stack, client_id))
    table = Table(["page", "database time (ms)", "lead rows read"])
    cases = dict(FILTERS) | {"a rare word (search, then the page)": {"search": True, "pattern": "%zinc%"}}
    worst = 0.0
    for name, filters in cases.items():
        plans = [explain(database, client_id, "force_custom_plan", **dict(filters)) for _ in range(5)]
        ms = statistics.median(p["Execution Time"] for p in plans)
        if filters.get("search"):
            ids = [r["id"] for r in run.stack.sql(inbox.Q.search, client_id=client_id, pattern="%zinc%", cap=2000)]
            ms += statistics.median(explain(database, client_id, "force_custom_plan", ids=ids)["Execution Time"]
                                    for _ in range(5))
        worst = max(worst, ms)
        table.rows.append([name, f"{ms:.2f}", lead_rows_read(plans[0]["Plan"])])
    table.rows.append(["the reference's query, unpaged (baseline)", f"{reference_ms:.1f}", "every lead"])
    section.tables.append(table)
    section.verdicts.append(Verdict("slowest inbox page, database time", f"{worst:.2f} ms", f"< {TARGET_MS:.0f} ms",
                                    f"{reference_ms:.1f} ms", f"{worst / reference_ms:.3f}", worst < TARGET_MS))
    section.notes.append(f"Slowest page: {worst:.2f} ms ({mark(worst < TARGET_MS)}).")
    return section


def _reference_ms(bench: stack.Stack, client_id) -> float:
    rows = bench.sql("EXPLAIN (ANALYZE, FORMAT JSON) " + REFERENCE, client_id=client_id)
    plan = next(iter(rows[0].values()))
    return (plan[0] if isinstance(plan, list) else plan)["Execution Time"]


def _median(measurement) -> float:
    return statistics.median(measurement() for _ in range(5))
