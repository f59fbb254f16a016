"""How a reply leaves: a client's own SMTP server or the platform's (smtp.py), Amazon SES
(AVENIR_SES_FROM), or nowhere yet (no platform sender configured); every failure sorted into
temporary (retried later) or permanent."""
from email.message import Message
from typing import Protocol

# SES error codes worth another try; any other client error (rejected, not verified, paused) is not.
SES_TEMPORARY_CODES = {"Throttling", "ThrottlingException", "TooManyRequestsException", "ServiceUnavailable",
                       "InternalFailure", "RequestTimeout", "RequestTimeoutException"}


# The email's Message-ID, as an SES message tag: SES reports a bounce or complaint with the email's
# tags, whatever it did to its headers. Hex, since a tag value takes only letters, digits, _ and -.
MESSAGE_TAG = "avenir-message-id"
TAG_VALUE_MAX_CHARS = 256


def message_tag_value(message_id: str | None) -> str | None:
    value = message_id.encode().hex() if message_id else None
    return value if value and len(value) <= TAG_VALUE_MAX_CHARS else None


def message_id_from_tag(value: str) -> str | None:
    try:
        return bytes.fromhex(value).decode()
    except (ValueError, UnicodeDecodeError):
        return None


class TemporaryFailure(Exception):
    """Worth another try later: connection refused or lost, a timeout, SMTP 4xx, SES throttling."""


class PermanentFailure(Exception):
    """Another try would fail the same way: SMTP 5xx, SES rejecting the message, a bad certificate."""


class RecipientRefused(PermanentFailure):
    """The server answered RCPT TO with a 5xx: the address does not take mail (a permanent bounce)."""


class Transport(Protocol):
    def send(self, message: Message, sender: str, recipient: str) -> None: ...

    def close(self) -> None: ...


class SesTransport:
    """Amazon SES (SendRawEmail: both parts and every header as built), through a boto3 client."""

    def __init__(self, client, configuration_set: str | None = None):
        self.client = client
        # its bounces and complaints reach mail_events through the set's SNS topic (template.yaml)
        self.options = {"ConfigurationSetName": configuration_set} if configuration_set else {}

    def send(self, message: Message, sender: str, recipient: str) -> None:
        tag = message_tag_value(message["Message-ID"])
        tags = {"Tags": [{"Name": MESSAGE_TAG, "Value": tag}]} if tag else {}
        try:
            self.client.send_raw_email(Source=sender, Destinations=[recipient],
                                       RawMessage={"Data": message.as_bytes()}, **self.options, **tags)
        except Exception as e:
            raise ses_failure(e) from e

    def close(self) -> None:
        pass


def ses_failure(error: Exception) -> TemporaryFailure | PermanentFailure:
    """Throttling and SES's own 5xx are temporary, as is not reaching SES at all; any other refusal
    (message rejected, address not verified, sending paused) is permanent."""
    from botocore.exceptions import BotoCoreError, ClientError

    if isinstance(error, ClientError):
        code = error.response.get("Error", {}).get("Code", "")
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
        message = f"SES {code}: {error.response.get('Error', {}).get('Message', '')}".strip()
        return TemporaryFailure(message) if code in SES_TEMPORARY_CODES or status >= 500 else PermanentFailure(message)
    if isinstance(error, BotoCoreError):
        return TemporaryFailure(f"SES unreachable: {type(error).__name__}: {error}")
    raise error


class Unconfigured:
    """No platform sender is configured: every reply that needs one waits (a temporary failure)."""

    def send(self, message: Message, sender: str, recipient: str) -> None:
        raise TemporaryFailure("no platform sender configured: set AVENIR_SMTP_URL or AVENIR_SES_FROM")

    def close(self) -> None:
        pass
