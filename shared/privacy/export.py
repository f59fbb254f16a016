"""Access on request (GET /api/privacy/export): every lead a client holds with one email, each exactly
as the lead detail (GET /api/leads/{lead_id}) shows it, read in one transaction."""
import pydantic

from shared.clients.accounts import Client
from shared.leads import inbox
from shared.platform import db, sql
from shared.privacy.erasure import EmailRequest

Q = sql.load(__file__)


class ExportQuery(EmailRequest):
    """GET /api/privacy/export?email=..."""


class Export(pydantic.BaseModel):
    email: str
    leads: list[inbox.LeadStory]


def export(client: Client, email: str) -> Export:
    """The client's leads with `email` (any letter case, any tag), oldest first. Each is read with
    the lead detail's own statement, one round trip per lead: an email has one lead, a few at most
    (a Deleted lead and the one that came back), and the export can never drift from the detail."""
    with db.transaction(client_id=client.client_id) as conn:
        ids = [row["id"] for row in db.query(conn, Q.leads_with_email, client_id=client.client_id, email=email)]
        stories = [inbox.story_in(conn, client.client_id, lead_id) for lead_id in ids]
    return Export(email=email, leads=stories)
