"""The four daily metrics of one client, pure: engagement score, urgency trend, tone distribution
and conversion prediction, each formula in the docstring of the function that computes it."""
import datetime
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

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
    counted,
    percent,
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
        overall_score=score, trend=trend, run_date=run_date,
        metrics=EngagementMetrics(
            total_leads=period.leads, active_leads=period.active,
            avg_confidence=rounded(ratio(period.confidence_sum, period.confidence_count)),
            high_urgency_pct=rounded(ratio(period.high, period.leads)),
            conversion_rate=rounded(conversion_rate)))
    if period.leads:
        change = {"increasing": f"up from {previous}", "decreasing": f"down from {previous}",
                  "stable": "steady"}[trend]
        insight = (f"Engagement score {score}/100 ({change}) over the last 30 days: "
                   f"{counted(period.leads, 'lead')}, {period.active} still active, "
                   f"{period.converted} converted ({percent(conversion_rate)}).")
    else:
        insight = "No leads in the last 30 days, so there is no engagement to score yet."
    return GrowthEvent("engagement_score", snapshot.model_dump(mode="json"), insight,
                       sample_confidence(period.leads))


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
        distribution=UrgencyDistribution(High=week.high, Medium=week.medium, Low=week.low), run_date=run_date)
    if week.leads:
        movement = {"increasing": "up from", "decreasing": "down from", "stable": "about the same as"}[trend]
        insight = (f"{percent(now_pct)} of this week's {counted(week.leads, 'lead')} were high urgency, "
                   f"{movement} {percent(before_pct)} the week before.")
    else:
        insight = f"No leads in the last 7 days (the week before: {counted(before.leads, 'lead')})."
    return GrowthEvent("urgency_trend", snapshot.model_dump(mode="json"), insight,
                       sample_confidence(week.leads + before.leads))


# --- tone_distribution ----------------------------------------------------------------------

def tone_distribution(facts: ClientFacts, run_date: datetime.date) -> GrowthEvent:
    """The last 30 days: {lower(tone): leads with that tone / leads with a tone}, 4 decimals by
    largest remainder so the shares add up to exactly 1; tones with no lead are left out (no lead at
    all: only run_date). confidence = n / (n + 10), n = leads with a tone."""
    distribution = shares(facts.tones)
    snapshot = {**distribution, "run_date": run_date.isoformat()}
    total = sum(facts.tones.values())
    if distribution:
        top = ", ".join(f"{tone} {percent(share)}" for tone, share in list(distribution.items())[:3])
        insight = f"Tone of the last 30 days' {counted(total, 'lead')}: {top}."
    else:
        insight = "No leads with a detected tone in the last 30 days."
    return GrowthEvent("tone_distribution", snapshot, insight, sample_confidence(total))


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
    snapshot = ConversionPredictionSnapshot(
        predicted_conversions=predicted, confidence=float(level), based_on=model.conversions,
        high_value_leads=top, recommended_actions=recommended_actions(facts, model, top), run_date=run_date)
    if model.conversions:
        insight = (f"Expect about {counted(predicted, 'conversion')} in the next 30 days from "
                   f"{counted(open_leads, 'open lead')}, learned from your "
                   f"{counted(model.conversions, 'past conversion')} ({percent(model.client_rate)} of all leads).")
    else:
        insight = (f"No conversions recorded yet, so there is no history to learn from: this prediction "
                   f"({counted(predicted, 'conversion')} from {counted(open_leads, 'open lead')}) is a placeholder "
                   f"with low confidence. Tag leads Converted when they become customers.")
    return GrowthEvent("conversion_prediction", snapshot.model_dump(mode="json"), insight, level)


def recommended_actions(facts: ClientFacts, model: ConversionModel, top: list[HighValueLead]) -> list[str]:
    actions = []
    if not model.conversions:
        actions.append("Tag leads Converted when they become customers: predictions learn from your own history.")
    if facts.stale_follow_ups:
        actions.append(f"Follow up with the {counted(facts.stale_follow_ups, 'lead')} tagged 'Follow-Up' "
                       f"and untouched for over 7 days.")
    if top:
        actions.append(f"Contact your {counted(len(top), 'most likely buyer')} first "
                       f"(best chance {percent(top[0].probability)}).")
    for label, rates in (("urgency", model.by_urgency), ("tone", model.by_tone)):
        if model.conversions:
            best = max((value for value in rates if value), key=lambda v: (rates[v], v), default=None)
            if best is not None and rates[best] > model.client_rate:
                actions.append(f"Prioritise {best} {label} leads: they convert at {percent(rates[best])} "
                               f"against {percent(model.client_rate)} overall.")
    return actions or ["No open leads need attention right now; keep answering new leads quickly."]
