"""Leads for the tagging tests, written straight into the database (not through intake) with a
realistic past: enrichment histories and the `insert` (and later `update`) actions intake logs."""
import datetime
import json
import uuid
from dataclasses import dataclass

import pytest
from helpers import ClientKey

from shared.clients import accounts

# The seed's dashboard query (each lead with its latest action by timestamp), over every tag.
DASHBOARD = """
SELECT lm.id, lm.current_tag, la.tag, la.timestamp AS last_action_time
FROM lead_memory lm
LEFT JOIN LATERAL (
  SELECT tag, timestamp
  FROM lead_actions
  WHERE lead_id = lm.id
  ORDER BY timestamp DESC
  LIMIT 1
) la ON true
WHERE lm.client_id = :client_id AND lm.id = coalesce(:lead_id::uuid, lm.id)
ORDER BY lm.timestamp DESC
"""

INSERT_LEAD = """
INSERT INTO lead_memory (client_id, email, name, message, language, ai_summary, intent, tone, urgency,
                         confidence_score, current_tag, archived, deleted, is_test,
                         tone_history, urgency_history, confidence_history, timestamp, last_updated)
VALUES (:client_id, :email, :name, :message, 'en', :summary, 'quote_request', :tone, :urgency,
        :confidence, :tag::text, :tag::text = 'Archived', :tag::text = 'Deleted', :is_test,
        :tone_history::jsonb, :urgency_history::jsonb, :confidence_history::jsonb,
        now() - make_interval(secs => :age_seconds), now() - make_interval(secs => :age_seconds))
RETURNING id, timestamp
"""

# intake's own log of the lead: `insert` when it arrived, one `update` per later message.
INSERT_ACTIONS = """
INSERT INTO lead_actions (lead_id, client_id, action_type, tag, is_test, timestamp)
SELECT :lead_id, :client_id, kind, 'Active', :is_test, at
FROM unnest(:kinds::text[], :ats::timestamptz[]) AS history(kind, at)
"""

DAY = 86400


@dataclass
class LeadSeed:
    """What a test needs to know about the lead it made."""
    id: str
    client_id: uuid.UUID
    name: str


@pytest.fixture(scope="module")
def client(database) -> ClientKey:
    """One client for the module's tests (each test makes its own leads): a key costs a bcrypt hash."""
    return ClientKey(*accounts.create_client("Harbour Dental", f"front-desk-{uuid.uuid4().hex[:8]}@harbourdental.ca"))


@pytest.fixture
def make_lead(database):
    """make_lead(client_id, name="Sarah Chen", age_days=7, urgency=["Low", "High"], ...) -> LeadSeed.
    The lead arrived `age_days` ago (one `insert` action then) and wrote again `updates` times
    since (one `update` action each, evenly spaced); the histories hold one entry per message.
    """
    def make(client_id, name="Sarah Chen", age_days=0.0, tag="Active", urgency=("Medium",),
             tone=("Professional",), confidence=(0.72,), updates=0, is_test=False, email=None,
             urgency_now=None, tone_now=None) -> LeadSeed:
        age = age_days * DAY
        email = email or f"{name.split()[0].lower()}.{uuid.uuid4().hex[:6]}@harbourdental.ca"
        current_urgency = urgency_now or (urgency[-1] if urgency else "Medium")
        current_tone = tone_now or (tone[-1] if tone else "Professional")
        current_confidence = confidence[-1] if confidence else 0.72
        row = database.one(
            INSERT_LEAD, client_id=client_id, email=email, name=name, tag=tag, is_test=is_test,
            message="Hi, we need a quote for cleaning and whitening for two adults next month.",
            summary="Asks for a quote for cleaning and whitening for two adults.",
            tone=current_tone, urgency=current_urgency, confidence=current_confidence,
            tone_history=_history(tone, age), urgency_history=_history(urgency, age),
            confidence_history=_history(confidence, age), age_seconds=age)
        arrived, now = row["timestamp"], datetime.datetime.now(datetime.UTC)
        kinds = ["insert"] + ["update"] * updates
        ats = [arrived + (now - arrived) * i / (updates + 1) for i in range(updates + 1)]
        database.sql(INSERT_ACTIONS, lead_id=row["id"], client_id=client_id, is_test=is_test, kinds=kinds,
                     ats=ats)
        return LeadSeed(id=str(row["id"]), client_id=client_id, name=name)
    return make


def _history(values, age_seconds: float) -> str:
    """One `{"value", "timestamp"}` entry per message, the first at the lead's arrival."""
    now = datetime.datetime.now(datetime.UTC)
    entries = [{"value": value,
                "timestamp": (now - datetime.timedelta(seconds=age_seconds * (1 - i / len(values))))
                .isoformat().replace("+00:00", "Z")}
               for i, value in enumerate(values)]
    return json.dumps(entries)


class Ledger:
    """Reads what the tagging routes wrote, as the dashboard and the growth brain would."""

    def __init__(self, database):
        self.database = database

    def lead(self, lead_id) -> dict:
        return self.database.one(
            "SELECT current_tag, archived, deleted, last_updated FROM lead_memory WHERE id = :id", id=lead_id)

    def actions(self, lead_id) -> list[dict]:
        """The lead's log, oldest first (by timestamp, as the dashboard reads it)."""
        return self.database.sql(
            "SELECT id, client_id, action_type, tag, conversion_outcome, reversion_reason, is_test, timestamp "
            "FROM lead_actions WHERE lead_id = :id ORDER BY timestamp, id", id=lead_id)

    def growth(self, lead_id, event_type=None) -> list[dict]:
        """The growth events about this lead, oldest first."""
        return self.database.sql(
            "SELECT id, client_id, event_type, learning_snapshot, insight_text, confidence, created_at "
            "FROM growth_brain WHERE learning_snapshot ->> 'lead_id' = :lead_id "
            "AND event_type = coalesce(:event_type::text, event_type) ORDER BY created_at",
            lead_id=str(lead_id), event_type=event_type)

    def dashboard(self, client_id, lead_id=None) -> list[dict]:
        return self.database.sql(DASHBOARD, client_id=client_id, lead_id=lead_id)

    def counts(self, lead_id) -> tuple[int, int]:
        """(the lead's actions, its growth events): what a refused or no-op call must leave as it was."""
        return (self.database.scalar("SELECT count(*) FROM lead_actions WHERE lead_id = :id", id=lead_id),
                len(self.growth(lead_id)))


@pytest.fixture
def ledger(database) -> Ledger:
    return Ledger(database)
