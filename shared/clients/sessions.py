"""Owner sessions: sign-in by email and password, opaque tokens kept only as digests for 12 hours,
the lockout after 10 failed sign-ins for one email in 15 minutes, sign-out and password changes."""
import datetime
import functools
import hashlib
import secrets
import uuid
from typing import Annotated

import bcrypt
import pydantic

from shared.clients import accounts
from shared.clients.accounts import Client
from shared.platform import db, fields, idempotency, sql
from shared.platform.exceptions import Forbidden, TooManyAttempts, Unauthorized

Q = sql.load(__file__)

TOKEN_PREFIX = "avs_"
SESSION_HOURS = 12
MAX_FAILURES, FAILURE_WINDOW_MINUTES = 10, 15
WRONG_CREDENTIALS = "Wrong email or password."


class LoginRequest(fields.RequestModel):
    email: Annotated[str, pydantic.StringConstraints(min_length=1, max_length=320)]
    password: Annotated[str, pydantic.StringConstraints(min_length=1, max_length=200)]


class LoginResponse(pydantic.BaseModel):
    token: str = pydantic.Field(description="Send it as `Authorization: Bearer <token>`; valid 12 hours.")
    expires_at: datetime.datetime
    client_id: uuid.UUID
    business_name: str
    language: str


class PasswordChange(fields.RequestModel):
    current_password: Annotated[str, pydantic.StringConstraints(min_length=1, max_length=200)]
    # The rule is 10 to 72 bytes of UTF-8 (bcrypt's limit), which JSON Schema cannot count: the
    # document promises the part it can say, printable ASCII of 10 to 72 characters.
    new_password: Annotated[str, pydantic.StringConstraints(min_length=10)] = pydantic.Field(
        json_schema_extra={"pattern": "^[\\x20-\\x7e]{10,72}$",
                           "description": "10 to 72 bytes in UTF-8; any printable ASCII of 10 to 72 characters"})

    @pydantic.field_validator("new_password")
    @classmethod
    def _bcrypt_length(cls, value: str) -> str:
        if len(value.encode()) > 72:
            raise ValueError("at most 72 bytes (bcrypt's limit)")
        return value


def token_digest(token: str) -> str:
    return "sha256:" + hashlib.sha256(token.encode()).hexdigest()


def email_digest(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


@functools.cache
def _dummy_hash() -> bytes:
    """What an unknown email's password is compared with, so both answers take a bcrypt check."""
    return bcrypt.hashpw(secrets.token_bytes(16), bcrypt.gensalt())


def login(email: str, password: str) -> LoginResponse:
    """A new session for the client with this email and password. An unknown email and a wrong
    password get the same 401 after the same bcrypt work; once 10 attempts for one email failed
    within 15 minutes, every attempt (right password or not) is a 429 until the window has passed."""
    row, attempt_id = _count_attempt(email_digest(email), email.strip())
    stored = row["password_hash"].encode() if row["client_id"] else _dummy_hash()
    if not (accounts.password_matches(password, stored) and row["client_id"]):
        raise Unauthorized(WRONG_CREDENTIALS)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with db.admin_transaction() as conn:
        _, started = db.pipeline(conn, (Q.forget_attempt, {"attempt_id": attempt_id}),
                                 (Q.start_session, {"client_id": row["client_id"], "token_digest": token_digest(token),
                                                    "hours": SESSION_HOURS}))
        expires_at = started[0]["expires_at"]
    return LoginResponse(token=token, expires_at=expires_at, client_id=row["client_id"],
                         business_name=row["business_name"], language=row["language"])


def _count_attempt(digest: str, email: str) -> tuple[dict, uuid.UUID]:
    """Under the email's lock (attempts take turns for milliseconds, not for a bcrypt check): 429
    when locked, else the attempt is recorded as failed until it succeeds."""
    with db.admin_transaction() as conn:
        _, (row,) = db.pipeline(conn, (Q.lock_login, {"id": idempotency.advisory_lock_id("login", digest)}),
                                (Q.read_attempt, {"email": email, "email_digest": digest,
                                                  "window": FAILURE_WINDOW_MINUTES, "max_failures": MAX_FAILURES}))
        if row["failures"] >= MAX_FAILURES:
            raise TooManyAttempts("Too many failed sign-ins for this email; try again later.",
                                  retry_after_seconds=row["seconds_left"])
        return row, db.query_one(conn, Q.record_attempt, email_digest=digest)["attempt_id"]


def authenticate(token: str) -> Client | None:
    """The client a live session token belongs to, or None."""
    rows = db.admin_read(Q.authenticate, token_digest=token_digest(token))
    if not rows:
        return None
    row = rows[0]
    return Client(row["client_id"], row["business_name"], row["is_internal"], row["is_test"], "session",
                  session_digest=token_digest(token))


def logout(client: Client) -> None:
    with db.admin_transaction() as conn:
        db.query(conn, Q.end_session, digest=client.session_digest)


def change_password(client: Client, current_password: str, new_password: str) -> None:
    """403 when current_password is not the client's; the client's other sessions end."""
    with db.admin_transaction() as conn:
        stored = db.query_one(conn, Q.lock_password, client_id=client.client_id)["password_hash"]
        if not accounts.password_matches(current_password, stored.encode()):
            raise Forbidden("The current password is not right; the password was not changed.")
        db.query(conn, Q.set_password, client_id=client.client_id, password_hash=accounts.hash_password(new_password),
                 keep_digest=client.session_digest)


def set_password(client_id: uuid.UUID, new_password: str) -> bool:
    """An operator's reset (`avenir client set-password`): every session of the client ends.
    False when there is no such client."""
    with db.admin_transaction() as conn:
        known = db.query(conn, Q.client_exists, client_id=client_id)
        if known:
            db.query(conn, Q.set_password, client_id=client_id, password_hash=accounts.hash_password(new_password),
                     keep_digest=None)
    return bool(known)
