"""Fixtures shared by the whole suite: one throwaway PostgreSQL cluster per session, a fresh
migrated database per test module, clients with keys, the full local server on a real port,
and Lambda invocations with realistic API Gateway v2 events."""
import base64
import contextlib
import copy
import importlib.util
import json
import os
import shutil
import tempfile
import threading
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pooler
import pytest

from infra.pgcluster import LocalPostgres, free_port
from shared import clients, db, migrate, settings

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
TEMPLATE_DB = "avenir_template"
# The key SMTP passwords are encrypted with (shared/cipher.py), one for the whole test session.
os.environ.setdefault("AVENIR_SECRET_KEY", "m6H2k0ehS1Yq4BqX9dM7Jf3bVq0tWm0c8aQh5nXr2Kk=")


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config):
    """tmp_path directories live under this run's own directory, removed when the run ends: pytest's
    shared /tmp/pytest-of-<user> lets one run delete another's directories when two run at once."""
    if config.option.basetemp is None:
        config.option.basetemp = config._avenir_basetemp = tempfile.mkdtemp(prefix="avenir-pytest-")


def pytest_unconfigure(config):
    if getattr(config, "_avenir_basetemp", None):
        shutil.rmtree(config._avenir_basetemp, ignore_errors=True)


@pytest.fixture(autouse=True)
def _restore_environ():
    """Tests may change os.environ; each gets it back as it was."""
    saved = dict(os.environ)
    yield
    os.environ.clear()
    os.environ.update(saved)
    settings.clear_cache()


@contextlib.contextmanager
def throwaway_cluster(prefix: str) -> Iterator[LocalPostgres]:
    """A started PostgreSQL cluster in a new temporary directory the postgres OS user can reach;
    stopped and its directory (some 40 MB) removed when the block ends."""
    root = Path(tempfile.mkdtemp(prefix=prefix))
    cluster = LocalPostgres(root, fsync=False)
    try:
        os.chmod(root, 0o777)
        cluster.start()
        yield cluster
    finally:
        cluster.stop("immediate")
        shutil.rmtree(root)


def migrated_database(cluster: LocalPostgres, name: str) -> str:
    """A database of `cluster` built by the production migrations; returns its URL."""
    saved = os.environ.get("DATABASE_URL")
    os.environ["DATABASE_URL"] = url = cluster.create_database(name)
    try:
        migrate.migrate()
    finally:
        _restore("DATABASE_URL", saved)
    return url


@pytest.fixture(scope="session")
def pg():
    """One PostgreSQL 15 cluster for the session, with a migrated template database."""
    with throwaway_cluster("avenir-test-pg-") as cluster:
        migrated_database(cluster, TEMPLATE_DB)
        yield cluster
        db.discard()


@pytest.fixture(scope="session")
def pooler_port(pg) -> Iterator[int | None]:
    """With AVENIR_TEST_POOLER=1, a PgBouncer in transaction mode in front of the cluster
    (tests/pooler.py): the functions reach every test database through it. Else None."""
    if not pooler.enabled():
        yield None
        return
    with pooler.pgbouncer(pg) as port:
        yield port


def _restore(name, value):
    if value is None:
        os.environ.pop(name, None)
    else:
        os.environ[name] = value


class Database:
    """A test module's own database, read and written as a superuser (outside the app's path)."""

    def __init__(self, cluster: LocalPostgres, name: str):
        self.cluster, self.name = cluster, name
        self.url = cluster.create_database(name, template=TEMPLATE_DB)

    def connect(self) -> db.Connection:
        return db.Connection(user="postgres", host="127.0.0.1", port=self.cluster.port, database=self.name)

    def sql(self, query: str, **params) -> list[dict]:
        conn = self.connect()
        try:
            if params:
                return db.query(conn, query, **params)
            rows = conn.run(query)  # simple protocol: a test's script may hold several statements
            names = [column["name"] for column in conn.columns or []]
            return [dict(zip(names, row, strict=True)) for row in rows or []] if names else []
        finally:
            conn.close()

    def one(self, query: str, **params) -> dict | None:
        rows = self.sql(query, **params)
        return rows[0] if rows else None

    def scalar(self, query: str, **params):
        row = self.one(query, **params)
        return None if row is None else next(iter(row.values()))


@pytest.fixture(scope="module")
def database(pg, pooler_port, request):
    """A fresh migrated database for this module; DATABASE_URL points at it meanwhile."""
    name = "t_" + request.module.__name__.rsplit(".", 1)[-1][:40] + "_" + uuid.uuid4().hex[:6]
    database = Database(pg, name)
    saved = os.environ.get("DATABASE_URL"), os.environ.get("AVENIR_PREPARED_STATEMENTS")
    os.environ["DATABASE_URL"] = database.app_url = database.url
    if pooler_port is not None:  # the functions' path goes through the pooler; tests' own SQL does not
        os.environ["DATABASE_URL"] = database.app_url = database.url.replace(f":{pg.port}/", f":{pooler_port}/")
        os.environ["AVENIR_PREPARED_STATEMENTS"] = "0"
    yield database
    db.discard()
    _restore("DATABASE_URL", saved[0])
    _restore("AVENIR_PREPARED_STATEMENTS", saved[1])


@dataclass
class ClientKey:
    client_id: uuid.UUID
    api_key: str


@pytest.fixture
def make_client(database):
    """make_client("Northwind Renovation") -> ClientKey; internal=True issues the admin's key."""
    def make(business_name="Northwind Renovation", email=None, internal=False, password="S3cret-pass!"):
        email = email or f"owner-{uuid.uuid4().hex[:8]}@northwind-reno.ca"
        if internal:
            return ClientKey(*clients.issue_internal_key(business_name, email, password))
        return ClientKey(*clients.create_client(business_name, email, password))
    return make


@dataclass
class HttpResponse:
    status: int
    json: object
    headers: dict


class Api:
    """Plain HTTP to a running server, as an outside caller would send it."""

    def __init__(self, base_url: str):
        self.base_url = base_url

    def request(self, method, path, body=None, key=None, headers=None, raw=None,
                content_type="application/json") -> HttpResponse:
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        req = urllib.request.Request(self.base_url + path, data=data, method=method)
        if data is not None and content_type:
            req.add_header("Content-Type", content_type)
        if key:
            req.add_header("x-api-key", key)
        for name, value in (headers or {}).items():
            req.add_header(name, value)
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                status, text, hdrs = r.status, r.read().decode(), dict(r.headers)
        except urllib.error.HTTPError as e:
            status, text, hdrs = e.code, e.read().decode(), dict(e.headers)
        return HttpResponse(status, json.loads(text) if text else None, hdrs)

    def post(self, path, body=None, **kwargs) -> HttpResponse:
        return self.request("POST", path, body, **kwargs)

    def get(self, path, **kwargs) -> HttpResponse:
        return self.request("GET", path, **kwargs)


@pytest.fixture(scope="module")
def server(database):
    """The same app `avenir serve` runs (every function's functions-framework app), on a real
    loopback port, in a background thread of this process."""
    from werkzeug.serving import make_server
    from werkzeug.wsgi import ClosingIterator

    from infra.serve import build_app

    app = build_app()

    def app_closing_its_connection(environ, start_response):
        # each request runs in a thread of its own, so its thread's connection is closed once the
        # answer is sent, rather than left open until garbage collection (a pooler counts them)
        return ClosingIterator(app(environ, start_response), [db.discard])

    httpd = make_server("127.0.0.1", free_port(), app_closing_its_connection, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()


@pytest.fixture
def api(server) -> Api:
    return Api(server)


def load_function(folder: str):
    """functions/<folder>/main.py as its own module, the way Lambda imports it."""
    path = ROOT / "functions" / folder / "main.py"
    spec = importlib.util.spec_from_file_location(f"lambda_{folder}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def apigw_event(method, path, body=None, key=None, headers=None, query=None, path_params=None,
                raw=None, base64_body=False, content_type="application/json") -> dict:
    """A realistic API Gateway HTTP API (payload 2.0) event, from tests/fixtures/events."""
    event = copy.deepcopy(json.loads((FIXTURES / "events" / "apigw_v2.json").read_text()))
    text = raw if raw is not None else (json.dumps(body) if body is not None else "")
    if isinstance(text, bytes):
        text = text.decode()
    event["rawPath"] = event["requestContext"]["http"]["path"] = path
    event["requestContext"]["http"]["method"] = method
    event["routeKey"] = event["requestContext"]["routeKey"] = f"{method} {path}"
    event["requestContext"]["requestId"] = uuid.uuid4().hex
    if content_type:
        event["headers"]["content-type"] = content_type
    else:
        event["headers"].pop("content-type")
    event["headers"]["content-length"] = str(len(text.encode()))
    if key:
        event["headers"]["x-api-key"] = key
    event["headers"].update({k.lower(): v for k, v in (headers or {}).items()})
    if query:
        event["queryStringParameters"] = query
        event["rawQueryString"] = "&".join(f"{k}={v}" for k, v in query.items())
    if path_params:
        event["pathParameters"] = path_params
    if base64_body:
        event["body"], event["isBase64Encoded"] = base64.b64encode(text.encode()).decode(), True
    else:
        event["body"] = text
    return event


def invoke(module, event) -> HttpResponse:
    """Call a Lambda handler and read its answer like API Gateway would."""
    result = module.handler(event, None)
    body = result.get("body")
    return HttpResponse(result["statusCode"], json.loads(body) if body else None, result.get("headers", {}))


def scheduled_event() -> dict:
    return json.loads((FIXTURES / "events" / "eventbridge_scheduled.json").read_text())


def scheduler_cloudevent() -> dict:
    return json.loads((FIXTURES / "events" / "cloudevent_scheduler.json").read_text())

