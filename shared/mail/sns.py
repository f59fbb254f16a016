"""Amazon SNS messages posted to the mail_events function: their signature verified the way the SNS
documentation says (the canonical string, SHA1 or SHA256 with RSA, a certificate served by an SNS
host only, fetched once per URL and kept), and a subscription confirmed by visiting its SubscribeURL."""
import base64
import re
import threading
import urllib.request
from urllib.parse import urlsplit

from shared.platform import settings
from shared.platform.exceptions import Forbidden

SNS_HOST = re.compile(r"^sns\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$")
HASHES = {"1": "SHA1", "2": "SHA256"}  # SignatureVersion: the digest signed with RSA (PKCS #1 v1.5)
# The fields signed, in this order, for each message type (SNS: "Verifying the signatures of
# Amazon SNS messages"); a field absent from a message (Subject) is left out.
SIGNED_FIELDS = {
    "Notification": ("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"),
    "SubscriptionConfirmation": ("Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"),
    "UnsubscribeConfirmation": ("Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"),
}
FETCH_TIMEOUT_S = 5
CERTIFICATE_MAX_BYTES = 64 * 1024

_certificates: dict = {}  # SigningCertURL: its certificate (cryptography's x509.Certificate)
_certificates_lock = threading.Lock()


class Refused(Forbidden):
    """The message is not one SNS signed, or names a URL that is not an SNS host's (403)."""


def is_sns_url(url: object) -> bool:
    """An https URL on sns.<region>.amazonaws.com (no port, no credentials): the only place a
    certificate is fetched from and the only SubscribeURL visited."""
    if not isinstance(url, str):
        return False
    parts = urlsplit(url)
    return (parts.scheme == "https" and parts.hostname is not None and SNS_HOST.match(parts.hostname) is not None
            and parts.port is None and parts.username is None and parts.password is None)


def canonical_string(message: dict) -> bytes:
    """What SNS signed: for each signed field of the message's type, present in it, its name and its
    value, each followed by a newline."""
    names = SIGNED_FIELDS.get(message.get("Type"))
    if names is None:
        raise Refused(f"Unknown SNS message type {message.get('Type')!r}.")
    lines = [f"{name}\n{message[name]}\n" for name in names if name in message]
    return "".join(lines).encode()


def check_topic(message: dict) -> None:
    """Raise Refused unless the message comes from one of AVENIR_SNS_TOPIC_ARN's topics (when set):
    a signature proves SNS sent a message, not that it is our topic's."""
    allowed = settings.sns_topic_arns()
    if allowed and message.get("TopicArn") not in allowed:
        raise Refused("The message comes from an SNS topic this deployment does not listen to.")


def verify(message: dict, fetch=None) -> None:
    """Raise Refused unless the message's signature verifies with the certificate of its
    SigningCertURL (an SNS host's, fetched with `fetch`, by default over https, once per URL).
    AVENIR_SNS_VERIFY=0 skips this (tests and local replays only)."""
    from cryptography.exceptions import InvalidSignature  # here: only this route pays for the import
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    if not settings.sns_verify():
        return
    algorithm = HASHES.get(str(message.get("SignatureVersion")))
    if algorithm is None:
        raise Refused(f"Unknown SignatureVersion {message.get('SignatureVersion')!r}: expected 1 or 2.")
    url = message.get("SigningCertURL")
    if not is_sns_url(url):
        raise Refused("SigningCertURL is not an https URL on an SNS host (sns.<region>.amazonaws.com).")
    try:
        signature = base64.b64decode(message.get("Signature") or "", validate=True)
    except ValueError:
        raise Refused("Signature is not base64.") from None
    public_key = certificate(url, fetch).public_key()
    try:
        public_key.verify(signature, canonical_string(message), padding.PKCS1v15(), getattr(hashes, algorithm)())
    except (InvalidSignature, TypeError, ValueError):
        raise Refused("The SNS signature does not verify.") from None


def certificate(url: str, fetch=None):
    """The PEM certificate at url (an x509.Certificate), fetched the first time only."""
    from cryptography import x509

    with _certificates_lock:
        known = _certificates.get(url)
    if known is not None:
        return known
    try:
        loaded = x509.load_pem_x509_certificate((fetch or fetch_url)(url))
    except ValueError:
        raise Refused("SigningCertURL does not hold a PEM certificate.") from None
    with _certificates_lock:
        return _certificates.setdefault(url, loaded)


def confirm_subscription(message: dict, fetch=None) -> None:
    """Confirm a (verified) subscription by visiting its SubscribeURL, an SNS host's only."""
    url = message.get("SubscribeURL")
    if not is_sns_url(url):
        raise Refused("SubscribeURL is not an https URL on an SNS host (sns.<region>.amazonaws.com).")
    (fetch or fetch_url)(url)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # a redirect could leave the SNS host: not followed
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def fetch_url(url: str) -> bytes:
    """GET an SNS host's URL (checked by the caller), redirects not followed, at most
    CERTIFICATE_MAX_BYTES of it. A failure to reach it refuses the message (SNS delivers it again)."""
    try:
        with _opener.open(url, timeout=FETCH_TIMEOUT_S) as answer:
            return answer.read(CERTIFICATE_MAX_BYTES)
    except OSError as e:
        raise Refused(f"{urlsplit(url).hostname} could not be reached ({type(e).__name__}).") from None
