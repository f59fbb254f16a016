"""Idempotency-Key deliveries: the key and body fingerprint of a delivery, the advisory lock that
makes two deliveries with one key take turns, and the replay of a first response (stored and
purged by the intake's own statements, shared/leads/intake.sql; table idempotency_keys, schema/005)."""
import hashlib
import json
import re
from dataclasses import dataclass

from shared.platform.exceptions import IdempotencyKeyReuse, ValidationFailed

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 200
# What the header may hold, here and in the document: printable ASCII, 1..200 characters with no
# space at either end, bare or in quotes (whose content, escapes included, is at most 200).
_PATTERN = r'^(?:[\x21-\x7e](?:[\x20-\x7e]{0,198}[\x21-\x7e])?|"[\x20-\x7e]{1,200}")$'
# The header as the OpenAPI document describes it.
HEADER_PARAMETER = {
    "name": HEADER, "in": "header", "required": False,
    "description": "A repeat within 24 hours by the same client returns the first response again (same status "
                   "and body, header `Idempotent-Replayed: true`) and writes nothing; the same key with another "
                   "body is a 422 `idempotency_key_reuse`; while the first request with the key is in flight a "
                   "repeat waits for it and replays it, or after a few seconds gets a 409 "
                   "`idempotency_key_in_flight` with `Retry-After`. Bare (`abc`) or quoted (`\"abc\"`).",
    "schema": {"type": "string", "pattern": _PATTERN}}
_HEADER_VALUE = re.compile(_PATTERN)


@dataclass(frozen=True)
class Delivery:
    """One request sent with an Idempotency-Key: the key and the SHA-256 of its canonical body."""

    key: str
    request_hash: str


def delivery(key: str | None, body: dict) -> Delivery | None:
    """The delivery a request makes, or None without the header; 422 for a key outside 1..200 chars.
    The key is taken bare (`abc`) or as the IETF draft writes it, a structured-field string
    (`"abc"`, with `\\"` and `\\\\` escapes): both spell the same key."""
    if key is None:
        return None
    if not _HEADER_VALUE.fullmatch(key):
        raise ValidationFailed(f"{HEADER} must be 1 to {MAX_KEY_LENGTH} printable ASCII characters.",
                               details=[{"field": HEADER, "reason": "invalid",
                                         "message": f"expected 1 to {MAX_KEY_LENGTH} printable ASCII characters "
                                                    "with no space at either end"}])
    key = unquote(key)
    return Delivery(key, request_hash(body))


def unquote(key: str) -> str:
    """`"abc"` -> `abc` (RFC 8941 sf-string); a key not in quotes is returned as it came."""
    if len(key) >= 2 and key[0] == key[-1] == '"':
        return re.sub(r'\\(["\\])', r"\1", key[1:-1])
    return key


def request_hash(body: dict) -> str:
    """SHA-256 of the body as canonical JSON (sorted keys, no spaces, non-ASCII escaped, so that even
    an unpaired surrogate in an ignored field hashes): the same fields and values hash alike however
    the sender spaced, ordered or escaped them."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


def advisory_lock_id(*parts: str) -> int:
    """A 64-bit pg_advisory_xact_lock id for a tuple of names (first 8 bytes of their SHA-256):
    distinct tuples practically never share a lock, unlike the 32-bit hashtext()."""
    digest = hashlib.sha256("\x1f".join(parts).encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def lock_id(client_id, route: str, key: str) -> int:
    return advisory_lock_id("idempotency", str(client_id), route, key)


@dataclass(frozen=True)
class Replay:
    status: int
    body: dict


def replay(delivery: Delivery | None, stored: dict) -> Replay | None:
    """The first response to this key when one is stored (read after taking the key's lock, so a
    delivery still in flight has finished); 422 when that first delivery had another body."""
    if delivery is None or stored.get("response_status") is None:
        return None
    if stored["request_hash"] != delivery.request_hash:
        raise IdempotencyKeyReuse(
            f"This {HEADER} was already used with a different request body; use a new key for a new request.")
    return Replay(stored["response_status"], stored["response_body"])
