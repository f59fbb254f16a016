"""Clients and their API keys: creation, authentication by key digest, the internal client.
Keys are stored only as `sha256:<hex>`; a legacy plaintext key authenticates once and is upgraded."""
import hashlib
import re
import secrets
import uuid
from dataclasses import dataclass

import bcrypt
from pg8000.exceptions import DatabaseError

from shared import db
from shared.exceptions import Conflict, ValidationFailed

INTERNAL_CLIENT_ID = uuid.UUID("00000000-0000-0000-0000-000000000001")
PLACEHOLDER_KEY = "internal-api-key-placeholder"
_KEY_FORMAT = re.compile(r"^avk_[0-9a-f]{8}_")


@dataclass(frozen=True)
class Client:
    client_id: uuid.UUID
    business_name: str
    is_internal: bool
    is_test: bool
    key_prefix: str


def new_api_key() -> str:
    """`avk_<8 hex public prefix>_<secret>`: the prefix tells keys apart in logs."""
    return f"avk_{secrets.token_hex(4)}_{secrets.token_urlsafe(32)}"


def key_digest(key: str) -> str:
    return "sha256:" + hashlib.sha256(key.encode()).hexdigest()


def key_fingerprint(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()[:12]


def key_prefix(key: str) -> str:
    return key[:12] if _KEY_FORMAT.match(key) else "legacy"


def is_test_email(email: str) -> bool:
    """The schema reference: a test client's email contains "test" or "example.com"."""
    lowered = email.lower()
    return "test" in lowered or "example.com" in lowered


def hash_password(password: str) -> str:
    if len(password.encode()) > 72:
        raise ValidationFailed("Password too long.", details=[{"field": "password",
                                                               "message": "at most 72 bytes (bcrypt's limit)"}])
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt()).decode()


AUTHENTICATE = """
SELECT client_id, business_name, coalesce(is_internal, false) AS is_internal,
       coalesce(is_test, false) AS is_test, api_key LIKE 'sha256:%' AS hashed
FROM clients
WHERE (api_key = :digest OR (api_key = :plain AND api_key NOT LIKE 'sha256:%'))
  AND api_key <> 'internal-api-key-placeholder'
"""

UPGRADE_PLAINTEXT_KEY = """
UPDATE clients SET api_key = :digest WHERE client_id = :client_id AND api_key = :plain
"""


def authenticate(key: str) -> Client | None:
    """The client owning `key`, or None. The reference's placeholder key never authenticates."""
    if key == PLACEHOLDER_KEY or len(key) > 500:
        return None
    with db.transaction() as conn:
        row = db.query_one(conn, AUTHENTICATE, digest=key_digest(key), plain=key)
        if row is None:
            return None
        if not row["hashed"]:
            conn.run(UPGRADE_PLAINTEXT_KEY, digest=key_digest(key), client_id=row["client_id"], plain=key)
    return Client(row["client_id"], row["business_name"], row["is_internal"], row["is_test"], key_prefix(key))


INSERT_CLIENT = """
INSERT INTO clients (client_id, business_name, email, password_hash, api_key, is_test, is_internal)
VALUES (:client_id, :business_name, :email, :password_hash, :api_key, :is_test, false)
"""


def create_client(business_name: str, email: str, password: str | None = None) -> tuple[uuid.UUID, str]:
    """A new client; returns (client_id, api_key) — the only time the key exists in clear."""
    client_id, key = uuid.uuid4(), new_api_key()
    password_hash = hash_password(password or secrets.token_urlsafe(24))
    try:
        with db.transaction() as conn:
            conn.run(INSERT_CLIENT, client_id=client_id, business_name=business_name, email=email,
                     password_hash=password_hash, api_key=key_digest(key), is_test=is_test_email(email))
    except DatabaseError as e:
        if db.sqlstate(e) == "23505":
            raise Conflict(f"A client with email {email!r} already exists.") from None
        raise
    return client_id, key


ISSUE_INTERNAL_KEY = """
INSERT INTO clients (client_id, business_name, email, password_hash, api_key, is_internal, is_test)
VALUES (:client_id, :business_name, :email, :password_hash, :api_key, true, false)
ON CONFLICT (client_id) DO UPDATE SET api_key = EXCLUDED.api_key, is_internal = true, last_rotated = now()
"""


def issue_internal_key(business_name: str, email: str, password: str | None = None) -> tuple[uuid.UUID, str]:
    """A fresh key for the reference's internal client (created if absent)."""
    key = new_api_key()
    with db.transaction() as conn:
        conn.run(ISSUE_INTERNAL_KEY, client_id=INTERNAL_CLIENT_ID, business_name=business_name, email=email,
                 password_hash=hash_password(password or secrets.token_urlsafe(24)), api_key=key_digest(key))
    return INTERNAL_CLIENT_ID, key
