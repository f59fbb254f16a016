"""POST /api/client/reply-preview: the reply a lead sending a message would get now, with the
client's current settings — read, enriched and rendered as intake and the sender would, writing
nothing. Its unsubscribe link points at a token that does not exist (`/u/preview`): a real one is
made only for a real reply."""
from typing import Annotated, Literal

from pydantic import BaseModel, StringConstraints

from shared.clients import client_settings
from shared.clients.accounts import Client
from shared.enrichment import Enrichment, Language, Trade, enrich
from shared.enrichment.extraction import extract
from shared.mail import render, sender
from shared.platform import fields

# When a queued reply is due (the rules of outbox.sql's queue_reply): an urgent lead's at once.
DUE = {"Instant": "instant", "Within 1 hour": "within_1_hour", "Same day": "same_day"}
# From which lead urgency the owner is alerted (the rule of outbox.sql's queue_alerts).
ALERTED = {"High": ("High",), "Medium": ("High", "Medium"), "off": ()}


class PreviewRequest(fields.RequestModel):
    message: Annotated[str, StringConstraints(min_length=1, max_length=5000)]
    name: fields.text(200) | None = None
    language: Language | None = None


class Preview(BaseModel):
    subject: str
    text: str
    html: str
    enrichment: Enrichment  # as POST /api/lead answers it
    due: Literal["instant", "within_1_hour", "same_day", "never"]  # never: no reply would go (see skipped)
    skipped: Literal["replies_off", "spam"] | None  # why no reply would go, as a lead's story says it
    alert: bool  # whether the owner would be alerted


def preview(client: Client, request: PreviewRequest) -> Preview:
    """The reply to `request.message` from a lead named `request.name`, as it would be sent now."""
    settings = client_settings.read(client)
    enrichment = enrich(request.name or "", request.message, language=request.language,
                        trade=Trade(settings.industry_category, settings.primary_service))
    said = extract(request.message)
    facts = dict(settings.model_dump(), client_email=settings.email, client_language=settings.language or "en",
                 business_phone=settings.phone, language="fr" if enrichment.language == "fr" else "en",
                 intent=enrichment.intent, lead_name=request.name, lead_urgency=enrichment.urgency, wanted=said.when,
                 lead_phone=said.phone, lead_address=said.address)
    rendered = render.with_unsubscribe_url(render.reply(sender.reply_context(facts)),
                                           sender.unsubscribe_url("preview"))
    skipped = ("replies_off" if settings.ai_personalized_reply is False
               else "spam" if enrichment.intent == "spam" else None)
    due = ("never" if skipped else "instant" if enrichment.urgency == "High"
           else DUE[settings.followup_speed or "Instant"])
    alert = enrichment.intent != "spam" and enrichment.urgency in ALERTED[settings.alert_urgency]
    return Preview(subject=rendered.subject, text=rendered.text, html=rendered.html, enrichment=enrichment,
                   due=due, skipped=skipped, alert=alert)
