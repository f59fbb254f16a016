"""Erasure on request (POST /api/privacy/erase): everything a client holds about one email removed in
one transaction under the client's row level security, and a receipt that keeps only its digest."""
import uuid

import pydantic

from shared.clients.accounts import Client
from shared.leads import intake
from shared.platform import db, fields, sql
from shared.prospects import outreach

Q = sql.load(__file__)


class EmailRequest(fields.RequestModel):
    """Whose data: an email as a lead sent it (compared in any letter case). Not held to the intake's
    email rule: a request must reach whatever was stored, even under an older rule."""

    email: fields.text(320) = pydantic.Field(description="The person's email address, any letter case.")


class Erased(pydantic.BaseModel):
    leads: int
    messages: int
    actions: int
    replies: int
    growth_events: int = pydantic.Field(description="Growth events that named a lead: kept for their "
                                                    "figures, without the lead's id or name.")


class ErasureReceipt(pydantic.BaseModel):
    erased: Erased


def erase(client: Client, email: str) -> ErasureReceipt:
    """Remove every row of the client's data about `email` and record a receipt (see erasure.sql).
    The email's intake lock is held meanwhile, so a lead arriving at the same moment is stored
    either before (and erased) or after (a new lead that starts afresh), never half-erased.

    The internal client's data also holds prospects, which belong to no client (the admin path,
    as its prospect routes): its erasure runs there, every statement naming the client, and also
    removes the prospects with that contact email and their outreach (counted in `replies`)."""
    with _transaction(client) as conn:
        db.pipeline(conn, intake.lock_email_step(client.client_id, email))
        outreach_emails = outreach.erase_contact(conn, client.client_id, email) if client.is_internal else 0
        row = db.query_one(conn, Q.erase, client_id=client.client_id, email=email, outreach_emails=outreach_emails)
    return ErasureReceipt(erased=Erased(**row))


def _transaction(client: Client):
    if client.is_internal:
        return db.admin_transaction()
    return db.transaction(client_id=client.client_id)


def receipts(conn: db.Connection, client_id: uuid.UUID) -> list[dict]:
    """The client's erasure receipts, newest first (for operators and tests)."""
    return db.query(conn, Q.receipts, client_id=client_id)
