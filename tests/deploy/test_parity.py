"""Lambda parity: every function answers the same request the same way whether it arrives over
HTTP at its functions-framework app or as an API Gateway HTTP API v2 event at its Lambda handler
(base64 bodies, any header case, query strings, path parameters, a stage-prefixed rawPath), and the
nightly EventBridge event does what the Cloud Scheduler CloudEvent does.

Two identical databases, one per runtime: each step runs in both (functions-framework in one,
Lambda in the other), then the answers and the rows each step added and removed are compared, with
what is generated per run (ids, timestamps, keys, hashes) blanked."""
import collections
import contextlib
import datetime
import decimal
import json
import os
import re
import uuid
from dataclasses import dataclass, field
from urllib.parse import urlencode

import pytest

from shared.clients import accounts
from shared.platform import db
from tests.helpers import ROOT, Database, apigw_event, invoke, load_function, scheduled_event, scheduler_cloudevent

GENERATED = [  # (pattern, placeholder): values that differ between two identical runs
    (re.compile(r"avk_[0-9a-f]{8}(_[A-Za-z0-9_-]+)?"), "<api-key>"),
    (re.compile(r"\$2[aby]\$\d\d\$[./A-Za-z0-9]{53}"), "<bcrypt>"),
    (re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I), "<uuid>"),
    (re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:?\d\d)?"), "<timestamp>"),
    (re.compile(r"\b[0-9a-f]{12,64}\b"), "<digest>"),  # key digests and fingerprints
]
COMPARED_HEADERS = ("content-type", "retry-after", "allow", "idempotent-replayed", "cache-control")
RUN_DATE = "2026-11-24"  # the day the fixture's 06:00 UTC scheduled event analyses


def blank(value):
    """A value with everything generated per run replaced by a placeholder."""
    if isinstance(value, dict):
        return {k: blank(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [blank(v) for v in value]
    if isinstance(value, uuid.UUID):
        return "<uuid>"
    if isinstance(value, datetime.datetime):
        return "<timestamp>"
    if isinstance(value, (datetime.date, decimal.Decimal)):
        return str(value)
    if isinstance(value, bytes):
        return blank(value.decode(errors="replace"))
    if isinstance(value, str):
        for pattern, placeholder in GENERATED:
            value = pattern.sub(placeholder, value)
        try:  # JSON kept as text (JSONB comes back parsed, but json columns and bodies may not)
            parsed = json.loads(value)
        except ValueError:
            return value
        return blank(parsed) if isinstance(parsed, (dict, list)) else value
    return value


@dataclass
class World:
    """One runtime's database; entering it points DATABASE_URL (both runtimes' config) at it."""
    runtime: str
    database: Database
    notes: dict = field(default_factory=dict)

    def __enter__(self):
        os.environ["DATABASE_URL"] = self.database.url
        return self

    def __exit__(self, *exc):
        return False

    def snapshot(self) -> dict[str, list[str]]:
        conn = self.database.connect()
        try:
            tables = [r["table_name"] for r in db.query(
                conn, "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' "
                "AND table_type = 'BASE TABLE' AND table_name NOT LIKE 'schema_migration%' ORDER BY 1")]
            return {table: sorted(json.dumps(blank(row), sort_keys=True, default=str)
                                  for row in db.query(conn, f'SELECT * FROM public."{table}"'))
                    for table in tables}
        finally:
            conn.close()


@pytest.fixture(scope="module")
def worlds(pg, database):
    """(functions-framework world, Lambda world): the module's database, served by `api`, and a
    second database made from the same migrated template."""
    lambda_db = Database(pg, f"t_parity_lambda_{uuid.uuid4().hex[:6]}")
    yield World("functions-framework", database), World("lambda", lambda_db)
    lambda_db.close()
    db.discard()


@pytest.fixture(scope="module")
def modules():
    return {name: load_function(name) for name in
            ("lead_intake", "tag_lead", "revert_lead", "prospect_scoring", "daily_intelligence", "rotate_key",
             "privacy", "data_maintenance")}


@dataclass
class Call:
    method: str
    path: str
    body: object = None
    raw: bytes | None = None
    headers: dict = field(default_factory=dict)  # sent with exactly this case
    query: dict | None = None
    path_params: dict | None = None
    content_type: str | None = "application/json"
    base64_body: bool = False
    stage: str | None = None  # a named stage: rawPath is /<stage>/... on API Gateway


def over_http(api, call: Call):
    path = call.path + (f"?{urlencode(call.query)}" if call.query else "")
    return api.request(call.method, path, call.body, headers=call.headers, raw=call.raw,
                       content_type=call.content_type)


def over_lambda(module, call: Call):
    event = apigw_event(call.method, call.path, call.body, query=call.query, path_params=call.path_params,
                        raw=call.raw, base64_body=call.base64_body, content_type=call.content_type)
    for name, value in call.headers.items():
        event["headers"].pop(name.lower(), None)
        event["headers"][name] = value
    if call.stage:
        event["requestContext"]["stage"] = call.stage
        event["rawPath"] = event["requestContext"]["http"]["path"] = f"/{call.stage}{call.path}"
    return invoke(module, event)


def answer(response) -> dict:
    headers = {k.lower(): v for k, v in response.headers.items()}
    return {"status": response.status, "body": blank(response.json),
            "headers": {h: headers[h] for h in COMPARED_HEADERS if h in headers}}


def same_everywhere(worlds, api, module, make_call):
    """Send make_call(world) to each world through its runtime; assert the same answer and the same
    rows written and removed; return the two responses (functions-framework first)."""
    web_world, lambda_world = worlds
    with web_world, effects(web_world) as web_effects:
        web = over_http(api, make_call(web_world))
    with lambda_world, effects(lambda_world) as lambda_effects:
        lam = over_lambda(module, make_call(lambda_world))
    assert answer(lam) == answer(web)
    assert_same_effects(web_effects, lambda_effects)
    return web, lam


@contextlib.contextmanager
def effects(world):
    """{table: (rows added, rows removed)} by what runs inside the block (an update is both)."""
    found = {}
    before = world.snapshot()
    yield found
    after = world.snapshot()
    for table in after:
        added = collections.Counter(after[table]) - collections.Counter(before.get(table, []))
        removed = collections.Counter(before.get(table, [])) - collections.Counter(after[table])
        if added or removed:
            found[table] = (sorted(added.elements()), sorted(removed.elements()))


def assert_same_effects(web_effects, lambda_effects):
    assert lambda_effects.keys() == web_effects.keys(), "the runtimes wrote to different tables"
    for table in web_effects:
        assert lambda_effects[table] == web_effects[table], f"{table}: the runtimes wrote different rows"


def in_both(worlds, setup):
    """Run the same set-up in each world (through the domain code, not a runtime)."""
    for world in worlds:
        with world:
            setup(world)


@pytest.fixture
def owner(worlds, make_client):
    """The same client in both worlds, its key noted per world."""
    email = f"owner-{uuid.uuid4().hex[:6]}@boreal-toitures.ca"

    def create(world):
        world.notes["key"] = make_client("Boréal Toitures", email=email).api_key
    in_both(worlds, create)
    return lambda world: world.notes["key"]


@pytest.fixture
def admin(worlds):
    """The internal client's key in both worlds, noted per world."""
    def create(world):
        world.notes["admin_key"] = accounts.issue_internal_key("Avenir", "ops@avenir.ca", "S3cret-pass!")[1]
    in_both(worlds, create)
    return lambda world: world.notes["admin_key"]


LEAD = {"name": "Marie Tremblay", "email": "marie@tremblay-famille.ca",
        "message": "Bonjour, notre toiture coule depuis hier soir, pouvez-vous venir cette semaine?"}


# --- lead_intake ---------------------------------------------------------------------------

def test_lead_intake_answers_a_base64_body_with_upper_case_headers_like_the_route(worlds, api, modules, owner):
    def submit(world):
        return Call("POST", "/api/lead", raw=json.dumps(LEAD).encode(), base64_body=True,
                    headers={"X-API-KEY": owner(world), "Idempotency-Key": "form-7731"},
                    content_type="application/json; charset=utf-8")

    web, lam = same_everywhere(worlds, api, modules["lead_intake"], submit)
    assert web.status == 201 and web.json["action"] == "insert"

    replay, _ = same_everywhere(worlds, api, modules["lead_intake"], submit)  # same Idempotency-Key
    assert replay.status == 201 and replay.json["lead_id"] == web.json["lead_id"]

    def update(world):
        return Call("POST", "/api/lead", {**LEAD, "email": LEAD["email"].upper(), "language": "fr"},
                    headers={"Authorization": f"Bearer {owner(world)}"})
    web, _ = same_everywhere(worlds, api, modules["lead_intake"], update)
    assert web.status == 200 and web.json["action"] == "update"


@pytest.mark.parametrize("raw, content_type, status", [
    (b'{"name": "Luc", "email": ', "application/json", 400),
    (b'{"name": "", "email": "not-an-email"}', "application/json", 422),
    (b"name=Luc", "application/x-www-form-urlencoded", 415),
])
def test_lead_intake_refuses_bad_bodies_alike(worlds, api, modules, owner, raw, content_type, status):
    def submit(world):
        return Call("POST", "/api/lead", raw=raw, content_type=content_type, base64_body=True,
                    headers={"x-api-key": owner(world)})
    web, _ = same_everywhere(worlds, api, modules["lead_intake"], submit)
    assert web.status == status


def test_a_missing_key_is_refused_alike(worlds, api, modules):
    web, _ = same_everywhere(worlds, api, modules["lead_intake"], lambda world: Call("POST", "/api/lead", LEAD))
    assert web.status == 401


# --- tag_lead and revert_lead ----------------------------------------------------------------

@pytest.fixture
def lead(worlds, api, modules, owner):
    """A lead of `owner` in each world, received through that world's own runtime."""
    email = f"client-{uuid.uuid4().hex[:6]}@gagnon-paysagement.ca"

    def submit(world):
        return Call("POST", "/api/lead", {**LEAD, "email": email}, headers={"x-api-key": owner(world)})
    web, lam = same_everywhere(worlds, api, modules["lead_intake"], submit)
    worlds[0].notes["lead"], worlds[1].notes["lead"] = web.json["lead_id"], lam.json["lead_id"]
    return lambda world: world.notes["lead"]


def test_tag_lead_takes_the_lead_from_the_path_even_behind_a_named_stage(worlds, api, modules, owner, lead):
    for tag, status in (("Follow-Up", 200), ("Follow-Up", 200), ("Converted", 200), ("Archived", 409)):
        def tag_call(world, tag=tag):
            return Call("POST", f"/api/leads/{lead(world)}/tag", {"tag": tag, "conversion_value": 1250.5},
                        headers={"X-Api-Key": owner(world)}, path_params={"lead_id": lead(world)}, stage="prod")
        web, _ = same_everywhere(worlds, api, modules["tag_lead"], tag_call)
        assert web.status == status


def test_tag_lead_answers_an_unknown_lead_and_a_bad_tag_alike(worlds, api, modules, owner):
    missing = str(uuid.uuid4())
    for body, status in (({"tag": "Converted"}, 404), ({"tag": "Won"}, 422)):
        def tag_call(world, body=body):
            return Call("POST", f"/api/leads/{missing}/tag", body, headers={"x-api-key": owner(world)},
                        path_params={"lead_id": missing})
        web, _ = same_everywhere(worlds, api, modules["tag_lead"], tag_call)
        assert web.status == status


def test_revert_lead_undoes_a_conversion_alike(worlds, api, modules, owner, lead):
    def convert(world):
        return Call("POST", f"/api/leads/{lead(world)}/tag", {"tag": "Converted"},
                    headers={"x-api-key": owner(world)}, path_params={"lead_id": lead(world)})
    same_everywhere(worlds, api, modules["tag_lead"], convert)

    for status in (200, 409):
        def revert(world):
            return Call("POST", f"/api/leads/{lead(world)}/revert", raw=b'{"reason": "Paid by a stolen card"}',
                        base64_body=True, headers={"Authorization": f"Bearer {owner(world)}"},
                        path_params={"lead_id": lead(world)}, stage="v1")
        web, _ = same_everywhere(worlds, api, modules["revert_lead"], revert)
        assert web.status == status


# --- prospect_scoring ------------------------------------------------------------------------

PROSPECTS = [
    {"business_name": "Plomberie Lavoie", "website": "https://www.plomberie-lavoie.ca/", "industry": "plumbing",
     "region": "QC", "test": {"has_autoresponder": False, "response_time_ms": None, "is_personalized": False,
                              "is_generic": False}},
    {"business_name": "Côté Électrique", "contact_email": "info@cote-electrique.ca", "industry": "electrical",
     "region": "QC", "language": "fr", "test": {"has_autoresponder": True, "response_time_ms": 800,
                                                 "is_personalized": True, "is_generic": False}},
    {"business_name": "Northern Roofing", "website": "northern-roofing.ca", "industry": "roofing", "region": "ON",
     "test": {"has_autoresponder": False, "response_time_ms": 3500, "is_personalized": False, "is_generic": True}},
]


def test_prospect_scoring_scores_a_base64_batch_and_lists_by_query_string_alike(worlds, api, modules, admin):
    def score(world):
        return Call("POST", "/api/prospects/score", raw=json.dumps({"prospects": PROSPECTS}).encode(),
                    base64_body=True, headers={"X-API-Key": admin(world)})
    web, _ = same_everywhere(worlds, api, modules["prospect_scoring"], score)
    assert web.status == 200 and web.json["scored"] == 3

    for query in ({"min_score": "70", "contacted": "false", "limit": "10"}, {"industry": "roofing", "min_score": "0"},
                  {"limit": "0"}):
        def listing(world, query=query):
            return Call("GET", "/api/prospects", headers={"x-api-key": admin(world)}, query=query, content_type=None)
        web, _ = same_everywhere(worlds, api, modules["prospect_scoring"], listing)
        assert web.status == (422 if query == {"limit": "0"} else 200)


def test_prospect_routes_refuse_a_client_key_alike(worlds, api, modules, owner):
    def listing(world):
        return Call("GET", "/api/prospects", headers={"x-api-key": owner(world)}, content_type=None)
    web, _ = same_everywhere(worlds, api, modules["prospect_scoring"], listing)
    assert web.status == 403


# --- daily_intelligence ----------------------------------------------------------------------

def test_the_on_demand_intelligence_run_is_the_same_on_both_runtimes(worlds, api, modules, admin, lead):
    def run(world):
        return Call("POST", "/api/intelligence/run", {"date": RUN_DATE}, headers={"x-api-key": admin(world)})
    web, _ = same_everywhere(worlds, api, modules["daily_intelligence"], run)
    assert web.status == 200 and web.json["run_date"] == RUN_DATE and web.json["events_written"] > 0


def test_the_eventbridge_schedule_runs_what_the_cloud_scheduler_event_runs(worlds, modules, lead):
    import functions_framework
    web_world, lambda_world = worlds
    with web_world, effects(web_world) as web_effects:
        app = functions_framework.create_app(target="daily_intelligence_scheduled", signature_type="cloudevent",
                                             source=str(ROOT / "functions" / "daily_intelligence" / "main.py"))
        sent = app.test_client().post("/", json=scheduler_cloudevent(),
                                      headers={"Content-Type": "application/cloudevents+json"})
        assert sent.status_code == 200, sent.get_data(as_text=True)
    with lambda_world, effects(lambda_world) as lambda_effects:
        result = modules["daily_intelligence"].handler(scheduled_event(), None)
    assert result["statusCode"] == 200
    summary = json.loads(result["body"])
    assert summary["run_date"] == RUN_DATE and summary["failed_clients"] == []
    assert_same_effects(web_effects, lambda_effects)
    assert "growth_brain" in lambda_effects
    growth = lambda_world.database.sql(
        "SELECT event_type, learning_snapshot->>'run_date' AS run_date FROM growth_brain "
        "WHERE learning_snapshot->>'run_date' = :d", d=RUN_DATE)
    assert {"engagement_score", "urgency_trend", "tone_distribution", "conversion_prediction"} <= {
        g["event_type"] for g in growth}


# --- privacy and data_maintenance -------------------------------------------------------------

def test_the_export_and_the_erasure_of_one_email_are_the_same_on_both_runtimes(worlds, api, modules, owner):
    email = f"erase-me-{uuid.uuid4().hex[:6]}@gagnon-paysagement.ca"

    def submit(world):
        return Call("POST", "/api/lead", {**LEAD, "email": email}, headers={"x-api-key": owner(world)})
    same_everywhere(worlds, api, modules["lead_intake"], submit)

    def export(world):
        return Call("GET", "/api/privacy/export", query={"email": email.upper()}, headers={"X-Api-Key": owner(world)},
                    content_type=None)
    web, _ = same_everywhere(worlds, api, modules["privacy"], export)
    assert web.status == 200 and len(web.json["leads"]) == 1

    def erase(world):
        return Call("POST", "/api/privacy/erase", {"email": email}, headers={"X-API-KEY": owner(world)},
                    base64_body=True, stage="prod")
    web, _ = same_everywhere(worlds, api, modules["privacy"], erase)
    assert web.status == 200 and web.json["erased"]["leads"] == 1
    assert same_everywhere(worlds, api, modules["privacy"], export)[0].json["leads"] == []


def test_the_nightly_maintenance_runs_alike_from_eventbridge_and_cloud_scheduler(worlds, modules, owner):
    import functions_framework

    def old_lead(world):
        client_id = world.database.scalar("SELECT client_id FROM clients WHERE business_name = 'Boréal Toitures' "
                                          "ORDER BY created_at DESC LIMIT 1")
        world.database.sql("INSERT INTO lead_memory (client_id, email, name, timestamp) VALUES "
                           "(:c, 'old@boreal.ca', 'Old', timestamptz '2025-01-01 00:00+00')", c=client_id)
    in_both(worlds, old_lead)
    web_world, lambda_world = worlds
    with web_world, effects(web_world) as web_effects:
        app = functions_framework.create_app(target="data_maintenance_scheduled", signature_type="cloudevent",
                                             source=str(ROOT / "functions" / "data_maintenance" / "main.py"))
        sent = app.test_client().post("/", json=scheduler_cloudevent(),
                                      headers={"Content-Type": "application/cloudevents+json"})
        assert sent.status_code == 200, sent.get_data(as_text=True)
    with lambda_world, effects(lambda_world) as lambda_effects:
        result = modules["data_maintenance"].handler(scheduled_event(), None)
    assert result["statusCode"] == 200 and json.loads(result["body"])["failed_clients"] == []
    assert json.loads(result["body"])["archived"] >= 1
    assert_same_effects(web_effects, lambda_effects)
    assert "lead_actions" in lambda_effects and "lead_memory" in lambda_effects


# --- rotate_key ------------------------------------------------------------------------------

def test_rotate_key_issues_a_new_key_and_retires_the_old_one_alike(worlds, api, modules, owner):
    def rotate(world):
        return Call("POST", "/api/clients/rotate-key", headers={"X-API-KEY": owner(world)}, content_type=None)
    web, lam = same_everywhere(worlds, api, modules["rotate_key"], rotate)
    assert web.status == 200 and web.json["api_key"] != owner(worlds[0])

    web, _ = same_everywhere(worlds, api, modules["rotate_key"], rotate)  # the old key, again
    assert web.status == 401
