"""Lead intake: the request and response of POST /api/lead, and the one transaction that stores a
lead — inserted when its email is new to the client, else updated in place with its history
(tone, urgency, confidence) and a relationship insight — logged in lead_actions."""
import json
import uuid
from dataclasses import dataclass
from typing import Annotated, Literal

from pg8000.exceptions import DatabaseError
from pydantic import BaseModel, ConfigDict, StringConstraints

from shared import db, fields, idempotency, settings
from shared.clients import Client
from shared.enrichment import ENGINE_VERSION, Enrichment, Language, enrich, relationship_insight
from shared.exceptions import IdempotencyKeyInFlight
from shared.mail import outbox

ROUTE = "POST /api/lead"


class LeadRequest(fields.RequestModel):
    """The webhook body; unknown fields are ignored."""

    model_config = ConfigDict(extra="ignore")

    name: fields.text(200)
    email: fields.Email
    message: Annotated[str, StringConstraints(max_length=5000)] | None = None
    language: Language | None = None


class LeadResponse(BaseModel):
    lead_id: uuid.UUID
    action: Literal["insert", "update"]
    is_test: bool
    enrichment: Enrichment  # the engine's six fields, as its contract defines them


@dataclass(frozen=True)
class IntakeResult:
    """What to answer: 201 for an insert, 200 for an update; `replayed` for an Idempotency-Key repeat."""

    status: int
    body: dict
    replayed: bool = False


def is_test_lead(client: Client, email: str) -> bool:
    """The contract: a test client's leads, and any email containing "test" or ending with
    "example.com" (case-insensitive), are test data."""
    email = email.lower()
    return client.is_test or "test" in email or email.endswith("example.com")


# Both locks in one statement, in ascending id order, so two requests never wait on each other in
# a cycle. The lookup that follows is a separate statement: its snapshot must be taken after the
# locks are held, to see what the request we waited for committed. A keyed delivery waits for its
# key at most :wait_ms (then 409 idempotency_key_in_flight), and the wait bound ends with the locks.
LOCK = """
SET LOCAL lock_timeout = :wait_ms;
SELECT pg_advisory_xact_lock(lock_id)
FROM (SELECT unnest(CAST(:lock_ids AS bigint[])) AS lock_id ORDER BY 1) AS ordered;
SET LOCAL lock_timeout = 0
"""


def lock_statement(lock_ids: list[int], wait_ms: int = 0) -> str:
    """LOCK with its ids and wait written in. They are integers computed here (never caller text),
    and a statement without parameters travels in one round trip (simple protocol) instead of three."""
    ids = "'{" + ",".join(str(int(lock_id)) for lock_id in lock_ids) + "}'"
    return LOCK.replace(":lock_ids", ids).replace(":wait_ms", str(int(wait_ms)))


# The client's live lead with this email (the most recently updated, should older duplicates exist)
# and, for a keyed delivery, the first response already given to its key. The rule is
# lower(email) = lower(:email); the case-insensitive collation finds the candidates through
# idx_lead_memory_client_email_ci, which lower() cannot use under row level security (schema/005).
LOOKUP = """
SELECT lead.id AS lead_id, lead.intent, lead.tone, lead.urgency, lead.confidence_score, lead.message,
       stored.request_hash, stored.response_status, stored.response_body
FROM (SELECT) AS request
LEFT JOIN LATERAL (
  SELECT id, intent, tone, urgency, confidence_score, message
  FROM lead_memory
  WHERE client_id = :client_id AND (email COLLATE avenir_case_insensitive) = :email
    AND lower(email) = lower(:email) AND deleted IS NOT TRUE
  ORDER BY last_updated DESC NULLS LAST, id
  LIMIT 1
) AS lead ON true""" + idempotency.STORED_RESPONSE

# One clock reading after the locks are held orders the lead's history, its action and last_updated.
_STAMP = """
stamp AS (
  SELECT at, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS iso
  FROM (SELECT clock_timestamp() AS at) AS clock
)"""

# For an update the clock is read only once the lead's row is locked: a tag change holding that
# row commits first, and our action must be stamped after its action (shared/tagging.py does the same).
_STAMP_AFTER_ROW_LOCK = """
locked AS (
  SELECT id FROM lead_memory WHERE id = :lead_id AND deleted IS NOT TRUE FOR UPDATE
),
stamp AS (
  SELECT at, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS iso
  FROM (SELECT clock_timestamp() AS at FROM locked) AS clock
)"""


HISTORY_KEPT = 100  # latest entries kept in each history; every message stays whole in lead_messages

# Every delivery's message, whole, with its own enrichment, in the message log (schema/011).
_LOG_MESSAGE = """
message AS (
  INSERT INTO lead_messages (lead_id, client_id, received_at, message, language, intent, tone, urgency,
                             confidence_score, ai_summary, enrichment_version)
  SELECT id, client_id, at, :message, :language, :intent, :tone, :urgency, :confidence_score, :ai_summary,
         :enrichment_version
  FROM lead
  RETURNING id
)"""


def _history_entry(value: str) -> str:
    return f"jsonb_build_array(jsonb_build_object('value', {value}, 'timestamp', stamp.iso))"


INSERT_LEAD = f"""
WITH {_STAMP},
lead AS (
  INSERT INTO lead_memory (id, client_id, email, name, message, language, ai_summary, intent, tone,
                           urgency, confidence_score, current_tag, archived, deleted, is_test,
                           tone_history, urgency_history, confidence_history, timestamp, last_updated)
  SELECT :lead_id, :client_id, :email, :name, :message, :language, :ai_summary, :intent, :tone,
         :urgency, :confidence_score, 'Active', false, false, :is_test,
         {_history_entry("CAST(:tone AS text)")},
         {_history_entry("CAST(:urgency AS text)")},
         {_history_entry("CAST(:confidence_score AS numeric)")},
         stamp.at, stamp.at
  FROM stamp
  RETURNING id, client_id, timestamp AS at
),
action AS (
  INSERT INTO lead_actions (lead_id, client_id, action_type, tag, is_test, timestamp)
  SELECT id, client_id, 'insert', 'Active', :is_test, at FROM lead
),
{_LOG_MESSAGE},
{idempotency.RECORD_RESPONSE}
SELECT lead.id, message.id AS message_id, lead.at FROM lead, message
"""

# Only a lead still not deleted is updated: the tag route may delete it without taking our lock,
# and then nothing is written here and the caller inserts a new lead instead.
UPDATE_LEAD = f"""
WITH {_STAMP_AFTER_ROW_LOCK},
lead AS (
  UPDATE lead_memory
  SET message = :message, language = :language, ai_summary = :ai_summary, intent = :intent,
      tone = :tone, urgency = :urgency, confidence_score = :confidence_score, is_test = :is_test,
      tone_history = avenir_latest_entries(
        coalesce(tone_history, '[]'::jsonb) || {_history_entry("CAST(:tone AS text)")}, {HISTORY_KEPT}),
      urgency_history = avenir_latest_entries(
        coalesce(urgency_history, '[]'::jsonb) || {_history_entry("CAST(:urgency AS text)")}, {HISTORY_KEPT}),
      confidence_history = avenir_latest_entries(
        coalesce(confidence_history, '[]'::jsonb) || {_history_entry("CAST(:confidence_score AS numeric)")},
        {HISTORY_KEPT}),
      relationship_insight = :relationship_insight,
      last_updated = stamp.at
  FROM stamp
  WHERE lead_memory.id = :lead_id AND lead_memory.deleted IS NOT TRUE
  RETURNING lead_memory.id, lead_memory.client_id, lead_memory.current_tag, stamp.at
),
action AS (
  -- tagged with the lead's stage, so "the latest action's tag" always reads as the lead's tag
  INSERT INTO lead_actions (lead_id, client_id, action_type, tag, is_test, timestamp)
  SELECT id, client_id, 'update', current_tag, :is_test, at FROM lead
),
{_LOG_MESSAGE},
{idempotency.RECORD_RESPONSE}
SELECT lead.id, message.id AS message_id, lead.at FROM lead, message
"""


def intake(client: Client, lead: LeadRequest, delivery: idempotency.Delivery | None = None) -> IntakeResult:
    """Store one lead for `client` in one transaction and say what happened.

    Requests for the same client and email (case-insensitive) take turns on an advisory lock, so
    two first deliveries of a new email make one insert and one update, never two leads. A keyed
    delivery also takes its key's lock: a repeat waits for the first and replays its response. A
    returning lead's message is read with its previous one (a short follow-up of an urgent thread
    stays urgent), so enrichment happens once the lead is found."""
    is_test = is_test_lead(client, lead.email)
    lock_ids = [email_lock_id(client.client_id, lead.email)]
    if delivery is not None:
        lock_ids.append(idempotency.lock_id(client.client_id, ROUTE, delivery.key))
    params = {"client_id": client.client_id, "route": ROUTE, "email": lead.email, "name": lead.name,
              "message": lead.message, "is_test": is_test,
              "idempotency_key": delivery.key if delivery else None,
              "request_hash": delivery.request_hash if delivery else None, "enrichment_version": ENGINE_VERSION}

    with db.transaction(client_id=client.client_id) as conn:
        _lock(conn, lock_ids, settings.key_wait_ms() if delivery is not None else 0)
        found = db.query_one(conn, LOOKUP, **params)
        first = idempotency.replay(delivery, found)
        if first is not None:
            return IntakeResult(first.status, first.body, replayed=True)

        if found["lead_id"] is not None:
            previous = {"intent": found["intent"], "tone": found["tone"], "urgency": found["urgency"],
                        "confidence_score": _float(found["confidence_score"]), "message": found["message"]}
            enrichment = enrich(lead.name, lead.message, language=lead.language, previous=previous)
            body = _response(found["lead_id"], "update", is_test, enrichment)
            updated = conn.run(UPDATE_LEAD, **params, **enrichment.as_dict(), lead_id=found["lead_id"],
                               response_status=200, response_body=json.dumps(body),
                               relationship_insight=relationship_insight(previous, enrichment))
            if updated:
                _queue_reply(conn, client, lead, enrichment, is_test, updated[0])
                return IntakeResult(200, body)

        enrichment = enrich(lead.name, lead.message, language=lead.language)
        lead_id = uuid.uuid4()
        body = _response(lead_id, "insert", is_test, enrichment)
        inserted = conn.run(INSERT_LEAD, **params, **enrichment.as_dict(), lead_id=lead_id, response_status=201,
                            response_body=json.dumps(body))
        _queue_reply(conn, client, lead, enrichment, is_test, inserted[0])
        return IntakeResult(201, body)


def _queue_reply(conn: db.Connection, client: Client, lead: LeadRequest, enrichment: Enrichment, is_test: bool,
                 stored: list) -> None:
    """The follow-up reply to the message just stored, queued (or skipped, saying why) in the same
    transaction: a stored lead never misses its reply, a rolled-back one never gets one."""
    lead_id, message_id, received_at = stored
    outbox.queue_reply(conn, client_id=client.client_id, lead_id=lead_id, message_id=message_id, to_email=lead.email,
                       language=enrichment.language, intent=enrichment.intent, is_test=is_test,
                       received_at=received_at)


def email_lock_id(client_id: uuid.UUID, email: str) -> int:
    """The advisory lock every change to which live lead holds an email takes (intake, un-delete)."""
    return idempotency.advisory_lock_id("lead", str(client_id), email.lower())


def _lock(conn: db.Connection, lock_ids: list[int], wait_ms: int) -> None:
    try:
        conn.run(lock_statement(lock_ids, wait_ms))
    except DatabaseError as e:
        if db.sqlstate(e) != db.LOCK_NOT_AVAILABLE:
            raise
        raise IdempotencyKeyInFlight(f"A request with this {idempotency.HEADER} is still being processed; "
                                     "retry shortly to receive its response.") from None


def _response(lead_id: uuid.UUID, action: str, is_test: bool, enrichment: Enrichment) -> dict:
    return LeadResponse(lead_id=lead_id, action=action, is_test=is_test,
                        enrichment=enrichment).model_dump(mode="json")


def _float(value) -> float | None:
    return None if value is None else float(value)
