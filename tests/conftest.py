"""Fixtures shared by the whole suite: one throwaway PostgreSQL cluster per session, a fresh
migrated database per test module, clients with keys, the full local server on a real port,
and Lambda invocations with realistic API Gateway v2 events."""
import datetime
import os
import shutil
import tempfile
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from aiosmtpd.controller import Controller

from infra.pgcluster import free_port
from shared.clients import accounts
from shared.platform import db, settings
from tests import pooler
from tests.helpers import (
    ADDRESS,
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    DAY,
    INSERT_ACTIONS,
    INSERT_LEAD,
    TEMPLATE_DB,
    Admin,
    Api,
    ClientKey,
    Database,
    LeadSeed,
    Ledger,
    Received,
    ScriptedHandler,
    history,
    migrated_database,
    restore_env,
    throwaway_cluster,
)

# The key SMTP passwords are encrypted with (shared/platform/cipher.py), one for the whole test session.
os.environ.setdefault("AVENIR_SECRET_KEY", "m6H2k0ehS1Yq4BqX9dM7Jf3bVq0tWm0c8aQh5nXr2Kk=")
# bcrypt's lowest cost for the passwords the tests hash (production's 12 takes ~0.25 s a hash); the
# one test of the production cost unsets it (tests/clients/test_password_cost.py).
os.environ.setdefault("AVENIR_BCRYPT_ROUNDS", "4")


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config):
    """tmp_path directories live under this run's own directory, removed when the run ends: pytest's
    shared /tmp/pytest-of-<user> lets one run delete another's directories when two run at once."""
    if config.option.basetemp is None:
        config.option.basetemp = config._avenir_basetemp = tempfile.mkdtemp(prefix="avenir-pytest-")


def pytest_unconfigure(config):
    if getattr(config, "_avenir_basetemp", None):
        shutil.rmtree(config._avenir_basetemp, ignore_errors=True)


def pytest_collection_modifyitems(items):
    """Modules with a `long` test first: pytest-xdist hands modules out in this order, so the longest
    starts while the other workers have the rest to do, instead of ending the run alone."""
    long_modules = {item.module for item in items if item.get_closest_marker("long")}
    items.sort(key=lambda item: item.module not in long_modules)


@pytest.fixture(autouse=True)
def _restore_environ():
    """Tests may change os.environ; each gets it back as it was."""
    saved = dict(os.environ)
    yield
    os.environ.clear()
    os.environ.update(saved)
    settings.clear_cache()


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
    database.close()
    db.discard()
    restore_env("DATABASE_URL", saved[0])
    restore_env("AVENIR_PREPARED_STATEMENTS", saved[1])


@pytest.fixture
def make_client(database):
    """make_client("Northwind Renovation") -> ClientKey, a new ordinary client."""
    def make(business_name="Northwind Renovation", email=None, password="S3cret-pass!"):
        email = email or f"owner-{uuid.uuid4().hex[:8]}@northwind-reno.ca"
        return ClientKey(*accounts.create_client(business_name, email, password))
    return make


@pytest.fixture(scope="module")
def admin(database) -> Admin:
    """The internal (admin) client of the module's database, as an operator sets it up: a fresh key,
    its owner's email and password (for signing in), and the mailing address outreach emails carry."""
    client_id, key = accounts.issue_internal_key("Avenir AI Solutions", ADMIN_EMAIL, ADMIN_PASSWORD)
    row = database.one("UPDATE clients SET email = :email, mailing_address = :address WHERE client_id = :c "
                       "RETURNING business_name", email=ADMIN_EMAIL, address=ADDRESS, c=client_id)
    return Admin(client_id, key, ADMIN_EMAIL, ADMIN_PASSWORD, row["business_name"])


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


# --- a real SMTP server (the replies, outreach and dashboard tests) --------------------------------

@dataclass
class SmtpServer:
    handler: ScriptedHandler
    port: int

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    @property
    def received(self) -> list[Received]:
        return self.handler.received


@pytest.fixture
def smtp_server():
    """A real SMTP server on a loopback port, in this process; its answers scripted per test."""
    handler = ScriptedHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield SmtpServer(handler, controller.port)
    controller.stop()


@pytest.fixture
def platform_smtp(smtp_server, monkeypatch):
    """The platform sender pointed at the test SMTP server (AVENIR_SMTP_URL), with a short timeout."""
    monkeypatch.setenv("AVENIR_SMTP_URL", smtp_server.url)
    monkeypatch.setenv("AVENIR_SES_FROM", "replies@avenir-mail.ca")
    monkeypatch.setenv("AVENIR_SMTP_TIMEOUT_S", "2")
    monkeypatch.setenv("AVENIR_PUBLIC_URL", "https://avenir.example.ca")
    return smtp_server


# --- a client and its leads with a past (the tagging and growth tests) ---

@pytest.fixture(scope="module")
def client(database) -> ClientKey:
    """One client for the module's tests (each test makes its own leads): a key costs a bcrypt hash."""
    return ClientKey(*accounts.create_client("Harbour Dental", f"front-desk-{uuid.uuid4().hex[:8]}@harbourdental.ca"))


@pytest.fixture
def make_lead(database):
    """make_lead(client_id, name="Sarah Chen", age_days=7, urgency=["Low", "High"], ...) -> LeadSeed.
    The lead arrived `age_days` ago (one `insert` action then) and wrote again `updates` times
    since (one `update` action each, evenly spaced); the histories hold one entry per message.
    """
    def make(client_id, name="Sarah Chen", age_days=0.0, tag="Active", urgency=("Medium",),
             tone=("Professional",), confidence=(0.72,), updates=0, is_test=False, email=None,
             urgency_now=None, tone_now=None) -> LeadSeed:
        age = age_days * DAY
        email = email or f"{name.split()[0].lower()}.{uuid.uuid4().hex[:6]}@harbourdental.ca"
        current_urgency = urgency_now or (urgency[-1] if urgency else "Medium")
        current_tone = tone_now or (tone[-1] if tone else "Professional")
        current_confidence = confidence[-1] if confidence else 0.72
        row = database.one(
            INSERT_LEAD, client_id=client_id, email=email, name=name, tag=tag, is_test=is_test,
            message="Hi, we need a quote for cleaning and whitening for two adults next month.",
            summary="Asks for a quote for cleaning and whitening for two adults.",
            tone=current_tone, urgency=current_urgency, confidence=current_confidence,
            tone_history=history(tone, age), urgency_history=history(urgency, age),
            confidence_history=history(confidence, age), age_seconds=age)
        arrived, now = row["timestamp"], datetime.datetime.now(datetime.UTC)
        kinds = ["insert"] + ["update"] * updates
        ats = [arrived + (now - arrived) * i / (updates + 1) for i in range(updates + 1)]
        database.sql(INSERT_ACTIONS, lead_id=row["id"], client_id=client_id, is_test=is_test, kinds=kinds,
                     ats=ats)
        return LeadSeed(id=str(row["id"]), client_id=client_id, name=name)
    return make


@pytest.fixture
def ledger(database) -> Ledger:
    return Ledger(database)


@pytest.fixture
def refuse_inserts(database):
    """refuse_inserts(table, client_id): from then on the database refuses that client's new rows in
    `table` (a trigger raising on insert): a real write failure, as a constraint or a dropped client
    would cause. Removed when the test ends."""
    tables = []

    def refuse(table, client_id):
        database.sql(f"""
            CREATE FUNCTION refuse_{table}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              IF NEW.client_id = '{client_id}' THEN RAISE EXCEPTION 'refused for this client'; END IF;
              RETURN NEW;
            END $$""")
        database.sql(f"CREATE TRIGGER refuse_{table} BEFORE INSERT ON {table} FOR EACH ROW "
                     f"EXECUTE FUNCTION refuse_{table}()")
        tables.append(table)
    yield refuse
    for table in tables:
        database.sql(f"DROP TRIGGER IF EXISTS refuse_{table} ON {table}")
        database.sql(f"DROP FUNCTION IF EXISTS refuse_{table}()")
