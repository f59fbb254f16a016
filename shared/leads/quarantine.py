"""The owner's word on the quarantine (POST /api/leads/{lead_id}/not-spam and /spam): a lead
released gets its reply queued as a new lead would; a lead marked spam loses any reply still queued."""
import datetime
import uuid

from pydantic import BaseModel

from shared.clients.accounts import Client
from shared.leads import tagging
from shared.mail import outbox
from shared.platform import db, sql
from shared.platform.exceptions import NotFound

Q = sql.load(__file__)


class SpamReview(BaseModel):
    lead_id: uuid.UUID
    spam_status: str
    spam_signals: list[str]
    reply: str | None = None  # not-spam: the reply's outcome (queued, or why not: unsubscribed, ...)
    cancelled_replies: int = 0  # spam: the replies and alerts still queued, now cancelled


def release(client: Client, lead_id: str) -> SpamReview:
    """Not spam: spam_status ok, and the reply queued by the outbox's rules, due as for a lead received
    now. A lead not in the quarantine is answered as it stands, and gets no second reply."""
    lead_uuid = tagging.parse_lead_id(lead_id)
    with db.transaction(client_id=client.client_id) as conn:
        lead = db.query_one(conn, Q.release, lead_id=lead_uuid, client_id=client.client_id)
        if lead is None:
            return _as_it_stands(conn, client, lead_uuid)
        outcome = outbox.queue_reply(conn, client_id=client.client_id, lead_id=lead_uuid,
                                     message_id=lead["message_id"], to_email=lead["email"],
                                     language=lead["language"], intent=lead["intent"], is_test=lead["is_test"],
                                     received_at=datetime.datetime.now(datetime.UTC), urgency=lead["urgency"])
    return SpamReview(lead_id=lead_uuid, spam_status="ok", spam_signals=lead["spam_signals"], reply=outcome)


def quarantine(client: Client, lead_id: str) -> SpamReview:
    """Spam: spam_status quarantined, with the owner's word among its signals; queued replies cancelled."""
    lead_uuid = tagging.parse_lead_id(lead_id)
    with db.transaction(client_id=client.client_id) as conn:
        (rows,) = db.pipeline(conn, (Q.quarantine, {"lead_id": lead_uuid, "client_id": client.client_id}),
                              commit=True)
    if not rows:
        raise NotFound(f"No lead {lead_id} for this client.")
    return SpamReview(lead_id=lead_uuid, spam_status="quarantined", spam_signals=rows[0]["spam_signals"],
                      cancelled_replies=rows[0]["cancelled"])


def _as_it_stands(conn: db.Connection, client: Client, lead_id: uuid.UUID) -> SpamReview:
    lead = db.query_one(conn, Q.state, lead_id=lead_id, client_id=client.client_id)
    if lead is None:
        raise NotFound(f"No lead {lead_id} for this client.")
    return SpamReview(lead_id=lead_id, spam_status=lead["spam_status"], spam_signals=lead["spam_signals"])
