"""Patterns worth telling an owner, pure: each rule looks at one client's facts and returns a
`pattern_detected` event or None; its docstring says when it fires and how sure it is."""
import datetime
from collections.abc import Callable
from fractions import Fraction

from shared.growth import wording
from shared.growth.intelligence.metrics import URGENCY_TREND_CHANGE
from shared.growth.intelligence.models import ClientFacts, GrowthEvent, PatternSnapshot
from shared.growth.numbers import (
    confidence,
    counts_z,
    evidence_confidence,
    proportions_z,
    ratio,
    rises_by_more_than,
    rounded,
)

MIN_WEEK_LEADS = 3  # urgency: both weeks need at least this many leads
VOLUME_RATIO = Fraction(3, 2)  # a spike is at least 1.5x the week before; a drop at most half of it
VOLUME_MIN_CHANGE = 3  # ... and at least 3 leads apart
STALE_CONFIDENCE = 0.95  # a count of untouched leads, not an estimate
MIN_MONTH_LEADS = 5  # conversion rate: both 30-day windows need at least this many leads
MIN_PREVIOUS_CONVERSIONS = 2  # ... and the earlier window at least this many conversions
CONVERSION_DROP_RATIO = Fraction(3, 4)  # falling: at most 3/4 of the earlier rate
CONVERSION_MIN_DROP = Fraction(5, 100)  # ... and at least 5 points lower


def _event(pattern_type: str, affected: int, period: str, level, figures: dict, run_date: datetime.date
           ) -> GrowthEvent:
    """One pattern_detected row; its confidence (0..1, two decimals) is the same in the snapshot; its
    recommendation and insight_text are its snapshot said in English (shared/growth/wording.py)."""
    level = confidence(level)
    snapshot = PatternSnapshot(pattern_type=pattern_type, affected_leads=affected, time_period=period,
                               confidence=float(level), recommendation="", figures=figures, run_date=run_date)
    said = wording.render("pattern_detected", snapshot.model_dump(mode="json"), "en")
    return GrowthEvent("pattern_detected", said.snapshot, said.text, level)


def urgency_increasing(facts: ClientFacts, run_date: datetime.date) -> GrowthEvent | None:
    """Fires when both weeks have >= 3 leads and the High share of the last 7 days rose by more than
    0.05 over the 7 days before; affected = High leads of the last 7 days; confidence =
    evidence_confidence of the two-proportion z of the two shares."""
    week, before = facts.last_7d, facts.previous_7d
    if week.leads < MIN_WEEK_LEADS or before.leads < MIN_WEEK_LEADS:
        return None
    if not rises_by_more_than(week.high, week.leads, before.high, before.leads, URGENCY_TREND_CHANGE):
        return None
    z = proportions_z(week.high, week.leads, before.high, before.leads)
    return _event("urgency_increasing", week.high, "last_7_days", evidence_confidence(z),
                  {"high_urgency_pct": rounded(ratio(week.high, week.leads)),
                   "previous_high_urgency_pct": rounded(ratio(before.high, before.leads))}, run_date)


def lead_volume(facts: ClientFacts, run_date: datetime.date) -> GrowthEvent | None:
    """volume_spike: the last 7 days >= 1.5 x the 7 days before and >= 3 more leads; affected =
    leads of the last 7 days. volume_drop: <= half and >= 3 fewer; affected = the shortfall.
    confidence = evidence_confidence(|a - b| / sqrt(a + b)) (Poisson z)."""
    now, before = facts.last_7d.leads, facts.previous_7d.leads
    level = evidence_confidence(counts_z(now, before))
    figures = {"leads": now, "previous_leads": before}
    if now >= VOLUME_RATIO * before and now - before >= VOLUME_MIN_CHANGE:
        return _event("volume_spike", now, "last_7_days", level, figures, run_date)
    if now <= before / 2 and before - now >= VOLUME_MIN_CHANGE:
        return _event("volume_drop", before - now, "last_7_days", level, figures, run_date)
    return None


def stale_follow_ups(facts: ClientFacts, run_date: datetime.date) -> GrowthEvent | None:
    """Fires when leads tagged Follow-Up, created over 7 days before the window's end, have no
    lead_actions row in its last 7 days; affected = their number; confidence 0.95 (a count)."""
    stale = facts.stale_follow_ups
    if not stale:
        return None
    return _event("stale_follow_ups", stale, "more_than_7_days", STALE_CONFIDENCE, {}, run_date)


def conversion_rate_falling(facts: ClientFacts, run_date: datetime.date) -> GrowthEvent | None:
    """rate = net conversions (conversion actions - reverts in the window) / leads created in the
    window, the last 30 days against the 30 before. Fires when both windows have >= 5 leads, the
    earlier >= 2 conversions, and the rate fell to <= 3/4 of the earlier and by >= 0.05; affected =
    active leads of the last 30 days; confidence = evidence_confidence of the two-proportion z."""
    now_leads, before_leads = facts.last_30d.leads, facts.previous_30d.leads
    now_conv, before_conv = max(0, facts.conversions_30d), max(0, facts.conversions_previous_30d)
    if now_leads < MIN_MONTH_LEADS or before_leads < MIN_MONTH_LEADS or before_conv < MIN_PREVIOUS_CONVERSIONS:
        return None
    now_rate, before_rate = Fraction(now_conv, now_leads), Fraction(before_conv, before_leads)
    if now_rate > CONVERSION_DROP_RATIO * before_rate or before_rate - now_rate < CONVERSION_MIN_DROP:
        return None
    z = proportions_z(before_conv, before_leads, now_conv, now_leads)
    return _event("conversion_rate_falling", facts.last_30d.active, "last_30_days", evidence_confidence(z),
                  {"conversion_rate": rounded(ratio(now_conv, now_leads)),
                   "previous_conversion_rate": rounded(ratio(before_conv, before_leads))}, run_date)


RULES: list[Callable[[ClientFacts, datetime.date], GrowthEvent | None]] = [
    urgency_increasing, lead_volume, stale_follow_ups, conversion_rate_falling]


def detect(facts: ClientFacts, run_date: datetime.date) -> list[GrowthEvent]:
    return [event for rule in RULES if (event := rule(facts, run_date)) is not None]
