"""Routing: each function's route table, in which every route says who may call it (an
authenticator supplied by shared/clients/credentials.py, called here before the handler), and
`serve`, the one place where every failure becomes the contract's JSON envelope and every request
one log line. The platform never imports the parts that authenticate."""
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import pydantic

from shared.platform import logs
from shared.platform.exceptions import AvenirError, MethodNotAllowed, NotFound
from shared.platform.http.request import Request, Response, error_response

log = logging.getLogger("avenir.http")


class Authenticator(Protocol):
    """Who may call a route: called with the request before the route's handler, it returns the
    caller (set as request.client; None for a public route) or raises Unauthorized or Forbidden.
    `errors`: the statuses it may answer; `schemes`: the OpenAPI security schemes it takes (none
    for a route anyone may call)."""

    errors: tuple[int, ...]
    schemes: tuple[str, ...]

    def __call__(self, request: Request) -> Any: ...



SCHEDULE = ("SCHEDULE", "/schedule")  # the route a scheduled event (EventBridge, CloudEvent) takes


@dataclass(frozen=True)
class Scheduler:
    """Who calls the schedule's route: the scheduler, through a scheduled event (EventBridge, a
    CloudEvent) that a runtime builds from its trigger. Routes.dispatch gives such an event that
    route and nothing else, and never gives that route an HTTP request."""

    errors: tuple[int, ...] = ()
    schemes: tuple[str, ...] = ()

    def __call__(self, request: Request) -> None:
        return None


SCHEDULER = Scheduler()


Handle = Callable[[Request], Response]


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
    errors: tuple[int, ...] = ()  # statuses of the error envelope it may answer, besides its auth's
    auth: "Authenticator | None" = None  # who may call it: required (see __post_init__)
    content_type: str = "application/json"  # of its success answers
    parameters: tuple[dict, ...] = ()  # OpenAPI parameters beyond path and query (headers)
    response_headers: dict[str, dict] = field(default_factory=dict)

    def __post_init__(self):
        if self.auth is None:
            raise TypeError(f"{self.method} {self.path}: say who may call it (auth=credentials.public, "
                            "credentials.client, ...; the schedule's route takes http.SCHEDULER)")

    def answer(self, request: Request) -> Response:
        """The route's handler, for the caller its authenticator lets in (request.client)."""
        request.client = self.auth(request)
        return self.handle(request)


class Routes:
    """A function's routes. A known path with another method is a 405, an unknown path a 404;
    a scheduler's event takes the schedule's route and nothing else, an HTTP request never takes it."""

    def __init__(self, *routes: Route):
        self.routes = routes
        self.table = [(route.method, _pattern(route.path), route) for route in routes]

    def dispatch(self, request: Request) -> Response:
        allowed = []
        for method, pattern, route in self.table:
            if (route.auth is SCHEDULER) != (request.scheduled_event is not None):
                continue
            match = pattern.match(request.path)
            if match:
                if method == request.method:
                    request.path_params = {**match.groupdict(), **request.path_params}
                    return route.answer(request)
                allowed.append(method)
        if allowed:
            raise MethodNotAllowed(f"{request.method} is not allowed here; use {', '.join(sorted(allowed))}.",
                                   headers={"Allow": ", ".join(sorted(allowed))})
        raise NotFound(f"No route for {request.method} {request.path}.")


def _pattern(path: str) -> re.Pattern:
    """"/api/leads/{lead_id}/tag" -> a regex naming lead_id; a trailing slash is tolerated. The text
    around a parameter is literal ("/o/{token}.gif" answers "/o/x.gif", not "/o/x" nor "/o/xxgif")."""
    parts = re.split(r"\{(\w+)\}", path)  # literal, name, literal, name, ..., literal
    regex = "".join(f"(?P<{part}>[^/]+)" if i % 2 else re.escape(part) for i, part in enumerate(parts))
    return re.compile("^" + regex + "/?\\Z")


def path_matches(path: str, request_path: str) -> bool:
    """Whether a route's path answers a request's path, as Routes.dispatch decides it."""
    return _pattern(path).match(request_path) is not None


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
    response.headers.setdefault("X-Content-Type-Options", "nosniff")  # a browser never guesses another type
    response.headers["X-Request-Id"] = request.request_id
    logs.event(log, "request", level=logging.WARNING if response.status >= 500 else logging.INFO,
               request_id=request.request_id, route=f"{request.method} {request.path}",
               client_id=str(request.client.client_id) if request.client else None,
               key_prefix=request.client.key_prefix if request.client else None,
               status=response.status, latency_ms=round((time.perf_counter() - started) * 1000, 2),
               **response.log_fields, **fields)
    return response
