"""What the owner reads of the growth brain: a night's insights (GET /api/insights) and the
client's figures over its own days (GET /api/analytics), under the client's row level security."""
import datetime
from typing import Literal

import pydantic

from shared import db, fields
from shared.clients import Client
from shared.intelligence.models import RUN_DATE_PATTERN

DAILY_EVENTS = ("engagement_score", "urgency_trend", "tone_distribution", "conversion_prediction",
                "pattern_detected")
EventType = Literal["engagement_score", "urgency_trend", "tone_distribution", "conversion_prediction",
                    "pattern_detected", "conversion", "reversion"]


class InsightsQuery(fields.RequestModel):
    date: datetime.date | None = pydantic.Field(
        None, json_schema_extra={"pattern": RUN_DATE_PATTERN},
        description="The run date, YYYY-MM-DD (default: the client's latest run).")
    event_type: EventType | None = None


class Event(pydantic.BaseModel):
    event_type: str
    insight_text: str | None
    confidence: float | None
    learning_snapshot: dict | None
    created_at: datetime.datetime | None


class Insights(pydantic.BaseModel):
    run_date: datetime.date | None
    events: list[Event]


# The run date asked for, else the client's latest (idx_growth_brain_daily_run); that date's rows,
# plus the conversions and reversions of the 30 days before its end.
INSIGHTS = """
WITH run AS (
  SELECT coalesce(CAST(:run_date AS date),
                  (SELECT max(learning_snapshot ->> 'run_date') FROM growth_brain
                   WHERE client_id = :client_id
                     AND event_type IN ('engagement_score', 'urgency_trend', 'tone_distribution',
                                        'conversion_prediction', 'pattern_detected'))::date) AS run_date
)
SELECT run.run_date, g.event_type, g.insight_text, g.confidence, g.learning_snapshot, g.created_at
FROM run
LEFT JOIN growth_brain AS g
  ON g.client_id = :client_id
 AND (CAST(:event_type AS text) IS NULL OR g.event_type = CAST(:event_type AS text))
 AND ((g.event_type IN ('engagement_score', 'urgency_trend', 'tone_distribution', 'conversion_prediction',
                        'pattern_detected')
       AND g.learning_snapshot ->> 'run_date' = to_char(run.run_date, 'YYYY-MM-DD'))
   OR (g.event_type IN ('conversion', 'reversion')
       AND g.created_at >= run.run_date - 29 AND g.created_at < run.run_date + 1))
ORDER BY g.created_at, g.id
"""


def insights(client: Client, query: InsightsQuery) -> Insights:
    with db.transaction(client_id=client.client_id) as conn:
        rows = db.query(conn, INSIGHTS, client_id=client.client_id, run_date=query.date, event_type=query.event_type)
    events = [Event(**{k: v for k, v in row.items() if k != "run_date"}) for row in rows if row["event_type"]]
    return Insights(run_date=rows[0]["run_date"] if rows else None, events=events)


class AnalyticsQuery(fields.RequestModel):
    days: int = pydantic.Field(30, ge=7, le=365, description="The period: the last N days, today included.")


class DayCount(pydantic.BaseModel):
    date: datetime.date
    count: int


class Share(pydantic.BaseModel):
    count: int
    percentage: float = pydantic.Field(description="Share of the period's leads, 0..100, two decimals.")


class Conversions(pydantic.BaseModel):
    count: int
    value: float


class Analytics(pydantic.BaseModel):
    from_: datetime.date = pydantic.Field(alias="from", serialization_alias="from")
    to: datetime.date
    leads_per_day: list[DayCount]
    by_tag: dict[str, int]
    by_urgency: dict[str, Share]
    by_intent: dict[str, int]
    conversions: Conversions
    conversion_rate: float = pydantic.Field(description="Converted leads / leads of the period, 0..1.")


# The period's leads (test and deleted excluded), by the client's own days (clients.timezone).
# A conversion is a lead of the period now tagged Converted; its value, the conversion_value of its
# latest conversion event.
ANALYTICS = """
WITH period AS (
  SELECT timezone, (now() AT TIME ZONE timezone)::date - (:days - 1) AS first_day,
         (now() AT TIME ZONE timezone)::date AS last_day
  FROM clients WHERE client_id = :client_id
),
leads AS (
  SELECT l.id, (l.timestamp AT TIME ZONE period.timezone)::date AS day, coalesce(l.current_tag, 'Active') AS tag,
         l.urgency, l.intent
  FROM lead_memory AS l, period
  WHERE l.client_id = :client_id AND l.is_test IS NOT TRUE AND l.deleted IS NOT TRUE
    AND l.current_tag IS DISTINCT FROM 'Deleted'
    AND l.timestamp >= (period.first_day::timestamp AT TIME ZONE period.timezone)
    AND l.timestamp < ((period.last_day + 1)::timestamp AT TIME ZONE period.timezone)
),
conversion_values AS (
  SELECT DISTINCT ON (g.learning_snapshot ->> 'lead_id') (g.learning_snapshot ->> 'lead_id')::uuid AS lead_id,
         coalesce((g.learning_snapshot ->> 'conversion_value')::numeric, 0) AS value
  FROM growth_brain AS g
  WHERE g.client_id = :client_id AND g.event_type = 'conversion'
    AND g.learning_snapshot ->> 'lead_id' IN (SELECT id::text FROM leads WHERE tag = 'Converted')
  ORDER BY g.learning_snapshot ->> 'lead_id', g.created_at DESC
)
SELECT period.first_day, period.last_day,
       (SELECT coalesce(json_agg(json_build_object('date', d.day::date, 'count',
                                 (SELECT count(*) FROM leads WHERE leads.day = d.day::date)) ORDER BY d.day), '[]')
        FROM generate_series(period.first_day, period.last_day, interval '1 day') AS d(day)) AS leads_per_day,
       (SELECT coalesce(json_object_agg(tag, n), '{}') FROM (SELECT tag, count(*) AS n FROM leads GROUP BY tag) t)
         AS by_tag,
       (SELECT coalesce(json_object_agg(urgency, n), '{}')
        FROM (SELECT urgency, count(*) AS n FROM leads WHERE urgency IS NOT NULL GROUP BY urgency) u) AS by_urgency,
       (SELECT coalesce(json_object_agg(intent, n), '{}')
        FROM (SELECT intent, count(*) AS n FROM leads WHERE intent IS NOT NULL GROUP BY intent) i) AS by_intent,
       (SELECT count(*) FROM leads) AS total,
       (SELECT count(*) FROM leads WHERE tag = 'Converted') AS converted,
       (SELECT coalesce(sum(value), 0) FROM conversion_values) AS converted_value
FROM period
"""


def analytics(client: Client, query: AnalyticsQuery) -> Analytics:
    with db.transaction(client_id=client.client_id) as conn:
        row = db.query_one(conn, ANALYTICS, client_id=client.client_id, days=query.days)
    total = row["total"]
    return Analytics(**{
        "from": row["first_day"], "to": row["last_day"],
        "leads_per_day": [DayCount(**d) for d in row["leads_per_day"]],
        "by_tag": row["by_tag"], "by_intent": row["by_intent"],
        "by_urgency": {level: Share(count=n, percentage=round(100 * n / total, 2))
                       for level, n in row["by_urgency"].items()},
        "conversions": Conversions(count=row["converted"], value=float(row["converted_value"])),
        "conversion_rate": round(row["converted"] / total, 4) if total else 0.0})
