"""The OpenAPI 3.1 document of the HTTP API, derived from the functions' ROUTES (infra/functions.py)
and their pydantic models: served at GET /openapi.json by `avenir serve`, written by `avenir openapi`."""
import copy
import functools
import re

from pydantic.json_schema import models_json_schema

from infra import functions
from shared.platform import http
from shared.platform.exceptions import REASONS

REF = "#/components/schemas/{model}"
VERSION = "0.2.0"

# status -> (error codes the envelope carries, when)
ERRORS = {
    400: (["invalid_json"], "The body is not valid JSON, not a JSON object, nested deeper than 64 levels, or "
          "cannot be read at all."),
    401: (["unauthorized"], "The API key is missing, unknown, or rotated away."),
    403: (["forbidden"], "The key is valid but the route is for the internal (admin) client."),
    404: (["not_found"], "Not found: a lead that does not exist or belongs to another client; for the "
          "intelligence run, an unknown client_id."),
    409: (["conflict", "idempotency_key_in_flight"], "The current state does not allow the action. "
          "`idempotency_key_in_flight`: the first request with this Idempotency-Key is still being processed; "
          "retry after `Retry-After` seconds."),
    413: (["payload_too_large"], "The body is over 64 KiB (a prospect batch: over 1 MiB, or over 1000 "
          "prospects), with or without a Content-Length."),
    415: (["unsupported_media_type"], "A body was sent with a content type other than JSON."),
    422: (["validation_error", "idempotency_key_reuse"],
          "Well-formed JSON that breaks the rules (text holding U+0000 included); `details` lists each field. "
          "`idempotency_key_reuse`: the Idempotency-Key was already used with another body."),
    429: (["too_many_attempts"], "Too many failed sign-ins for this email: wait `Retry-After` seconds."),
    503: (["unavailable"], "The database cannot be reached; retry after `Retry-After` seconds. Nothing was "
          "half-written."),
}
RETRY_AFTER = {"description": "Seconds to wait before retrying.", "schema": {"type": "string", "pattern": "^[0-9]+$"}}
ERROR_HEADERS = {
    401: {"WWW-Authenticate": {"required": True, "description": "`Bearer`: the key or session token to send.",
                               "schema": {"type": "string"}}},
    409: {"Retry-After": {"required": False, **RETRY_AFTER}},
    429: {"Retry-After": {"required": True, **RETRY_AFTER}},
    503: {"Retry-After": {"required": True, **RETRY_AFTER}},
}

# What a success answer leads to: the lead it names can then be tagged or reverted (OpenAPI links;
# schemathesis' stateful tests follow them). Keyed by operationId (the handle's name, camelCase).
LEAD_LINKS = {"intake": ["tag", "revert"], "tag": ["tag", "revert"], "revert": ["tag"]}


def operation_id(route: http.Route) -> str:
    first, *rest = route.handle.__name__.split("_")
    return first + "".join(word.title() for word in rest)


def _links(operation: str) -> dict:
    return {target.title(): {"operationId": target, "parameters": {"lead_id": "$response.body#/lead_id"},
                             "description": f"The lead this answer names, to {target}."}
            for target in LEAD_LINKS.get(operation, [])}


def error_schema() -> dict:
    return {
        "type": "object", "required": ["error"], "additionalProperties": False,
        "description": "Every error: JSON with the matching status; never a stack trace or SQL.",
        "properties": {"error": {
            "type": "object", "required": ["code", "message"], "additionalProperties": False,
            "properties": {
                "code": {"type": "string", "enum": sorted({c for codes, _ in ERRORS.values() for c in codes})},
                "message": {"type": "string", "description": "Human readable: what was expected, what was found."},
                "details": {"type": "array", "description": "For validation errors: one entry per field.",
                            "items": {"type": "object", "properties": {
                                "field": {"type": "string",
                                          "examples": ["email", "prospects[3].test.has_autoresponder"]},
                                "reason": {"type": "string", "enum": list(REASONS),
                                           "description": "Why, as a code a page says in its own language."},
                                "message": {"type": "string"}}}}}}},
    }


def _error_response(status: int) -> dict:
    codes, when = ERRORS[status]
    response = {"description": when, "content": {"application/json": {"schema": {"allOf": [
        {"$ref": REF.format(model="Error")},
        {"properties": {"error": {"properties": {"code": {"enum": codes}}}}}]}}}}
    if status in ERROR_HEADERS:
        response["headers"] = ERROR_HEADERS[status]
    return response


def _operation(function: str, route: http.Route, refs: dict, schemas: dict) -> dict:
    """One operation: the handle's docstring as summary and description, its parameters, request body,
    answers (with their links and headers) and error statuses."""
    summary, _, description = (route.handle.__doc__ or route.handle.__name__).strip().partition("\n")
    operation = {"operationId": operation_id(route), "summary": summary.strip(), "tags": [function],
                 "responses": {}}
    if description.strip():
        operation["description"] = " ".join(description.split())
    if route.auth.schemes != ("ApiKey", "Bearer"):  # the document's default
        operation["security"] = [{scheme: []} for scheme in route.auth.schemes]
    parameters = [*_path_parameters(route.path), *route.parameters, *_query_parameters(route.query, schemas)]
    if parameters:
        operation["parameters"] = parameters
    if route.request:
        operation["requestBody"] = {"required": route.body_required, "content": {
            "application/json": {"schema": refs[(route.request, "validation")]}}}
    for status, (model, description) in sorted((route.responses or {200: (None, "OK")}).items()):
        response = {"description": description}
        if status != 204:
            response["content"] = {route.content_type: {
                "schema": refs[(model, "serialization")] if model else _plain_schema(route.content_type)}}
        if _links(operation["operationId"]):
            response["links"] = _links(operation["operationId"])
        if route.response_headers:
            response["headers"] = route.response_headers
        operation["responses"][str(status)] = response
    for status in sorted({*route.errors, *route.auth.errors}):
        operation["responses"][str(status)] = {"$ref": f"#/components/responses/{status}"}
    return operation


def _plain_schema(content_type: str) -> dict:
    """An answer without a model: a JSON object, a page (text), or an image's bytes (binary)."""
    if content_type == "application/json":
        return {"type": "object"}
    return {"type": "string", "format": "binary"} if content_type.startswith("image/") else {"type": "string"}


def _path_parameters(path: str) -> list[dict]:
    """Each {name} of the path; an `..._id` is a uuid (the lead's id, lead_memory.id, ...)."""
    return [{"name": name, "in": "path", "required": True, "description": name.replace("_", " "),
             "schema": {"type": "string", "format": "uuid"} if name.endswith("_id") else {"type": "string"}}
            for name in re.findall(r"\{(\w+)\}", path)]


def _refuse_nul(schema) -> None:
    """Every free-text string of the document refuses U+0000, as the server does (shared/platform/fields.py)."""
    if isinstance(schema, dict):
        if schema.get("type") == "string" and not {"format", "enum", "const"} & schema.keys():
            schema["not"] = {"pattern": "\\u0000"}
        for value in schema.values():
            _refuse_nul(value)
    elif isinstance(schema, list):
        for value in schema:
            _refuse_nul(value)


def _query_parameters(model, definitions: dict) -> list[dict]:
    if model is None:
        return []
    schema = model.model_json_schema(ref_template=REF, mode="validation")
    definitions.update(schema.pop("$defs", {}))
    required = set(schema.get("required", []))
    return [{"name": name, "in": "query", "required": name in required,
             **({"description": spec["description"]} if "description" in spec else {}),
             "schema": _query_value(spec)}
            for name, spec in schema.get("properties", {}).items()]


def _query_value(spec: dict) -> dict:
    """A field's schema as a query parameter: a query string cannot say null (an optional parameter
    is left out instead), so the null branch and a null default go; a number pydantic also accepts
    as a numeric string (Decimal) is documented as the number."""
    spec = {k: v for k, v in spec.items() if k not in ("title", "description")}
    if "anyOf" in spec:
        branches = [b for b in spec["anyOf"] if b.get("type") != "null"]
        if {b.get("type") for b in branches} == {"number", "string"}:
            branches = [b for b in branches if b.get("type") == "number"]
        spec.pop("anyOf")
        spec = {**branches[0], **spec} if len(branches) == 1 else {"anyOf": branches, **spec}
    if spec.get("default", ...) is None:
        spec.pop("default")
    return spec


def document() -> dict:
    """The whole document, as a fresh copy: a caller may change it (schemathesis does) without
    changing what the next caller gets."""
    return copy.deepcopy(_document())


@functools.lru_cache(maxsize=1)
def _document() -> dict:
    """Built once. Request models in validation mode, response models in serialization mode, all
    under components/schemas (pydantic names a model that differs between the modes
    `Model-Input` / `Model-Output`)."""
    routes = functions.http_routes()
    wanted = {(route.request, "validation") for _, route in routes if route.request}
    wanted |= {(model, "serialization") for _, route in routes for model, _ in route.responses.values() if model}
    refs, top = models_json_schema(sorted(wanted, key=lambda m: (m[0].__name__, m[1])), ref_template=REF)
    schemas = dict(top.get("$defs", {}))
    schemas["Error"] = error_schema()
    paths: dict[str, dict] = {}
    for name, route in routes:
        paths.setdefault(route.path, {})[route.method.lower()] = _operation(name, route, refs, schemas)
    _refuse_nul(schemas)
    _refuse_nul(paths)
    return {
        "openapi": "3.1.0",
        "info": {"title": "Avenir lead backend", "version": VERSION,
                 "description": "Leads from web forms, enriched, deduplicated and followed up; prospect scoring "
                                "and nightly growth intelligence for the internal client. Every error is "
                                "`{\"error\": {\"code\", \"message\", \"details\"?}}`; an unknown route is a 404 "
                                "and a wrong method a 405 (with `Allow`), in the same envelope."},
        "security": [{"ApiKey": []}, {"Bearer": []}],
        "paths": paths,
        "components": {
            "schemas": dict(sorted(schemas.items())),
            "responses": {str(status): _error_response(status) for status in sorted(ERRORS)},
            "securitySchemes": {
                "ApiKey": {"type": "apiKey", "in": "header", "name": "x-api-key",
                           "description": "The client's API key (`avk_<8 hex>_<secret>`)."},
                "Bearer": {"type": "http", "scheme": "bearer",
                           "description": "The same key as a bearer token, or an owner's session token "
                                          "(POST /api/auth/login); the lead webhook takes keys only."},
            },
        },
    }
