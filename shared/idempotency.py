"""Idempotency-Key deliveries: the key and body fingerprint of a delivery, the advisory lock that
makes two deliveries with one key take turns, and the SQL that stores, replays and purges first
responses (table idempotency_keys, schema/005)."""
import hashlib
import json
import re
from dataclasses import dataclass

from shared.exceptions import IdempotencyKeyReuse, ValidationFailed

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 200
# The header as the OpenAPI document describes it.
HEADER_PARAMETER = {
    "name": HEADER, "in": "header", "required": False,
    "description": "A repeat within 24 hours by the same client returns the first response again (same status "
                   "and body, header `Idempotent-Replayed: true`) and writes nothing; the same key with another "
                   "body is a 422 `idempotency_key_reuse`; while the first request with the key is in flight a "
                   "repeat waits for it and replays it, or after a few seconds gets a 409 "
                   "`idempotency_key_in_flight` with `Retry-After`. Bare (`abc`) or quoted (`\"abc\"`).",
    "schema": {"type": "string", "pattern": r'^[\x21\x23-\x7e]([\x20-\x7e]{0,198}[\x21-\x7e])?$'}}
PURGE_BATCH = 100  # expired rows deleted per keyed delivery: bounded work, and enough to keep up


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
    key = unquote(key)
    if not 1 <= len(key) <= MAX_KEY_LENGTH:
        raise ValidationFailed(f"{HEADER} must be 1 to {MAX_KEY_LENGTH} characters.",
                               details=[{"field": HEADER,
                                         "message": f"expected 1 to {MAX_KEY_LENGTH} characters, got {len(key)}"}])
    if not key.isprintable():
        raise ValidationFailed(f"{HEADER} must be printable text.",
                               details=[{"field": HEADER, "message": "expected printable characters, "
                                                                     "got a control or unpaired surrogate character"}])
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


# Fragments of the intake's own statements, so that a keyed delivery costs no extra round trip.
# Parameters: :client_id, :route, :idempotency_key (NULL without the header), :request_hash.

# LEFT JOIN it to read the live first response to this key (none once 24 hours old).
STORED_RESPONSE = """
LEFT JOIN idempotency_keys AS stored
  ON stored.client_id = :client_id AND stored.route = :route
 AND stored.idempotency_key = CAST(:idempotency_key AS text)
 AND stored.created_at > now() - interval '24 hours'"""

# CTEs recording the response (:response_status, :response_body) once the CTE `lead` wrote a row,
# and purging a bounded batch of this client's expired keys (row level security keeps a client's
# transaction to its own rows anyway). A conflicting row can only be an expired one (the
# key's lock is held and no live response was found), so it is overwritten. SKIP LOCKED: the purge
# never waits for another delivery.
RECORD_RESPONSE = f"""
recorded AS (
  INSERT INTO idempotency_keys (client_id, route, idempotency_key, request_hash, response_status,
                                response_body, created_at)
  SELECT :client_id, :route, CAST(:idempotency_key AS text), :request_hash, :response_status,
         CAST(:response_body AS json), now()
  FROM lead
  WHERE CAST(:idempotency_key AS text) IS NOT NULL
  ON CONFLICT (client_id, route, idempotency_key) DO UPDATE
    SET request_hash = EXCLUDED.request_hash, response_status = EXCLUDED.response_status,
        response_body = EXCLUDED.response_body, created_at = EXCLUDED.created_at
  RETURNING 1
),
purged AS (
  DELETE FROM idempotency_keys
  WHERE ctid = ANY (ARRAY(
    SELECT ctid FROM idempotency_keys
    WHERE CAST(:idempotency_key AS text) IS NOT NULL AND client_id = :client_id
      AND created_at <= now() - interval '24 hours'
      AND (route, idempotency_key) <> (:route, CAST(:idempotency_key AS text))
    ORDER BY created_at
    LIMIT {PURGE_BATCH}
    FOR UPDATE SKIP LOCKED))
)"""
