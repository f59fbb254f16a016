"""Field types the request models share, so that the server's rule and the OpenAPI document's are one."""
import datetime
import re
from typing import Annotated, Literal

import pydantic
from pydantic_core import PydanticCustomError

# A lead's stage in its life (lead_memory.current_tag).
Tag = Literal["Active", "Follow-Up", "Converted", "Archived", "Deleted"]

# A character str.strip() keeps. Python also strips \x1c-\x1f and \x85, which a JSON Schema \s does
# not know, so they are named: a document pattern must never allow what the server strips away.
_KEPT = r"[^\s\x1c-\x1f\x85]"
NOT_BLANK = _KEPT
# Why a value breaks a pattern, as a 422 detail's `reason` says it (shared/platform/http/request.py);
# a pattern not registered here is `invalid`.
PATTERN_REASONS: dict[str, str] = {}


def matching(pattern: str, reason: str) -> str:
    """A pattern for StringConstraints, registered with the reason a value that breaks it gets."""
    PATTERN_REASONS[pattern] = reason
    return pattern


# A website: no whitespace, and a dot between two other characters somewhere (`example.ca`).
WEBSITE = matching(rf"^{_KEPT}*[^\s\x1c-\x1f\x85.]\.[^\s\x1c-\x1f\x85.]{_KEPT}*$", "not_a_url")

# An http(s) address: its host (and port) without spaces, quotes or angle brackets, then a path,
# query or fragment without spaces. One written without its scheme (`www.demo-roofing.ca/booking`)
# is completed with https:// before the check, as a person means it.
HTTP_URL = matching(r"^[hH][tT][tT][pP][sS]?://[^\s/?#\"'<>\\`]+(?:[/?#]\S*)?$", "not_a_url")
_BARE_HOST = re.compile(r"^[^\s/?#:\"'<>\\`]+\.[^\s/?#:\"'<>\\`]+(?:[/?#]\S*)?$")


def _with_scheme(value):
    if isinstance(value, str):
        value = value.strip()
        if _BARE_HOST.match(value):
            return "https://" + value
    return value


# What the document says a caller may send: an http(s) address, or one without its scheme.
_HTTP_URL_SENT = r"^(?:[hH][tT][tT][pP][sS]?://[^\s/?#\"'<>\\`]+|[^\s/?#:\"'<>\\`]+\.[^\s/?#:\"'<>\\`]+)(?:[/?#]\S*)?$"
HttpUrl = Annotated[str, pydantic.BeforeValidator(_with_scheme),
                    pydantic.StringConstraints(strip_whitespace=True, max_length=2048, pattern=HTTP_URL),
                    # at most 2040 as sent: a bare host is 8 longer once completed with https://
                    pydantic.WithJsonSchema({"type": "string", "maxLength": 2040, "pattern": _HTTP_URL_SENT})]


def text(max_length: int) -> type[str]:
    """Text of 1..max_length characters once stripped of surrounding whitespace."""
    return Annotated[str, pydantic.StringConstraints(strip_whitespace=True, min_length=1, max_length=max_length,
                                                     pattern=NOT_BLANK)]

# email-validator (pydantic's EmailStr) refuses special-use domains such as `x@shop.test`, which a
# JSON Schema "email" format allows: the document says so with this pattern (any letter case).
_SPECIAL_USE = "|".join("".join(f"[{c}{c.upper()}]" for c in name) for name in
                        ("arpa", "invalid", "local", "localhost", "onion", "test"))
EMAIL = rf"^(?![^@]*@(?:[^@]*\.)?(?:{_SPECIAL_USE})$)"


def _an_email(value, handler):
    """email-validator's refusal, as a reason of its own (`not_an_email`; a non-string stays `wrong_type`)."""
    if not isinstance(value, str):
        return handler(value)
    try:
        return handler(value)
    except pydantic.ValidationError as e:
        raise PydanticCustomError("not_an_email", "expected an email address: {problem}",
                                  {"problem": e.errors(include_url=False)[0]["msg"]}) from None


Email = Annotated[pydantic.EmailStr, pydantic.WrapValidator(_an_email),
                  pydantic.Field(json_schema_extra={"pattern": EMAIL})]


# --- bounds: what PostgreSQL and Python can both hold, so no value reaches the driver that it
# cannot convert (issue 27: a date it could not convert left the connection out of step) -------

# Every date and timestamp the API takes is in the years 1900 to 2099 as written: any UTC offset
# (at most a day) then moves it at most into 1899 or 2100, which Python's datetime (years 1 to
# 9999), PostgreSQL's timestamptz and the inbox's cursor (microseconds since 1970, 17 digits)
# all hold; the nightly job's windows (60 days back) stay in range too. Nothing the product
# records is older than 1900 or meant for after 2099.
MIN_YEAR, MAX_YEAR = 1900, 2099
DATE_PATTERN = r"^(19|20)[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"
_ANY_YEAR_DATE = r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"  # then its year is checked: out_of_range
DATE_TIME_PATTERN = r"^(19|20)[0-9]{2}-"  # with format date-time, which says the rest
_DATE_RULE = f"a date as YYYY-MM-DD between {MIN_YEAR}-01-01 and {MAX_YEAR}-12-31"
MAX_AMOUNT = 1_000_000_000  # an amount in the client's currency (a conversion's value): far above any
# one sale of a small service business, and a period's sum of them stays a finite, exact float


def _within_years(value: datetime.date) -> datetime.date:
    """A date or timestamp (its year as written, before any offset is applied) in MIN_YEAR..MAX_YEAR."""
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise PydanticCustomError("date_out_of_range", "expected a year between {low} and {high}, got {year}",
                                  {"low": MIN_YEAR, "high": MAX_YEAR, "year": value.year})
    return value


def _plain_date(value):
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value
    if not (isinstance(value, str) and re.match(_ANY_YEAR_DATE, value)):
        raise PydanticCustomError("date_format", f"expected {_DATE_RULE}")
    return value


# A date written YYYY-MM-DD, years 1900 to 2099.
Date = Annotated[datetime.date, pydantic.BeforeValidator(_plain_date), pydantic.AfterValidator(_within_years),
                 pydantic.WithJsonSchema({"type": "string", "format": "date", "pattern": DATE_PATTERN})]
# A timestamp (ISO 8601, any offset) or a date, years 1900 to 2099 as written.
Moment = Annotated[datetime.datetime | datetime.date, pydantic.AfterValidator(_within_years),
                   pydantic.WithJsonSchema({"anyOf": [
                       {"type": "string", "format": "date-time", "pattern": DATE_TIME_PATTERN},
                       {"type": "string", "format": "date", "pattern": DATE_PATTERN}]})]


class RequestModel(pydantic.BaseModel):
    """The base of every request body and query model: no text field may hold U+0000, which
    PostgreSQL text cannot store (a 422 naming the field, with the other problems found). An unpaired
    surrogate (`"\\ud800"` in JSON), which has no UTF-8 form, pydantic's str already refuses."""

    @pydantic.field_validator("*", mode="after")
    @classmethod
    def _storable_text(cls, value):
        if isinstance(value, str) and "\x00" in value:
            raise PydanticCustomError("nul_character", "must not contain the NUL character (U+0000)")
        return value


def given_only():
    """A PATCH field that may be left out but not cleared: no default in the document; its model
    refuses null with `refuse_null`."""
    return pydantic.Field(None, json_schema_extra=lambda schema: schema.pop("default", None))


def refuse_null(value):
    """A field_validator (mode="before") of given_only fields: null is a 422 naming the field."""
    if value is None:
        raise PydanticCustomError("required", "cannot be cleared: give a value")
    return value
