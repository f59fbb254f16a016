"""HTTP plumbing shared by every function: one Request built from a functions-framework (Flask)
request or an API Gateway HTTP API v2 / EventBridge event, JSON responses, routing, API-key
authentication, and the one place where errors become the contract's JSON envelope."""
import base64
import json
import logging
import re
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pydantic

from shared import clients, logs
from shared.exceptions import (
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
MAX_READ_BYTES = 6 * 1024 * 1024  # the most any route may accept: Lambda's own payload limit


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
    client: clients.Client | None = None

    def json(self, max_bytes: int = MAX_BODY_BYTES) -> dict:
        """The body as a JSON object: 413 over max_bytes (64 KiB unless the route says otherwise),
        415 for a non-JSON content type, 400 when it does not parse or is not an object."""
        if len(self.body) > max_bytes:
            raise PayloadTooLarge(f"Body is {len(self.body)} bytes; the limit is {max_bytes}.")
        content_type = self.headers.get("content-type", "").split(";")[0].strip().lower()
        if self.body and content_type and content_type != "application/json" and not content_type.endswith("+json"):
            raise UnsupportedMediaType(f"Expected Content-Type application/json, got {content_type!r}.")
        if not self.body.strip():
            raise InvalidJson("Expected a JSON object body, got an empty body.")
        try:
            data = json.loads(self.body)
        except (ValueError, UnicodeDecodeError) as e:
            raise InvalidJson(f"Body is not valid JSON: {e}.") from None
        if not isinstance(data, dict):
            raise InvalidJson(f"Expected a JSON object, got {type(data).__name__}.")
        return data

    def parse(self, model: type[pydantic.BaseModel], data: Any = None):
        """Validate the JSON body (or `data`) into a pydantic model; 422 listing each bad field."""
        try:
            return model.model_validate(self.json() if data is None else data)
        except pydantic.ValidationError as e:
            raise ValidationFailed("The request does not match the expected fields.",
                                   details=validation_details(e)) from None


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

    def text(self) -> str:
        return json.dumps(self.body, default=str)


def ok(body: Any, status: int = 200) -> Response:
    return Response(status, body)


def error_response(error: AvenirError) -> Response:
    envelope = {"code": error.code, "message": error.message}
    if error.details is not None:
        envelope["details"] = error.details
    return Response(error.status, {"error": envelope}, dict(error.headers))


# --- routing --------------------------------------------------------------------------------

Handle = Callable[[Request], Response]


class Routes:
    """(method, "/api/leads/{lead_id}/tag") -> handle. A known path with another method is a 405,
    an unknown path a 404."""

    def __init__(self, table: dict[tuple[str, str], Handle]):
        self.table = [(method, _pattern(path), handle) for (method, path), handle in table.items()]

    def dispatch(self, request: Request) -> Response:
        allowed = []
        for method, pattern, handle in self.table:
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
    return re.compile("^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", path) + "/?$")


# --- the two runtimes -----------------------------------------------------------------------

def serve(request: Request, routes: Routes) -> Response:
    """Run one request through its routes; every failure becomes the JSON envelope here."""
    started, cause = time.perf_counter(), None
    try:
        response = routes.dispatch(request)
    except AvenirError as e:
        response = error_response(e)
        if e.status >= 500:
            cause = f"{type(e.__cause__ or e).__name__}: {e.__cause__ or e.message}"
    except Exception:
        log.exception("unhandled error", extra={"fields": {"request_id": request.request_id}})
        response = error_response(AvenirError("Internal error; it has been logged."))
    response.headers.setdefault("Content-Type", "application/json")
    response.headers["X-Request-Id"] = request.request_id
    logs.event(log, "request", level=logging.WARNING if response.status >= 500 else logging.INFO,
               request_id=request.request_id, route=f"{request.method} {request.path}",
               client_id=str(request.client.client_id) if request.client else None,
               key_prefix=request.client.key_prefix if request.client else None,
               status=response.status, latency_ms=round((time.perf_counter() - started) * 1000, 2),
               **({"cause": cause} if cause else {}))
    return response


def from_flask(flask_request) -> Request:
    headers = {k.lower(): v for k, v in flask_request.headers.items()}
    length = flask_request.content_length or 0
    body = b"x" * (MAX_READ_BYTES + 1) if length > MAX_READ_BYTES else flask_request.get_data(cache=False)
    return Request(method=flask_request.method, path=flask_request.path, headers=headers,
                   query={k: flask_request.args.get(k) for k in flask_request.args}, body=body,
                   request_id=headers.get("x-request-id") or uuid.uuid4().hex)


def serve_flask(flask_request, routes: Routes):
    """functions-framework entrypoint body: a (body, status, headers) tuple Flask understands."""
    response = serve(from_flask(flask_request), routes)
    return response.text(), response.status, response.headers


def from_lambda(event: dict) -> Request:
    """An API Gateway HTTP API (payload 2.0) event, or an EventBridge scheduled event."""
    if "rawPath" not in event and event.get("source") and "detail-type" in event:
        return Request(method="SCHEDULE", path="/schedule", headers={}, scheduled_event=event,
                       request_id=event.get("id") or uuid.uuid4().hex)
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
                   request_id=context.get("requestId") or uuid.uuid4().hex)


def serve_lambda(event: dict, routes: Routes) -> dict:
    response = serve(from_lambda(event), routes)
    return {"statusCode": response.status, "headers": response.headers, "body": response.text(),
            "isBase64Encoded": False}


# --- authentication -------------------------------------------------------------------------

def api_key(request: Request) -> str | None:
    key = request.headers.get("x-api-key")
    if not key:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        key = token.strip() if scheme.lower() == "bearer" else None
    return key or None


def authenticate(request: Request) -> clients.Client:
    """The client whose key the request carries; 401 when missing, unknown or rotated away."""
    key = api_key(request)
    if not key:
        raise Unauthorized("Missing API key: send it in x-api-key or Authorization: Bearer.")
    client = clients.authenticate(key)
    if client is None:
        raise Unauthorized("Unknown or rotated API key.")
    request.client = client
    return client


def authenticate_internal(request: Request) -> clients.Client:
    client = authenticate(request)
    if not client.is_internal:
        raise Forbidden("This route is only for the internal (admin) client.")
    return client
