"""`make run`'s demo data (infra/demo.py): some forty bilingual leads over four weeks through the real
intake and tagging, moved back in time consistently, the nightly run written, seeded only once; and
the dashboard a demo owner opens on it, in both languages, on a desktop and on a phone."""
import datetime

import pytest

from infra import demo
from shared.clients import accounts, sessions

PASSWORD = "Demo-Roofing-2026!"  # the owner's sign-in of this module's clients


@pytest.fixture(scope="module")
def demo_owner(database):
    email = "owner@demo-roofing.ca"
    client_id, key = accounts.create_client("Demo Roofing Québec", email, PASSWORD)
    sessions.set_password(client_id, PASSWORD)
    return client_id, key, email


@pytest.fixture(scope="module")
def seeded(demo_owner):
    client_id, key, _ = demo_owner
    return demo.seed(client_id, key)


def test_the_demo_seeds_about_forty_leads_in_both_languages_over_four_weeks(seeded, demo_owner, database):
    client_id = demo_owner[0]
    assert seeded == len(demo.DEMO_LEADS) >= 40
    leads = database.sql("SELECT language, timestamp, current_tag, is_test FROM lead_memory WHERE client_id = :c",
                         c=client_id)
    assert len(leads) == seeded and not any(lead["is_test"] for lead in leads)
    assert {lead["language"] for lead in leads} == {"en", "fr"}
    now = datetime.datetime.now(datetime.UTC)
    ages = [(now - lead["timestamp"]).days for lead in leads]
    assert max(ages) >= 26 and min(ages) == 0
    assert len({lead["timestamp"].date() for lead in leads}) >= 25  # the charts have weeks of days
    tags = [lead["current_tag"] for lead in leads]
    assert tags.count("Converted") >= 6 and "Follow-Up" in tags and "Archived" in tags


def test_each_demo_lead_keeps_its_story_in_order_after_the_move_back_in_time(seeded, demo_owner, database):
    client_id = demo_owner[0]
    out_of_order = database.sql("""
        SELECT l.name FROM lead_memory l JOIN lead_actions a ON a.lead_id = l.id
        WHERE l.client_id = :c AND (a.timestamp < l.timestamp OR a.timestamp > now())
        UNION
        SELECT l.name FROM lead_memory l JOIN lead_messages m ON m.lead_id = l.id
        WHERE l.client_id = :c AND (m.received_at < l.timestamp OR m.received_at > l.last_updated)""", c=client_id)
    assert out_of_order == []
    conversions = database.sql("""
        SELECT (g.learning_snapshot->>'days_to_convert')::int AS days, g.created_at, l.timestamp
        FROM growth_brain g JOIN lead_memory l ON l.id::text = g.learning_snapshot->>'lead_id'
        WHERE g.client_id = :c AND g.event_type = 'conversion'""", c=client_id)
    assert len(conversions) >= 7
    assert all(c["days"] == (c["created_at"] - c["timestamp"]).days for c in conversions)
    assert len({c["created_at"].date() for c in conversions}) >= 5  # conversions spread over the weeks
    values = database.sql("SELECT learning_snapshot->>'conversion_value' AS v FROM growth_brain "
                          "WHERE client_id = :c AND event_type = 'conversion'", c=client_id)
    assert all(float(row["v"]) > 0 for row in values)
    assert database.scalar("SELECT count(*) FROM lead_actions WHERE client_id = :c AND action_type = 'revert'",
                           c=client_id) == 1


def test_the_demo_writes_the_nightly_run_and_never_seeds_twice(seeded, demo_owner, database):
    client_id, key, _ = demo_owner
    types = {row["event_type"] for row in database.sql(
        "SELECT event_type FROM growth_brain WHERE client_id = :c AND learning_snapshot ? 'run_date'", c=client_id)}
    assert {"engagement_score", "urgency_trend", "tone_distribution", "conversion_prediction"} <= types
    assert demo.seed(client_id, key) == 0
    assert database.scalar("SELECT count(*) FROM lead_memory WHERE client_id = :c", c=client_id) == seeded


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_demo_owner_sees_weeks_of_leads_and_charts(seeded, demo_owner, dashboard, language):
    _, _, email = demo_owner
    dashboard.sign_in(email, PASSWORD)
    if language == "fr":
        dashboard.button("Français").click()
        dashboard.heading("Boîte de réception")
    dashboard.wait(lambda d: len(dashboard.lead_names()) == 25)
    assert dashboard.lead_names()[:2] == ["Heather King", "Claude Paquette"]
    dashboard.screenshot(f"demo-{language}-inbox")
    dashboard.link({"en": "Insights", "fr": "Analyses"}[language]).click()
    dashboard.heading({"en": "Leads per day", "fr": "Demandes par jour"}[language])
    dashboard.screenshot(f"demo-{language}-insights")
    dashboard.open("/#/inbox")
    dashboard.search("Pelletier", label={"en": "Search", "fr": "Rechercher"}[language])
    dashboard.link("Luc Pelletier").click()
    dashboard.visible("//h1[normalize-space()='Luc Pelletier']", "the lead's page")
    dashboard.screenshot(f"demo-{language}-lead")
    dashboard.phone()
    dashboard.open("/#/insights")
    dashboard.heading({"en": "Leads per day", "fr": "Demandes par jour"}[language])
    dashboard.screenshot(f"demo-{language}-phone-insights", max_height=2400)
    dashboard.open("/#/inbox")
    dashboard.wait(lambda d: dashboard.lead_names())
    dashboard.screenshot(f"demo-{language}-phone-inbox", max_height=1700)


@pytest.mark.parametrize("hour", [0, 2, 5, 12, 23])
def test_the_demo_leads_keep_their_order_and_stay_in_the_past_at_any_hour(hour):
    now = datetime.datetime(2026, 12, 5, hour, 30, tzinfo=datetime.UTC)
    planned = demo.plan(now)
    firsts = [steps[0].at for _, _, _, steps in planned]
    at_noon = [steps[0].at for _, _, _, steps in demo.plan(now.replace(hour=12))]
    assert all(step.at < now for _, _, _, steps in planned for step in steps)
    assert sorted(range(len(firsts)), key=firsts.__getitem__) == sorted(range(len(at_noon)), key=at_noon.__getitem__)
    assert len(set(firsts)) == len(firsts)  # no two leads share a time: the inbox order is the demo's own
