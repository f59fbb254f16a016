"""A client's public web forms (POST/GET /api/forms, PATCH/DELETE /api/forms/{form_id}): each has a
public form_key that only lets leads in, from its allowed origins; and what a post to one needs of
the database besides the intake (its form by key, the honeypot's count, the rate limits)."""
import contextlib
import datetime
import re
import secrets
import uuid
from dataclasses import dataclass
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, field_validator

from shared.clients.accounts import Client
from shared.enrichment import Language
from shared.leads import form_pages
from shared.platform import db, fields, sql
from shared.platform.exceptions import NotFound, TooManyPosts

Q = sql.load(__file__)

SENDER_LIMIT, SENDER_WINDOW = 5, "10 minutes"  # posts from one IP to one form
FORM_LIMIT, FORM_WINDOW = 500, "24 hours"  # posts to one form
_DEFAULT_PORTS = {"http": "80", "https": "443"}
_ORIGIN_PARTS = re.compile(r"(https?)://([^/:?#@\s]+)(?::(\d{1,5}))?/?", re.I)


def _as_browsers_send_it(value):
    """An origin as a browser writes it in `Origin`: lower case, an international name in its ASCII
    form, no default port ("https://Rénovations-Lévis.ca:443/" -> "https://xn--rnovations-lvis-bnbl.ca").
    What does not read as an origin is left for the pattern to refuse."""
    parts = _ORIGIN_PARTS.fullmatch(value.strip()) if isinstance(value, str) else None
    if parts is None:
        return value
    scheme, host, port = parts[1].lower(), parts[2], parts[3]
    with contextlib.suppress(UnicodeError):
        host = host.encode("idna").decode("ascii")
    return f"{scheme}://{host.lower()}" + (f":{port}" if port and port != _DEFAULT_PORTS[scheme] else "")


# A web origin as a browser sends it in `Origin`: scheme, host, optional port (1 to 65535); nothing after.
_PORT = r"([1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])"
Origin = Annotated[str, StringConstraints(max_length=255, pattern=fields.matching(
                       rf"^https?://[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:{_PORT})?$", "not_a_url")),
                   BeforeValidator(_as_browsers_send_it)]
Origins = Annotated[list[Origin], Field(min_length=1, max_length=10)]
MinFill = Annotated[int, Field(ge=0, le=60)]


class FormRequest(fields.RequestModel):
    """POST /api/forms."""

    model_config = ConfigDict(extra="forbid")

    name: fields.text(200) | None = None
    allowed_origins: Origins
    thank_you_url: fields.HttpUrl | None = None
    min_fill_seconds: MinFill = 3
    language: Language | None = Field(None, description="The form's words; default: the client's language.")


class FormChange(fields.RequestModel):
    """PATCH /api/forms/{form_id}: any subset; `null` clears name or thank_you_url, and is a 422 for
    the others."""

    model_config = ConfigDict(extra="forbid")

    name: fields.text(200) | None = None
    allowed_origins: Origins = fields.given_only()
    thank_you_url: fields.HttpUrl | None = None
    min_fill_seconds: MinFill = fields.given_only()
    language: Language = fields.given_only()
    enabled: bool = fields.given_only()

    _not_cleared = field_validator("allowed_origins", "min_fill_seconds", "language", "enabled",
                                   mode="before")(fields.refuse_null)


class Form(BaseModel):
    form_id: uuid.UUID
    form_key: str = Field(description="Public: it may sit in a web page, and only lets leads in.")
    name: str | None
    allowed_origins: list[str]
    thank_you_url: str | None
    min_fill_seconds: int
    language: str
    enabled: bool
    embed_html: str = Field(description="A ready-to-paste HTML form for the client's site.")
    created_at: datetime.datetime

    @classmethod
    def of(cls, row: dict) -> "Form":
        fields_ = {name: row[name] for name in cls.model_fields if name != "embed_html"}
        return cls(**fields_, embed_html=form_pages.embed_html(row["form_key"], row["language"]))


class FormStats(BaseModel):
    accepted_today: int
    quarantined_today: int
    blocked_today: int


class ListedForm(Form):
    stats: FormStats


class FormList(BaseModel):
    forms: list[ListedForm]


def create(client: Client, request: FormRequest) -> Form:
    form_key = "avf_" + secrets.token_urlsafe(24)
    with db.transaction(client_id=client.client_id) as conn:
        row = db.query_one(conn, Q.create_form, client_id=client.client_id, form_key=form_key, name=request.name,
                           allowed_origins=_origins(request.allowed_origins), thank_you_url=request.thank_you_url,
                           min_fill_seconds=request.min_fill_seconds, language=request.language)
    return Form.of(row)


def list_forms(client: Client) -> FormList:
    rows = db.client_read(client.client_id, Q.list_forms, client_id=client.client_id)
    return FormList(forms=[ListedForm(**Form.of(row).model_dump(), stats=FormStats(**row)) for row in rows])


def change(client: Client, form_id: uuid.UUID, request: FormChange) -> Form:
    given = request.model_fields_set
    with db.transaction(client_id=client.client_id) as conn:
        row = db.query_one(conn, Q.change_form, form_id=form_id, client_id=client.client_id, name=request.name,
                           clear_name="name" in given and request.name is None,
                           allowed_origins=_origins(request.allowed_origins) if request.allowed_origins else None,
                           thank_you_url=request.thank_you_url,
                           clear_thank_you_url="thank_you_url" in given and request.thank_you_url is None,
                           min_fill_seconds=request.min_fill_seconds, language=request.language,
                           enabled=request.enabled)
    if row is None:
        raise NotFound(f"No form {form_id} for this client.")
    return Form.of(row)


def delete(client: Client, form_id: uuid.UUID) -> None:
    with db.transaction(client_id=client.client_id) as conn:
        if not db.query(conn, Q.delete_form, form_id=form_id, client_id=client.client_id):
            raise NotFound(f"No form {form_id} for this client.")


def _origins(origins: list[str]) -> list[str]:
    """Each origin once."""
    return list(dict.fromkeys(origins))


# --- a post to a form --------------------------------------------------------------------------

@dataclass(frozen=True)
class PublicForm:
    """An enabled form as a public post finds it by its key, with its client."""

    form_id: uuid.UUID
    form_key: str
    allowed_origins: list[str]
    thank_you_url: str | None
    min_fill_seconds: int
    language: str
    client: Client
    client_language: str

    def allows(self, origin: str | None) -> bool:
        return origin is not None and origin.lower().rstrip("/") in self.allowed_origins


def find(form_key: str) -> PublicForm | None:
    """The enabled form with this key (one round trip, as the API key lookup), or None."""
    if not form_key.startswith("avf_") or not form_key.isascii() or len(form_key) > 100:
        return None
    rows = db.admin_read(Q.find, form_key=form_key)
    if not rows:
        return None
    row = rows[0]
    client = Client(row["client_id"], row["business_name"], row["is_internal"], row["is_test"], key_prefix="form")
    return PublicForm(row["form_id"], row["form_key"], list(row["allowed_origins"]), row["thank_you_url"],
                      row["min_fill_seconds"], row["language"], client, row["client_language"])


def record_blocked(form: PublicForm, ip_digest: str) -> None:
    """Count a post the honeypot caught (nothing else is stored); one round trip."""
    with db.transaction(client_id=form.client.client_id) as conn:
        db.pipeline(conn, (Q.record_blocked, {"form_id": form.form_id, "ip_digest": ip_digest}), commit=True)


def rate_step(form_id: uuid.UUID, ip_digest: str) -> tuple[str, dict]:
    """The rate limits' read, a step of the intake's first round trip (see check_rate)."""
    return Q.rate, {"form_id": form_id, "ip_digest": ip_digest}


def check_rate(rate: dict) -> None:
    """429 with Retry-After when the post would be the 6th from its sender in 10 minutes, or the
    501st to its form in 24 hours."""
    if rate["sender_posts"] >= SENDER_LIMIT:
        raise TooManyPosts(f"More than {SENDER_LIMIT} posts from one sender to this form in {SENDER_WINDOW}.",
                           int(rate["sender_wait_s"] or 1))
    if rate["form_posts"] >= FORM_LIMIT:
        raise TooManyPosts(f"More than {FORM_LIMIT} posts to this form in {FORM_WINDOW}.",
                           int(rate["form_wait_s"] or 1))


def record_post_step(form_id: uuid.UUID, client_id: uuid.UUID, ip_digest: str, lead_id: uuid.UUID) -> tuple[str, dict]:
    """The post counted with its lead's outcome, a step of the intake's last round trip (after the write)."""
    return Q.record_post, {"form_id": form_id, "client_id": client_id, "ip_digest": ip_digest, "lead_id": lead_id}

