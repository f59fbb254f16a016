"""What a reply says, from the facts of it named as outbox.Claim names them: a claimed reply's (the
sender), a preview's (preview.py), or a queued reply's on its lead's page (shared/leads/inbox.py).
Light on purpose: the lead's page reads it without loading the sender."""
from collections.abc import Mapping

from shared.enrichment.trade import Trade, comes_in
from shared.mail import render


def reply_context(facts: Mapping) -> render.ReplyContext:
    return render.ReplyContext(
        language=facts["language"], intent=facts["intent"], tone=facts["email_tone"],
        lead_name=facts["lead_name"] or "", business_name=facts["business_name"],
        primary_service=facts["primary_service"], booking_link=facts["booking_link"],
        custom_tagline=facts["custom_tagline"], mailing_address=facts["mailing_address"],
        contact_email=facts["client_email"], urgent=facts["lead_urgency"] == "High", when=facts["wanted"],
        lead_phone_given=facts["lead_phone"] is not None, lead_address_given=facts["lead_address"] is not None,
        business_phone=facts["business_phone"], client_language=facts["client_language"],
        primary_service_en=facts["primary_service_en"], primary_service_fr=facts["primary_service_fr"],
        comes_in=comes_in(Trade(facts["industry_category"], facts["primary_service"])))


def words(facts: Mapping) -> tuple[str, str]:
    """(subject, text) of the reply these facts make, its unsubscribe link left as
    render.UNSUBSCRIBE_MARK: a queued reply's words as the sender would write them now."""
    rendered = render.reply(reply_context(facts))
    return rendered.subject, rendered.text
