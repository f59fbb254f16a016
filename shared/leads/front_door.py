"""The front door: a lead posted to a public form (POST /f/{form_key}), through the defences in the
contract's order — the honeypot, the rate limits, then the intake (the same one as POST /api/lead)
with its quarantine signals — and the fill-time token its page carries."""
import time
from typing import Annotated, Literal

import pydantic
from pydantic import Field
from pydantic_core import PydanticCustomError

from shared.enrichment.extraction import find_phone
from shared.leads import forms, spam
from shared.leads.intake import FormPost, LeadRequest, intake
from shared.platform.exceptions import Forbidden

Outcome = Literal["accepted", "quarantined", "blocked"]


def _blank_is_none(value):
    return None if isinstance(value, str) and not value.strip() else value


def _nanp_phone(value: str | None) -> str | None:
    if value is None:
        return None
    phone = find_phone(value)
    if phone is None:
        raise PydanticCustomError("not_a_phone", "expected a North-American phone number (10 digits)")
    return phone


Optional = pydantic.BeforeValidator(_blank_is_none)


class FormLead(LeadRequest):
    """A form's fields (form-encoded, multipart or JSON): the webhook's, the phone, and the defences'
    own `_gotcha` (the honeypot) and `_ts` (the signed load time)."""

    message: Annotated[str | None, Optional, Field(max_length=5000)] = None
    language: Annotated[Literal["en", "fr"] | None, Optional] = None
    phone: Annotated[str | None, Optional, Field(max_length=40), pydantic.AfterValidator(_nanp_phone)] = None
    gotcha: str | None = Field(None, alias="_gotcha", max_length=5000)
    ts: str | None = Field(None, alias="_ts", max_length=100)


def check_origin(form: forms.PublicForm, origin: str | None, source_ip: str | None) -> None:
    """A post from a page on a site the form does not name is a 403, counted as blocked: a site that
    moved (to www., to a new name) loses its posts, and the form's stats tell the owner so."""
    if origin is not None and not form.allows(origin):
        forms.record_blocked(form, spam.ip_digest(source_ip))
        raise Forbidden("This form does not take posts from this site.")


def caught_by_honeypot(form: forms.PublicForm, fields: dict, source_ip: str | None) -> bool:
    """A filled `_gotcha` (people never see it): counted as blocked, nothing else stored. Checked
    before the fields are validated, so a bot learns nothing from a 422: any value but an empty
    string fills it (a number or a list in a JSON post too)."""
    gotcha = fields.get("_gotcha")
    if not (gotcha.strip() if isinstance(gotcha, str) else gotcha is not None):
        return False
    forms.record_blocked(form, spam.ip_digest(source_ip))
    return True


def submit(form: forms.PublicForm, lead: FormLead, source_ip: str | None, now: float | None = None) -> Outcome:
    """Store the post through the intake (429 past a rate limit, nothing stored); quarantined when its
    token, its text or (in the intake) its intent or repeats say so."""
    now = time.time() if now is None else now
    token = spam.token_signal(lead.ts, form.form_key, now, form.min_fill_seconds)
    signals = ([token] if token else []) + spam.content_signals(lead.message, form.client_language)
    post = FormPost(form.form_id, spam.ip_digest(source_ip), tuple(signals), lead.phone)
    result = intake(form.client, lead, form=post)  # a FormLead is a LeadRequest: the webhook's own path
    return "quarantined" if result.quarantined else "accepted"


def token(form: forms.PublicForm, now: float | None = None) -> dict:
    """GET /f/{form_key}/token: a signed issue time."""
    now = time.time() if now is None else now
    return {"token": spam.issue_token(form.form_key, now), "issued_at": int(now)}
