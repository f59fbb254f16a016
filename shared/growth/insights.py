"""What the owner reads of the growth brain: a night's insights (GET /api/insights) and the
client's figures over its own days (GET /api/analytics), under the client's row level security."""
import datetime
from typing import Literal

import pydantic

from shared.clients.accounts import Client
from shared.enrichment import Language
from shared.growth import wording
from shared.growth.intelligence.models import CLIENT_DAILY_EVENTS, LEAD_EVENTS
from shared.platform import db, fields, sql

Q = sql.load(__file__)

EventType = Literal[CLIENT_DAILY_EVENTS + LEAD_EVENTS]


LANG = pydantic.Field(None, description="The language of every text: en or fr (default: the client's language).")


class InsightsQuery(fields.RequestModel):
    date: fields.Date | None = pydantic.Field(
        None, description="The run date, YYYY-MM-DD between 1900 and 2099 (default: the client's latest run).")
    event_type: EventType | None = None
    lang: Language | None = LANG


class Event(pydantic.BaseModel):
    event_type: str
    title: str = pydantic.Field(description="What the insight is about, in the answer's language.")
    insight_text: str | None = pydantic.Field(description="The insight, in the answer's language.")
    confidence: float | None
    learning_snapshot: dict | None = pydantic.Field(description="Its figures (advice in the answer's language).")
    created_at: datetime.datetime | None
    source: Literal["nightly", "live"] = pydantic.Field(
        description="nightly: computed by the run of `run_date`, as of `as_of`; live: recorded when a person "
                    "tagged or reverted the lead.")


class Insights(pydantic.BaseModel):
    run_date: datetime.date | None = pydantic.Field(description="The nightly run these figures come from.")
    as_of: datetime.datetime | None = pydantic.Field(
        description="When that run wrote its figures (null without a run): they say nothing newer.")
    first_run: bool = pydantic.Field(description="No earlier nightly run exists for this client.")
    language: Language
    events: list[Event]


def insights(client: Client, query: InsightsQuery) -> Insights:
    rows = db.client_read(client.client_id, Q.insights, client_id=client.client_id, run_date=query.date,
                          event_type=query.event_type)
    first = rows[0]
    language = query.lang or first["language"] or "en"
    events = [_event(row, language) for row in rows if row["event_type"]]
    return Insights(run_date=first["run_date"], as_of=first["as_of"], first_run=not first["earlier_runs"],
                    language=language, events=_without_repeats(events))


def _event(row: dict, language: Language) -> Event:
    said = wording.localized({k: row[k] for k in Event.model_fields if k in row}, language)
    return Event(**said, source="live" if row["event_type"] in LEAD_EVENTS else "nightly")


def _without_repeats(events: list[Event]) -> list[Event]:
    """What one card says is not said again by another: the urgency_increasing pattern is folded
    into the urgency_trend card (its advice kept among the card's recommended_actions), and the
    prediction's advice leaves the stale follow-ups to their own pattern card."""
    patterns = {(e.learning_snapshot or {}).get("pattern_type"): e for e in events
                if e.event_type == "pattern_detected"}
    by_type = {e.event_type: e for e in events if e.learning_snapshot is not None}
    if "stale_follow_ups" in patterns and "conversion_prediction" in by_type:
        _drop_actions(by_type["conversion_prediction"], "stale_follow_ups")
    repeat, trend = patterns.get("urgency_increasing"), by_type.get("urgency_trend")
    if repeat is None or trend is None:
        return events
    advice = [repeat.learning_snapshot["recommendation"]] if repeat.learning_snapshot.get("recommendation") else []
    actions = [*trend.learning_snapshot.get("recommended_actions", []), *advice]
    trend.learning_snapshot = {**trend.learning_snapshot, "recommended_actions": actions}
    return [e for e in events if e is not repeat]


def _drop_actions(prediction: Event, kind: str) -> None:
    snapshot = prediction.learning_snapshot
    kept = [(action, text) for action, text in zip(snapshot["actions"], snapshot["recommended_actions"], strict=True)
            if action.get("kind") != kind]
    prediction.learning_snapshot = {**snapshot, "actions": [a for a, _ in kept],
                                    "recommended_actions": [t for _, t in kept]}


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
