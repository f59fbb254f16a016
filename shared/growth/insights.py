"""What the owner reads of the growth brain: a night's insights (GET /api/insights) and the
client's figures over its own days (GET /api/analytics), under the client's row level security."""
import datetime
from typing import Literal

import pydantic

from shared.clients.accounts import Client
from shared.growth.intelligence.models import CLIENT_DAILY_EVENTS, LEAD_EVENTS
from shared.platform import db, fields, sql

Q = sql.load(__file__)

EventType = Literal[CLIENT_DAILY_EVENTS + LEAD_EVENTS]


class InsightsQuery(fields.RequestModel):
    date: fields.Date | None = pydantic.Field(
        None, description="The run date, YYYY-MM-DD between 1900 and 2099 (default: the client's latest run).")
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



def insights(client: Client, query: InsightsQuery) -> Insights:
    rows = db.client_read(client.client_id, Q.insights, client_id=client.client_id, run_date=query.date,
                          event_type=query.event_type)
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


class FirstResponse(pydantic.BaseModel):
    """How fast the period's leads were answered: from a lead's first message to its first reply sent
    or the owner's first action on it (tag, revert, delete)."""

    median_minutes: float | None = pydantic.Field(description="Median over the leads answered (null: none was).")
    p90_minutes: float | None = pydantic.Field(description="90th percentile (interpolated) over the leads answered.")
    within_5_minutes: float = pydantic.Field(description="Leads answered within 5 minutes / leads of the period "
                                                         "(an unanswered lead counts as not), 0..1.")


class Analytics(pydantic.BaseModel):
    from_: datetime.date = pydantic.Field(alias="from", serialization_alias="from")
    to: datetime.date
    leads_per_day: list[DayCount]
    by_tag: dict[str, int]
    by_urgency: dict[str, Share]
    by_intent: dict[str, int]
    conversions: Conversions
    conversion_rate: float = pydantic.Field(description="Converted leads / leads of the period, 0..1.")
    first_response: FirstResponse
    bounce_rate: float = pydantic.Field(description="Permanent bounces of the client's emails in the period / its "
                                                    "emails that reached a mail server then (sent, or refused at "
                                                    "RCPT TO), 0..1 (0 with no email); SES reviews an account "
                                                    "past 0.05.")



def analytics(client: Client, query: AnalyticsQuery) -> Analytics:
    (row,) = db.client_read(client.client_id, Q.analytics, client_id=client.client_id, days=query.days)
    total = row["total"]
    return Analytics(**{
        "from": row["first_day"], "to": row["last_day"],
        "leads_per_day": [DayCount(**d) for d in row["leads_per_day"]],
        "by_tag": row["by_tag"], "by_intent": row["by_intent"],
        "by_urgency": {level: Share(count=n, percentage=round(100 * n / total, 2))
                       for level, n in row["by_urgency"].items()},
        "conversions": Conversions(count=row["converted"], value=float(row["converted_value"])),
        "conversion_rate": round(row["converted"] / total, 4) if total else 0.0,
        "first_response": FirstResponse(median_minutes=_minutes(row["median_minutes"]),
                                        p90_minutes=_minutes(row["p90_minutes"]),
                                        within_5_minutes=round(row["within_5"] / total, 4) if total else 0.0),
        "bounce_rate": min(1.0, round(row["bounced"] / row["mail_reached"], 4)) if row["mail_reached"] else 0.0})


def _minutes(value: float | None) -> float | None:
    return None if value is None else round(float(value), 2)
