"""The email itself: a reply's words (render.py) as a message with its headers and both parts, and
an owner's alert as a plain-text one; every header value on one line, non-ASCII ones encoded."""
import datetime
from dataclasses import dataclass
from email.charset import QP, Charset
from email.header import Header
from email.message import Message
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import format_datetime, formataddr, make_msgid

from shared.mail import render

_UTF8_QP = Charset("utf-8")
_UTF8_QP.body_encoding = QP  # readable in a mail's source, unlike the classic default (base64)


@dataclass(frozen=True)
class Envelope:
    """Who sends to whom: From (the platform's address or the client's own), Reply-To the client."""

    from_name: str
    from_address: str
    to_name: str  # the lead's name: said only when plausible_name keeps it
    to_address: str
    reply_to: str | None


def new_message_id(from_address: str) -> str:
    """A Message-ID in the sender's domain, fixed once per reply: a resend carries the same one."""
    return make_msgid(domain=from_address.rpartition("@")[2] or "avenir.localhost")


def email_message(rendered: render.Rendered, envelope: Envelope, message_id: str, language: str,
                  unsubscribe_url: str, date: datetime.datetime | None = None,
                  auto_submitted: str = "auto-replied") -> Message:
    """The reply as an email: text and HTML alternatives (UTF-8, quoted-printable), and the headers of a
    one-click unsubscribe (RFC 8058) and of an automatic answer (RFC 3834: an out-of-office reply must
    not answer it). Built with the email package's classic classes: the modern EmailMessage parses
    every header it is given, some ten times slower, and the sender builds one per reply."""
    message = MIMEMultipart("alternative")
    message["From"] = formataddr((render.one_line(envelope.from_name), envelope.from_address), charset="utf-8")
    message["To"] = formataddr((render.plausible_name(envelope.to_name), envelope.to_address), charset="utf-8")
    if envelope.reply_to:
        message["Reply-To"] = render.one_line(envelope.reply_to)
    message["Subject"] = _header(render.one_line(rendered.subject))
    message["Date"] = format_datetime(date or datetime.datetime.now(datetime.UTC))
    message["Message-ID"] = message_id
    message["Content-Language"] = language
    message["List-Unsubscribe"] = f"<{unsubscribe_url}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message["Auto-Submitted"] = auto_submitted
    message.attach(MIMEText(rendered.text, "plain", _UTF8_QP))
    message.attach(MIMEText(rendered.html, "html", _UTF8_QP))
    return message


def plain_message(text: str, subject: str, from_address: str, to_address: str, message_id: str,
                  language: str, reply_to: str | None = None) -> Message:
    """A plain-text message from Avenir (an owner's alert): written by a program, answering no one."""
    message = MIMEText(text, "plain", _UTF8_QP)
    message["From"] = formataddr(("Avenir", from_address))
    message["To"] = to_address
    if reply_to:
        message["Reply-To"] = render.one_line(reply_to)
    message["Subject"] = _header(render.one_line(subject))
    message["Date"] = format_datetime(datetime.datetime.now(datetime.UTC))
    message["Message-ID"] = message_id
    message["Content-Language"] = language
    message["Auto-Submitted"] = "auto-generated"
    return message


def _header(value: str) -> str | Header:
    return value if value.isascii() else Header(value, "utf-8")
