"""The shapes at the edges of the daily intelligence run: the request, the summary, the facts read
for one client, and the learning snapshots written to growth_brain."""
import datetime
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

import pydantic

from shared.platform import fields

# The growth brain's event types, named here once. The nightly run writes one row of each daily type
# per client and run date (outreach_funnel for the internal client only) and replaces them whole;
# a person's tag change writes the lead events. SQL that must spell them out as literals (the
# partial index of schema/014, the statements matched to it) is held equal to these by
# tests/growth/test_event_types.py.
CLIENT_DAILY_EVENTS = ("engagement_score", "urgency_trend", "tone_distribution", "conversion_prediction",
                       "pattern_detected")
DAILY_EVENTS = (*CLIENT_DAILY_EVENTS, "outreach_funnel")
LEAD_EVENTS = ("conversion", "reversion")

Trend = Literal["increasing", "decreasing", "stable"]
PatternType = Literal["urgency_increasing", "volume_spike", "volume_drop", "stale_follow_ups",
                      "conversion_rate_falling"]


class RunRequest(fields.RequestModel):
    """POST /api/intelligence/run: both fields optional; unknown fields are ignored."""

    date: fields.Date | None = pydantic.Field(
        None, description="The run date, YYYY-MM-DD between 1900 and 2099 (default: today, UTC). A date after "
                          "today has not ended yet: 409.")
    client_id: uuid.UUID | None = None


class RunSummary(pydantic.BaseModel):
    """The response of the route and what the CLI prints. clients_processed counts the clients
    whose rows were written; the others are in failed_clients."""

    run_date: datetime.date
    clients_processed: int
    events_written: int
    failed_clients: list[uuid.UUID]


# --- learning snapshots (each also carries run_date) ----------------------------------------

class EngagementMetrics(pydantic.BaseModel):
    total_leads: int
    active_leads: int
    avg_confidence: float
    high_urgency_pct: float
    conversion_rate: float


class EngagementSnapshot(pydantic.BaseModel):
    overall_score: int = pydantic.Field(ge=0, le=100)
    trend: Trend
    period: Literal["last_30_days"] = "last_30_days"
    metrics: EngagementMetrics
    converted: int | None = None  # leads tagged Converted (rows before issue 30: none)
    previous_score: int | None = None  # the 30 days before's overall_score
    previous_leads: int | None = None  # leads of the 30 days before: 0 is a first period
    run_date: datetime.date


class UrgencyDistribution(pydantic.BaseModel):
    High: int
    Medium: int
    Low: int


class UrgencyTrendSnapshot(pydantic.BaseModel):
    high_urgency_pct: float
    previous_high_urgency_pct: float
    trend: Trend
    distribution: UrgencyDistribution
    leads: int | None = None  # leads of the last 7 days (rows before issue 30: none)
    previous_leads: int | None = None  # leads of the 7 days before
    run_date: datetime.date


class HighValueLead(pydantic.BaseModel):
    lead_id: uuid.UUID
    probability: float


class ConversionPredictionSnapshot(pydantic.BaseModel):
    predicted_conversions: int
    prediction_window: Literal["next_30_days"] = "next_30_days"
    confidence: float
    based_on: int
    high_value_leads: list[HighValueLead]
    recommended_actions: list[str]  # in English, as written; the answers render `actions` in the owner's language
    actions: list[dict] = []  # each {"kind", ...}: shared/growth/wording.py's action_text
    open_leads: int | None = None
    client_rate: float | None = None  # standing conversions / leads
    run_date: datetime.date


class PatternSnapshot(pydantic.BaseModel):
    pattern_type: PatternType
    affected_leads: int
    time_period: str
    confidence: float
    recommendation: str
    figures: dict = {}  # what its sentence names (shared/growth/wording.py), by pattern_type
    run_date: datetime.date


@dataclass(frozen=True)
class GrowthEvent:
    """One growth_brain row to write: the snapshot is already plain JSON-able data."""

    event_type: str
    snapshot: dict
    insight_text: str
    confidence: Decimal


# --- what the runner reads for one client ---------------------------------------------------

@dataclass(frozen=True)
class Period:
    """Counted leads created in a 30-day window, by their current tag and enrichment."""

    leads: int = 0
    active: int = 0  # tag Active or Follow-Up
    converted: int = 0  # tag Converted
    confidence_sum: Decimal = Decimal(0)
    confidence_count: int = 0  # leads with a confidence_score
    high: int = 0  # urgency High


@dataclass(frozen=True)
class Week:
    """Counted leads created in a 7-day window, by urgency."""

    leads: int = 0
    high: int = 0
    medium: int = 0
    low: int = 0


@dataclass(frozen=True)
class ModelGroup:
    """A client's counted leads created before the window's end sharing one initial urgency and
    tone: how many, how many stand converted, how many are still open."""

    urgency: str | None
    tone: str | None
    leads: int
    conversions: int
    open_leads: int


@dataclass(frozen=True)
class OpenLead:
    lead_id: uuid.UUID
    probability: float


@dataclass
class ClientFacts:
    """Everything the set-based reads know about one client for one run date."""

    client_id: uuid.UUID
    last_30d: Period = field(default_factory=Period)
    previous_30d: Period = field(default_factory=Period)
    last_7d: Week = field(default_factory=Week)
    previous_7d: Week = field(default_factory=Week)
    tones: dict[str, int] = field(default_factory=dict)  # lower-case tone -> leads, last 30 days
    conversions_30d: int = 0  # net conversion actions (conversions - reverts), last 30 days
    conversions_previous_30d: int = 0  # the same, the 30 days before
    stale_follow_ups: int = 0
    model: list[ModelGroup] = field(default_factory=list)
    top_open_leads: list[OpenLead] = field(default_factory=list)
    outreach: list[dict] | None = None  # the internal client's outreach funnel by segment (prospects/outreach)
