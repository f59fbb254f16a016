"""POST /api/client/reply-preview: the reply a lead sending a message would get now, with the
client's current settings — read, enriched and rendered as intake and the sender would, writing
nothing — or with some of them changed but not yet saved (`settings`, as PATCH /api/client takes them).
Its unsubscribe link points at a token that does not exist (`/u/preview`): a real one is made only for
a real reply."""
from typing import Annotated, Literal

import pydantic
from pydantic import BaseModel, StringConstraints

from shared.clients import client_settings
from shared.clients.accounts import Client
from shared.enrichment import Enrichment, Language, Trade, enrich
from shared.enrichment.extraction import extract
from shared.mail import facts, render, unsubscribe
from shared.platform import fields

# When a queued reply is due (the rules of outbox.sql's queue_reply): an urgent lead's at once.
DUE = {"Instant": "instant", "Within 1 hour": "within_1_hour", "Same day": "same_day"}
# From which lead urgency the owner is alerted (the rule of outbox.sql's queue_alerts).
ALERTED = {"High": ("High",), "Medium": ("High", "Medium"), "off": ()}


class PreviewRequest(fields.RequestModel):
    message: Annotated[str, StringConstraints(min_length=1, max_length=5000)]
    name: fields.text(200) | None = None
    language: Language | None = None
    settings: client_settings.SettingsChange | None = pydantic.Field(
        None, description="Settings to preview as if saved (the fields of PATCH /api/client); never written.")


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
    settings = _as_if_saved(client_settings.read(client), request.settings)
    enrichment = enrich(request.name or "", request.message, language=request.language,
                        trade=Trade(settings.industry_category, settings.primary_service))
    said = extract(request.message)
    known = dict(settings.model_dump(), client_email=settings.email, client_language=settings.language or "en",
                 business_phone=settings.phone, language="fr" if enrichment.language == "fr" else "en",
                 intent=enrichment.intent, lead_name=request.name, lead_urgency=enrichment.urgency, wanted=said.when,
                 lead_phone=said.phone, lead_address=said.address)
    rendered = render.with_unsubscribe_url(render.reply(facts.reply_context(known)),
                                           unsubscribe.unsubscribe_url("preview"))
    skipped = ("replies_off" if settings.ai_personalized_reply is False
               else "spam" if enrichment.intent == "spam" else None)
    due = ("never" if skipped else "instant" if enrichment.urgency == "High"
           else DUE[settings.followup_speed or "Instant"])
    alert = enrichment.intent != "spam" and enrichment.urgency in ALERTED[settings.alert_urgency]
    return Preview(subject=rendered.subject, text=rendered.text, html=rendered.html, enrichment=enrichment,
                   due=due, skipped=skipped, alert=alert)


def _as_if_saved(saved: client_settings.Settings,
                 unsaved: client_settings.SettingsChange | None) -> client_settings.Settings:
    """The saved settings with the unsaved ones given over them (a cleared alert_email is the client's
    email, as saved); fields no reply reads (the SMTP password) are dropped."""
    given = unsaved.model_dump(exclude_unset=True) if unsaved else {}
    if "alert_email" in given and given["alert_email"] is None:
        given["alert_email"] = saved.email
    return saved.model_copy(update={name: value for name, value in given.items()
                                    if name in client_settings.Settings.model_fields})
