"""HTTP plumbing shared by every function, one runtime per file as functions-framework's `_http/`:
`request` (a request, its body and answers), `routing` (route tables, who may call, the error
envelope), `flask` (functions-framework), `aws_lambda` (API Gateway v2, EventBridge) and `schedule`.
Function files use the names below as `http.<name>`."""
from shared.platform.http.aws_lambda import from_lambda, is_scheduled, serve_lambda, serve_scheduled_lambda
from shared.platform.http.flask import from_flask, serve_flask
from shared.platform.http.request import (
    MAX_BODY_BYTES,
    Request,
    Response,
    error_response,
    json_depth,
    no_content,
    ok,
    raw,
    request_id,
    validation_details,
)
from shared.platform.http.routing import SCHEDULE, SCHEDULER, Authenticator, Route, Routes, path_matches, serve
from shared.platform.http.schedule import raise_when_failed, serve_cloud_event

__all__ = ["MAX_BODY_BYTES", "SCHEDULE", "SCHEDULER", "Authenticator", "Request", "Response", "Route", "Routes",
           "error_response", "from_flask", "from_lambda", "is_scheduled", "json_depth", "no_content", "ok",
           "path_matches", "raise_when_failed", "raw", "request_id", "serve", "serve_cloud_event", "serve_flask",
           "serve_lambda", "serve_scheduled_lambda", "validation_details"]
