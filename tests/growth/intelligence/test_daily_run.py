"""The daily run against PostgreSQL, on hand-built leads and actions: every figure exactly, the
window edges, test and deleted leads left out, patterns from real rows, the prediction with and
without history, re-runs that replace, and one failing client that does not stop the others."""
import datetime
import io
import json
import logging
import uuid
from decimal import Decimal

import pytest

from shared.growth import intelligence
from shared.growth.intelligence import metrics
from shared.platform import logs
from shared.platform.exceptions import Conflict, NotFound, ValidationFailed

RUN_DATE = datetime.date(2026, 11, 20)
END = datetime.datetime(2026, 11, 21, tzinfo=datetime.UTC)  # the run date's end: exclusive


def before_end(days=0, seconds=0) -> datetime.datetime:
    return END - datetime.timedelta(days=days, seconds=seconds)


class Leads:
    """One client, its leads and actions, written straight into the tables as a superuser over
    one connection (the run reads them through the application's own path)."""

    def __init__(self, conn, is_test=False, name="Northwind Renovation"):
        self.conn = conn
        self.client_id = uuid.uuid4()
        conn.run("INSERT INTO clients (client_id, business_name, email, password_hash, api_key, is_test)"
                 " VALUES (:client_id, :name, :email, 'x', :key, :is_test)", client_id=self.client_id, name=name,
                 email=f"owner-{self.client_id.hex[:12]}@mail.ca", key=f"sha256:{self.client_id.hex}",
                 is_test=is_test)

    def add(self, at, urgency="Medium", tone="Professional", confidence="0.50", tag="Active",
            is_test=False, deleted=False) -> uuid.UUID:
        return self.conn.run(
            "INSERT INTO lead_memory (email, name, client_id, urgency, tone, confidence_score, current_tag,"
            " archived, deleted, is_test, timestamp, last_updated)"
            " VALUES (:email, 'Lead', :client_id, :urgency, :tone, CAST(:confidence AS numeric), :tag,"
            " :archived, :deleted, :is_test, :at, :at) RETURNING id",
            email=f"lead-{uuid.uuid4().hex[:8]}@mail.ca", client_id=self.client_id, urgency=urgency, tone=tone,
            confidence=confidence, tag=tag, archived=tag == "Archived", deleted=deleted, is_test=is_test,
            at=at)[0][0]

    def action(self, lead_id, at, action_type="tag", tag=None, conversion=False) -> None:
        self.conn.run(
            "INSERT INTO lead_actions (lead_id, client_id, action_type, tag, conversion_outcome, timestamp)"
            " VALUES (:lead_id, :client_id, :action_type, :tag, :conversion, :at)",
            lead_id=lead_id, client_id=self.client_id, action_type=action_type, tag=tag, conversion=conversion, at=at)

    def converted(self, lead_id, at) -> None:
        self.action(lead_id, at, "tag", "Converted", conversion=True)


@pytest.fixture
def conn(database):
    conn = database.connect()
    yield conn
    conn.close()


@pytest.fixture
def new_client(conn):
    """new_client(is_test=False) -> Leads of a fresh client."""
    return lambda **kwargs: Leads(conn, **kwargs)


@pytest.fixture
def client(new_client):
    return new_client()


def events(database, client_id, run_date=RUN_DATE) -> dict[str, list[dict]]:
    rows = database.sql(
        "SELECT event_type, learning_snapshot, insight_text, confidence FROM growth_brain"
        " WHERE client_id = :client_id AND learning_snapshot ->> 'run_date' = :day ORDER BY event_type",
        client_id=client_id, day=run_date.isoformat())
    found: dict[str, list[dict]] = {}
    for row in rows:
        found.setdefault(row["event_type"], []).append(row)
    return found


def only(database, client_id, event_type) -> dict:
    [row] = events(database, client_id)[event_type]
    return row


def run(client: Leads, run_date=RUN_DATE):
    summary = intelligence.run_daily(run_date, client.client_id)
    assert summary.failed_clients == [] and summary.clients_processed == 1
    return summary


@pytest.fixture
def edge_client(client):
    """Leads on every window edge (see each comment), plus a test and a deleted lead."""
    add = client.add
    leads = {
        "last_second": add(before_end(seconds=1), "High", "Professional", "0.90", "Active"),  # 23:59:59: counts
        "next_day": add(END, "High", "Urgent", "0.10", "Active"),  # 00:00 the next day: never counts
        "week_start": add(before_end(days=7), "Medium", "Friendly", "0.60", "Follow-Up"),  # first second of 7 days
        "week_before": add(before_end(days=7, seconds=1), "Low", "Friendly", "0.30", "Converted"),  # previous week
        "month_start": add(before_end(days=30), "Medium", "Professional", "0.50", "Archived"),  # first of 30 days
        "month_before": add(before_end(days=30, seconds=1), "High", "Urgent", "0.80", "Converted"),  # previous 30
        "two_weeks": add(before_end(days=14), "High", "Formal", "0.70", "Active"),  # first of the previous week
        "test": add(before_end(days=2), "High", "Urgent", "0.99", "Converted", is_test=True),
        "deleted": add(before_end(days=2), "High", "Urgent", "0.99", "Deleted", deleted=True),
    }
    for name in ("week_before", "month_before", "test", "deleted"):
        client.converted(leads[name], before_end(days=1))
    client.leads = leads
    return client


def test_engagement_score_counts_leads_of_the_last_30_days_to_the_exact_figure(database, edge_client):
    run(edge_client)
    row = only(database, edge_client.client_id, "engagement_score")
    # last 30 days: last_second, week_start, week_before, month_start, two_weeks
    assert row["learning_snapshot"] == {
        "overall_score": 72,  # 100 * (0.4 * 0.6 + 0.3 * 4/5 + 0.3 * min(1, 0.2 / 0.25))
        "trend": "decreasing",  # the 30 days before: month_before alone scores 92
        "period": "last_30_days",
        "metrics": {"total_leads": 5, "active_leads": 3, "avg_confidence": 0.6, "high_urgency_pct": 0.4,
                    "conversion_rate": 0.2},
        "converted": 1, "previous_score": 92, "previous_leads": 1,  # what its sentence names
        "run_date": "2026-11-20"}
    assert row["confidence"] == Decimal("0.33")  # 5 / 15
    assert "72/100" in row["insight_text"] and "down from 92" in row["insight_text"]


def test_urgency_trend_compares_the_last_7_days_with_the_7_before(database, edge_client):
    run(edge_client)
    row = only(database, edge_client.client_id, "urgency_trend")
    # last 7 days: last_second (High), week_start (Medium); before: week_before (Low), two_weeks (High)
    assert row["learning_snapshot"] == {"high_urgency_pct": 0.5, "previous_high_urgency_pct": 0.5, "trend": "stable",
                                        "distribution": {"High": 1, "Medium": 1, "Low": 0}, "leads": 2,
                                        "previous_leads": 2, "run_date": "2026-11-20"}
    assert row["confidence"] == Decimal("0.29")  # 4 / 14


def test_tone_distribution_shares_sum_to_one(database, edge_client):
    run(edge_client)
    row = only(database, edge_client.client_id, "tone_distribution")
    snapshot = dict(row["learning_snapshot"])
    assert snapshot.pop("run_date") == "2026-11-20"
    assert snapshot == {"professional": 0.4, "friendly": 0.4, "formal": 0.2}
    assert sum(Decimal(str(share)) for share in snapshot.values()) == 1


def test_conversion_prediction_learns_from_the_clients_own_conversions(database, edge_client):
    run(edge_client)
    snapshot = only(database, edge_client.client_id, "conversion_prediction")["learning_snapshot"]
    leads = edge_client.leads
    # History: 6 counted leads, 2 standing conversions (week_before: Low/Friendly, month_before: High/Urgent).
    # Open: last_second 2/7, week_start 13/42, two_weeks 11/36; sum 0.90.
    assert snapshot["predicted_conversions"] == 1
    assert snapshot["based_on"] == 2
    assert snapshot["confidence"] == 0.24
    assert snapshot["prediction_window"] == "next_30_days"
    assert snapshot["high_value_leads"] == [
        {"lead_id": str(leads["week_start"]), "probability": 0.3095},
        {"lead_id": str(leads["two_weeks"]), "probability": 0.3056},
        {"lead_id": str(leads["last_second"]), "probability": 0.2857}]
    assert snapshot["recommended_actions"]
    assert set(snapshot) == {"predicted_conversions", "prediction_window", "confidence", "based_on",
                             "high_value_leads", "recommended_actions", "actions", "open_leads", "client_rate",
                             "run_date"}


def test_a_quiet_client_gets_the_four_metrics_and_no_pattern(database, edge_client):
    summary = run(edge_client)
    found = events(database, edge_client.client_id)
    assert sorted(found) == ["conversion_prediction", "engagement_score", "tone_distribution", "urgency_trend"]
    assert summary.events_written == 4
    for [row] in found.values():
        assert 0 <= row["confidence"] <= 1 and row["insight_text"]


def test_a_reverted_conversion_is_not_history_and_the_prediction_says_so(database, client):
    lead = client.add(before_end(days=3), "High", "Urgent", tag="Active")
    client.converted(lead, before_end(days=2))
    client.action(lead, before_end(days=1), "revert", "Active")
    client.add(before_end(days=1), "Low", "Neutral", tag="Follow-Up")
    run(client)
    row = only(database, client.client_id, "conversion_prediction")
    assert row["learning_snapshot"]["based_on"] == 0
    assert row["learning_snapshot"]["predicted_conversions"] == 0
    assert row["learning_snapshot"]["high_value_leads"] == []
    assert row["confidence"] == Decimal("0.10")
    assert "No conversions recorded yet" in row["insight_text"]


def test_a_conversion_after_the_run_date_is_not_history(database, client):
    lead = client.add(before_end(days=3), "High", "Urgent", tag="Converted")
    client.converted(lead, END)
    run(client)
    assert only(database, client.client_id, "conversion_prediction")["learning_snapshot"]["based_on"] == 0


def test_growth_brain_conversion_events_count_as_history_too(database, client):
    lead = client.add(before_end(days=3), "High", "Urgent", tag="Converted")
    client.add(before_end(days=1), "High", "Urgent", tag="Active")
    database.sql("INSERT INTO growth_brain (client_id, event_type, learning_snapshot, confidence, created_at)"
                 " VALUES (:client_id, 'conversion', CAST(:snapshot AS jsonb), 0.95, :at)",
                 client_id=client.client_id, snapshot=f'{{"lead_id": "{lead}"}}', at=before_end(days=2))
    database.sql("INSERT INTO growth_brain (client_id, event_type, learning_snapshot, confidence, created_at)"
                 " VALUES (:client_id, 'conversion', '{\"lead_id\": \"not-a-uuid\"}', 0.95, :at)",
                 client_id=client.client_id, at=before_end(days=2))
    run(client)
    snapshot = only(database, client.client_id, "conversion_prediction")["learning_snapshot"]
    assert snapshot["based_on"] == 1
    assert snapshot["high_value_leads"][0]["probability"] == 0.5  # 1 of 2 leads: every rate is 1/2


# --- patterns from real rows ----------------------------------------------------------------

def pattern(database, client_id, pattern_type) -> dict | None:
    rows = [row for row in events(database, client_id).get("pattern_detected", [])
            if row["learning_snapshot"]["pattern_type"] == pattern_type]
    assert len(rows) <= 1
    return rows[0] if rows else None


def test_rising_urgency_and_a_volume_spike_are_detected(database, client):
    for day in range(3):
        client.add(before_end(days=8 + day), "Low")
    for day in range(6):
        client.add(before_end(days=day, seconds=5), "High")
    client.add(before_end(days=1), "Medium")
    run(client)
    urgency = pattern(database, client.client_id, "urgency_increasing")
    assert urgency["learning_snapshot"] == {
        "pattern_type": "urgency_increasing", "affected_leads": 6, "time_period": "last_7_days",
        "confidence": float(urgency["confidence"]), "recommendation": urgency["learning_snapshot"]["recommendation"],
        "figures": {"high_urgency_pct": 0.8571, "previous_high_urgency_pct": 0.0}, "run_date": "2026-11-20"}
    assert urgency["confidence"] == Decimal("0.72")  # z = (6/7 - 0) / sqrt(0.6 * 0.4 * (1/7 + 1/3)) = 2.52
    spike = pattern(database, client.client_id, "volume_spike")
    assert spike["learning_snapshot"]["affected_leads"] == 7
    assert pattern(database, client.client_id, "volume_drop") is None


def test_a_volume_drop_is_detected_and_steady_urgency_is_not_a_pattern(database, client):
    for day in range(5):
        client.add(before_end(days=8 + day), "High")
    client.add(before_end(days=2), "High")
    run(client)
    drop = pattern(database, client.client_id, "volume_drop")
    assert drop["learning_snapshot"]["affected_leads"] == 4  # 5 the week before, 1 this week
    assert pattern(database, client.client_id, "urgency_increasing") is None
    assert pattern(database, client.client_id, "volume_spike") is None


def test_follow_ups_untouched_for_over_7_days_are_stale(database, client):
    stale = client.add(before_end(days=12), tag="Follow-Up")
    client.action(stale, before_end(days=7, seconds=1), "tag", "Follow-Up")  # just over 7 days ago
    touched = client.add(before_end(days=12), tag="Follow-Up")
    client.action(touched, before_end(days=7), "update")  # exactly 7 days ago: inside the week
    client.add(before_end(days=7), tag="Follow-Up")  # created at the week's first second: not over 7 days
    old_active = client.add(before_end(days=20), tag="Active")  # not a follow-up
    client.action(old_active, before_end(days=20), "insert", "Active")
    client.add(before_end(days=12), tag="Follow-Up", is_test=True)  # test leads never count
    run(client)
    row = pattern(database, client.client_id, "stale_follow_ups")
    assert row["learning_snapshot"]["affected_leads"] == 1
    assert row["learning_snapshot"]["time_period"] == "more_than_7_days"
    assert "1 lead tagged Follow-Up has not been touched for over 7 days" in row["insight_text"]


def test_no_stale_pattern_when_every_follow_up_was_touched_this_week(database, client):
    lead = client.add(before_end(days=12), tag="Follow-Up")
    client.action(lead, before_end(days=1), "update")
    run(client)
    assert pattern(database, client.client_id, "stale_follow_ups") is None


def test_a_falling_conversion_rate_is_detected(database, client):
    earlier = [client.add(before_end(days=40 + i)) for i in range(10)]
    for lead in earlier[:5]:
        client.converted(lead, before_end(days=35))
    recent = [client.add(before_end(days=5 + i)) for i in range(10)]
    client.converted(recent[0], before_end(days=2))
    run(client)
    row = pattern(database, client.client_id, "conversion_rate_falling")
    assert row["learning_snapshot"]["affected_leads"] == 10  # the recent leads are still Active
    assert "10%" in row["insight_text"] and "50%" in row["insight_text"]


def test_a_steady_conversion_rate_is_not_a_pattern(database, client):
    for offset in (40, 5):
        leads = [client.add(before_end(days=offset + i)) for i in range(10)]
        for lead in leads[:4]:
            client.converted(lead, before_end(days=offset - 1))
    run(client)
    assert pattern(database, client.client_id, "conversion_rate_falling") is None


# --- re-runs, clients, failures ------------------------------------------------------------

def test_a_rerun_replaces_the_dates_rows_without_duplicates(database, client):
    client.add(before_end(days=1))
    other_day = RUN_DATE - datetime.timedelta(days=1)
    run(client, other_day)
    first = run(client)
    client.add(before_end(days=1))
    second = run(client)
    assert first.events_written == second.events_written == 4
    found = events(database, client.client_id)
    assert {event_type: len(rows) for event_type, rows in found.items()} == {
        "conversion_prediction": 1, "engagement_score": 1, "tone_distribution": 1, "urgency_trend": 1}
    assert found["engagement_score"][0]["learning_snapshot"]["metrics"]["total_leads"] == 2
    assert len(events(database, client.client_id, other_day)) == 4  # another date's rows stay


def test_a_rerun_that_finds_a_pattern_gone_removes_it(database, client):
    lead = client.add(before_end(days=12), tag="Follow-Up")
    run(client)
    assert pattern(database, client.client_id, "stale_follow_ups") is not None
    client.action(lead, before_end(days=1), "update")
    run(client)
    assert pattern(database, client.client_id, "stale_follow_ups") is None


def test_the_full_run_covers_every_non_test_client_and_skips_test_clients(database, new_client):
    real, test = new_client(), new_client(is_test=True)
    real.add(before_end(days=1))
    test.add(before_end(days=1))
    summary = intelligence.run_daily(RUN_DATE)
    assert summary.failed_clients == []
    assert len(events(database, real.client_id)) == 4
    assert events(database, test.client_id) == {}
    expected = database.scalar("SELECT count(*) FROM clients WHERE NOT coalesce(is_test, false)")
    assert summary.clients_processed == expected


def test_naming_a_test_client_or_an_unknown_one_is_refused(new_client):
    test = new_client(is_test=True)
    with pytest.raises(ValidationFailed):
        intelligence.run_daily(RUN_DATE, test.client_id)
    with pytest.raises(NotFound):
        intelligence.run_daily(RUN_DATE, uuid.uuid4())


def test_a_run_date_in_the_future_has_not_ended_yet():
    with pytest.raises(Conflict):
        intelligence.run_daily(intelligence.today() + datetime.timedelta(days=1))


@pytest.fixture
def refused_client(new_client, refuse_inserts):
    """A client whose growth_brain rows the database refuses."""
    refused = new_client(name="Refused Roofing").client_id
    refuse_inserts("growth_brain", refused)
    return refused


@pytest.fixture
def job_log():
    """What the run logs, as the JSON lines shared/platform/logs.py writes."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logs.JsonFormatter())
    logger = logging.getLogger("avenir.intelligence")
    logger.addHandler(handler)
    yield stream
    logger.removeHandler(handler)


def test_a_client_whose_rows_fail_to_write_is_reported_and_the_others_are_written(
        database, new_client, conn, refused_client, job_log):
    healthy = new_client(name="Healthy Heating")
    healthy.add(before_end(days=1))
    conn.run("INSERT INTO lead_memory (email, name, client_id) VALUES ('a@mail.ca', 'A', :client_id)",
             client_id=refused_client)
    summary = intelligence.run_daily(RUN_DATE)
    assert summary.failed_clients == [refused_client]
    assert len(events(database, healthy.client_id)) == 4
    assert events(database, refused_client) == {}
    failures = [entry for entry in map(json.loads, job_log.getvalue().splitlines()) if entry["level"] == "ERROR"]
    assert [(f["client_id"], f["stage"], f["sqlstate"]) for f in failures] == [(str(refused_client), "write", "P0001")]


def test_a_client_whose_computation_fails_is_reported_and_the_others_are_written(
        database, new_client, monkeypatch):
    healthy, broken = new_client(name="Healthy Heating"), new_client(name="Broken Boilers")
    for client in (healthy, broken):
        client.add(before_end(days=1))
    broken.add(before_end(days=1))
    run(broken)  # yesterday's good rows for the broken client stay when today's computation fails
    real_trend = metrics.urgency_trend

    def urgency_trend(facts, run_date):
        if facts.client_id == broken.client_id:
            raise ArithmeticError("this client's facts cannot be computed")
        return real_trend(facts, run_date)

    monkeypatch.setattr(metrics, "urgency_trend", urgency_trend)
    healthy.add(before_end(days=1))
    summary = intelligence.run_daily(RUN_DATE)
    assert summary.failed_clients == [broken.client_id]
    assert events(database, healthy.client_id)["engagement_score"][0]["learning_snapshot"]["metrics"][
        "total_leads"] == 2
    assert events(database, broken.client_id)["engagement_score"][0]["learning_snapshot"]["metrics"][
        "total_leads"] == 2
