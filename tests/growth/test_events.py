"""The growth brain's `conversion` events: what a lead's life teaches when it is tagged Converted."""
import datetime
from decimal import Decimal

import pytest

from shared.growth import events

pytestmark = pytest.mark.pooled

SNAPSHOT_KEYS = {"lead_id", "lead_name", "initial_urgency", "initial_tone", "days_to_convert", "touch_points",
                 "conversion_value", "final_tag"}


def tag(api, client, lead, tag, **body):
    r = api.post(f"/api/leads/{lead.id}/tag", {"tag": tag, **body}, key=client.api_key)
    assert r.status == 200, r.json
    return r.json


def test_a_conversion_records_what_the_leads_life_teaches(api, client, make_lead, ledger):
    lead = make_lead(client.client_id, name="Sarah Chen", age_days=7, urgency=("Low", "High"),
                     tone=("Professional", "Urgent"), confidence=(0.61, 0.88), updates=1)
    tag(api, client, lead, "Follow-Up")

    result = tag(api, client, lead, "Converted", conversion_value=5000)

    [event] = ledger.growth(lead.id)
    assert event["event_type"] == "conversion"
    assert event["client_id"] == client.client_id
    assert set(event["learning_snapshot"]) == SNAPSHOT_KEYS
    assert event["learning_snapshot"] == {
        "lead_id": lead.id, "lead_name": "Sarah Chen", "initial_urgency": "Low", "initial_tone": "Professional",
        "days_to_convert": 7, "touch_points": 3, "conversion_value": 5000, "final_tag": "Converted"}
    assert event["insight_text"] == 'Lead "Sarah Chen" converted in 7 days with 3 touch points, worth $5,000.'
    assert event["confidence"] == Decimal("0.95")
    action = ledger.actions(lead.id)[-1]
    assert str(action["id"]) == result["action_id"]
    assert event["created_at"] == action["timestamp"]


def test_a_conversion_without_a_value_records_null(api, client, make_lead, ledger):
    lead = make_lead(client.client_id, name="Olivier Gagnon")

    tag(api, client, lead, "Converted")

    [event] = ledger.growth(lead.id, "conversion")
    assert event["learning_snapshot"]["conversion_value"] is None
    assert set(event["learning_snapshot"]) == SNAPSHOT_KEYS


@pytest.mark.parametrize("value", [0, 1234.56, 0.5, 250000])
def test_a_conversion_value_is_recorded_as_given(api, client, make_lead, ledger, value):
    lead = make_lead(client.client_id)

    tag(api, client, lead, "Converted", conversion_value=value)

    assert ledger.growth(lead.id, "conversion")[0]["learning_snapshot"]["conversion_value"] == value


@pytest.mark.parametrize("age_days, days", [(0, 0), (0.99, 0), (1.01, 1), (7 - 1 / 24, 6), (7, 7), (45.5, 45)])
def test_days_to_convert_counts_whole_days_since_the_lead_arrived(api, client, make_lead, ledger, age_days, days):
    lead = make_lead(client.client_id, name="Priya Patel", age_days=age_days)

    tag(api, client, lead, "Converted")

    [event] = ledger.growth(lead.id, "conversion")
    assert event["learning_snapshot"]["days_to_convert"] == days
    assert event["learning_snapshot"]["touch_points"] == 1
    day_word = "day" if days == 1 else "days"
    assert event["insight_text"] == f'Lead "Priya Patel" converted in {days} {day_word} with 1 touch point.'


def test_touch_points_are_every_earlier_action_of_the_lead(api, client, make_lead, ledger):
    lead = make_lead(client.client_id, age_days=20, updates=3)
    for step in ("Follow-Up", "Archived", "Active", "Follow-Up"):
        tag(api, client, lead, step)
    tag(api, client, lead, "Follow-Up")  # a no-op is not a touch point

    tag(api, client, lead, "Converted")

    snapshot = ledger.growth(lead.id, "conversion")[0]["learning_snapshot"]
    assert snapshot["touch_points"] == 8 == len(ledger.actions(lead.id)) - 1


def test_initial_urgency_and_tone_fall_back_to_the_current_ones_when_there_is_no_history(
        api, client, make_lead, ledger):
    lead = make_lead(client.client_id, urgency=(), tone=(), urgency_now="Medium", tone_now="Friendly")

    tag(api, client, lead, "Converted")

    snapshot = ledger.growth(lead.id, "conversion")[0]["learning_snapshot"]
    assert (snapshot["initial_urgency"], snapshot["initial_tone"]) == ("Medium", "Friendly")


def test_an_empty_first_history_entry_counts_as_none_as_the_nightly_model_reads_it(api, client, make_lead, ledger):
    lead = make_lead(client.client_id, urgency=("", "High"), tone=("",))  # urgency: "High" now; tone: "" now

    tag(api, client, lead, "Converted")

    snapshot = ledger.growth(lead.id, "conversion")[0]["learning_snapshot"]
    assert (snapshot["initial_urgency"], snapshot["initial_tone"]) == ("High", None)


def test_conversion_confidence_falls_for_a_client_whose_conversions_get_reverted(
        api, make_client, make_lead, ledger):
    client = make_client("Lakeside Physio")
    first, second, third = (make_lead(client.client_id, name=n) for n in ("Ana Silva", "Ben Roy", "Chloé Martin"))

    tag(api, client, first, "Converted")
    r = api.post(f"/api/leads/{first.id}/revert", {"reason": "Paid by another branch"}, key=client.api_key)
    assert r.status == 200
    tag(api, client, second, "Converted")
    tag(api, client, third, "Converted")

    confidences = [ledger.growth(lead.id, "conversion")[0]["confidence"] for lead in (first, second, third)]
    # (kept + 19) / (conversions + 20): 19/20, then 19/21 after one reverted, then 20/22
    assert confidences == [Decimal("0.95"), Decimal("0.90"), Decimal("0.91")]


T0 = datetime.datetime(2026, 11, 1, 9, 30, tzinfo=datetime.UTC)


@pytest.mark.parametrize("since, converted_at, days", [
    (T0, T0, 0),
    (T0, T0 + datetime.timedelta(hours=23, minutes=59), 0),
    (T0, T0 + datetime.timedelta(days=1), 1),
    (T0, T0 + datetime.timedelta(days=6, hours=23), 6),
    (T0, T0 + datetime.timedelta(days=365, seconds=1), 365),
    (T0 + datetime.timedelta(minutes=5), T0, 0),  # clock skew never makes it negative
    (None, T0, 0),
])
def test_days_to_convert_is_whole_elapsed_days(since, converted_at, days):
    assert events.days_to_convert(since, converted_at) == days


@pytest.mark.parametrize("conversions, reversions, confidence", [
    (0, 0, "0.95"), (1, 0, "0.95"), (1, 1, "0.90"), (10, 5, "0.80"), (100, 0, "0.99"), (100, 100, "0.16"),
])
def test_conversion_confidence_is_the_smoothed_share_of_conversions_kept(conversions, reversions, confidence):
    value = events.conversion_confidence(conversions, reversions)
    assert 0 <= value <= 1
    assert value.quantize(Decimal("0.01")) == Decimal(confidence)
