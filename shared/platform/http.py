"""HTTP plumbing shared by every function: one Request built from a functions-framework (Flask)
request or an API Gateway HTTP API v2 / EventBridge event, JSON responses, routing, API-key
authentication, and the one place where errors become the contract's JSON envelope."""
import base64
import contextlib
import json
import logging
import re
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import pydantic

from shared.clients import accounts, sessions
from shared.platform import logs
from shared.platform.exceptions import (
    AvenirError,
    Forbidden,
    InvalidJson,
    MethodNotAllowed,
    NotFound,
    PayloadTooLarge,
    Unauthorized,
    UnsupportedMediaType,
    ValidationFailed,
)

log = logging.getLogger("avenir.http")
MAX_BODY_BYTES = 64 * 1024  # a route's limit unless it names its own (req.json(max_bytes=...))
MAX_JSON_DEPTH = 64  # objects and arrays nested deeper than this are refused (400)
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:@/+=-]{1,128}$")  # a caller's X-Request-Id we repeat in logs
# Every API key (avk_...) and session token (avs_...) is printable ASCII: anything else is unknown
# without a lookup (a NUL PostgreSQL would refuse, an unpaired surrogate no digest can encode).
_CREDENTIAL = re.compile(r"[\x21-\x7e]{1,500}")


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
    client: accounts.Client | None = None
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

    def json(self, max_bytes: int = MAX_BODY_BYTES) -> dict:
        """The body as a JSON object: 413 over max_bytes (64 KiB unless the route says otherwise),
        415 for a non-JSON content type, 400 when it does not parse, is nested deeper than
        MAX_JSON_DEPTH or is not an object."""
        body = self.read_body(max_bytes)
        content_type = self.headers.get("content-type", "").split(";")[0].strip().lower()
        if body and content_type and content_type != "application/json" and not content_type.endswith("+json"):
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

    def parse(self, model: type[pydantic.BaseModel], data: Any = None):
        """Validate the JSON body (or `data`, such as the query) into a pydantic model; 422 listing
        each bad field."""
        try:
            return model.model_validate(self.json() if data is None else data)
        except pydantic.ValidationError as e:
            raise ValidationFailed("The request does not match the expected fields.",
                                   details=validation_details(e)) from None


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
    details = []
    for problem in error.errors(include_url=False):
        name = ""
        for part in problem["loc"]:
            name += f"[{part}]" if isinstance(part, int) else (f".{part}" if name else str(part))
        details.append({"field": name or "body", "message": problem["msg"]})
    return details


@dataclass
class Response:
    status: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)
    log_fields: dict[str, Any] = field(default_factory=dict)  # what the request's log line adds

    def text(self) -> str:
        return json.dumps(self.body, default=str)

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


# --- routing --------------------------------------------------------------------------------

Handle = Callable[[Request], Response]
SCHEDULE = ("SCHEDULE", "/schedule")  # the route a scheduled event (EventBridge, CloudEvent) takes


@dataclass(frozen=True)
class Route:
    """One route of a function, declared once: what it answers (method, path), who answers
    (handle), and what the OpenAPI document says of it. The handle's docstring is the operation's
    summary (first line) and description; the models and statuses are its request and answers."""

    method: str
    path: str
    handle: Handle
    request: type[pydantic.BaseModel] | None = None  # the JSON body
    body_required: bool = True
    query: type[pydantic.BaseModel] | None = None  # its fields are the query parameters
    responses: dict[int, tuple[type[pydantic.BaseModel] | None, str]] = field(default_factory=dict)
    errors: tuple[int, ...] = ()  # statuses of the error envelope it may answer
    public: bool = False  # no credentials (sign-in, unsubscribe links, the dashboard's page)
    content_type: str = "application/json"  # of its success answers
    parameters: tuple[dict, ...] = ()  # OpenAPI parameters beyond path and query (headers)
    response_headers: dict[str, dict] = field(default_factory=dict)


class Routes:
    """A function's routes. A known path with another method is a 405, an unknown path a 404;
    a scheduler's event takes the SCHEDULE route and nothing else, an HTTP request never takes it."""

    def __init__(self, *routes: Route):
        self.routes = routes
        self.table = [(route.method, _pattern(route.path), route.handle) for route in routes]

    def dispatch(self, request: Request) -> Response:
        allowed = []
        for method, pattern, handle in self.table:
            if (method == SCHEDULE[0]) != (request.scheduled_event is not None):
                continue  # the scheduler's route answers its events only, never an HTTP request
            match = pattern.match(request.path)
            if match:
                if method == request.method:
                    request.path_params = {**match.groupdict(), **request.path_params}
                    return handle(request)
                allowed.append(method)
        if allowed:
            raise MethodNotAllowed(f"{request.method} is not allowed here; use {', '.join(sorted(allowed))}.",
                                   headers={"Allow": ", ".join(sorted(allowed))})
        raise NotFound(f"No route for {request.method} {request.path}.")


def _pattern(path: str) -> re.Pattern:
    """"/api/leads/{lead_id}/tag" -> a regex naming lead_id; a trailing slash is tolerated."""
    return re.compile("^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", path) + "/?\\Z")


def path_matches(path: str, request_path: str) -> bool:
    """Whether a route's path answers a request's path, as Routes.dispatch decides it."""
    return _pattern(path).match(request_path) is not None


# --- the two runtimes -----------------------------------------------------------------------

def serve(request: Request, routes: Routes) -> Response:
    """Run one request through its routes; every failure becomes the JSON envelope here, and every
    request one log line (4xx with its error code, 5xx with its cause, a crash with its traceback)."""
    logs.configure()
    started, fields = time.perf_counter(), {}
    try:
        response = routes.dispatch(request)
    except AvenirError as e:
        response = error_response(e)
        fields["error"] = e.code
        if e.status >= 500:
            fields["cause"] = f"{type(e.__cause__ or e).__name__}: {e.__cause__ or e.message}"
    except Exception as e:
        log.exception("unhandled error", extra={"fields": {"request_id": request.request_id}})
        response = error_response(AvenirError("Internal error; it has been logged."))
        fields.update(error="internal_error", cause=type(e).__name__)
    if response.status != 204:
        response.headers.setdefault("Content-Type", "application/json")
    response.headers["X-Request-Id"] = request.request_id
    logs.event(log, "request", level=logging.WARNING if response.status >= 500 else logging.INFO,
               request_id=request.request_id, route=f"{request.method} {request.path}",
               client_id=str(request.client.client_id) if request.client else None,
               key_prefix=request.client.key_prefix if request.client else None,
               status=response.status, latency_ms=round((time.perf_counter() - started) * 1000, 2),
               **response.log_fields, **fields)
    return response


def request_id(caller_id: str | None) -> str:
    """The caller's X-Request-Id when it is short and printable (it is repeated in logs and headers),
    else a new one."""
    return caller_id if caller_id and _REQUEST_ID.match(caller_id) else uuid.uuid4().hex


def from_flask(flask_request) -> Request:
    headers = {k.lower(): v for k, v in flask_request.headers.items()}
    return Request(method=flask_request.method, path=flask_request.path, headers=headers,
                   query={k: flask_request.args.get(k) for k in flask_request.args},
                   reader=lambda limit: _read_at_most(flask_request.stream, limit),
                   request_id=request_id(headers.get("x-request-id")))


def _read_at_most(stream, limit: int) -> bytes:
    chunks, size = [], 0
    while size < limit:
        chunk = stream.read(min(limit - size, 65536))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def serve_flask(flask_request, routes: Routes):
    """functions-framework entrypoint body: a (body, status, headers) tuple Flask understands.
    functions-framework reads whatever is left of a request's body into memory once the response is
    made, unless the response is streamed: a body refused unread (a missing key, over its limit,
    perhaps endless) is answered as a stream, so it never is."""
    request = from_flask(flask_request)
    response = serve(request, routes)
    refused_unread = request.refused_body_unread()
    if request.reader is not None:
        # Refused before reading (a missing key): what a route may take of the body is read now and
        # dropped, so that a malformed one fails here and the server closes the connection, rather
        # than failing in the server's drain after the answer (seen: the answer lost).
        with contextlib.suppress(AvenirError):
            request.read_body()
    body = response.chunks()
    if isinstance(body, list):  # a whole body; streamed when a refused body was left unread
        body = iter(body) if refused_unread else b"".join(body)
    return body, response.status, response.headers


def is_scheduled(event: dict) -> bool:
    """An EventBridge scheduled event, not an API Gateway call."""
    return "rawPath" not in event and bool(event.get("source")) and "detail-type" in event


def from_lambda(event: dict) -> Request:
    """An API Gateway HTTP API (payload 2.0) event, or an EventBridge scheduled event."""
    if is_scheduled(event):
        return Request(method=SCHEDULE[0], path=SCHEDULE[1], headers={}, scheduled_event=event,
                       request_id=request_id(event.get("id")))
    context = event.get("requestContext") or {}
    headers = {k.lower(): v for k, v in (event.get("headers") or {}).items()}
    body = event.get("body") or ""
    body = base64.b64decode(body) if event.get("isBase64Encoded") else body.encode()
    path = event.get("rawPath") or context.get("http", {}).get("path", "/")
    stage = context.get("stage")
    if stage and stage != "$default" and path.startswith(f"/{stage}/"):
        path = path[len(stage) + 1:]
    return Request(method=context.get("http", {}).get("method", "GET").upper(), path=path, headers=headers,
                   query=dict(event.get("queryStringParameters") or {}), body=body,
                   path_params=dict(event.get("pathParameters") or {}),
                   request_id=request_id(context.get("requestId")))


def serve_lambda(event: dict, routes: Routes) -> dict:
    """A Lambda answer: JSON and text as they are, other bytes base64-encoded (API Gateway decodes them)."""
    response = serve(from_lambda(event), routes)
    body = b"".join(response.chunks())
    content_type = response.headers.get("Content-Type", "")
    if content_type.startswith(("application/json", "text/")) or "javascript" in content_type:
        return {"statusCode": response.status, "headers": response.headers, "body": body.decode(),
                "isBase64Encoded": False}
    return {"statusCode": response.status, "headers": response.headers,
            "body": base64.b64encode(body).decode(), "isBase64Encoded": True}


# --- scheduled runs -------------------------------------------------------------------------

def serve_cloud_event(cloud_event, routes: Routes, job: str) -> None:
    """A scheduler's CloudEvent (functions-framework's cloudevent target, Cloud Scheduler) served as
    the schedule route; a failed run raises (see raise_when_failed)."""
    event = {"id": cloud_event["id"], "source": cloud_event["source"], "time": cloud_event.get("time")}
    request = Request(method=SCHEDULE[0], path=SCHEDULE[1], headers={}, scheduled_event=event,
                      request_id=request_id(str(cloud_event["id"])))
    raise_when_failed(serve(request, routes).status, job)


def serve_scheduled_lambda(event: dict, routes: Routes, job: str) -> dict:
    """serve_lambda for a function that EventBridge also calls on a schedule: a failed scheduled run
    raises (an HTTP call gets its answer as it is)."""
    result = serve_lambda(event, routes)
    if is_scheduled(event):
        raise_when_failed(result["statusCode"], job)
    return result


def raise_when_failed(status: int, job: str) -> None:
    """A scheduler sees a failed run (the database unavailable, ...) only as an exception: the
    function's error in its metrics, and the retry its schedule allows (template.yaml). A run that
    merely lists what failed inside it has logged that and is not an error."""
    if status >= 500:
        raise RuntimeError(f"{job} run failed with status {status}; see the log")

# --- authentication -------------------------------------------------------------------------

def api_key(request: Request) -> str | None:
    key = request.headers.get("x-api-key")
    if not key:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        key = token.strip() if scheme.lower() == "bearer" else None
    return key or None


def authenticate(request: Request, sessions_allowed: bool = True) -> accounts.Client:
    """The client whose API key, or owner session token (`Authorization: Bearer avs_...`), the request
    carries; 401 when missing, unknown, expired or rotated away. The lead webhook takes keys only."""
    credential = api_key(request)
    if not credential:
        raise Unauthorized("Missing credentials: send the API key in x-api-key or Authorization: Bearer, "
                           "or a session token as Bearer.")
    if not _CREDENTIAL.fullmatch(credential):
        raise Unauthorized("Unknown or rotated API key.")
    if not credential.startswith(sessions.TOKEN_PREFIX):
        client = accounts.authenticate(credential)
        if client is None:
            raise Unauthorized("Unknown or rotated API key.")
    elif not sessions_allowed:
        raise Unauthorized("This route takes the client's API key, not a session token.")
    else:
        client = sessions.authenticate(credential)
        if client is None:
            raise Unauthorized("Unknown or expired session; sign in again.")
    request.client = client
    return client


def authenticate_internal(request: Request) -> accounts.Client:
    client = authenticate(request)
    if not client.is_internal:
        raise Forbidden("This route is only for the internal (admin) client.")
    return client
