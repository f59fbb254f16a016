"""The four daily metrics of one client, pure: engagement score, urgency trend, tone distribution
and conversion prediction, each formula in the docstring of the function that computes it."""
import datetime
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from shared.growth import wording
from shared.growth.intelligence.models import (
    ClientFacts,
    ConversionPredictionSnapshot,
    EngagementMetrics,
    EngagementSnapshot,
    GrowthEvent,
    HighValueLead,
    ModelGroup,
    Period,
    Trend,
    UrgencyDistribution,
    UrgencyTrendSnapshot,
    Week,
)
from shared.growth.numbers import (
    confidence,
    ratio,
    rises_by_more_than,
    rounded,
    sample_confidence,
    shares,
)

SCORE_TREND_POINTS = 5  # engagement: a change of more than 5 points is a trend
URGENCY_TREND_CHANGE = Fraction(5, 100)  # urgency: a change of more than 0.05 is a trend
GOOD_CONVERSION_RATE = Decimal("0.25")  # a 25% conversion rate earns the full conversion component
PRIOR_WEIGHT = 5  # smoothing: a group's rate counts as 5 leads at the client-wide rate
TOP_LEADS = 5


# --- engagement_score -----------------------------------------------------------------------

def overall_score(period: Period) -> int:
    """0..100 from confidence, leads still in play and conversions over one 30-day period:
    round(100 * (0.4 * avg_confidence + 0.3 * (active + converted) / leads
                 + 0.3 * min(1, conversion_rate / 0.25))), half up; 0 without leads.
    avg_confidence is the mean confidence_score (leads without one left out); active is tagged
    Active or Follow-Up; conversion_rate = tagged Converted / leads."""
    if not period.leads:
        return 0
    avg_confidence = ratio(period.confidence_sum, period.confidence_count)
    in_play = ratio(period.active + period.converted, period.leads)
    conversion = min(Decimal(1), ratio(period.converted, period.leads) / GOOD_CONVERSION_RATE)
    value = 100 * (Decimal("0.4") * avg_confidence + Decimal("0.3") * in_play + Decimal("0.3") * conversion)
    return int(value.quantize(Decimal(1), ROUND_HALF_UP))


def score_trend(now: int, before: int) -> Trend:
    """increasing when the score beats the previous 30 days' score by more than 5 points,
    decreasing when it trails by more than 5, else stable."""
    if now - before > SCORE_TREND_POINTS:
        return "increasing"
    if before - now > SCORE_TREND_POINTS:
        return "decreasing"
    return "stable"


def engagement_score(facts: ClientFacts, run_date: datetime.date) -> GrowthEvent:
    """The last 30 days' engagement: overall_score and its trend against the 30 days before;
    total_leads, active_leads, conversion_rate (Converted / leads), high_urgency_pct (High / leads)
    and avg_confidence, shares 0 without leads, 4 decimals. confidence = n / (n + 10), n = leads."""
    period = facts.last_30d
    score, previous = overall_score(period), overall_score(facts.previous_30d)
    trend = score_trend(score, previous)
    conversion_rate = ratio(period.converted, period.leads)
    snapshot = EngagementSnapshot(
        overall_score=score, trend=trend, run_date=run_date, converted=period.converted, previous_score=previous,
        previous_leads=facts.previous_30d.leads,
        metrics=EngagementMetrics(
            total_leads=period.leads, active_leads=period.active,
            avg_confidence=rounded(ratio(period.confidence_sum, period.confidence_count)),
            high_urgency_pct=rounded(ratio(period.high, period.leads)),
            conversion_rate=rounded(conversion_rate)))
    return _event("engagement_score", snapshot.model_dump(mode="json"), sample_confidence(period.leads))


def _event(event_type: str, snapshot: dict, level) -> GrowthEvent:
    """A row whose insight_text is its snapshot said in English (the answers say it in the owner's
    language from the same snapshot: shared/growth/wording.py)."""
    return GrowthEvent(event_type, snapshot, wording.render(event_type, snapshot, "en").text, level)


# --- urgency_trend --------------------------------------------------------------------------

def urgency_direction(now: Week, before: Week) -> Trend:
    """increasing when the High share rose by more than 0.05, decreasing when it fell by more than
    0.05, else stable (compared exactly, before any rounding; an empty week's share is 0)."""
    if rises_by_more_than(now.high, now.leads, before.high, before.leads, URGENCY_TREND_CHANGE):
        return "increasing"
    if rises_by_more_than(before.high, before.leads, now.high, now.leads, URGENCY_TREND_CHANGE):
        return "decreasing"
    return "stable"


def urgency_trend(facts: ClientFacts, run_date: datetime.date) -> GrowthEvent:
    """The last 7 days against the 7 days before: high_urgency_pct = High / leads of the week (0
    without leads, 4 decimals), likewise previous_high_urgency_pct; the trend; the High, Medium and
    Low counts of the last 7 days. confidence = n / (n + 10), n = leads of both weeks."""
    week, before = facts.last_7d, facts.previous_7d
    now_pct, before_pct = ratio(week.high, week.leads), ratio(before.high, before.leads)
    trend = urgency_direction(week, before)
    snapshot = UrgencyTrendSnapshot(
        high_urgency_pct=rounded(now_pct), previous_high_urgency_pct=rounded(before_pct), trend=trend,
        distribution=UrgencyDistribution(High=week.high, Medium=week.medium, Low=week.low),
        leads=week.leads, previous_leads=before.leads, run_date=run_date)
    return _event("urgency_trend", snapshot.model_dump(mode="json"), sample_confidence(week.leads + before.leads))


# --- tone_distribution ----------------------------------------------------------------------

def tone_distribution(facts: ClientFacts, run_date: datetime.date) -> GrowthEvent:
    """The last 30 days: {lower(tone): leads with that tone / leads with a tone}, 4 decimals by
    largest remainder so the shares add up to exactly 1; tones with no lead are left out (no lead at
    all: only run_date). confidence = n / (n + 10), n = leads with a tone."""
    distribution = shares(facts.tones)
    snapshot = {**distribution, "run_date": run_date.isoformat()}
    return _event("tone_distribution", snapshot, sample_confidence(sum(facts.tones.values())))


# --- conversion_prediction ------------------------------------------------------------------

class ConversionModel:
    """Conversion rates learned from one client's own history: its counted leads created before the
    window's end, grouped by their initial urgency and tone (schema/016). A lead stands converted
    when the last of its conversion and reversion events is a conversion. C = standing conversions,
    N = leads, client_rate r0 = C / N (0 without leads). Per urgency u: rate_u = (C_u + 5 * r0) /
    (N_u + 5); per tone likewise (smoothed toward the client's rate with a prior weight of 5 leads).
    Floats: an estimate, ranked and summed, never compared at a threshold."""

    def __init__(self, groups: list[ModelGroup]):
        self.leads = sum(g.leads for g in groups)
        self.conversions = sum(g.conversions for g in groups)
        self.client_rate = self.conversions / self.leads if self.leads else 0.0
        self.by_urgency = self._smoothed(groups, lambda g: g.urgency)
        self.by_tone = self._smoothed(groups, lambda g: g.tone)

    def _smoothed(self, groups, key) -> dict[str | None, float]:
        leads, conversions = {}, {}
        for g in groups:
            leads[key(g)] = leads.get(key(g), 0) + g.leads
            conversions[key(g)] = conversions.get(key(g), 0) + g.conversions
        return {value: (conversions[value] + PRIOR_WEIGHT * self.client_rate) / (leads[value] + PRIOR_WEIGHT)
                for value in leads}

    def probability(self, urgency: str | None, tone: str | None) -> float:
        """p(lead) = (rate_u + rate_t) / 2 (an urgency or tone never seen: the client's rate)."""
        return (self.by_urgency.get(urgency, self.client_rate) + self.by_tone.get(tone, self.client_rate)) / 2


def candidate_groups(model: ConversionModel, groups: list[ModelGroup], top: int = TOP_LEADS) -> list[ModelGroup]:
    """The groups the `top` most likely open leads can come from: by probability, until they hold
    `top` open leads, plus any group tied with the last one taken (leads with probability 0 never
    count as likely)."""
    ranked = sorted((g for g in groups if g.open_leads and model.probability(g.urgency, g.tone) > 0),
                    key=lambda g: -model.probability(g.urgency, g.tone))
    chosen, leads, last = [], 0, None
    for group in ranked:
        probability = model.probability(group.urgency, group.tone)
        if leads >= top and probability < last:
            break
        chosen.append(group)
        leads, last = leads + group.open_leads, probability
    return chosen


def prediction_confidence(conversions: int) -> Decimal:
    """0.1 + 0.85 * C / (C + 10): 0.10 with no history (and the insight says so), toward 0.95."""
    return confidence(Decimal("0.1") + Decimal("0.85") * ratio(conversions, conversions + 10))


def conversion_prediction(facts: ClientFacts, model: ConversionModel, run_date: datetime.date) -> GrowthEvent:
    """predicted_conversions = round(sum of p over open leads: tagged Active or Follow-Up, not
    archived); high_value_leads = the 5 open leads with the highest p (then confidence_score, then
    newest), p > 0, probability 4 decimals; based_on = C; confidence: prediction_confidence(C)."""
    expected = sum(g.open_leads * model.probability(g.urgency, g.tone) for g in facts.model)
    predicted = int(rounded(expected, 0))
    open_leads = sum(g.open_leads for g in facts.model)
    top = [HighValueLead(lead_id=lead.lead_id, probability=rounded(lead.probability))
           for lead in facts.top_open_leads if lead.probability > 0][:TOP_LEADS]
    level = prediction_confidence(model.conversions)
    actions = recommended_actions(facts, model, top)
    snapshot = ConversionPredictionSnapshot(
        predicted_conversions=predicted, confidence=float(level), based_on=model.conversions,
        high_value_leads=top, recommended_actions=[wording.action_text(a, "en") for a in actions], actions=actions,
        open_leads=open_leads, client_rate=rounded(model.client_rate), run_date=run_date)
    return _event("conversion_prediction", snapshot.model_dump(mode="json"), level)


def recommended_actions(facts: ClientFacts, model: ConversionModel, top: list[HighValueLead]) -> list[dict]:
    """What to do next, each {"kind", ...} (said in either language by wording.action_text)."""
    actions = []
    if not model.conversions:
        actions.append({"kind": "record_conversions"})
    if facts.stale_follow_ups:
        actions.append({"kind": "stale_follow_ups", "leads": facts.stale_follow_ups})
    if top:
        actions.append({"kind": "contact_likely", "leads": len(top), "probability": top[0].probability})
    for dimension, rates in (("urgency", model.by_urgency), ("tone", model.by_tone)):
        if model.conversions:
            best = max((value for value in rates if value), key=lambda v: (rates[v], v), default=None)
            if best is not None and rates[best] > model.client_rate:
                actions.append({"kind": "prioritise", "dimension": dimension, "value": best,
                                "rate": rounded(rates[best]), "overall": rounded(model.client_rate)})
    return actions or [{"kind": "none"}]
