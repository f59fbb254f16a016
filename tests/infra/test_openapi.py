"""The OpenAPI 3.1 document: generated from the pydantic models, valid against the OpenAPI 3.1
schema, covering every served route with its status codes, the error envelope, the x-api-key
scheme and the Idempotency-Key header; served at /openapi.json and written by `avenir openapi`."""
import json
import os
import re
import subprocess
import sys
import urllib.error
import urllib.request

import pytest
from openapi_spec_validator import validate
from schemathesis.specs.openapi.definitions import OPENAPI_31_VALIDATOR  # the official 3.1 schema

from infra import functions, openapi
from shared.clients import accounts
from shared.leads import intake, tagging
from shared.platform import http

DOCUMENT = openapi.document()
# The contract's routes (Parts 1 and 2) that a key or session reaches; each function's ROUTES must
# declare exactly what is served, and the document must describe it.
SERVED_ROUTES = {(method, path) for method, path in [
    ("post", "/api/lead"), ("post", "/api/leads/{lead_id}/tag"), ("post", "/api/leads/{lead_id}/revert"),
    ("post", "/api/prospects/score"), ("get", "/api/prospects"), ("post", "/api/intelligence/run"),
    ("post", "/api/clients/rotate-key"), ("post", "/api/auth/login"), ("post", "/api/auth/logout"),
    ("post", "/api/client/password"), ("get", "/api/client"), ("patch", "/api/client"), ("get", "/api/leads"),
    ("get", "/api/leads/{lead_id}"), ("get", "/api/insights"), ("get", "/api/analytics")]}


def operations():
    return [(method, path, op) for path, item in DOCUMENT["paths"].items() for method, op in item.items()]


def test_the_document_is_valid_openapi_3_1():
    assert DOCUMENT["openapi"] == "3.1.0"
    OPENAPI_31_VALIDATOR.validate(DOCUMENT)


def test_the_document_passes_openapi_spec_validator():
    """Defaults, examples and every schema checked, not only the document's outline: it refused
    a string default ("70") on a number parameter."""
    validate(DOCUMENT)


def test_every_parameter_default_has_the_parameters_type():
    min_score = next(p for p in DOCUMENT["paths"]["/api/prospects"]["get"]["parameters"] if p["name"] == "min_score")
    assert min_score["schema"]["default"] == 70 and min_score["schema"]["type"] == "number"


def test_every_served_path_is_documented_with_its_methods():
    served = {(route.method.lower(), route.path) for _, route in functions.http_routes()}
    assert {(method, path) for method, path, _ in operations()} == served
    assert SERVED_ROUTES <= served


@pytest.mark.parametrize("method,path", sorted(SERVED_ROUTES - {("post", "/api/auth/login")}))
def test_every_route_documents_auth_failure_and_the_503_with_retry_after(method, path):
    responses = DOCUMENT["paths"][path][method]["responses"]
    assert {"401", "503"} <= set(responses)
    unavailable = DOCUMENT["components"]["responses"]["503"]
    assert unavailable["headers"]["Retry-After"]["required"] is True
    assert any(status.startswith("2") for status in responses)


def test_errors_are_documented_as_the_envelope():
    error = DOCUMENT["components"]["schemas"]["Error"]
    assert error["required"] == ["error"]
    assert error["properties"]["error"]["required"] == ["code", "message"]
    assert {"validation_error", "unauthorized", "unavailable", "idempotency_key_reuse"} <= set(
        error["properties"]["error"]["properties"]["code"]["enum"])
    body_routes = [op for method, path, op in operations() if "requestBody" in op]
    assert all({"400", "413", "415", "422"} <= set(op["responses"]) for op in body_routes)


def test_the_api_key_header_is_the_security_scheme():
    assert DOCUMENT["components"]["securitySchemes"]["ApiKey"] == {
        "type": "apiKey", "in": "header", "name": "x-api-key", "description": DOCUMENT["components"][
            "securitySchemes"]["ApiKey"]["description"]}
    assert {"ApiKey": []} in DOCUMENT["security"]


def test_lead_intake_documents_the_idempotency_key_header_and_both_success_statuses():
    op = DOCUMENT["paths"]["/api/lead"]["post"]
    [header] = [p for p in op["parameters"] if p["in"] == "header"]
    key = re.compile(header["schema"]["pattern"])
    assert header["name"] == "Idempotency-Key" and key.match("k" * 200) and not key.match("k" * 201)
    assert {"200", "201", "409", "422"} <= set(op["responses"])


@pytest.mark.parametrize("model,mode", [(intake.LeadRequest, "validation"), (tagging.TagRequest, "validation"),
                                        (tagging.TagResponse, "serialization"),
                                        (accounts.RotatedKey, "serialization")])
def test_the_schemas_are_the_pydantic_models_own(model, mode):
    generated = model.model_json_schema(ref_template=openapi.REF, mode=mode)
    openapi._refuse_nul(generated)  # the document adds "no U+0000" to every free-text string
    documented = DOCUMENT["components"]["schemas"][model.__name__]
    assert documented["properties"] == generated["properties"]
    assert documented.get("required") == generated.get("required")


def test_rotate_key_takes_no_body_and_returns_the_key_once():
    op = DOCUMENT["paths"]["/api/clients/rotate-key"]["post"]
    assert "requestBody" not in op
    assert set(DOCUMENT["components"]["schemas"]["RotatedKey"]["required"]) == {"client_id", "api_key", "rotated_at"}


def test_the_server_serves_the_document(api):
    response = api.get("/openapi.json")
    assert response.status == 200 and response.headers["Content-Type"] == "application/json"
    assert response.json == json.loads(json.dumps(DOCUMENT))


def test_the_command_line_writes_the_same_document(tmp_path):
    target = tmp_path / "openapi.json"
    result = subprocess.run([sys.executable, "-m", "infra.cli", "openapi", "--output", str(target)],
                            capture_output=True, text=True, timeout=120, env=dict(os.environ))
    assert result.returncode == 0, result.stderr
    assert json.loads(target.read_text()) == json.loads(json.dumps(DOCUMENT))


def test_a_new_lead_links_to_tagging_and_reverting_it():
    links = DOCUMENT["paths"]["/api/lead"]["post"]["responses"]["201"]["links"]
    assert {link["operationId"] for link in links.values()} == {"tag", "revert"}
    assert all(link["parameters"] == {"lead_id": "$response.body#/lead_id"} for link in links.values())


def test_the_document_route_takes_only_get(api):
    response = api.post("/openapi.json", {})
    assert response.status == 405 and response.json["error"]["code"] == "method_not_allowed"
    assert response.headers["Allow"] == "GET, HEAD"


def test_every_request_model_of_every_route_refuses_nul_in_its_text():
    """The U+0000 rule lives in one base class (shared/platform/fields.RequestModel): every route's body and
    query models must stand on it."""
    from shared.platform import fields

    models = [model for _, route in functions.http_routes() for model in (route.request, route.query) if model]
    assert models and all(issubclass(model, fields.RequestModel) for model in models)


ADDED_FUNCTION = """
from shared.clients import credentials
from shared.platform import http


def ping(req: http.Request) -> http.Response:
    \"\"\"Answer a ping

    A route a newcomer adds, for the internal client only.\"\"\"
    return http.ok({"pong": str(req.client.client_id)})


ROUTES = http.Routes(http.Route("GET", "/api/ping", ping, auth=credentials.internal, errors=(503,)))


def ping_function(request):
    return http.serve_flask(request, ROUTES)
"""


def test_a_route_added_to_a_functions_routes_is_served_and_documented_with_no_other_edit(
        tmp_path, monkeypatch, database, make_client, admin):
    """The functions' ROUTES are the one route table; the local server and the document follow, and
    the route's `auth` alone decides who may call it (401 without a key, 403 for another client)."""
    import shutil

    from werkzeug.test import Client

    from infra import serve

    for name in functions.names():
        shutil.copytree(functions.FUNCTIONS_DIR / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "ping_function").mkdir()
    (tmp_path / "ping_function" / "main.py").write_text(ADDED_FUNCTION)
    monkeypatch.setattr(functions, "FUNCTIONS_DIR", tmp_path)
    functions.module.cache_clear()
    openapi._document.cache_clear()
    try:
        operation = openapi.document()["paths"]["/api/ping"]["get"]
        assert operation["summary"] == "Answer a ping" and {"401", "403", "503"} <= set(operation["responses"])
        app = Client(serve.build_app())
        assert app.get("/api/ping").status_code == 401
        assert app.get("/api/ping", headers={"x-api-key": make_client().api_key}).status_code == 403
        answer = app.get("/api/ping", headers={"x-api-key": admin.api_key})
        assert answer.status_code == 200 and answer.get_json() == {"pong": str(admin.client_id)}
    finally:
        monkeypatch.undo()
        functions.module.cache_clear()
        openapi._document.cache_clear()


METHODS = "GET|POST|PATCH|PUT|DELETE|OPTIONS"


def readme_routes() -> set[tuple[str, str]]:
    """(method, path) of every route README.md's "What it serves" table names: `GET /o/{token}.gif`,
    `GET`/`PATCH /api/client`, and a bare `/api/auth/logout` after `POST /api/auth/login` takes its
    method."""
    section = (functions.FUNCTIONS_DIR.parent / "README.md").read_text().split("## What it serves")[1]
    rows = [line for line in section.strip().split("\n\n")[0].splitlines() if line.startswith("|")]
    found = set()
    for row in rows[2:]:
        method = None
        for methods, path in re.findall(rf"`((?:{METHODS})(?:`/`(?:{METHODS}))*)? ?(/[^`\s]*)`", row.split("|")[1]):
            method = methods.replace("`", "").split("/") if methods else method
            found |= {(m.lower(), path.split("?")[0]) for m in method}
    return found


def test_the_readme_names_every_documented_route_under_that_very_path():
    """The README's table and the document agree path for path, the dashboard's page and assets included."""
    documented = {(method, path) for method, path, _ in operations()}
    assert readme_routes() == documented


def test_the_open_pixel_is_documented_and_served_as_a_gif_path_only(server):
    assert "/o/{token}.gif" in DOCUMENT["paths"] and "/o/{token}" not in DOCUMENT["paths"]
    with urllib.request.urlopen(f"{server}/o/{'a' * 32}.gif", timeout=30) as pixel:
        assert pixel.status == 200 and pixel.headers["Content-Type"] == "image/gif"
        assert pixel.read().startswith(b"GIF89a")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{server}/o/{'a' * 32}", timeout=30)
    assert refused.value.code == 404


def test_every_documented_path_reaches_its_function_through_the_template_and_its_route_table():
    """A documented path, its parameters filled in, is routed by template.yaml's HTTP API to the
    function that documents it (API Gateway matches whole segments), and that function's own route
    table answers it: what the document says is what is served, locally and on AWS."""
    from tests.deploy import stack

    template = stack.load()
    for path, item in DOCUMENT["paths"].items():
        sample = re.sub(r"\{\w+\}", "0b6f8a52-6a43-4c3e-9a8e-2f1d5c7b9e10", path)
        for method, operation in item.items():
            folder = operation["tags"][0]
            gateway = stack.function_for(template, folder).routes()
            assert any(m == method.upper() and http.path_matches(p, sample) for m, p in gateway), (method, path)
            table = functions.module(folder).ROUTES.routes
            assert any(r.method == method.upper() and http.path_matches(r.path, sample) for r in table), (method, path)
