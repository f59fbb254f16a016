"""Owner sessions: sign-in by email and password, opaque tokens kept only as digests for 12 hours,
the lockout after 10 failed sign-ins for one email in 15 minutes, sign-out and password changes."""
import datetime
import hashlib
import secrets
import uuid
from typing import Annotated

import pydantic
from pydantic_core import PydanticCustomError

from shared.clients import accounts
from shared.clients.accounts import Client
from shared.platform import db, fields, sql
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
            raise PydanticCustomError("too_long", "at most 72 bytes (bcrypt's limit)")
        return value


def token_digest(token: str) -> str:
    return "sha256:" + hashlib.sha256(token.encode()).hexdigest()


def login(email: str, password: str) -> LoginResponse:
    """A new session for the client with this email and password. An unknown email and a wrong
    password get the same 401 after the same bcrypt work; once 10 attempts for one email failed
    within 15 minutes, every attempt (right password or not) is a 429 until the window has passed.
    Emails are compared, and their attempts counted, by schema/017's client_email_key() alone."""
    row, attempt_id = _count_attempt(email)
    if not (accounts.password_matches(password, row["password_hash"]) and row["client_id"]):
        raise Unauthorized(WRONG_CREDENTIALS)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with db.admin_transaction() as conn:
        started = db.query_one(conn, Q.start_session, client_id=row["client_id"], token_digest=token_digest(token),
                               hours=SESSION_HOURS, verified_hash=row["password_hash"], attempt_id=attempt_id)
    if started is None:  # the password changed while it was being checked: the old one opens nothing
        raise Unauthorized(WRONG_CREDENTIALS)
    return LoginResponse(token=token, expires_at=started["expires_at"], client_id=row["client_id"],
                         business_name=row["business_name"], language=row["language"])


def _count_attempt(email: str) -> tuple[dict, uuid.UUID]:
    """Under the email's lock (attempts take turns for milliseconds, not for a bcrypt check): 429
    when locked, else the attempt is recorded as failed until it succeeds."""
    with db.admin_transaction() as conn:
        _, (row,) = db.pipeline(conn, (Q.lock_login, {"email": email}),
                                (Q.read_attempt, {"email": email, "window": FAILURE_WINDOW_MINUTES,
                                                  "max_failures": MAX_FAILURES}))
        return row, _record_attempt(conn, row)


def _count_password_attempt(client_id: uuid.UUID) -> tuple[dict, uuid.UUID]:
    """The password route's guess at the current password, counted on the sign-in's counter for
    the client's email, under the same lock, with the same 429 once it is locked; and the hash
    to check it against."""
    with db.admin_transaction() as conn:
        _, (row,) = db.pipeline(conn, (Q.lock_client_login, {"client_id": client_id}),
                                (Q.read_client_attempt, {"client_id": client_id, "window": FAILURE_WINDOW_MINUTES,
                                                         "max_failures": MAX_FAILURES}))
        return row, _record_attempt(conn, row)


def _record_attempt(conn, row: dict) -> uuid.UUID:
    if row["failures"] >= MAX_FAILURES:
        raise TooManyAttempts("Too many failed sign-ins for this email; try again later.",
                              retry_after_seconds=row["seconds_left"])
    return db.query_one(conn, Q.record_attempt, email_digest=row["email_digest"])["attempt_id"]


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
    """403 when current_password is not the client's, counted as a failed sign-in (429 once the
    email is locked); the client's other sessions end. The bcrypt work is done before the client's
    row is locked, and the change made only if the hash checked is still the client's then."""
    row, attempt_id = _count_password_attempt(client.client_id)
    if not accounts.password_matches(current_password, row["password_hash"]):
        raise Forbidden("The current password is not right; the password was not changed.")
    new_hash = accounts.hash_password(new_password)
    with db.admin_transaction() as conn:
        if db.query_one(conn, Q.lock_password, client_id=client.client_id)["password_hash"] != row["password_hash"]:
            raise Forbidden("The current password is not right any more (it changed meanwhile); "
                            "the password was not changed.")
        db.pipeline(conn, (Q.set_password, {"client_id": client.client_id, "keep_digest": client.session_digest,
                                            "password_hash": new_hash}),
                    (Q.forget_attempt, {"attempt_id": attempt_id}))


def set_password(client_id: uuid.UUID, new_password: str) -> bool:
    """An operator's reset (`avenir client set-password`): every session of the client ends, those
    of sign-ins still checking the old password included. False when there is no such client."""
    with db.admin_transaction() as conn:
        known = db.query(conn, Q.lock_password, client_id=client_id)
        if known:
            db.query(conn, Q.set_password, client_id=client_id, password_hash=accounts.hash_password(new_password),
                     keep_digest=None)
    return bool(known)
