"""Lead intake: the request and response of POST /api/lead, and the one transaction that stores a
lead — inserted when its email is new to the client, else updated in place with its history
(tone, urgency, confidence) and a relationship insight — logged in lead_actions."""
import json
import uuid
from dataclasses import dataclass
from typing import Annotated, Literal

from pg8000.exceptions import DatabaseError
from pydantic import BaseModel, ConfigDict, StringConstraints

from shared.clients.accounts import Client, is_test_lead
from shared.enrichment import ENGINE_VERSION, Enrichment, Language, Trade, enrich, relationship_insight
from shared.enrichment.extraction import extract
from shared.leads import forms
from shared.mail import outbox, wake
from shared.platform import db, fields, idempotency, settings, sql
from shared.platform.exceptions import IdempotencyKeyInFlight

ROUTE = "POST /api/lead"
REPEATS_FROM_OTHERS = 2  # the same message from this address and 2 others in 24 hours is spam
Q = sql.load(__file__)


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
    quarantined: bool = False


@dataclass(frozen=True)
class FormPost:
    """A lead posted to a public form (POST /f/{form_key}): what the front door adds to a delivery."""

    form_id: uuid.UUID
    ip_digest: str
    signals: tuple[str, ...]  # found before the lead is stored: its _ts, links, script (shared/leads/spam.py)
    phone: str | None  # the form's phone field, normalised


def intake(client: Client, lead: LeadRequest, delivery: idempotency.Delivery | None = None,
           form: FormPost | None = None) -> IntakeResult:
    """Store one lead for `client` in one transaction and say what happened.

    Requests for the same client and email (case-insensitive) take turns on an advisory lock, so
    two first deliveries of a new email make one insert and one update, never two leads. A keyed
    delivery also takes its key's lock: a repeat waits for the first and replays its response. A
    returning lead's message is read with its previous one (a short follow-up of an urgent thread
    stays urgent), so enrichment happens once the lead is found.

    A form post also reads its rate limits and whether its message came from other addresses in
    the first round trip (its sender's lock taken with the email's), and is counted in the last:
    no round trip more than a webhook's. Any signal quarantines the lead (see _spam_signals)."""
    is_test = is_test_lead(client, lead.email)
    lock_ids = [email_lock_id(client.client_id, lead.email)]
    if delivery is not None:
        lock_ids.append(idempotency.lock_id(client.client_id, ROUTE, delivery.key))
    if form is not None:
        lock_ids.append(idempotency.advisory_lock_id("form", str(form.form_id), form.ip_digest))
    params = {"client_id": client.client_id, "route": ROUTE, "email": lead.email, "name": lead.name,
              "message": lead.message, "is_test": is_test,
              "idempotency_key": delivery.key if delivery else None,
              "request_hash": delivery.request_hash if delivery else None, "enrichment_version": ENGINE_VERSION}

    with db.transaction(client_id=client.client_id) as conn:
        found, *read = _lock_and_look_up(conn, lock_ids, settings.key_wait_ms() if delivery is not None else 0,
                                         params, _form_reads(form, params))
        first = idempotency.replay(delivery, found)
        if first is not None:
            return IntakeResult(first.status, first.body, replayed=True)
        if form is not None:
            forms.check_rate(read[0][0])

        if found["lead_id"] is not None:
            previous = {"intent": found["intent"], "tone": found["tone"], "urgency": found["urgency"],
                        "confidence_score": _float(found["confidence_score"]), "message": found["message"]}
            enrichment = enrich(lead.name, lead.message, language=lead.language, previous=previous,
                                trade=_trade(found))
            body = _response(found["lead_id"], "update", is_test, enrichment)
            quarantined = _write(conn, client, lead, enrichment, is_test, form, _spam_signals(form, read, enrichment),
                                 dict(params, lead_id=found["lead_id"], response_status=200,
                                      response_body=json.dumps(body),
                                      relationship_insight=relationship_insight(previous, enrichment)), update=True)
            return IntakeResult(200, body, quarantined=quarantined)

        enrichment = enrich(lead.name, lead.message, language=lead.language, trade=_trade(found))
        lead_id = uuid.uuid4()
        body = _response(lead_id, "insert", is_test, enrichment)
        quarantined = _write(conn, client, lead, enrichment, is_test, form, _spam_signals(form, read, enrichment),
                             dict(params, lead_id=lead_id, response_status=201, response_body=json.dumps(body)),
                             update=False)
        return IntakeResult(201, body, quarantined=quarantined)


def _form_reads(form: FormPost | None, params: dict) -> list[tuple[str, dict]]:
    """What a form post reads beside the lookup: its rate limits, and the other addresses that sent
    this message in the last 24 hours."""
    if form is None:
        return []
    return [forms.rate_step(form.form_id, form.ip_digest), (Q.repeated_message, params)]


def _spam_signals(form: FormPost | None, read: list[list[dict]], enrichment: Enrichment) -> list[str]:
    """Why the lead is quarantined (none: it is not). Every way in: a spam intent. A form post also:
    the signals found before storing it, and the same message from 2 other addresses in 24 hours."""
    signals = list(form.signals) if form is not None else []
    if form is not None and read[1][0]["other_senders"] >= REPEATS_FROM_OTHERS:
        signals.append("repeated_message")
    if enrichment.intent == "spam":
        signals.append("spam_intent")
    return signals


def _write(conn: db.Connection, client: Client, lead: LeadRequest, enrichment: Enrichment, is_test: bool,
           form: FormPost | None, signals: list[str], params: dict, *, update: bool) -> bool:
    """The lead's write, what the delivery leaves beside it (its action, its message, its key's
    response), the follow-up reply to its message queued (or skipped, saying why) and the COMMIT, in
    one round trip: a stored lead never misses its reply, a rolled-back one never gets one. The
    lookup row-locked a returning lead, so its update always finds it. A quarantined lead's reply and
    alerts are skipped by the outbox's own rules; a form post is counted here too. Returns whether the
    lead is quarantined (signals quarantine it, unless the owner released it before)."""
    message_id = uuid.uuid4()
    said = extract(lead.message)
    # a spam intent alone is left to the outbox's own rule, which lets a lead the owner released through
    suspicious = any(signal != "spam_intent" for signal in signals)
    delivery = dict(params, **enrichment.as_dict(), message_id=message_id, action_type="update" if update else "insert",
                    phone=(form.phone if form is not None else None) or said.phone, address=said.address,
                    wanted=said.when, spam_signals=signals, from_outside=form is not None)
    counted = [] if form is None else [
        forms.record_post_step(form.form_id, client.client_id, form.ip_digest, params["lead_id"])]
    written, *_, (woken,) = db.pipeline(
        conn, (Q.update_lead if update else Q.insert_lead, delivery), (Q.record_delivery, delivery),
        outbox.queue_reply_step(client_id=client.client_id, lead_id=params["lead_id"], message_id=message_id,
                                to_email=lead.email, language=enrichment.language, intent=enrichment.intent,
                                is_test=is_test, urgency=enrichment.urgency, suspicious=suspicious),
        outbox.queue_alerts_step(client_id=client.client_id, lead_id=params["lead_id"], message_id=message_id,
                                 urgency=enrichment.urgency, intent=enrichment.intent, is_test=is_test,
                                 suspicious=suspicious),
        *counted, wake.due_now_step(params["lead_id"]), commit=True)
    if not written:
        raise AssertionError("the lead row-locked by the lookup was not written")
    wake.sender(woken["due_now"])
    return written[0]["spam_status"] == "quarantined"


def _trade(found: dict) -> Trade:
    return Trade(found["industry_category"], found["primary_service"])


def email_lock_id(client_id: uuid.UUID, email: str) -> int:
    """The advisory lock every change to which live lead holds an email takes (intake, un-delete,
    erasure)."""
    return idempotency.advisory_lock_id("lead", str(client_id), email.lower())


def _lock_and_look_up(conn: db.Connection, lock_ids: list[int], wait_ms: int, params: dict,
                      reads: list[tuple[str, dict]]) -> list:
    """BEGIN, the client's settings, the locks and then the lookup (and `reads`), in one round trip:
    the lookup's row, then each read's rows."""
    try:
        _, _, _, (found,), *read = db.pipeline(
            conn, (Q.lock_wait, {"wait_ms": str(wait_ms)}), (Q.lock, {"lock_ids": lock_ids}),
            (Q.lock_wait_end, {}), (Q.lookup, params), *reads)
    except DatabaseError as e:
        if db.sqlstate(e) != db.LOCK_NOT_AVAILABLE:
            raise
        raise IdempotencyKeyInFlight(f"A request with this {idempotency.HEADER} is still being processed; "
                                     "retry shortly to receive its response.") from None
    return [found, *read]


def lock_email_step(client_id: uuid.UUID, email: str) -> tuple[str, dict]:
    """The pipeline step that takes the email's lock (email_lock_id) until the transaction ends, for
    the other changes to which live lead holds an email (un-delete, erasure)."""
    return Q.lock, {"lock_ids": [email_lock_id(client_id, email)]}


def _response(lead_id: uuid.UUID, action: str, is_test: bool, enrichment: Enrichment) -> dict:
    return LeadResponse(lead_id=lead_id, action=action, is_test=is_test,
                        enrichment=enrichment).model_dump(mode="json")


def _float(value) -> float | None:
    return None if value is None else float(value)
