"""Clients and their API keys: creation, authentication by key digest, rotation, the internal
client. Keys are stored only as `sha256:<hex>`; a legacy plaintext key authenticates once and is
upgraded. Key lookups cross clients by nature, so they use the admin transaction."""
import contextlib
import datetime
import functools
import hashlib
import re
import secrets
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import bcrypt
import pydantic
from pg8000.exceptions import DatabaseError

from shared.platform import db, settings, sql
from shared.platform.exceptions import Conflict, NotFound, Unauthorized, ValidationFailed

Q = sql.load(__file__)

INTERNAL_CLIENT_ID = uuid.UUID("00000000-0000-0000-0000-000000000001")
PLACEHOLDER_KEY = "internal-api-key-placeholder"
_KEY_FORMAT = re.compile(r"^avk_[0-9a-f]{8}_")


@dataclass(frozen=True)
class Client:
    client_id: uuid.UUID
    business_name: str
    is_internal: bool
    is_test: bool
    key_prefix: str  # what logs show of the credential: the key's public prefix, or "session"
    session_digest: str | None = None  # set when a session token, not an API key, authenticated


def new_api_key() -> str:
    """`avk_<8 hex public prefix>_<secret>`: the prefix tells keys apart in logs."""
    return f"avk_{secrets.token_hex(4)}_{secrets.token_urlsafe(32)}"


def key_digest(key: str) -> str:
    return "sha256:" + hashlib.sha256(key.encode()).hexdigest()


def key_fingerprint(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()[:12]


def stored_key_fingerprint(stored: str) -> str:
    """The fingerprint of the key a `clients.api_key` value stands for: a digest already holds it,
    a legacy plaintext key (or the reference's placeholder) is hashed here."""
    return stored[len("sha256:"):][:12] if stored.startswith("sha256:") else key_fingerprint(stored)


def key_prefix(key: str) -> str:
    return key[:12] if _KEY_FORMAT.match(key) else "legacy"


# Test data, decided here only, each rule as its source words it: the schema reference marks a client
# whose email contains "example.com", the contract (API.md, POST /api/lead) a lead whose email ends
# with it; so olivia@example.com.au is a test client's address but a real lead's.
_TEST_WORD, _TEST_DOMAIN = "test", "example.com"


def is_test_email(email: str) -> bool:
    """The schema reference: a test client's email contains "test" or "example.com" (any case)."""
    lowered = email.lower()
    return _TEST_WORD in lowered or _TEST_DOMAIN in lowered


def is_test_lead(client: Client, email: str) -> bool:
    """The contract: a test client's leads, and any email containing "test" or ending with
    "example.com" (any case), are test data."""
    lowered = email.lower()
    return client.is_test or _TEST_WORD in lowered or lowered.endswith(_TEST_DOMAIN)


def hash_password(password: str) -> str:
    if len(password.encode()) > 72:
        raise ValidationFailed("Password too long.", details=[{"field": "password", "reason": "too_long",
                                                               "message": "at most 72 bytes (bcrypt's limit)"}])
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(settings.bcrypt_rounds())).decode()


def password_matches(password: str, stored_hash: str | None) -> bool:
    """bcrypt's check, exactly one full check whatever is given, so every failing sign-in costs the
    same work: a password over bcrypt's 72 bytes can never have been set (hash_password refuses it)
    and is compared as a wrong one; an account without a usable hash (an unknown email: None; the
    reference's '$2a$10$placeholder'; anything else that is not a bcrypt hash) is checked against
    a stand-in hash and matches nothing."""
    candidate = password.encode()
    fits = len(candidate) <= 72
    candidate = candidate if fits else b"-"
    usable = stored_hash is not None and _BCRYPT_HASH.match(stored_hash) is not None
    if usable:
        try:
            return bcrypt.checkpw(candidate, stored_hash.encode()) and fits
        except ValueError:  # shaped like a bcrypt hash but not one (a salt bcrypt cannot read)
            pass
    bcrypt.checkpw(candidate, _stand_in_hash(settings.bcrypt_rounds()))
    return False


_BCRYPT_HASH = re.compile(r"^\$2[aby]\$(0[4-9]|[12][0-9]|3[01])\$[./A-Za-z0-9]{53}\Z")


@functools.cache
def _stand_in_hash(rounds: int) -> bytes:
    """What a password is checked against when there is no usable hash: a random one, hashed at the
    cost hash_password uses."""
    return bcrypt.hashpw(secrets.token_bytes(16), bcrypt.gensalt(rounds))


def authenticate(key: str) -> Client | None:
    """The client owning `key`, or None. The reference's placeholder key never authenticates."""
    if key == PLACEHOLDER_KEY or len(key) > 500:
        return None
    rows = db.admin_read(Q.authenticate, digest=key_digest(key), plain=key)
    if not rows:
        return None
    row = rows[0]
    if not row["hashed"]:
        with db.admin_transaction() as conn:
            db.query(conn, Q.upgrade_plaintext_key, digest=key_digest(key), client_id=row["client_id"], plain=key)
    return Client(row["client_id"], row["business_name"], row["is_internal"], row["is_test"], key_prefix(key))


def create_client(business_name: str, email: str, password: str | None = None) -> tuple[uuid.UUID, str]:
    """A new client; returns (client_id, api_key) — the only time the key exists in clear. An email
    another client has, but for ASCII case or surrounding spaces (schema/017), is a Conflict."""
    client_id, key = uuid.uuid4(), new_api_key()
    password_hash = hash_password(password or secrets.token_urlsafe(24))
    with _refusing_a_taken_email(email), db.admin_transaction() as conn:
        db.query(conn, Q.insert_client, client_id=client_id, business_name=business_name, email=email,
                 password_hash=password_hash, api_key=key_digest(key), is_test=is_test_email(email))
    return client_id, key


def issue_internal_key(business_name: str, email: str, password: str | None = None) -> tuple[uuid.UUID, str]:
    """A fresh key for the reference's internal client (created if absent, with `email`). With a
    password, it becomes the owner's and the client's sessions end; without one, an existing
    client keeps its password (a new row gets a random one)."""
    key = new_api_key()
    with _refusing_a_taken_email(email), db.admin_transaction() as conn:
        db.query(conn, Q.issue_internal_key, client_id=INTERNAL_CLIENT_ID, business_name=business_name,
                 email=email, password_hash=hash_password(password or secrets.token_urlsafe(24)),
                 api_key=key_digest(key), set_password=password is not None)
        if password is not None:  # the row is locked by the upsert: this snapshot holds every session
            db.query(conn, Q.end_sessions, client_id=INTERNAL_CLIENT_ID)
    return INTERNAL_CLIENT_ID, key


@contextlib.contextmanager
def _refusing_a_taken_email(email: str) -> Iterator[None]:
    try:
        yield
    except DatabaseError as e:
        if db.sqlstate(e) == "23505":
            raise Conflict(f"A client with email {email!r} already exists (emails are compared "
                           f"ignoring case and surrounding spaces).") from None
        raise


class RotatedKey(pydantic.BaseModel):
    """A rotation's answer: the new key, shown this once; the old one no longer authenticates."""
    client_id: uuid.UUID
    api_key: str = pydantic.Field(description="The new API key. Store it now: it is never shown again.")
    rotated_at: datetime.datetime


def rotate_key(client_id: uuid.UUID, presented_key: str | None = None, rotated_by: str = "api") -> RotatedKey:
    """Replace the client's key; the old one stops working when this commits, `last_rotated` is
    set and api_key_rotation_log gets one row of fingerprints. With `presented_key` (the route) the
    rotation happens only while that key is still the client's once its row is locked, so of two
    rotations racing with one key exactly one wins and the other is a 401. Without it (an
    operator) whatever key the client has is replaced; an unknown client is a 404 (for the
    route, whose key then names nobody, a 401)."""
    new_key = new_api_key()
    with db.admin_transaction() as conn:
        row = db.query_one(conn, Q.lock_client_key, client_id=client_id)
        if row is None and presented_key is None:
            raise NotFound(f"No client with id {client_id}.")
        if presented_key is not None and (row is None or not _is_current_key(row["api_key"], presented_key)):
            raise Unauthorized("Unknown or rotated API key.")
        stored = row["api_key"]
        rotated_at = db.query_one(conn, Q.rotate_key, client_id=client_id, new_digest=key_digest(new_key),
                                  old_fingerprint=stored_key_fingerprint(stored),
                                  new_fingerprint=key_fingerprint(new_key), rotated_by=rotated_by)["rotated_at"]
    return RotatedKey(client_id=client_id, api_key=new_key, rotated_at=rotated_at)


def _is_current_key(stored: str, presented: str) -> bool:
    if presented == PLACEHOLDER_KEY:
        return False
    expected = key_digest(presented) if stored.startswith("sha256:") else presented
    return secrets.compare_digest(stored.encode(), expected.encode())


class ClientSummary(pydantic.BaseModel):
    client_id: uuid.UUID
    business_name: str
    email: str
    is_internal: bool
    is_test: bool
    created_at: datetime.datetime | None
    last_login: datetime.datetime | None


def list_clients() -> list[ClientSummary]:
    """Every client, for an operator (`avenir client list`)."""
    return [ClientSummary(**row) for row in db.admin_read(Q.list_clients)]


def by_id(client_id: uuid.UUID) -> Client | None:
    """A client as an operator's command acts for it."""
    rows = db.admin_read(Q.client_by_id, client_id=client_id)
    return Client(**rows[0], key_prefix="operator") if rows else None
