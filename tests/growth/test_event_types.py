"""The growth brain's event types are named once, in shared/growth/intelligence/models.py; the SQL
that must spell them out as literals (a partial index's predicate, and the statements the planner
matches to it) is held equal to that list here."""
import re
import typing

from shared.growth import insights
from shared.growth.intelligence import models, store


def _literals(in_list: str) -> tuple[str, ...]:
    return tuple(re.findall(r"'([a-z_]+)'", in_list))


def _in_lists(statement: str) -> list[tuple[str, ...]]:
    """Every `event_type IN (...)` list of a statement, in order."""
    return [_literals(m) for m in re.findall(r"event_type IN \(([^)]*)\)", statement)]


def test_the_nightly_run_replaces_exactly_its_daily_event_types():
    assert _in_lists(store.Q.delete_daily_events) == [models.DAILY_EVENTS]
    assert set(models.DAILY_EVENTS) == set(models.CLIENT_DAILY_EVENTS) | {"outreach_funnel"}


def test_the_partial_index_covers_exactly_the_daily_event_types(database):
    definition = database.scalar("SELECT indexdef FROM pg_indexes WHERE indexname = 'idx_growth_brain_daily_run'")
    (in_list,) = re.findall(r"ARRAY\[([^\]]*)\]", definition)
    assert _literals(in_list) == models.DAILY_EVENTS


def test_the_insights_show_the_client_daily_events_and_the_lead_events():
    assert _in_lists(insights.Q.insights) == [models.CLIENT_DAILY_EVENTS, models.CLIENT_DAILY_EVENTS,
                                              models.CLIENT_DAILY_EVENTS,
                                              models.LEAD_EVENTS]
    (event_type,) = [a for a in typing.get_args(insights.InsightsQuery.model_fields["event_type"].annotation)
                     if a is not type(None)]
    assert typing.get_args(event_type) == models.CLIENT_DAILY_EVENTS + models.LEAD_EVENTS
