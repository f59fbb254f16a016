"""The OpenAPI 3.1 document of the HTTP API, generated from the pydantic request and response models
in shared/<domain>.py: served at GET /openapi.json by `avenir serve`, written by `avenir openapi`."""
import copy
import functools
import importlib
import logging
from dataclasses import dataclass, field

import pydantic
from pydantic.json_schema import models_json_schema

log = logging.getLogger("avenir.openapi")
REF = "#/components/schemas/{model}"
VERSION = "0.1.0"

# status -> (error codes the envelope carries, when)
ERRORS = {
    400: (["invalid_json"], "The body is not valid JSON, or not a JSON object."),
    401: (["unauthorized"], "The API key is missing, unknown, or rotated away."),
    403: (["forbidden"], "The key is valid but the route is for the internal (admin) client."),
    404: (["not_found"], "Not found: a lead that does not exist or belongs to another client; for the "
          "intelligence run, an unknown client_id."),
    409: (["conflict"], "The current state does not allow the action."),
    413: (["payload_too_large"], "The body is over 64 KiB (a prospect batch: over 1 MiB, or over 1000 "
          "prospects)."),
    415: (["unsupported_media_type"], "A body was sent with a content type other than JSON."),
    422: (["validation_error", "idempotency_key_reuse"],
          "Well-formed JSON that breaks the rules; `details` lists each field. `idempotency_key_reuse`: the "
          "Idempotency-Key was already used with another body."),
    503: (["unavailable"], "The database cannot be reached; retry after `Retry-After` seconds. Nothing was "
          "half-written."),
}
BODY_ERRORS = [400, 413, 415, 422]


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    operation_id: str
    summary: str
    tag: str
    responses: dict[int, tuple[str, str]]  # status -> ("module:Model", description)
    errors: list[int]
    request: str | None = None  # "module:Model" of the JSON body
    body_required: bool = True
    query: str | None = None  # "module:Model" whose fields are the query parameters
    parameters: list[dict] = field(default_factory=list)
    description: str = ""


LEAD_ID = {"name": "lead_id", "in": "path", "required": True, "description": "The lead's id (lead_memory.id).",
           "schema": {"type": "string", "format": "uuid"}}
IDEMPOTENCY_KEY = {"name": "Idempotency-Key", "in": "header", "required": False,
                   "description": "A repeat within 24 hours by the same client returns the first response again "
                                  "(same status and body, header `Idempotent-Replayed: true`) and writes nothing; "
                                  "the same key with another body is a 422 `idempotency_key_reuse`; while the "
                                  "first request with the key is in flight a repeat waits and replays it, or "
                                  "gets a 409.",
                   "schema": {"type": "string", "minLength": 1, "maxLength": 200}}

OPERATIONS = [
    Operation("post", "/api/lead", "leadIntake", "Submit a lead (web form webhook)", "leads",
              {201: ("shared.leads:LeadResponse", "A new lead was stored."),
               200: ("shared.leads:LeadResponse", "The client's lead with this email (any case) was updated.")},
              [401, *BODY_ERRORS, 409, 503], request="shared.leads:LeadRequest", parameters=[IDEMPOTENCY_KEY],
              description="Enriches the lead offline, deduplicates it by email within the client, and stores "
                          "it with its history and one lead_actions row, in one transaction."),
    Operation("post", "/api/leads/{lead_id}/tag", "tagLead", "Move a lead to another stage", "leads",
              {200: ("shared.tagging:TagResponse", "The lead's tag; `changed` is false when it already had it.")},
              [401, 404, *BODY_ERRORS, 409, 503], request="shared.tagging:TagRequest", parameters=[LEAD_ID],
              description="A Converted lead leaves Converted only through revert (any other tag is a 409)."),
    Operation("post", "/api/leads/{lead_id}/revert", "revertLead", "Undo a lead's conversion", "leads",
              {200: ("shared.tagging:RevertResponse", "The lead is Active again.")},
              [401, 404, *BODY_ERRORS, 409, 503], request="shared.tagging:RevertRequest", parameters=[LEAD_ID],
              description="Only a Converted lead can be reverted (else 409)."),
    Operation("post", "/api/prospects/score", "scoreProspects", "Score a batch of tested businesses", "prospects",
              {200: ("shared.prospects:ScoreResponse", "One result per prospect, in request order.")},
              [401, 403, *BODY_ERRORS, 503], request="shared.prospects:ScoreRequest",
              description="Internal client only. Up to 1000 prospects; a stored prospect (same website host, "
                          "else same contact email) is updated in place."),
    Operation("get", "/api/prospects", "listProspects", "List the prospects that most need automation",
              "prospects", {200: ("shared.prospects:ProspectList", "Ordered by automation_need_score, highest "
                                  "first.")},
              [401, 403, 422, 503], query="shared.prospects:ProspectQuery", description="Internal client only."),
    Operation("post", "/api/intelligence/run", "runIntelligence", "Run the daily intelligence now", "intelligence",
              {200: ("shared.intelligence:RunSummary", "What was written; failed clients are listed.")},
              [401, 403, 404, *BODY_ERRORS, 503], request="shared.intelligence:RunRequest", body_required=False,
              description="Internal client only. Without a body: today (UTC), every non-test client. Running "
                          "again for a date replaces that date's rows."),
    Operation("post", "/api/clients/rotate-key", "rotateKey", "Replace the caller's API key", "clients",
              {200: ("shared.clients:RotatedKey", "The new key, shown this once; the old key no longer works.")},
              [401, 503],
              description="Authenticated with the current key; no body. The old key stops working at once, "
                          "`clients.last_rotated` is set and the rotation is audited by key fingerprints only. "
                          "Of two rotations racing with one key, one wins and the other gets a 401."),
]


# What a success answer leads to: the lead it names can then be tagged or reverted (OpenAPI links;
# schemathesis' stateful tests follow them).
LEAD_LINKS = {"leadIntake": ["tagLead", "revertLead"], "tagLead": ["tagLead", "revertLead"],
              "revertLead": ["tagLead"]}


def _links(operation_id: str) -> dict:
    return {f"{target[0].upper()}{target[1:]}": {
        "operationId": target, "parameters": {"lead_id": "$response.body#/lead_id"},
        "description": f"The lead this answer names, to {target.removesuffix('Lead')}."}
        for target in LEAD_LINKS.get(operation_id, [])}


def _model(reference: str) -> type[pydantic.BaseModel] | None:
    """The model named "module:Model", or None while its module is not there yet (the document then
    says only `object` for it rather than failing to build)."""
    module_name, _, name = reference.partition(":")
    try:
        return getattr(importlib.import_module(module_name), name)
    except (ImportError, AttributeError) as e:
        log.warning("OpenAPI: model %s unavailable (%s); documented as a plain object", reference, e)
        return None


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
                                "message": {"type": "string"}}}}}}},
    }


def _error_response(status: int) -> dict:
    codes, when = ERRORS[status]
    response = {"description": when, "content": {"application/json": {"schema": {"allOf": [
        {"$ref": REF.format(model="Error")},
        {"properties": {"error": {"properties": {"code": {"enum": codes}}}}}]}}}}
    if status == 503:
        response["headers"] = {"Retry-After": {"required": True, "description": "Seconds to wait before retrying.",
                                               "schema": {"type": "string", "pattern": "^[0-9]+$"}}}
    return response


def _query_parameters(model: type[pydantic.BaseModel] | None, definitions: dict) -> list[dict]:
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
    wanted = {}
    for op in OPERATIONS:
        if op.request:
            wanted[(op.request, "validation")] = None
        for reference, _ in op.responses.values():
            wanted[(reference, "serialization")] = None
    models = {key: _model(key[0]) for key in wanted}
    present = [(model, mode) for (_, mode), model in models.items() if model is not None]
    refs, top = models_json_schema(present, ref_template=REF) if present else ({}, {})
    schemas = dict(top.get("$defs", {}))
    schemas["Error"] = error_schema()

    def schema_of(reference: str, mode: str) -> dict:
        model = models[(reference, mode)]
        return refs[(model, mode)] if model is not None else {"type": "object"}

    paths: dict[str, dict] = {}
    for op in OPERATIONS:
        operation = {"operationId": op.operation_id, "summary": op.summary, "tags": [op.tag],
                     "responses": {}}
        if op.description:
            operation["description"] = op.description
        parameters = list(op.parameters) + _query_parameters(_model(op.query) if op.query else None, schemas)
        if parameters:
            operation["parameters"] = parameters
        if op.request:
            operation["requestBody"] = {"required": op.body_required, "content": {
                "application/json": {"schema": schema_of(op.request, "validation")}}}
        for status, (reference, description) in sorted(op.responses.items()):
            response = {"description": description,
                        "content": {"application/json": {"schema": schema_of(reference, "serialization")}}}
            if _links(op.operation_id):
                response["links"] = _links(op.operation_id)
            if op.operation_id == "rotateKey":
                response["headers"] = {"Cache-Control": {"description": "The body holds a secret.",
                                                         "schema": {"type": "string", "const": "no-store"}}}
            operation["responses"][str(status)] = response
        for status in sorted(set(op.errors)):
            operation["responses"][str(status)] = {"$ref": f"#/components/responses/{status}"}
        paths.setdefault(op.path, {})[op.method] = operation

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
                "Bearer": {"type": "http", "scheme": "bearer", "description": "The same key as a bearer token."},
            },
        },
    }
