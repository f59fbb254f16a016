"""What many test modules use, imported by name (`from helpers import apigw_event`): the Lambda
events and invocations, plain HTTP to a served port, the `avenir` command, a module's database."""
import asyncio
import base64
import contextlib
import copy
import datetime
import email
import email.policy
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from infra.pgcluster import LocalPostgres
from shared.platform import connection, db, migrate

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
TEMPLATE_DB = "avenir_template"
AVENIR = [sys.executable, "-m", "infra.cli"]


def avenir(*args: str, stdin: str | None = None, env: dict | None = None, **kwargs) -> subprocess.CompletedProcess:
    """`avenir ...` as an operator runs it, in a process of its own, with this test's environment."""
    return subprocess.run([*AVENIR, *args], capture_output=True, text=True, timeout=120, input=stdin,
                          env=dict(os.environ, **(env or {})), **kwargs)


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
        restore_env("DATABASE_URL", saved)
    return url


def restore_env(name: str, value: str | None) -> None:
    """Put an environment variable back as it was (None: unset)."""
    if value is None:
        os.environ.pop(name, None)
    else:
        os.environ[name] = value


class Database:
    """A test module's own database, read and written as a superuser (outside the app's path). Each
    thread keeps one connection for `sql` (autocommit: each call its own transaction), opened again
    when it was lost (a test ended the backends) or broken by an error; `close` ends them all."""

    def __init__(self, cluster: LocalPostgres, name: str):
        self.cluster, self.name = cluster, name
        self.url = cluster.create_database(name, template=TEMPLATE_DB)
        self._kept, self._opened = threading.local(), []

    def connect(self) -> db.Connection:
        return db.Connection(user="postgres", host="127.0.0.1", port=self.cluster.port, database=self.name)

    def sql(self, query: str, **params) -> list[dict]:
        try:
            return self._run(self._connection(), query, params)
        except Exception as e:
            if not connection.is_broken_connection(e):
                raise
            self._kept.conn = None
            return self._run(self._connection(), query, params)  # the statement never reached a server

    def close(self) -> None:
        for conn in self._opened:
            with contextlib.suppress(Exception):
                conn.close()
        self._kept, self._opened = threading.local(), []

    def _connection(self) -> db.Connection:
        conn = getattr(self._kept, "conn", None)
        if conn is None or conn.broken:
            conn = self._kept.conn = self.connect()
            self._opened.append(conn)
        return conn

    @staticmethod
    def _run(conn: db.Connection, query: str, params: dict) -> list[dict]:
        if params:
            return db.query(conn, query, **params)
        rows = conn.run(query)  # simple protocol: a test's script may hold several statements
        names = [column["name"] for column in conn.columns or []]
        return [dict(zip(names, row, strict=True)) for row in rows or []] if names else []

    def one(self, query: str, **params) -> dict | None:
        rows = self.sql(query, **params)
        return rows[0] if rows else None

    def scalar(self, query: str, **params):
        row = self.one(query, **params)
        return None if row is None else next(iter(row.values()))


@dataclass
class ClientKey:
    client_id: uuid.UUID
    api_key: str


@dataclass
class Admin:
    """The internal client (the `admin` fixture): its key and its owner's sign-in."""
    client_id: uuid.UUID
    api_key: str
    email: str
    password: str
    business_name: str


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


# A real SMTP server's answers, scripted by a test (tests/mail: served by aiosmtpd).
@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes

    @property
    def message(self) -> email.message.EmailMessage:
        return email.message_from_bytes(self.data, policy=email.policy.default)


@dataclass
class ScriptedHandler:
    """Answers DATA with the next scripted reply ("250", "421 ...", "550 ...", or ("sleep", seconds));
    "250 OK" once the script is used up. RCPT answers come from rcpt_script likewise."""

    script: list = field(default_factory=list)
    rcpt_script: list = field(default_factory=list)
    received: list[Received] = field(default_factory=list)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        answer = self.rcpt_script.pop(0) if self.rcpt_script else "250 OK"
        if answer.startswith("250"):
            envelope.rcpt_tos.append(address)
        return answer

    async def handle_DATA(self, server, session, envelope):
        answer = self.script.pop(0) if self.script else "250 Message accepted"
        if isinstance(answer, tuple):
            await asyncio.sleep(answer[1])
            answer = "250 Message accepted (late)"
        if answer.startswith("250"):
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos),
                                          envelope.original_content or envelope.content))
        return answer


# --- prospects and outreach ----------------------------------------------------------------------

INTERNAL = uuid.UUID("00000000-0000-0000-0000-000000000001")
ADDRESS = "1200 boulevard Saint-Martin Ouest, Laval QC H7S 2E4"
ADMIN_EMAIL, ADMIN_PASSWORD = "ops@avenir-leads.ca", "S3cret-pass!"

NO_REPLY = {"has_autoresponder": False, "response_time_ms": None, "is_personalized": False, "is_generic": False}


def prospect(name: str, test: dict = NO_REPLY, email: str | None = "auto", **fields) -> dict:
    """A prospect as POST /api/prospects/score takes it; its website and email derive from its name."""
    slug = "".join(c for c in name.lower() if c.isascii() and c.isalnum())
    body = {"business_name": name, "website": f"https://{slug}.ca", **fields, "test": dict(test)}
    if email:
        body["contact_email"] = f"info@{slug}.ca" if email == "auto" else email
    return body


def insert_outreach(database, business_name: str, industry: str | None, region: str | None, status: str,
                    sent_days_ago: float | None = 1, opened: bool = False) -> uuid.UUID:
    """A prospect and one outreach email of it, written by hand."""
    prospect_id = database.scalar(
        "INSERT INTO prospect_candidates (business_name, contact_email, industry, region, contacted) "
        "VALUES (:n, :e, :i, :r, true) RETURNING id", n=business_name, i=industry, r=region,
        e=f"info@{uuid.uuid4().hex[:8]}.ca")
    return database.scalar(
        "INSERT INTO prospect_outreach_log (prospect_id, email_subject, email_body, status, sent_at, opened_at, "
        "replied_at) VALUES (:p, 'Subject', 'Body', :s, now() - :d * interval '1 day', "
        "CASE WHEN :o THEN now() END, CASE WHEN :s = 'replied' THEN now() END) RETURNING id",
        p=prospect_id, s=status, d=sent_days_ago, o=opened)


# --- leads with a past, for the tagging and growth tests (written straight into the database) ---

# The seed's dashboard query (each lead with its latest action by timestamp), over every tag.
DASHBOARD = """
SELECT lm.id, lm.current_tag, la.tag, la.timestamp AS last_action_time
FROM lead_memory lm
LEFT JOIN LATERAL (
  SELECT tag, timestamp
  FROM lead_actions
  WHERE lead_id = lm.id
  ORDER BY timestamp DESC
  LIMIT 1
) la ON true
WHERE lm.client_id = :client_id AND lm.id = coalesce(:lead_id::uuid, lm.id)
ORDER BY lm.timestamp DESC
"""

INSERT_LEAD = """
INSERT INTO lead_memory (client_id, email, name, message, language, ai_summary, intent, tone, urgency,
                         confidence_score, current_tag, archived, deleted, is_test,
                         tone_history, urgency_history, confidence_history, timestamp, last_updated)
VALUES (:client_id, :email, :name, :message, 'en', :summary, 'quote_request', :tone, :urgency,
        :confidence, :tag::text, :tag::text = 'Archived', :tag::text = 'Deleted', :is_test,
        :tone_history::jsonb, :urgency_history::jsonb, :confidence_history::jsonb,
        now() - make_interval(secs => :age_seconds), now() - make_interval(secs => :age_seconds))
RETURNING id, timestamp
"""

# intake's own log of the lead: `insert` when it arrived, one `update` per later message.
INSERT_ACTIONS = """
INSERT INTO lead_actions (lead_id, client_id, action_type, tag, is_test, timestamp)
SELECT :lead_id, :client_id, kind, 'Active', :is_test, at
FROM unnest(:kinds::text[], :ats::timestamptz[]) AS history(kind, at)
"""

DAY = 86400


@dataclass
class LeadSeed:
    """What a test needs to know about the lead it made."""
    id: str
    client_id: uuid.UUID
    name: str


def history(values, age_seconds: float) -> str:
    """One `{"value", "timestamp"}` entry per message, the first at the lead's arrival."""
    now = datetime.datetime.now(datetime.UTC)
    entries = [{"value": value,
                "timestamp": (now - datetime.timedelta(seconds=age_seconds * (1 - i / len(values))))
                .isoformat().replace("+00:00", "Z")}
               for i, value in enumerate(values)]
    return json.dumps(entries)


class Ledger:
    """Reads what the tagging routes wrote, as the dashboard and the growth brain would."""

    def __init__(self, database):
        self.database = database

    def lead(self, lead_id) -> dict:
        return self.database.one(
            "SELECT current_tag, archived, deleted, last_updated FROM lead_memory WHERE id = :id", id=lead_id)

    def actions(self, lead_id) -> list[dict]:
        """The lead's log, oldest first (by timestamp, as the dashboard reads it)."""
        return self.database.sql(
            "SELECT id, client_id, action_type, tag, conversion_outcome, reversion_reason, is_test, timestamp "
            "FROM lead_actions WHERE lead_id = :id ORDER BY timestamp, id", id=lead_id)

    def growth(self, lead_id, event_type=None) -> list[dict]:
        """The growth events about this lead, oldest first."""
        return self.database.sql(
            "SELECT id, client_id, event_type, learning_snapshot, insight_text, confidence, created_at "
            "FROM growth_brain WHERE learning_snapshot ->> 'lead_id' = :lead_id "
            "AND event_type = coalesce(:event_type::text, event_type) ORDER BY created_at",
            lead_id=str(lead_id), event_type=event_type)

    def dashboard(self, client_id, lead_id=None) -> list[dict]:
        return self.database.sql(DASHBOARD, client_id=client_id, lead_id=lead_id)

    def counts(self, lead_id) -> tuple[int, int]:
        """(the lead's actions, its growth events): what a refused or no-op call must leave as it was."""
        return (self.database.scalar("SELECT count(*) FROM lead_actions WHERE lead_id = :id", id=lead_id),
                len(self.growth(lead_id)))
