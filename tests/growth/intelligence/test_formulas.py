"""The pure formulas of the daily intelligence run: rounding and shares, the engagement score,
the trend thresholds, the conversion model and every pattern rule, firing and not firing."""
import datetime
import uuid
from decimal import Decimal

import pytest

from shared.growth import intelligence
from shared.growth.intelligence import metrics, patterns
from shared.growth.intelligence.models import ClientFacts, ModelGroup, OpenLead, Period, Week
from shared.growth.numbers import confidence, rounded, sample_confidence, shares

RUN_DATE = datetime.date(2026, 11, 20)


def facts(**fields) -> ClientFacts:
    return ClientFacts(uuid.uuid4(), **fields)


# --- numbers --------------------------------------------------------------------------------

@pytest.mark.parametrize("counts, expected", [
    ({"professional": 2, "friendly": 2, "formal": 1}, {"professional": 0.4, "friendly": 0.4, "formal": 0.2}),
    ({"a": 1, "b": 1, "c": 1}, {"a": 0.3334, "b": 0.3333, "c": 0.3333}),
    ({"a": 2, "b": 1}, {"a": 0.6667, "b": 0.3333}),
    ({"urgent": 5, "neutral": 0}, {"urgent": 1.0}),
    ({}, {}),
])
def test_shares_are_rounded_by_largest_remainder_and_add_up_to_one(counts, expected):
    result = shares(counts)
    assert result == expected
    if counts and sum(counts.values()):
        assert sum(Decimal(str(v)) for v in result.values()) == 1


@pytest.mark.parametrize("value, places, expected", [
    (Decimal("0.12345"), 4, 0.1235), (Decimal("0.5"), 0, 1.0), (Decimal("2.5"), 0, 3.0),
    (Decimal(1) / 3, 4, 0.3333), (Decimal(2) / 3, 2, 0.67)])
def test_rounding_is_half_up(value, places, expected):
    assert rounded(value, places) == expected


@pytest.mark.parametrize("leads, expected", [(0, "0.00"), (5, "0.33"), (10, "0.50"), (90, "0.90")])
def test_sample_confidence_is_n_over_n_plus_ten(leads, expected):
    assert sample_confidence(leads) == Decimal(expected)


def test_confidence_is_clamped_to_zero_and_one():
    assert confidence(-0.2) == Decimal("0.00") and confidence(1.7) == Decimal("1.00")


# --- engagement_score -----------------------------------------------------------------------

@pytest.mark.parametrize("period, expected", [
    (Period(), 0),
    # 0.4 * 0.6 + 0.3 * 4/5 + 0.3 * min(1, 0.2 / 0.25) = 0.72
    (Period(leads=5, active=3, converted=1, confidence_sum=Decimal("3.00"), confidence_count=5, high=2), 72),
    # everything converted, confidence 0.8: 0.32 + 0.3 + 0.3
    (Period(leads=1, converted=1, confidence_sum=Decimal("0.80"), confidence_count=1), 92),
    # nothing in play, nothing converted, no confidence scores
    (Period(leads=4), 0),
    # 0.4 * 0.5 + 0.3 * 1 + 0 = 0.5
    (Period(leads=2, active=2, confidence_sum=Decimal("1.00"), confidence_count=2), 50),
])
def test_overall_score_formula(period, expected):
    assert metrics.overall_score(period) == expected


@pytest.mark.parametrize("now, before, trend", [
    (60, 54, "increasing"), (60, 55, "stable"), (50, 55, "stable"), (49, 55, "decreasing")])
def test_engagement_trend_needs_more_than_five_points(now, before, trend):
    assert metrics.score_trend(now, before) == trend


@pytest.mark.parametrize("now, before, trend", [
    (Week(leads=10, high=3), Week(leads=4, high=1), "stable"),  # +0.05 exactly is not "over 0.05"
    (Week(leads=10, high=4), Week(leads=4, high=1), "increasing"),
    (Week(leads=4, high=1), Week(leads=10, high=3), "stable"),
    (Week(leads=5, high=1), Week(leads=10, high=3), "decreasing"),
    (Week(leads=2, high=1), Week(), "increasing"),  # an empty week counts as 0
    (Week(), Week(), "stable"),
])
def test_urgency_trend_needs_a_change_over_five_points(now, before, trend):
    assert metrics.urgency_direction(now, before) == trend


# --- conversion_prediction ------------------------------------------------------------------

def test_prediction_smooths_each_rate_toward_the_client_rate():
    groups = [ModelGroup("High", "Professional", leads=1, conversions=0, open_leads=1),
              ModelGroup("Medium", "Friendly", leads=1, conversions=0, open_leads=1),
              ModelGroup("Low", "Friendly", leads=1, conversions=1, open_leads=0),
              ModelGroup("Medium", "Professional", leads=1, conversions=0, open_leads=0),
              ModelGroup("High", "Urgent", leads=1, conversions=1, open_leads=0),
              ModelGroup("High", "Formal", leads=1, conversions=0, open_leads=1)]
    model = metrics.ConversionModel(groups)
    assert model.client_rate == pytest.approx(2 / 6)
    assert model.by_urgency["High"] == pytest.approx((1 + 5 / 3) / (3 + 5))
    assert model.by_urgency["Medium"] == pytest.approx((0 + 5 / 3) / (2 + 5))
    assert model.by_tone["Formal"] == pytest.approx((5 / 3) / 6)
    assert model.probability("Medium", "Friendly") == pytest.approx(13 / 42)
    assert model.probability("Unknown", None) == pytest.approx(1 / 3)  # unseen values: the client rate

    client = facts(model=groups, top_open_leads=[OpenLead(uuid.uuid4(), 13 / 42), OpenLead(uuid.uuid4(), 11 / 36)])
    event = metrics.conversion_prediction(client, model, RUN_DATE)
    snapshot = event.snapshot
    assert snapshot["predicted_conversions"] == 1  # 2/7 + 13/42 + 11/36 = 0.90
    assert snapshot["based_on"] == 2
    assert snapshot["confidence"] == 0.24 and event.confidence == Decimal("0.24")  # 0.1 + 0.85 * 2/12
    assert [lead["probability"] for lead in snapshot["high_value_leads"]] == [0.3095, 0.3056]
    assert "2 past conversions" in event.insight_text


def test_prediction_without_history_has_low_confidence_and_says_so():
    groups = [ModelGroup("High", "Urgent", leads=4, conversions=0, open_leads=4)]
    model = metrics.ConversionModel(groups)
    event = metrics.conversion_prediction(facts(model=groups), model, RUN_DATE)
    assert event.snapshot["predicted_conversions"] == 0
    assert event.snapshot["based_on"] == 0
    assert event.snapshot["high_value_leads"] == []
    assert event.confidence == Decimal("0.10")
    assert "No conversions recorded yet" in event.insight_text
    assert any("Tag leads Converted" in action for action in event.snapshot["recommended_actions"])


def test_prediction_recommends_the_best_converting_urgency_and_the_stale_follow_ups():
    groups = [ModelGroup("High", "Urgent", leads=10, conversions=6, open_leads=2),
              ModelGroup("Low", "Neutral", leads=10, conversions=1, open_leads=3)]
    model = metrics.ConversionModel(groups)
    actions = metrics.recommended_actions(facts(model=groups, stale_follow_ups=2), model, [])
    assert {"kind": "stale_follow_ups", "leads": 2} in actions
    assert [(a["dimension"], a["value"]) for a in actions if a["kind"] == "prioritise"] == [
        ("urgency", "High"), ("tone", "Urgent")]


# --- patterns -------------------------------------------------------------------------------

def pattern_types(client: ClientFacts) -> list[str]:
    return [event.snapshot["pattern_type"] for event in patterns.detect(client, RUN_DATE)]


def test_urgency_increasing_fires_when_the_high_share_rises_by_more_than_five_points():
    client = facts(last_7d=Week(leads=5, high=4, low=1), previous_7d=Week(leads=5, high=1, low=4))
    [event] = [e for e in patterns.detect(client, RUN_DATE) if e.snapshot["pattern_type"] == "urgency_increasing"]
    assert event.snapshot == {"pattern_type": "urgency_increasing", "affected_leads": 4, "time_period": "last_7_days",
                              "confidence": 0.65, "recommendation": event.snapshot["recommendation"],
                              "figures": {"high_urgency_pct": 0.8, "previous_high_urgency_pct": 0.2},
                              "run_date": "2026-11-20"}  # z = 0.6 / sqrt(0.25 * 0.4) = 1.897
    assert event.event_type == "pattern_detected" and event.confidence == Decimal("0.65")


@pytest.mark.parametrize("now, before", [
    (Week(leads=5, high=1), Week(leads=5, high=1)),  # no rise
    (Week(leads=20, high=7), Week(leads=20, high=6)),  # +0.05: not over
    (Week(leads=2, high=2), Week(leads=5, high=0)),  # too few leads this week
    (Week(leads=5, high=5), Week(leads=2, high=0)),  # too few the week before
])
def test_urgency_increasing_does_not_fire(now, before):
    assert "urgency_increasing" not in pattern_types(facts(last_7d=now, previous_7d=before))


@pytest.mark.parametrize("now, before, expected, affected", [
    (7, 4, "volume_spike", 7), (3, 0, "volume_spike", 3), (6, 4, None, None), (5, 3, None, None),
    (2, 5, "volume_drop", 3), (0, 3, "volume_drop", 3), (3, 5, None, None), (1, 3, None, None),
])
def test_lead_volume_spike_and_drop_against_the_week_before(now, before, expected, affected):
    client = facts(last_7d=Week(leads=now, medium=now), previous_7d=Week(leads=before, medium=before))
    found = [e.snapshot for e in patterns.detect(client, RUN_DATE) if e.snapshot["pattern_type"].startswith("volume")]
    if expected is None:
        assert found == []
    else:
        assert [(s["pattern_type"], s["affected_leads"]) for s in found] == [(expected, affected)]


def test_volume_confidence_grows_with_the_evidence():
    small = patterns.lead_volume(facts(last_7d=Week(leads=3), previous_7d=Week(leads=0)), RUN_DATE)
    large = patterns.lead_volume(facts(last_7d=Week(leads=100), previous_7d=Week(leads=50)), RUN_DATE)
    assert small.confidence == Decimal("0.63")  # z = 3 / sqrt(3) = 1.73
    assert large.confidence == Decimal("0.80")  # z = 50 / sqrt(150) = 4.08


@pytest.mark.parametrize("stale, fires", [(0, False), (1, True), (7, True)])
def test_stale_follow_ups_fire_for_any_follow_up_untouched_for_over_a_week(stale, fires):
    event = patterns.stale_follow_ups(facts(stale_follow_ups=stale), RUN_DATE)
    assert (event is not None) == fires
    if fires:
        assert event.snapshot["affected_leads"] == stale and event.snapshot["time_period"] == "more_than_7_days"
        assert event.confidence == Decimal("0.95")


def conversion_facts(now_leads, now_conversions, before_leads, before_conversions, active=4):
    return facts(last_30d=Period(leads=now_leads, active=active), previous_30d=Period(leads=before_leads),
                 conversions_30d=now_conversions, conversions_previous_30d=before_conversions)


@pytest.mark.parametrize("case, fires", [
    ((10, 1, 10, 5), True),  # 10% against 50%
    ((20, 7, 20, 10), True),  # 35% against 50%: 0.7 of it and 15 points lower
    ((10, 3, 10, 4), True),  # 30% against 40%: exactly 3/4 of it, 10 points lower
    ((10, 4, 10, 5), False),  # 40% against 50%: above 3/4 of it
    ((100, 2, 100, 6), False),  # 2% against 6%: a third of it, but only 4 points lower
    ((10, 0, 10, 1), False),  # too few earlier conversions
    ((4, 0, 10, 5), False),  # too few leads now
    ((10, 0, 4, 3), False),  # too few leads before
    ((10, 2, 10, 2), False),  # steady
])
def test_conversion_rate_falling(case, fires):
    assert ("conversion_rate_falling" in pattern_types(conversion_facts(*case))) == fires


def test_conversion_rate_falling_reports_the_active_leads_to_work_on():
    [event] = [e for e in patterns.detect(conversion_facts(10, 1, 10, 5, active=6), RUN_DATE)
               if e.snapshot["pattern_type"] == "conversion_rate_falling"]
    assert event.snapshot["affected_leads"] == 6 and event.snapshot["time_period"] == "last_30_days"
    assert 0 < event.confidence <= Decimal("0.95")
    assert "10%" in event.insight_text and "50%" in event.insight_text


def test_a_quiet_client_has_no_pattern():
    assert pattern_types(facts()) == []


# --- run dates and candidate groups -----------------------------------------------------------

@pytest.mark.parametrize("event_time, run_date", [
    ("2026-11-25T06:00:00Z", datetime.date(2026, 11, 24)),
    ("2026-11-25T00:30:00+02:00", datetime.date(2026, 11, 23)),  # 22:30 UTC on the 24th
    ("2026-03-01T06:00:00Z", datetime.date(2026, 2, 28)),
])
def test_the_schedule_analyses_the_utc_day_before_its_event(event_time, run_date):
    assert intelligence.scheduled_run_date(event_time) == run_date


def test_top_leads_are_looked_for_in_the_best_groups_and_every_group_tied_with_the_last():
    groups = [ModelGroup("High", "Urgent", leads=4, conversions=4, open_leads=3),  # best
              ModelGroup("Low", "Urgent", leads=4, conversions=0, open_leads=1),
              ModelGroup("High", "Neutral", leads=4, conversions=0, open_leads=1),
              ModelGroup("Low", "Neutral", leads=4, conversions=0, open_leads=9),  # worst
              ModelGroup("Medium", "Calm", leads=2, conversions=0, open_leads=0)]  # no open lead
    model = metrics.ConversionModel(groups)
    chosen = metrics.candidate_groups(model, groups, top=4)
    # 3 open leads in the best group, then two groups tied for second: both are needed.
    assert [(g.urgency, g.tone) for g in chosen] == [("High", "Urgent"), ("Low", "Urgent"), ("High", "Neutral")]
