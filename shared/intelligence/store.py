"""The SQL of the daily run: a fixed number of set-based reads (GROUP BY client_id) over every
client at once, and the replacement of one run date's rows. Counted leads everywhere: not test,
not deleted, of the clients being run, created before the window's end."""
import dataclasses
import datetime
import json
import uuid
from decimal import Decimal

from shared import db
from shared.intelligence.models import ClientFacts, GrowthEvent, ModelGroup, OpenLead, Period, Week


@dataclasses.dataclass(frozen=True)
class Windows:
    """The run date's windows as UTC instants; every window is [start, end). end is the run date
    + 1 day at 00:00 UTC: a lead at 23:59:59 on the run date counts, one at 00:00 the next day does
    not. "Last N days" is [end - N days, end); "the N days before" is [end - 2N days, end - N days).
    A lead belongs to a window by its `timestamp`; tags are the leads' current tags."""

    end: datetime.datetime  # run date + 1 day, 00:00 UTC
    start_7d: datetime.datetime
    start_14d: datetime.datetime
    start_30d: datetime.datetime
    start_60d: datetime.datetime

    @classmethod
    def for_run_date(cls, run_date: datetime.date) -> "Windows":
        end = datetime.datetime.combine(run_date + datetime.timedelta(days=1), datetime.time(), datetime.UTC)
        return cls(end=end, **{f"start_{n}d": end - datetime.timedelta(days=n) for n in (7, 14, 30, 60)})

    def params(self) -> dict:
        return dataclasses.asdict(self)


# The job's own statements may run longer than the API's default statement timeout. No nested
# loops: the planner's row estimates for the aggregated CTEs are guesses (200 rows), and a nested
# loop over one of them is quadratic (seen: 20 s instead of 0.5 s); every join here is a hash join.
JOB_SETTINGS = "SET LOCAL statement_timeout = '120s'; SET LOCAL work_mem = '64MB'; SET LOCAL enable_nestloop = off"
READ_SNAPSHOT = "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"

# The clients being run: every non-test client, or the one named (schema/016).
CLIENTS = """
SELECT client_id, is_test, is_internal FROM avenir_run_clients(CAST(:client_id AS uuid)) ORDER BY client_id
"""

_RUN_CLIENTS = """
run_clients AS (
  SELECT client_id FROM avenir_run_clients(CAST(:client_id AS uuid))
)"""

_COUNTED = """
  NOT coalesce(l.is_test, false) AND NOT coalesce(l.deleted, false)
  AND l.current_tag IS DISTINCT FROM 'Deleted'
  AND l.timestamp < :end
"""

# Counted leads with their initial urgency and tone (schema/016) and whether they are open.
_COUNTED_LEADS = f"""
{_RUN_CLIENTS},
counted AS (
  SELECT l.id, l.client_id, l.confidence_score, l.timestamp,
         coalesce(avenir_initial_value(l.urgency_history, l.urgency), '') AS urgency,
         coalesce(avenir_initial_value(l.tone_history, l.tone), '') AS tone,
         l.current_tag IN ('Active', 'Follow-Up') AND NOT coalesce(l.archived, false) AS open
  FROM lead_memory l JOIN run_clients USING (client_id)
  WHERE {_COUNTED}
)"""

# Everything about every client in one pass over its counted leads (created before the window's
# end), so lead_memory is read once:
#  - the 30- and 7-day window counts (one row per client, plain columns);
#  - `tones`: {lower(tone): leads of the last 30 days};
#  - `model`: [initial urgency, initial tone, leads, standing conversions, open leads] per group;
#  - net conversion actions (conversions - reverts) per 30-day window;
#  - stale follow-ups: tagged Follow-Up, created over 7 days ago, no action in the last 7 days
#    (counted per client apart, so no estimate of theirs can shape the join over all leads).
# A lead's standing outcome at the window's end is the last of its conversion and reversion events
# (lead_actions and growth_brain, which record the same events); a reversion at the same instant
# as a conversion wins. growth_brain's lead_id is compared as text, so a malformed one matches nothing.
CLIENT_FACTS = f"""
WITH {_RUN_CLIENTS},
outcome_events AS (
  SELECT a.lead_id::text AS lead_id, a.timestamp AS at, coalesce(a.conversion_outcome, false) AS converted,
         true AS logged
  FROM lead_actions a
  WHERE (a.conversion_outcome OR a.action_type = 'revert') AND a.timestamp < :end
  UNION ALL
  SELECT g.learning_snapshot ->> 'lead_id', g.created_at, g.event_type = 'conversion', false
  FROM growth_brain g
  WHERE g.event_type IN ('conversion', 'reversion') AND g.created_at < :end
),
outcomes AS (
  SELECT lead_id,
         max(at) FILTER (WHERE converted) AS converted_at,
         max(at) FILTER (WHERE NOT converted) AS reverted_at,
         count(*) FILTER (WHERE logged AND at >= :start_30d AND converted)
           - count(*) FILTER (WHERE logged AND at >= :start_30d AND NOT converted) AS net_30d,
         count(*) FILTER (WHERE logged AND at >= :start_60d AND at < :start_30d AND converted)
           - count(*) FILTER (WHERE logged AND at >= :start_60d AND at < :start_30d AND NOT converted) AS net_prev_30d
  FROM outcome_events
  WHERE lead_id IS NOT NULL
  GROUP BY lead_id
),
stale AS (
  SELECT l.client_id, count(*) AS stale_follow_ups
  FROM lead_memory l JOIN run_clients USING (client_id)
  WHERE l.current_tag = 'Follow-Up' AND NOT coalesce(l.archived, false) AND l.timestamp < :start_7d AND {_COUNTED}
    AND NOT EXISTS (SELECT 1 FROM lead_actions a
                    WHERE a.lead_id = l.id AND a.timestamp >= :start_7d AND a.timestamp < :end)
  GROUP BY l.client_id
),
leads AS MATERIALIZED (
  SELECT l.client_id, l.current_tag, l.urgency, l.confidence_score, lower(nullif(l.tone, '')) AS tone_key,
         coalesce(avenir_initial_value(l.urgency_history, l.urgency), '') AS initial_urgency,
         coalesce(avenir_initial_value(l.tone_history, l.tone), '') AS initial_tone,
         l.current_tag IN ('Active', 'Follow-Up') AND NOT coalesce(l.archived, false) AS open,
         l.timestamp >= :start_30d AS last_30d,
         l.timestamp >= :start_60d AND l.timestamp < :start_30d AS previous_30d,
         l.timestamp >= :start_7d AS last_7d,
         l.timestamp >= :start_14d AND l.timestamp < :start_7d AS previous_7d,
         coalesce(o.converted_at > o.reverted_at OR (o.converted_at IS NOT NULL AND o.reverted_at IS NULL), false)
           AS standing_conversion,
         coalesce(o.net_30d, 0) AS net_30d, coalesce(o.net_prev_30d, 0) AS net_prev_30d
  FROM lead_memory l
  JOIN run_clients USING (client_id)
  LEFT JOIN outcomes o ON o.lead_id = l.id::text
  WHERE {_COUNTED}
),
windows AS (
  SELECT client_id,
    count(*) FILTER (WHERE last_30d) AS leads_30d,
    count(*) FILTER (WHERE last_30d AND current_tag IN ('Active', 'Follow-Up')) AS active_30d,
    count(*) FILTER (WHERE last_30d AND current_tag = 'Converted') AS converted_30d,
    coalesce(sum(confidence_score) FILTER (WHERE last_30d), 0) AS confidence_sum_30d,
    count(confidence_score) FILTER (WHERE last_30d) AS confidence_count_30d,
    count(*) FILTER (WHERE last_30d AND urgency = 'High') AS high_30d,
    count(*) FILTER (WHERE previous_30d) AS leads_prev_30d,
    count(*) FILTER (WHERE previous_30d AND current_tag IN ('Active', 'Follow-Up')) AS active_prev_30d,
    count(*) FILTER (WHERE previous_30d AND current_tag = 'Converted') AS converted_prev_30d,
    coalesce(sum(confidence_score) FILTER (WHERE previous_30d), 0) AS confidence_sum_prev_30d,
    count(confidence_score) FILTER (WHERE previous_30d) AS confidence_count_prev_30d,
    count(*) FILTER (WHERE previous_30d AND urgency = 'High') AS high_prev_30d,
    count(*) FILTER (WHERE last_7d) AS leads_7d,
    count(*) FILTER (WHERE last_7d AND urgency = 'High') AS high_7d,
    count(*) FILTER (WHERE last_7d AND urgency = 'Medium') AS medium_7d,
    count(*) FILTER (WHERE last_7d AND urgency = 'Low') AS low_7d,
    count(*) FILTER (WHERE previous_7d) AS leads_prev_7d,
    count(*) FILTER (WHERE previous_7d AND urgency = 'High') AS high_prev_7d,
    count(*) FILTER (WHERE previous_7d AND urgency = 'Medium') AS medium_prev_7d,
    count(*) FILTER (WHERE previous_7d AND urgency = 'Low') AS low_prev_7d,
    coalesce(sum(net_30d), 0)::int AS conversions_30d,
    coalesce(sum(net_prev_30d), 0)::int AS conversions_prev_30d
  FROM leads
  GROUP BY client_id
),
tones AS (
  SELECT client_id, jsonb_object_agg(tone_key, leads) AS tones
  FROM (SELECT client_id, tone_key, count(*) AS leads FROM leads
        WHERE last_30d AND tone_key IS NOT NULL GROUP BY 1, 2) t
  GROUP BY client_id
),
model AS (
  SELECT client_id, jsonb_agg(jsonb_build_array(initial_urgency, initial_tone, leads, conversions, open_leads))
           AS model
  FROM (SELECT client_id, initial_urgency, initial_tone, count(*) AS leads,
               count(*) FILTER (WHERE standing_conversion) AS conversions, count(*) FILTER (WHERE open) AS open_leads
        FROM leads GROUP BY 1, 2, 3) g
  GROUP BY client_id
)
SELECT w.*, coalesce(s.stale_follow_ups, 0) AS stale_follow_ups, t.tones, m.model
FROM windows w
LEFT JOIN stale s USING (client_id)
LEFT JOIN tones t USING (client_id)
LEFT JOIN model m USING (client_id)
"""

# The top open leads of each client, ranked by the probability the model gave their group
# (passed in as arrays: only the groups the top leads can come from), then by the lead's own
# confidence, newest first.
TOP_OPEN_LEADS = f"""
WITH {_COUNTED_LEADS},
model AS (
  SELECT * FROM unnest(:model_clients::uuid[], :model_urgencies::text[], :model_tones::text[],
                       :model_probabilities::float8[]) AS m(client_id, urgency, tone, probability)
),
ranked AS (
  SELECT c.client_id, c.id, m.probability,
         row_number() OVER (PARTITION BY c.client_id
                            ORDER BY m.probability DESC, c.confidence_score DESC NULLS LAST,
                                     c.timestamp DESC, c.id) AS rank
  FROM counted c
  JOIN model m ON m.client_id = c.client_id AND m.urgency = c.urgency AND m.tone = c.tone
  WHERE c.open AND m.probability > 0
)
SELECT client_id, id AS lead_id, probability FROM ranked WHERE rank <= :top ORDER BY client_id, rank
"""

LOCK_RUN_DATE = "SELECT pg_advisory_xact_lock(hashtext('avenir.daily_intelligence'), hashtext(:run_date))"

# The literal event types match the partial index of schema/007.
DELETE_DAILY_EVENTS = """
DELETE FROM growth_brain
WHERE client_id = ANY(:client_ids::uuid[])
  AND event_type IN ('engagement_score', 'urgency_trend', 'tone_distribution', 'conversion_prediction',
                     'pattern_detected', 'outreach_funnel')
  AND learning_snapshot ->> 'run_date' = :run_date
"""

# One JSON array for all rows: PostgreSQL's JSON parser reads it far faster than array literals.
INSERT_DAILY_EVENTS = """
INSERT INTO growth_brain (client_id, event_type, learning_snapshot, insight_text, confidence)
SELECT (e ->> 'client_id')::uuid, e ->> 'event_type', e -> 'snapshot', e ->> 'insight_text',
       (e ->> 'confidence')::numeric
FROM jsonb_array_elements(CAST(:events AS jsonb)) AS e
"""


def clients_to_run(conn: db.Connection, client_id: uuid.UUID | None) -> list[dict]:
    """Every non-test client, or just the one named (whatever it is; the caller judges)."""
    return db.query(conn, CLIENTS, client_id=client_id)


def begin_job(conn: db.Connection, read_only: bool = False) -> None:
    if read_only:
        conn.run(READ_SNAPSHOT)
    conn.run(JOB_SETTINGS)


def read_facts(conn: db.Connection, client_ids: list[uuid.UUID], only_client: uuid.UUID | None,
               windows: Windows) -> dict[uuid.UUID, ClientFacts]:
    """One set-based statement, whatever the number of clients (`client_ids`, as CLIENTS listed
    them in this transaction's snapshot for `only_client`)."""
    facts = {client_id: ClientFacts(client_id) for client_id in client_ids}
    for row in db.query(conn, CLIENT_FACTS, **windows.params(), client_id=only_client):
        client = facts[row["client_id"]]
        client.last_30d = _period(row, "30d")
        client.previous_30d = _period(row, "prev_30d")
        client.last_7d = _week(row, "7d")
        client.previous_7d = _week(row, "prev_7d")
        client.conversions_30d = row["conversions_30d"]
        client.conversions_previous_30d = row["conversions_prev_30d"]
        client.stale_follow_ups = row["stale_follow_ups"]
        client.tones = dict(row["tones"] or {})
        client.model = [ModelGroup(urgency=urgency or None, tone=tone or None, leads=leads, conversions=conversions,
                                   open_leads=open_leads)
                        for urgency, tone, leads, conversions, open_leads in row["model"] or []]
    return facts


def read_top_open_leads(conn: db.Connection, probabilities: dict[tuple[uuid.UUID, str | None, str | None], float],
                        only_client: uuid.UUID | None, windows: Windows, top: int) -> dict[uuid.UUID, list[OpenLead]]:
    """One statement: each client's `top` open leads by the probability of their group."""
    keys = list(probabilities)
    rows = db.query(conn, TOP_OPEN_LEADS, **windows.params(), top=top, client_id=only_client,
                    model_clients=[k[0] for k in keys], model_urgencies=[k[1] or "" for k in keys],
                    model_tones=[k[2] or "" for k in keys], model_probabilities=[probabilities[k] for k in keys])
    leads: dict[uuid.UUID, list[OpenLead]] = {}
    for row in rows:
        leads.setdefault(row["client_id"], []).append(OpenLead(row["lead_id"], row["probability"]))
    return leads


def replace_events(conn: db.Connection, run_date: datetime.date,
                   events: dict[uuid.UUID, list[GrowthEvent]]) -> int:
    """Replace the run date's daily rows of these clients with `events` (in the caller's
    transaction, serialised with any other run of the same date); returns the rows written."""
    day = run_date.isoformat()
    conn.run(LOCK_RUN_DATE, run_date=day)
    conn.run(DELETE_DAILY_EVENTS, client_ids=list(events), run_date=day)
    rows = [{"client_id": str(client_id), "event_type": event.event_type, "snapshot": event.snapshot,
             "insight_text": event.insight_text, "confidence": str(event.confidence)}
            for client_id, client_events in events.items() for event in client_events]
    if rows:
        conn.run(INSERT_DAILY_EVENTS, events=json.dumps(rows))
    return len(rows)


def _period(row: dict, suffix: str) -> Period:
    return Period(leads=row[f"leads_{suffix}"], active=row[f"active_{suffix}"], converted=row[f"converted_{suffix}"],
                  confidence_sum=Decimal(row[f"confidence_sum_{suffix}"]),
                  confidence_count=row[f"confidence_count_{suffix}"], high=row[f"high_{suffix}"])


def _week(row: dict, suffix: str) -> Week:
    return Week(leads=row[f"leads_{suffix}"], high=row[f"high_{suffix}"], medium=row[f"medium_{suffix}"],
                low=row[f"low_{suffix}"])
