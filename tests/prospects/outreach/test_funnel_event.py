"""The nightly intelligence run writes the internal client's outreach_funnel event: the funnel by
industry and by region, and an insight naming what kind of prospect answers; a re-run replaces it."""
import datetime

import pytest

from shared.growth import intelligence
from tests.helpers import INTERNAL, insert_outreach

pytestmark = pytest.mark.usefixtures("clean")


def funnel_events(database, client_id) -> list[dict]:
    return database.sql("SELECT learning_snapshot, insight_text, confidence FROM growth_brain "
                        "WHERE client_id = :c AND event_type = 'outreach_funnel'", c=client_id)


def test_the_internal_client_learns_which_prospects_answer(database, admin, make_client):
    for name, industry, region, status in [
            ("Roof A", "Roofing", "Laval", "replied"), ("Roof B", "Roofing", "Laval", "replied"),
            ("Roof C", "Roofing", "Montreal", "opened"), ("Plumb A", "Plumbing", "Laval", "ignored"),
            ("Plumb B", "Plumbing", "Montreal", "ignored"), ("Plumb C", "Plumbing", "Montreal", "sent"),
            ("Plumb D", "Plumbing", "Montreal", "replied")]:
        insert_outreach(database, name, industry, region, status, opened=status == "opened")
    insert_outreach(database, "Queued", "Roofing", "Laval", "sent", None)  # not sent: not counted
    owner = make_client("Northwind Renovation").client_id
    today = datetime.datetime.now(datetime.UTC).date()

    intelligence.run_daily(today)
    intelligence.run_daily(today)  # a re-run replaces the row

    [event] = funnel_events(database, INTERNAL)
    snapshot = event["learning_snapshot"]
    assert snapshot["run_date"] == today.isoformat()
    assert snapshot["funnel"] == {"sent": 7, "opened": 4, "replied": 3, "ignored": 2}
    assert snapshot["by_industry"] == [
        {"segment": "Plumbing", "sent": 4, "opened": 1, "replied": 1, "ignored": 2, "reply_rate": 0.25},
        {"segment": "Roofing", "sent": 3, "opened": 3, "replied": 2, "ignored": 0, "reply_rate": 0.6667}]
    assert snapshot["by_region"] == [
        {"segment": "Montreal", "sent": 4, "opened": 2, "replied": 1, "ignored": 1, "reply_rate": 0.25},
        {"segment": "Laval", "sent": 3, "opened": 2, "replied": 2, "ignored": 1, "reply_rate": 0.6667}]
    assert event["insight_text"] == (
        "Outreach: 7 emails sent, 4 opened, 3 replied (42.9%), 2 ignored. "
        "Best-answering industry: Roofing (2 of 3 replied). Best-answering region: Laval (2 of 3 replied).")
    assert float(event["confidence"]) == pytest.approx(7 / 17, abs=0.01)
    assert funnel_events(database, owner) == []  # only the internal client's run has it


def test_without_outreach_the_event_says_there_is_nothing_to_learn_yet(database, admin):
    today = datetime.datetime.now(datetime.UTC).date()
    intelligence.run_daily(today, client_id=INTERNAL)
    [event] = funnel_events(database, INTERNAL)
    assert event["learning_snapshot"]["funnel"] == {"sent": 0, "opened": 0, "replied": 0, "ignored": 0}
    assert event["insight_text"] == "No outreach email sent yet: nothing to learn about which prospects answer."
