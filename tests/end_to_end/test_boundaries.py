"""Boundary values at every parameter and field of every route (taken from the served /openapi.json,
so a new route is covered without a change here), sent to one `avenir serve` process whose single
worker thread, and so one database connection, answers every request: no value gets a 5xx, and
afterwards another client's requests still answer with that client's own data, and only with it:
a value the driver cannot convert never leaves the connection out of step for the next client."""
import http.client
import json
import os
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field

import pytest

from infra import openapi
from infra.pgcluster import free_port
from shared.clients import accounts
from shared.platform.exceptions import REASONS
from tests.helpers import apigw_event, invoke, load_function

PASSWORD = "Boundary-pass-1"
DATES = ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00-14:00",
         "9999-12-31T23:59:59+14:00", "0001-01-01", "9999-12-31", "1899-12-31T23:59:59+14:00",
         "2200-01-01T00:00:00-14:00", "1970-01-01T00:00:00+23:59"]
NUMBERS = [2**31, -2**31 - 1, 2**63, -2**63 - 1, 10**40, -1, 0, 1e308, -1e308, 5e-324, float("nan"),
           float("inf"), float("-inf"), 1.5]
TEXTS = ["", " ", "x" * 60_000, "9" * 5000, "a\x00b", "\ud800", "a\udfffb", "\U0010ffff", "Zoë Café\xff", "%",
         "1e400", "nan", "Infinity"]
WRONG_TYPES = [None, True, [], {}, ["a"], {"a": 1}]
BOUNDARY_VALUES = DATES + NUMBERS + TEXTS + WRONG_TYPES
NOT_UUIDS = ["not-a-uuid", "00000000-0000-0000-0000-00000000000g", "{" + "0" * 32 + "}", "0" * 33, "x" * 2000,
             "%00", "%ED%A0%80", "..", "%2F"]
# Values a required field of a baseline request takes where its schema's pattern asks for more
# than plain text; a required field with a pattern missing here fails the test, naming it.
EXAMPLES = {"new_password": "Boundary-pass-2", "current_password": PASSWORD, "website": "boundary.ca",
            "allowed_origins": "https://boundary.ca"}  # an item of the list


@dataclass
class Caller:
    key: str
    client_id: uuid.UUID
    email: str
    lead_ids: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    spec: dict

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


DOCUMENT = openapi.document()
OPERATIONS = [Operation(method.upper(), path, spec) for path, methods in DOCUMENT["paths"].items()
              for method, spec in methods.items()]


@pytest.fixture(scope="module")
def served(database, tmp_path_factory):
    """`avenir serve` in its own process with one worker of one thread: every request, whoever
    sends it, is answered by the same thread on the same database connection."""
    log_path = tmp_path_factory.mktemp("serve") / "stderr.log"
    port = free_port()
    with open(log_path, "w") as log_file:
        process = subprocess.Popen([sys.executable, "-m", "infra.cli", "serve", "--port", str(port),
                                    "--workers", "1", "--threads", "1"], stdout=log_file, stderr=log_file,
                                   env=dict(os.environ))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/openapi.json", timeout=2).read()
            break
        except OSError:
            time.sleep(0.2)
    yield port
    process.terminate()
    process.wait(timeout=30)


def send(port: int, method: str, target: str, body=None, key: str | None = None,
         headers: dict | None = None) -> tuple[int, object]:
    """One request on a connection of its own: (status, the JSON answer or its text)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        data = json.dumps(body).encode() if body is not None else None
        sent = {"Content-Type": "application/json"} if data is not None else {}
        sent |= {"x-api-key": key} if key else {}
        connection.request(method, target, body=data, headers=sent | (headers or {}))
        answer = connection.getresponse()
        status, text = answer.status, answer.read().decode("utf-8", "replace")
    finally:
        connection.close()
    try:
        return status, json.loads(text)
    except ValueError:
        return status, text


@pytest.fixture(scope="module")
def callers(served) -> dict[str, Caller]:
    """A, the internal client (every route is open to it), and B, a client of its own, each with
    leads and settings of its own."""
    a_email, b_email = f"internal-{uuid.uuid4().hex[:6]}@avenir.ca", f"owner-{uuid.uuid4().hex[:6]}@harbourdental.ca"
    a_id, a_key = accounts.issue_internal_key("Avenir AI Solutions", a_email, PASSWORD)
    b_id, b_key = accounts.create_client("Harbour Dental", b_email, PASSWORD)
    found = {"a": Caller(a_key, a_id, a_email), "b": Caller(b_key, b_id, b_email)}
    for name, caller in found.items():
        assert send(served, "PATCH", "/api/client", {"contact_name": f"Owner {name.upper()}"}, caller.key)[0] == 200
        for n in range(3):
            status, answer = send(served, "POST", "/api/lead", {"name": f"Lead {name} {n}", "email":
                                  f"lead-{name}-{n}@example.ca", "message": "A quote for a roof, please."}, caller.key)
            assert status == 201, answer
            caller.lead_ids.add(answer["lead_id"])
    return found


# --- requests built from the document ----------------------------------------------------------

def resolve(schema: dict) -> dict:
    while "$ref" in schema:
        schema = DOCUMENT["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    branches = [b for b in schema.get("anyOf", []) if b.get("type") != "null"]
    return {**resolve(branches[0]), **{k: v for k, v in schema.items() if k != "anyOf"}} if branches else schema


def example(name: str, schema: dict):
    """A valid value for a required field, so that only the field under test is out of bounds."""
    schema = resolve(schema)
    if name in EXAMPLES:
        return EXAMPLES[name]
    if "enum" in schema:
        return schema["enum"][0]
    kind, form = schema.get("type"), schema.get("format")
    if kind == "object":
        return {prop: example(prop, spec) for prop, spec in schema.get("properties", {}).items()
                if prop in schema.get("required", [])}
    if kind == "array":
        return [example(name, schema["items"]) for _ in range(max(1, schema.get("minItems", 1)))]
    if kind in ("integer", "number"):
        return schema.get("default", schema.get("minimum", 1))
    if kind == "boolean":
        return False
    if form in ("email", "uuid", "date"):
        return {"email": "boundary@example.ca", "uuid": str(uuid.uuid4()), "date": "2026-01-15"}[form]
    assert "pattern" not in schema or schema["pattern"] == "[^\\s\\x1c-\\x1f\\x85]", \
        f"give the required field {name!r} (pattern {schema['pattern']}) a value in EXAMPLES"
    return "Boundary value"


def body_fields(schema: dict, at: tuple = ()) -> list[tuple]:
    """The path to every field of a body, nested objects and the first item of arrays included."""
    schema, found = resolve(schema), []
    for prop, spec in schema.get("properties", {}).items():
        found.append((*at, prop))
        inner = resolve(spec)
        if inner.get("type") == "object":
            found += body_fields(inner, (*at, prop))
        elif inner.get("type") == "array" and inner.get("items", {}).get("type") != "string":
            found += body_fields(inner["items"], (*at, prop, 0))
    return found


def with_value(body, where: tuple, value):
    """A copy of `body` with the field at `where` set to `value`, parents made as needed."""
    body = json.loads(json.dumps(body))
    target = body
    for step in where[:-1]:
        target = target.setdefault(step, {}) if isinstance(target, dict) else target[step]
    target[where[-1]] = value
    return body


def in_a_header(text: str | None) -> bool:
    """Whether http.client can send it as a header value (latin-1; the server refuses control
    characters before any route, which test_bad_input pins)."""
    latin_1 = text == text.encode("latin-1", "replace").decode("latin-1") if text else False
    return latin_1 and text.isprintable() and len(text) < 6000


def as_text(value) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def quoted(text: str) -> str:
    """As it travels in a URL; a lone surrogate as the bytes UTF-8 would give it (invalid UTF-8)."""
    return urllib.parse.quote(text, safe="", errors="surrogatepass")


@dataclass(frozen=True)
class Attempt:
    field: str
    value: object
    target: str
    body: object = None
    headers: dict | None = None


def attempts(operation: Operation, callers: dict[str, Caller]) -> list[Attempt]:
    """Every boundary value at every parameter and body field of one operation, the rest valid."""
    parameters = operation.spec.get("parameters", [])
    path_values = {p["name"]: next(iter(callers["a"].lead_ids)) if p["name"] == "lead_id" else
                   str(uuid.uuid4()) if p["schema"].get("format") == "uuid" else "boundary-token-1234567"
                   for p in parameters if p["in"] == "path"}
    query = {p["name"]: example(p["name"], p["schema"]) for p in parameters if p["in"] == "query" and p["required"]}
    schema = operation.spec.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
    body = example("body", schema) if schema else None

    def target(path_values=path_values, query=query) -> str:
        path = operation.path
        for name, value in path_values.items():
            path = path.replace(f"{{{name}}}", value)
        return path + ("?" + "&".join(f"{quoted(k)}={quoted(as_text(v))}" for k, v in query.items()) if query else "")

    found = []
    for p in parameters:
        for value in BOUNDARY_VALUES + (NOT_UUIDS if p["in"] == "path" else []):
            text = as_text(value) if value is not None else None
            if p["in"] == "path" and text:
                found.append(Attempt(p["name"], value, target(path_values | {p["name"]: quoted(text)}), body))
            elif p["in"] == "query" and text is not None and len(text) < 6000:
                found.append(Attempt(p["name"], value, target(query=query | {p["name"]: text}), body))
            elif p["in"] == "header" and in_a_header(text):
                found.append(Attempt(p["name"], value, target(), body, {p["name"]: text}))
    for where in body_fields(schema) if schema else []:
        name = ".".join(str(step) for step in where)
        found += [Attempt(name, value, target(), with_value(body, where, value)) for value in BOUNDARY_VALUES]
    return found


# --- the clients' own data -----------------------------------------------------------------------

def clients_still_apart(port: int, callers: dict[str, Caller]) -> list[str]:
    """What went wrong when each client reads its settings and its leads, in turns: empty when
    each got its own and only its own."""
    a, b, wrong = callers["a"], callers["b"], []
    for _ in range(2):
        for name, caller in (("B", b), ("A", a)):
            status, settings = send(port, "GET", "/api/client", key=caller.key)
            if status != 200 or settings.get("client_id") != str(caller.client_id):
                wrong.append(f"{name}'s GET /api/client answered {status}: {str(settings)[:200]}")
        status, page = send(port, "GET", "/api/leads?limit=100", key=b.key)
        if status != 200 or {lead["lead_id"] for lead in page["leads"]} != b.lead_ids:
            wrong.append(f"B's GET /api/leads answered {status}: {str(page)[:300]}")
        status, page = send(port, "GET", "/api/leads?limit=100", key=a.key)
        if status != 200 or {lead["lead_id"] for lead in page["leads"]} & b.lead_ids:
            wrong.append(f"A's GET /api/leads answered {status}: {str(page)[:300]}")
        lead_id = sorted(b.lead_ids)[0]
        status, story = send(port, "GET", f"/api/leads/{lead_id}", key=b.key)
        if status != 200 or story["lead"]["id"] != lead_id:
            wrong.append(f"B's GET /api/leads/{lead_id} answered {status}: {str(story)[:200]}")
    return wrong


WITH_FIELDS = [op for op in OPERATIONS if op.spec.get("parameters") or op.spec.get("requestBody")]


def test_every_route_with_parameters_or_a_body_is_tried():
    assert {str(op) for op in WITH_FIELDS} >= {"GET /api/leads", "PATCH /api/client", "POST /api/lead",
                                               "POST /api/prospects/score", "GET /api/insights"}


def unexplained(answer) -> list[dict]:
    """The details of a 422 that do not say {"field", "reason", "message"} with a known reason."""
    details = answer["error"].get("details") or [{}] if isinstance(answer, dict) else [{}]
    return [d for d in details if set(d) != {"field", "reason", "message"} or d["reason"] not in REASONS]


@pytest.mark.parametrize("operation", WITH_FIELDS, ids=str)
def test_no_boundary_value_gets_a_server_error_an_unexplained_refusal_or_mixes_up_two_clients(
        served, callers, operation):
    server_errors, refusals = [], []
    for attempt in attempts(operation, callers):
        status, answer = send(served, operation.method, attempt.target, attempt.body, callers["a"].key,
                              attempt.headers)
        if status >= 500:
            server_errors.append(f"{attempt.field}={attempt.value!r:.60}: {status} {str(answer)[:200]}")
        if status == 422 and answer["error"]["code"] == "validation_error" and unexplained(answer):
            refusals.append(f"{attempt.field}={attempt.value!r:.60}: {unexplained(answer)}")
    mixed_up = clients_still_apart(served, callers)
    assert not server_errors and not refusals and not mixed_up, "\n".join(
        [f"{len(server_errors)} server errors:", *server_errors[:20], f"{len(refusals)} refusals without a reason:",
         *refusals[:20], "clients mixed up:", *mixed_up[:10]])


def test_a_credential_at_its_boundaries_is_a_401_not_a_server_error(served, callers):
    for value in BOUNDARY_VALUES:
        text = as_text(value) if value is not None else ""
        if in_a_header(text):
            for header in ({"x-api-key": text}, {"Authorization": f"Bearer {text}"},
                           {"Authorization": f"Bearer avs_{text}"}):
                status, answer = send(served, "GET", "/api/client", headers=header)
                assert status == 401, (header, status, answer)
    assert not clients_still_apart(served, callers)


@pytest.mark.parametrize("target,name", [
    ("/api/leads?since={}", "since"), ("/api/leads?until={}", "until"), ("/api/insights?date={}", "date")])
@pytest.mark.parametrize("value", ["9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00", "1899-12-31",
                                   "2100-01-01"])
def test_a_date_outside_the_years_1900_to_2099_is_a_422_naming_its_field(served, callers, target, name, value):
    """since and until at years 1 and 9999 (which the driver cannot convert) and an insights date of
    any year outside 1900 to 2099 are a 422 naming the field."""
    if name == "date" and "T" in value:
        value = value[:10]
    status, answer = send(served, "GET", target.format(quoted(value)), key=callers["a"].key)
    assert status == 422 and [d["field"] for d in answer["error"]["details"]] == [name], answer


def test_a_run_date_outside_the_years_is_a_422_naming_its_field(served, callers):
    status, answer = send(served, "POST", "/api/intelligence/run", {"date": "0001-01-01"}, callers["a"].key)
    assert status == 422 and [d["field"] for d in answer["error"]["details"]] == ["date"], answer


@pytest.mark.parametrize("since", ["1900-01-01T00:00:00+14:00", "2099-12-31T23:59:59-14:00", "1900-01-01",
                                   "2099-12-31", "2026-01-15T09:30:00Z"])
def test_the_bounds_of_the_years_are_accepted(served, callers, since):
    status, answer = send(served, "GET", f"/api/leads?since={quoted(since)}&until={quoted(since)}",
                          key=callers["b"].key)
    assert status == 200, (since, answer)


def test_conversions_at_the_largest_value_still_add_up_to_a_number(served, callers):
    """A conversion value is bounded: two of 1e308 would sum to `Infinity` in the analytics answer,
    which is no JSON number."""
    b = callers["b"]
    for n in range(2):
        status, answer = send(served, "POST", "/api/lead", {"name": f"Big {n}", "email": f"big-{n}@example.ca"}, b.key)
        assert status == 201
        b.lead_ids.add(answer["lead_id"])
        status, answer = send(served, "POST", f"/api/leads/{answer['lead_id']}/tag",
                              {"tag": "Converted", "conversion_value": 1_000_000_000}, b.key)
        assert status == 200, answer
    status, answer = send(served, "POST", f"/api/leads/{sorted(b.lead_ids)[0]}/tag",
                          {"tag": "Converted", "conversion_value": 1e308}, b.key)
    assert status == 422 and answer["error"]["details"][0]["field"] == "conversion_value", answer
    status, answer = send(served, "GET", "/api/analytics", key=b.key)
    assert status == 200 and answer["conversions"]["value"] == 2_000_000_000, answer


@pytest.mark.parametrize("credential", ["avk_0123abcd_\x00secret", "avk_0123abcd_\ud800", "avs_\ud800token",
                                        "avs_token\x00"])
@pytest.mark.parametrize("header", ["x-api-key", "authorization"])
def test_a_credential_no_key_could_be_is_a_401_on_lambda_too(database, callers, credential, header):
    """Over HTTP the server refuses a NUL in a header (400) and no unpaired surrogate can arrive;
    a Lambda event carries what it is given: a credential with a NUL or a lone surrogate is a 401
    like any unknown one."""
    value = f"Bearer {credential}" if header == "authorization" else credential
    answer = invoke(load_function("owner_settings"), apigw_event("GET", "/api/client", headers={header: value}))
    assert answer.status == 401 and answer.json["error"]["code"] == "unauthorized"


@pytest.mark.parametrize("method", ["SCHEDULE", "POST", "GET"])
def test_the_schedulers_route_is_not_an_http_route(served, method):
    """`/schedule` is no HTTP route whatever the method (SCHEDULE included): a scheduled job's handler
    is reached only by a scheduler's event, never over HTTP without a key."""
    status, answer = send(served, method, "/schedule")
    assert status == 404 and answer["error"]["code"] == "not_found", answer
