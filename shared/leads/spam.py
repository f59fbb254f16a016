"""The front door's spam checks that need no database (pure and cheap, run on every form post): the
signed fill-time token `_ts`, the keyed digest of a sender's IP, and the content signals (links, a
script other than Latin). What each signal means, in the owner's words, is SIGNALS."""
import base64
import functools
import hashlib
import hmac
import ipaddress
import re
import unicodedata

from shared.platform import settings

# Every quarantine signal, and what the dashboard's Spam folder says of it.
SIGNALS = {
    "no_token": "The form was posted without its fill-time token (not from the page, or scripts off).",
    "forged_token": "The form's fill-time token was not one we issued for this form.",
    "expired_token": "The page was loaded over 24 hours before the form was sent.",
    "too_fast": "The form was filled faster than a person can type.",
    "spam_intent": "The message reads as spam.",
    "links": "The message carries 3 or more links.",
    "foreign_script": "The message is written in a script other than Latin.",
    "repeated_message": "The same message came from 3 or more addresses in 24 hours.",
    "marked_by_owner": "Marked as spam by the owner.",
}
TOKEN_MAX_AGE_S = 24 * 3600
MAX_LINKS = 2  # 3 or more links is a signal
FOREIGN_SHARE = 0.2  # a message whose letters are more than 20% outside the Latin script
_LINK = re.compile(r"(?i)(?:https?://|www\.|\[url[=\]]|<a\s+href)")
_TOKEN = re.compile(r"^([0-9]{1,15})\.([A-Za-z0-9_-]{22})$")
CLOCK_SKEW_S = 60  # between the instance that issued a token and the one that checks it


@functools.lru_cache(maxsize=4)
def _subkey(secret: str, purpose: bytes) -> bytes:
    """A key of its own for each use of the server's secret (AVENIR_SECRET_KEY)."""
    return hmac.new(secret.encode(), purpose, hashlib.sha256).digest()


def _mac(purpose: bytes, message: str) -> bytes:
    return hmac.new(_subkey(settings.secret_key(), purpose), message.encode(), hashlib.sha256).digest()


def issue_token(form_key: str, now: float) -> str:
    """`<issued unix milliseconds>.<HMAC of the form key and that time>`: the page's load time, signed."""
    issued = int(now * 1000)
    return f"{issued}.{_signature(form_key, issued)}"


def _signature(form_key: str, issued: int) -> str:
    return base64.urlsafe_b64encode(_mac(b"avenir form token", f"{form_key}:{issued}")[:16]).decode().rstrip("=")


def token_signal(token: str | None, form_key: str, now: float, min_fill_seconds: int) -> str | None:
    """What is wrong with a post's `_ts`, or None: missing, forged (not signed for this form),
    expired (over 24 hours old) or too fast (younger than the form's min_fill_seconds)."""
    if not token:
        return "no_token"
    match = _TOKEN.match(token.strip())
    if not match or not hmac.compare_digest(match[2], _signature(form_key, int(match[1]))):
        return "forged_token"
    age = now - int(match[1]) / 1000
    if age > TOKEN_MAX_AGE_S or age < -CLOCK_SKEW_S:
        return "expired_token"
    if max(age, 0) < min_fill_seconds:
        return "too_fast"
    return None


def ip_digest(ip: str | None) -> str:
    """The sender as it is kept and counted: HMAC-SHA256 under the server's secret (hex), never the
    IP. An IPv6 sender is its /64 network (one home or server is given a whole /64, and may post from
    any address in it); an IPv4 sender (also written IPv6-mapped) is its address."""
    return _mac(b"avenir form ip", _sender(ip)).hex()


def _sender(ip: str | None) -> str:
    try:
        address = ipaddress.ip_address((ip or "").strip())
    except ValueError:
        return ip or "unknown"
    if address.version == 6 and address.ipv4_mapped is None:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(getattr(address, "ipv4_mapped", None) or address)


def content_signals(message: str | None, client_language: str | None) -> list[str]:
    """The signals a message's text raises on its own: 3+ links; a script other than Latin in a
    message to an English or French client."""
    if not message:
        return []
    found = []
    if len(_LINK.findall(message)) > MAX_LINKS:
        found.append("links")
    if (client_language or "en") in ("en", "fr") and _foreign_share(message) > FOREIGN_SHARE:
        found.append("foreign_script")
    return found


def _foreign_share(text: str) -> float:
    """The share of the letters that are not Latin (accents and ligatures are Latin)."""
    if text.isascii():
        return 0.0
    letters = foreign = 0
    for ch in text:
        if ch.isalpha():
            letters += 1
            if ch > "\u024f" and not _latin(ch):
                foreign += 1
    return foreign / letters if letters else 0.0


@functools.lru_cache(maxsize=4096)
def _latin(ch: str) -> bool:
    return unicodedata.name(ch, "").startswith("LATIN")
