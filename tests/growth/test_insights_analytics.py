"""GET /api/insights and GET /api/analytics on hand-made data: the run date's events and the
conversions of the 30 days before it; every day of the period in the client's own time zone, zeros
included, tags, urgency shares, intents and conversions exact; test and deleted leads excluded."""
import datetime
import json
import uuid
import zoneinfo

import pytest

from shared.clients import accounts
from tests.helpers import apigw_event, invoke, load_function

pytestmark = pytest.mark.pooled

TORONTO = zoneinfo.ZoneInfo("America/Toronto")


@pytest.fixture
def owner(database):
    client_id, key = accounts.create_client("Paysagement Lefebvre", f"owner-{uuid.uuid4().hex[:8]}@lefebvre.ca")
    return {"client_id": client_id, "key": key}


def add_lead(database, client_id, at, tag="Active", urgency="Low", intent="information", is_test=False):
    return database.scalar(
        "INSERT INTO lead_memory (email, name, client_id, current_tag, urgency, intent, is_test, deleted, timestamp) "
        "VALUES (:e, 'Lead', :c, :tag, :u, :i, :t, :tag = 'Deleted', :at) RETURNING id",
        e=f"{uuid.uuid4().hex[:8]}@lead.ca", c=client_id, tag=tag, u=urgency, i=intent, t=is_test, at=at)


def add_event(database, client_id, event_type, snapshot, created_at, text="insight"):
    database.sql("INSERT INTO growth_brain (client_id, event_type, learning_snapshot, insight_text, confidence, "
                 "created_at) VALUES (:c, :t, CAST(:s AS jsonb), :x, 0.5, :at)",
                 c=client_id, t=event_type, s=json.dumps(snapshot), x=text, at=created_at)


def test_insights_default_to_the_latest_run_with_the_conversions_of_the_30_days_before(api, owner, database):
    client_id, utc = owner["client_id"], datetime.UTC
    for run_date in ("2026-11-20", "2026-11-23"):
        add_event(database, client_id, "engagement_score", {"run_date": run_date}, datetime.datetime(2026, 11, 24,
                  tzinfo=utc), text=f"engagement {run_date}")
        add_event(database, client_id, "pattern_detected", {"run_date": run_date, "pattern_type": "volume_spike"},
                  datetime.datetime(2026, 11, 24, 0, 1, tzinfo=utc), text=f"pattern {run_date}")
    add_event(database, client_id, "conversion", {"lead_id": str(uuid.uuid4())},
              datetime.datetime(2026, 11, 1, tzinfo=utc), text="conversion inside")
    add_event(database, client_id, "reversion", {"lead_id": str(uuid.uuid4())},
              datetime.datetime(2026, 10, 20, tzinfo=utc), text="reversion too old")

    latest = api.get("/api/insights", key=owner["key"])
    assert latest.status == 200 and latest.json["run_date"] == "2026-11-23"
    assert [(e["event_type"], (e["learning_snapshot"] or {}).get("run_date")) for e in latest.json["events"]] == [
        ("conversion", None), ("engagement_score", "2026-11-23"), ("pattern_detected", "2026-11-23")]
    assert [e["source"] for e in latest.json["events"]] == ["live", "nightly", "nightly"]
    assert latest.json["as_of"] == "2026-11-24T00:01:00.000000Z" and latest.json["first_run"] is False
    earlier = api.get("/api/insights?date=2026-11-20&event_type=pattern_detected", key=owner["key"])
    assert earlier.json["run_date"] == "2026-11-20" and earlier.json["first_run"] is True
    [pattern] = earlier.json["events"]
    assert pattern["learning_snapshot"]["run_date"] == "2026-11-20"
    assert pattern["title"] == "More leads than usual"


def test_insights_without_any_run_say_so(api, owner):
    assert api.get("/api/insights", key=owner["key"]).json == {
        "run_date": None, "as_of": None, "first_run": True, "language": "en", "events": []}


def test_analytics_on_a_known_data_set(api, owner, database):
    client_id = owner["client_id"]
    today = datetime.datetime.now(TORONTO).date()

    def local(days_ago, hour):
        day = today - datetime.timedelta(days=days_ago)
        return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=TORONTO)

    add_lead(database, client_id, local(0, 1), urgency="High", intent="quote_request")  # 01:00 Toronto = 06:00 UTC
    add_lead(database, client_id, local(0, 23), urgency="High", intent="quote_request")  # 23:00 Toronto: next UTC day
    converted = add_lead(database, client_id, local(2, 12), tag="Converted", urgency="Medium", intent="appointment")
    add_lead(database, client_id, local(6, 9), tag="Follow-Up")
    add_lead(database, client_id, local(7, 9))  # outside a 7-day period
    add_lead(database, client_id, local(1, 9), is_test=True)
    add_lead(database, client_id, local(1, 9), tag="Deleted")
    add_event(database, client_id, "conversion", {"lead_id": str(converted), "conversion_value": 2500},
              local(1, 10))

    answer = api.get("/api/analytics?days=7", key=owner["key"])
    assert answer.status == 200
    figures = answer.json
    assert figures["from"] == (today - datetime.timedelta(days=6)).isoformat() and figures["to"] == today.isoformat()
    assert [d["count"] for d in figures["leads_per_day"]] == [1, 0, 0, 0, 1, 0, 2]
    assert [d["date"] for d in figures["leads_per_day"]][-1] == today.isoformat()
    assert figures["by_tag"] == {"Active": 2, "Converted": 1, "Follow-Up": 1}
    assert figures["by_urgency"] == {"High": {"count": 2, "percentage": 50.0},
                                     "Medium": {"count": 1, "percentage": 25.0},
                                     "Low": {"count": 1, "percentage": 25.0}}
    assert figures["by_intent"] == {"quote_request": 2, "appointment": 1, "information": 1}
    assert figures["conversions"] == {"count": 1, "value": 2500.0} and figures["conversion_rate"] == 0.25


def test_analytics_follow_the_clients_time_zone(api, owner, database):
    client_id = owner["client_id"]
    now = datetime.datetime.now(datetime.UTC)
    add_lead(database, client_id, now)
    api.request("PATCH", "/api/client", {"timezone": "Pacific/Kiritimati"}, key=owner["key"])  # UTC+14
    kiritimati = api.get("/api/analytics?days=7", key=owner["key"]).json
    api.request("PATCH", "/api/client", {"timezone": "Pacific/Pago_Pago"}, key=owner["key"])  # UTC-11
    pago = api.get("/api/analytics?days=7", key=owner["key"]).json
    assert kiritimati["to"] == now.astimezone(zoneinfo.ZoneInfo("Pacific/Kiritimati")).date().isoformat()
    assert pago["to"] == now.astimezone(zoneinfo.ZoneInfo("Pacific/Pago_Pago")).date().isoformat()
    assert kiritimati["leads_per_day"][-1]["count"] == pago["leads_per_day"][-1]["count"] == 1


@pytest.mark.parametrize("days", ["6", "366", "x"])
def test_analytics_refuse_a_period_outside_7_to_365_days(api, owner, days):
    assert api.get(f"/api/analytics?days={days}", key=owner["key"]).status == 422


def test_analytics_through_the_lambda_handler_match_http(api, owner):
    by_lambda = invoke(load_function("growth_insights"), apigw_event("GET", "/api/analytics", key=owner["key"]))
    assert by_lambda.status == 200 and by_lambda.json == api.get("/api/analytics", key=owner["key"]).json
    assert len(by_lambda.json["leads_per_day"]) == 30
