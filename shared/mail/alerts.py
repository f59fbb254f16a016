"""The owner's alert about an urgent lead (contract Part 3): an email to alert_email and an SMS to
alert_phone, in the client's language, readable on a phone's lock screen: the subject (and the SMS)
starts with the urgency and the lead's name, then what the lead needs, then the phone to call back."""
from email.message import Message

from shared.mail import envelope, render
from shared.platform import settings

SMS_EXCERPT_CHARS = 80  # of the lead's message in the SMS: a lock screen's glance, not the whole story
MESSAGE_MAX_CHARS = 2000  # of the lead's message in the email (the lead's page has it whole)

WORDS = {
    "en": {"High": "Urgent", "Medium": "Medium urgency", "Low": "Low urgency", "someone": "A new lead",
           "wrote": "{name} just wrote to {business} ({urgency}).", "phone": "Phone: {phone}",
           "email": "Email: {email}",
           "address": "Address: {address}", "when": "Wants service: {when}", "open": "Open the lead: {url}",
           "today": "today", "this_week": "this week", "flexible": "no rush",
           "footer": "Avenir alert for {business}. Who gets these alerts, and from which urgency, is in Settings.",
           "call": "call {phone}"},
    "fr": {"High": "Urgent", "Medium": "Urgence moyenne", "Low": "Urgence faible", "someone": "Un nouveau prospect",
           "wrote": "{name} vient d'écrire à {business} ({urgency}).", "phone": "Téléphone : {phone}",
           "email": "Courriel : {email}",
           "address": "Adresse : {address}", "when": "Quand : {when}", "open": "Voir la demande : {url}",
           "today": "aujourd'hui", "this_week": "cette semaine", "flexible": "sans presse",
           "footer": "Alerte Avenir pour {business}. Qui reçoit ces alertes, et à partir de quelle urgence : "
                     "dans les Paramètres.",
           "call": "appeler le {phone}"},
}


def lead_url(lead_id) -> str:
    """The lead's page in the dashboard."""
    return f"{settings.public_url()}/#/leads/{lead_id}"


def shown_phone(phone: str | None) -> str | None:
    """+15145550187 -> 514-555-0187, as an owner dials it."""
    if not phone:
        return None
    digits = phone.removeprefix("+1")
    return f"{digits[:3]}-{digits[3:6]}-{digits[6:]}" if len(digits) == 10 else phone


def words(alert) -> tuple[str, str]:
    """(subject, text) of the email alert."""
    said = WORDS["fr" if alert.language == "fr" else "en"]
    name = render.plausible_name(alert.lead_name) or said["someone"]
    urgency = said.get(alert.lead_urgency or "High", said["High"])
    headline = " – ".join(filter(None, [_head(alert, urgency, name), _call(said, alert)]))
    lines = [said["wrote"].format(name=name, business=alert.business_name, urgency=urgency), "",
             (alert.lead_message or "")[:MESSAGE_MAX_CHARS], ""]
    lines += [said[key].format(**{key: value}) for key, value in (
        ("phone", shown_phone(alert.lead_phone)), ("email", alert.lead_email), ("address", alert.lead_address),
        ("when", said.get(alert.wanted or "", None))) if value]
    lines += ["", said["open"].format(url=lead_url(alert.lead_id)), "", "-- ",
              said["footer"].format(business=alert.business_name)]
    return render.one_line(headline), "\n".join(lines)


def _head(alert, urgency: str, name: str) -> str:
    """"Urgent: Name" ("Urgent : Name" in French, its typography)."""
    return f"{urgency} : {name}" if alert.language == "fr" else f"{urgency}: {name}"


def sms_text(alert) -> str:
    """One SMS: the urgency and the name first, the phone to call back, the start of the message, the link."""
    said = WORDS["fr" if alert.language == "fr" else "en"]
    name = render.plausible_name(alert.lead_name) or said["someone"]
    urgency = said.get(alert.lead_urgency or "High", said["High"])
    head = ", ".join(filter(None, [_head(alert, urgency, name), _call(said, alert), alert.lead_address]))
    message = " ".join((alert.lead_message or "").split())
    excerpt = message if len(message) <= SMS_EXCERPT_CHARS else message[:SMS_EXCERPT_CHARS - 1].rstrip() + "…"
    return render.one_line(" – ".join(filter(None, [head, excerpt]))) + " " + lead_url(alert.lead_id)


def _call(said: dict, alert) -> str | None:
    phone = shown_phone(alert.lead_phone)
    return said["call"].format(phone=phone) if phone else None


def email_message(alert, sender: str, message_id: str) -> Message:
    """The alert as a plain-text email to the owner (an automatic message: RFC 3834); answering it
    writes to the lead."""
    return envelope.plain_message(alert.body_text, alert.subject, sender, alert.to_email, message_id, alert.language,
                                  reply_to=alert.lead_email)
