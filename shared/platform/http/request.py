"""One request and its answer, whichever runtime brought it: the body read within its limit, JSON
parsed and validated into a route's model (422 naming each field), and the responses routes return."""
import email.parser
import email.policy
import json
import re
import urllib.parse
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import pydantic

from shared.platform import fields, timestamps
from shared.platform.exceptions import (
    REASONS,
    AvenirError,
    InvalidJson,
    PayloadTooLarge,
    UnsupportedMediaType,
    ValidationFailed,
)

MAX_BODY_BYTES = 64 * 1024  # a route's limit unless it names its own (req.json(max_bytes=...))
MAX_JSON_DEPTH = 64  # objects and arrays nested deeper than this are refused (400)
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:@/+=-]{1,128}$")  # a caller's X-Request-Id we repeat in logs


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]  # lower-case names
    query: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    path_params: dict[str, str] = field(default_factory=dict)
    request_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    scheduled_event: dict | None = None  # set for EventBridge / CloudEvent triggers
    client: Any = None  # who the route's authenticator found (shared/clients/credentials.py)
    # The sender's address: API Gateway's sourceIp, or the connection's peer (never X-Forwarded-For).
    source_ip: str | None = None
    # Reads at most n bytes of a body not read yet (a served request's stream); None once read.
    reader: Callable[[int], bytes] | None = None
    body_left_unread: bool = False  # the body was refused at its limit, or before it was read

    def refused_body_unread(self) -> bool:
        """Whether part of a sent body was never read: refused before reading, or at its limit."""
        sent = _declared_length(self.headers) > 0 or "chunked" in self.headers.get("transfer-encoding", "")
        return self.body_left_unread or (self.reader is not None and sent)

    def read_body(self, max_bytes: int = MAX_BODY_BYTES) -> bytes:
        """The body, read only up to max_bytes + 1 bytes, so that a huge or endless (chunked) body
        costs no memory: 413 when it is longer, whether or not it declared its length."""
        if self.reader is not None:
            if _declared_length(self.headers) > max_bytes:
                raise PayloadTooLarge(f"Body is {_declared_length(self.headers)} bytes; the limit is {max_bytes}.")
            reader, self.reader = self.reader, None
            try:
                self.body = reader(max_bytes + 1)
                self.body_left_unread = len(self.body) > max_bytes
            except Exception as e:  # a malformed chunked encoding, a client gone mid-body
                self.body_left_unread = True
                raise InvalidJson(f"The request body could not be read ({type(e).__name__}).") from None
        if len(self.body) > max_bytes:
            raise PayloadTooLarge(f"Body is over {max_bytes} bytes, the limit of this route.")
        return self.body

    def json(self, max_bytes: int = MAX_BODY_BYTES, text_plain_too: bool = False) -> dict:
        """The body as a JSON object: 413 over max_bytes (64 KiB unless the route says otherwise),
        415 for a non-JSON content type (text/plain too, unless text_plain_too: Amazon SNS posts its
        JSON as text/plain), 400 when it does not parse, is nested deeper than MAX_JSON_DEPTH or is
        not an object."""
        body = self.read_body(max_bytes)
        content_type = self.headers.get("content-type", "").split(";")[0].strip().lower()
        json_type = content_type == "application/json" or content_type.endswith("+json") or (
            text_plain_too and content_type == "text/plain")
        if body and content_type and not json_type:
            raise UnsupportedMediaType(f"Expected Content-Type application/json, got {content_type!r}.")
        if not body.strip():
            raise InvalidJson("Expected a JSON object body, got an empty body.")
        too_deep = InvalidJson(f"Body is nested deeper than {MAX_JSON_DEPTH} levels.")
        try:
            data = json.loads(body)
        except (ValueError, UnicodeDecodeError) as e:
            raise InvalidJson(f"Body is not valid JSON: {e}.") from None
        except RecursionError:
            raise too_deep from None
        if json_depth(data) > MAX_JSON_DEPTH:
            raise too_deep
        if not isinstance(data, dict):
            raise InvalidJson(f"Expected a JSON object, got {type(data).__name__}.")
        return data

    def form_fields(self, max_bytes: int = MAX_BODY_BYTES) -> dict[str, str]:
        """The body's fields, as a browser's form posts them (application/x-www-form-urlencoded, or
        multipart/form-data, whose text fields only are kept: a file is dropped unread) or as a JSON
        object (its values as they are); a field given twice keeps its first value. 415 for another
        content type."""
        content_type = self.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type in ("application/json", "") or content_type.endswith("+json"):
            return self.json(max_bytes)
        body = self.read_body(max_bytes)
        if content_type == "application/x-www-form-urlencoded":
            try:
                pairs = urllib.parse.parse_qsl(body.decode(), keep_blank_values=True, max_num_fields=100)
            except UnicodeDecodeError:
                raise InvalidJson("The form body is not UTF-8 text (send the page as UTF-8, or "
                                  "accept-charset=\"UTF-8\" on the form).") from None
            except ValueError:
                raise InvalidJson("The form body has more than 100 fields.") from None
            return _first_values(pairs)
        if content_type == "multipart/form-data":
            return _first_values(_multipart_text_fields(self.headers["content-type"], body))
        raise UnsupportedMediaType("Expected application/x-www-form-urlencoded, multipart/form-data or "
                                   f"application/json, got {content_type!r}.")

    def parse(self, model: type[pydantic.BaseModel], data: Any = None):
        """Validate the JSON body (or `data`, such as the query) into a pydantic model; 422 listing
        each bad field."""
        try:
            return model.model_validate(self.json() if data is None else data)
        except pydantic.ValidationError as e:
            raise ValidationFailed("The request does not match the expected fields.",
                                   details=validation_details(e)) from None


def _first_values(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    fields: dict[str, str] = {}
    for name, value in pairs:
        fields.setdefault(name, value)
    return fields


def _multipart_text_fields(content_type: str, body: bytes) -> list[tuple[str, str]]:
    """The text fields of a multipart/form-data body (RFC 7578), read by the standard library's MIME
    parser; parts with a filename (files) are skipped."""
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + body)
    if not message.is_multipart():
        raise InvalidJson("The multipart/form-data body could not be read (no boundary, or no parts).")
    fields = []
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if name is None or part.get_filename() is not None:
            continue
        payload = part.get_payload(decode=True) or b""
        try:
            fields.append((str(name), payload.decode(part.get_content_charset() or "utf-8")))
        except (UnicodeDecodeError, LookupError):
            raise InvalidJson(f"The form field {name!r} is not UTF-8 text.") from None
    return fields


def _declared_length(headers: dict[str, str]) -> int:
    try:
        return int(headers.get("content-length") or 0)
    except ValueError:
        return 0


def json_depth(value: Any) -> int:
    """How deeply objects and arrays nest in a decoded JSON value (a scalar is 0), without recursion."""
    depth, level = 0, [(value, 1)]
    while level:
        item, at = level.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        if children is not None:
            depth = max(depth, at)
            level.extend((child, at + 1) for child in children)
    return depth


def validation_details(error: pydantic.ValidationError) -> list[dict]:
    """Each problem as `{"field", "reason", "message"}`: the field's path (`prospects[0].website`),
    why, as a code a page can say in its own language (REASONS), and pydantic's words."""
    details = []
    for problem in error.errors(include_url=False):
        name = ""
        for part in problem["loc"]:
            name += f"[{part}]" if isinstance(part, int) else (f".{part}" if name else str(part))
        details.append({"field": name or "body", "reason": reason(problem), "message": problem["msg"]})
    return details


def reason(problem: dict) -> str:
    """The reason code of one pydantic problem, by its error type (a custom error named after a
    reason is that reason; a broken pattern, the reason registered with it in fields.matching)."""
    kind = problem["type"]
    if kind in REASONS:
        return kind
    if kind == "string_pattern_mismatch":
        return fields.PATTERN_REASONS.get((problem.get("ctx") or {}).get("pattern"), "invalid")
    if kind in _WRONG_TYPE or kind.endswith("_type"):
        return "wrong_type"
    return _REASON_OF_TYPE.get(kind, "invalid")


_REASON_OF_TYPE = {
    "missing": "required", "string_too_long": "too_long", "too_long": "too_long", "bytes_too_long": "too_long",
    "string_too_short": "too_short", "too_short": "too_short", "bytes_too_short": "too_short",
    "greater_than": "out_of_range", "greater_than_equal": "out_of_range", "less_than": "out_of_range",
    "less_than_equal": "out_of_range", "date_out_of_range": "out_of_range", "finite_number": "out_of_range",
    "literal_error": "not_allowed", "enum": "not_allowed", "extra_forbidden": "unknown_field",
    "url_parsing": "not_a_url", "url_scheme": "not_a_url", "url_syntax_violation": "not_a_url",
}
_WRONG_TYPE = {"int_parsing", "float_parsing", "bool_parsing", "int_from_float", "decimal_parsing", "none_required",
               "model_attributes_type", "is_instance_of"}


@dataclass
class Response:
    status: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)
    log_fields: dict[str, Any] = field(default_factory=dict)  # what the request's log line adds

    def text(self) -> str:
        return json.dumps(timestamps.respelled(self.body), default=str)

    def chunks(self) -> Iterable[bytes]:
        """The body as bytes: JSON, or a file's bytes (see `raw`), or a stream of them."""
        if isinstance(self.body, bytes):
            return [self.body]
        if self.headers.get("Content-Type", "application/json").startswith("application/json"):
            return [self.text().encode()]
        return self.body


def ok(body: Any, status: int = 200) -> Response:
    return Response(status, body)


def no_content() -> Response:
    return Response(204, b"")


def raw(body: bytes | Iterable[bytes], content_type: str, status: int = 200, **headers: str) -> Response:
    """A response that is not JSON: a page, an asset, a CSV file (bytes, or an iterable of bytes
    that is streamed out as it is produced)."""
    return Response(status, body, {"Content-Type": content_type, **headers})


def error_response(error: AvenirError) -> Response:
    envelope = {"code": error.code, "message": error.message}
    if error.details is not None:
        envelope["details"] = error.details
    return Response(error.status, {"error": envelope}, dict(error.headers))


def request_id(caller_id: str | None) -> str:
    """The caller's X-Request-Id when it is short and printable (it is repeated in logs and headers),
    else a new one."""
    return caller_id if caller_id and _REQUEST_ID.match(caller_id) else uuid.uuid4().hex
