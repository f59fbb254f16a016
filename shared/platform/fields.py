"""Field types the request models share, so that the server's rule and the OpenAPI document's are one."""
from typing import Annotated, Literal

import pydantic
from pydantic_core import PydanticCustomError

# A lead's stage in its life (lead_memory.current_tag).
Tag = Literal["Active", "Follow-Up", "Converted", "Archived", "Deleted"]

# A character str.strip() keeps. Python also strips \x1c-\x1f and \x85, which a JSON Schema \s does
# not know, so they are named: a document pattern must never allow what the server strips away.
_KEPT = r"[^\s\x1c-\x1f\x85]"
NOT_BLANK = _KEPT
# A website: no whitespace, and a dot between two other characters somewhere (`example.ca`).
WEBSITE = rf"^{_KEPT}*[^\s\x1c-\x1f\x85.]\.[^\s\x1c-\x1f\x85.]{_KEPT}*$"


def text(max_length: int) -> type[str]:
    """Text of 1..max_length characters once stripped of surrounding whitespace."""
    return Annotated[str, pydantic.StringConstraints(strip_whitespace=True, min_length=1, max_length=max_length,
                                                     pattern=NOT_BLANK)]

# email-validator (pydantic's EmailStr) refuses special-use domains such as `x@shop.test`, which a
# JSON Schema "email" format allows: the document says so with this pattern (any letter case).
_SPECIAL_USE = "|".join("".join(f"[{c}{c.upper()}]" for c in name) for name in
                        ("arpa", "invalid", "local", "localhost", "onion", "test"))
EMAIL = rf"^(?![^@]*@(?:[^@]*\.)?(?:{_SPECIAL_USE})$)"
Email = Annotated[pydantic.EmailStr, pydantic.Field(json_schema_extra={"pattern": EMAIL})]


class RequestModel(pydantic.BaseModel):
    """The base of every request body and query model: no text field may hold U+0000, which
    PostgreSQL text cannot store (a 422 naming the field, with the other problems found)."""

    @pydantic.field_validator("*", mode="after")
    @classmethod
    def _storable_text(cls, value):
        if isinstance(value, str) and "\x00" in value:
            raise PydanticCustomError("nul_character", "must not contain the NUL character (U+0000)")
        return value
