"""The inbox query's plans at 100,000 leads for one client (EXPLAIN ANALYZE, as the client's role):
each filter the dashboard uses reads about a page of rows through its own index, never the
client's every lead. Timings are reported by `make bench` (tests/bench/inbox.py), not asserted here."""
import json
import re
import uuid

import pytest

from shared.clients import accounts
from shared.leads import inbox

LEADS = 100_000
PAGE_ROWS = 26  # a page of 25 and the one that says more follow
MOST_ROWS_READ = 400  # a page's worth, with room for rows a filter skips (Deleted, test leads)

# 100,000 leads over about a year: 10% High urgency, 1% job applications, 2% Deleted, half in French,
# a rare word in 20 of them; one action and one logged message each, as intake leaves them.
GENERATE = """
WITH made AS (
  INSERT INTO lead_memory (id, client_id, email, name, message, language, intent, urgency, tone,
                           confidence_score, current_tag, deleted, is_test, timestamp, last_updated)
  SELECT gen_random_uuid(), :client_id, 'lead' || n || '@volume.ca', 'Lead ' || n,
         CASE WHEN n % 5000 = 3 THEN 'A question about zinc flashing' ELSE 'Roof repair request number ' || n END,
         CASE WHEN n % 2 = 0 THEN 'fr' ELSE 'en' END,
         CASE WHEN n % 100 = 1 THEN 'job_application' WHEN n % 3 = 0 THEN 'information' ELSE 'quote_request' END,
         CASE WHEN n % 10 = 0 THEN 'High' WHEN n % 3 = 0 THEN 'Medium' ELSE 'Low' END, 'Neutral', 0.5,
         CASE WHEN n % 50 = 0 THEN 'Deleted' WHEN n % 20 = 0 THEN 'Converted' WHEN n % 7 = 0 THEN 'Follow-Up'
              ELSE 'Active' END,
         n % 50 = 0, n % 1000 = 0,
         now() - n * interval '5 minutes', now() - n * interval '5 minutes'
  FROM generate_series(1, :leads) AS n
  RETURNING id, client_id, timestamp, current_tag, message
),
actions AS (
  INSERT INTO lead_actions (lead_id, client_id, action_type, tag, timestamp)
  SELECT id, client_id, 'insert', current_tag, timestamp FROM made
)
INSERT INTO lead_messages (lead_id, client_id, received_at, message)
SELECT id, client_id, timestamp, message FROM made
"""


@pytest.fixture(scope="module")
def volume_client(database):
    client_id, _ = accounts.create_client("Toitures Volume", f"owner-{uuid.uuid4().hex[:6]}@volume.ca")
    database.sql(GENERATE, client_id=client_id, leads=LEADS)
    database.sql("ANALYZE lead_memory; ANALYZE lead_actions; ANALYZE lead_messages")
    return client_id


def explain(database, client_id, plan_mode: str, **filters) -> dict:
    """EXPLAIN ANALYZE of the inbox's page statement, prepared, as the client's transaction runs it."""
    params = dict(client_id=client_id, tag=None, urgency=None, intent=None, language=None, include_test=False,
                  spam="exclude", pattern=None, ids=None, since=None, until=None, after_at=None, after_id=None,
                  limit=PAGE_ROWS, cap=inbox.SEARCH_CAP) | filters
    statement = inbox.Q.search if filters.pop("search", False) else inbox.Q.page
    names = list(dict.fromkeys(re.findall(r"(?<!:):([a-z_]+)", statement)))
    sql = re.sub(r"(?<!:):([a-z_]+)", lambda m: f"${names.index(m.group(1)) + 1}", statement)
    conn = database.connect()
    try:
        as_client = "" if statement is inbox.Q.search else (  # the search runs on the admin path
            f"SET LOCAL ROLE authenticated; SET LOCAL app.current_client_id = '{client_id}'; ")
        conn.run(f"BEGIN; {as_client}SET LOCAL plan_cache_mode = {plan_mode}")
        conn.run(f"PREPARE inbox_page AS {sql}")
        values = ", ".join("NULL" if params[n] is None else conn_literal(params[n]) for n in names)
        plan = conn.run(f"EXPLAIN (ANALYZE, FORMAT JSON) EXECUTE inbox_page({values})")[0][0]
        conn.run("ROLLBACK")
    finally:
        conn.close()
    return plan[0] if isinstance(plan, list) else json.loads(plan)[0]


def conn_literal(value) -> str:
    if isinstance(value, list):
        return "ARRAY[" + ", ".join(conn_literal(str(v)) for v in value) + "]::uuid[]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


def lead_rows_read(node: dict) -> int:
    """Rows the plan took from lead_memory: kept plus removed by a filter, over every loop."""
    own = 0
    if node.get("Relation Name") == "lead_memory":
        own = (node.get("Actual Rows", 0) + node.get("Rows Removed by Filter", 0)
               + node.get("Rows Removed by Index Recheck", 0)) * node.get("Actual Loops", 1)
    return own + sum(lead_rows_read(child) for child in node.get("Plans", []))


FILTERS = {
    "newest (the default)": {},
    "tag Follow-Up": {"tag": "Follow-Up"},
    "tag Deleted": {"tag": "Deleted"},
    "urgency High": {"urgency": "High"},
    "intent job_application (1%)": {"intent": "job_application"},
    "language fr": {"language": "fr"},
    "search a common word (more than SEARCH_CAP matches)": {"pattern": "%roof%"},
    "test leads included": {"include_test": True},
}


@pytest.mark.parametrize("name", sorted(FILTERS))
def test_each_filters_page_reads_about_a_page_with_custom_plans(database, volume_client, name):
    plan = explain(database, volume_client, "force_custom_plan", **FILTERS[name])
    assert lead_rows_read(plan["Plan"]) <= MOST_ROWS_READ, json.dumps(plan["Plan"], indent=1)[:3000]
    assert "Seq Scan" not in json.dumps(plan["Plan"])


def test_a_search_for_a_rare_word_reads_its_matches_through_the_trigram_index(database, volume_client):
    """The inbox's first step for `q`: the matches, at most SEARCH_CAP, from the trigram index; then
    the page among them by id. Both steps read about as many rows as there are matches."""
    found = database.sql("SELECT id FROM lead_memory WHERE client_id = :c AND message LIKE '%zinc%'", c=volume_client)
    assert 0 < len(found) < inbox.SEARCH_CAP
    search = explain(database, volume_client, "force_custom_plan", search=True, pattern="%zinc%")
    page = explain(database, volume_client, "force_custom_plan", ids=[row["id"] for row in found])
    assert lead_rows_read(search["Plan"]) <= 2 * len(found) and "Seq Scan" not in json.dumps(search["Plan"])
    assert lead_rows_read(page["Plan"]) <= 2 * len(found)


def test_a_page_deep_in_the_list_reads_a_page_too(database, volume_client):
    middle = database.one("SELECT timestamp, id FROM lead_memory WHERE client_id = :c "
                          "ORDER BY timestamp DESC, id DESC OFFSET 50000 LIMIT 1", c=volume_client)
    plan = explain(database, volume_client, "force_custom_plan", after_at=middle["timestamp"].isoformat(),
                   after_id=str(middle["id"]))
    assert lead_rows_read(plan["Plan"]) <= MOST_ROWS_READ


def test_a_generic_plan_would_read_far_more_for_a_rare_filter_hence_custom_plans(database, volume_client):
    """Why the inbox's transaction asks for custom plans: a generic plan cannot use the urgency or
    intent index for a parameter that may be NULL, and walks the client's leads instead."""
    generic = explain(database, volume_client, "force_generic_plan", intent="job_application")
    custom = explain(database, volume_client, "force_custom_plan", intent="job_application")
    assert lead_rows_read(generic["Plan"]) > 10 * lead_rows_read(custom["Plan"])
