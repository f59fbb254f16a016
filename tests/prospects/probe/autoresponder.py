"""A fake business's form handler that answers like a real one: after a delay, an automatic reply (or
a person's answer, or a bounce) sent over SMTP to the address the probe gave in the form."""
import smtplib
import threading
from email.message import EmailMessage
from urllib.parse import parse_qs

from tests.prospects.probe.fakesite import Answer, Hit


class Responder:
    """The site's POST handler; `sent` holds each message once it has gone out."""

    def __init__(self, inbox_port: int, delay_s: float | None, text: str = "Thank you, we received your message.",
                 kind: str = "auto", email_field: str = "courriel", name_field: str = "nom", service_field=None):
        self.inbox_port, self.delay_s, self.text, self.kind = inbox_port, delay_s, text, kind
        self.email_field, self.name_field, self.service_field = email_field, name_field, service_field
        self.posts: list[dict] = []
        self.sent = threading.Event()

    def __call__(self, hit: Hit) -> Answer:
        form = {k: v[0] for k, v in parse_qs(hit.body.decode(), keep_blank_values=True).items()}
        self.posts.append(form)
        if self.delay_s is not None:
            threading.Timer(self.delay_s, self._send, args=(form,)).start()
        return Answer(303, "", {"Location": "/merci"})

    def _send(self, form: dict) -> None:
        message = EmailMessage()
        message["From"] = "Toitures Beauport <info@toitures-beauport.ca>"
        message["To"] = form[self.email_field]
        message["Subject"] = "Re: " + form.get("sujet", "votre demande")
        message["Message-ID"] = f"<{id(form)}-{len(self.posts)}@toitures-beauport.ca>"
        if self.kind == "auto":
            message["Auto-Submitted"] = "auto-replied"
        if self.kind == "bounce":
            message.replace_header("From", "Mail Delivery Subsystem <MAILER-DAEMON@mx.toitures-beauport.ca>")
        message.set_content(self.text.format(name=form.get(self.name_field, ""), message=form.get("message", "")))
        with smtplib.SMTP("127.0.0.1", self.inbox_port, timeout=10) as smtp:
            smtp.send_message(message, to_addrs=[form[self.email_field]])
        self.sent.set()
