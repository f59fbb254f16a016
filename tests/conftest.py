"""Fixtures shared by the whole suite: one throwaway PostgreSQL cluster per session, a fresh
migrated database per test module, clients with keys, the full local server on a real port,
and Lambda invocations with realistic API Gateway v2 events."""
import os
import shutil
import tempfile
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pooler
import pytest
from aiosmtpd.controller import Controller
from helpers import (
    TEMPLATE_DB,
    Api,
    ClientKey,
    Database,
    Received,
    ScriptedHandler,
    migrated_database,
    restore_env,
    throwaway_cluster,
)

from infra.pgcluster import free_port
from shared.clients import accounts
from shared.platform import db, settings

# The key SMTP passwords are encrypted with (shared/platform/cipher.py), one for the whole test session.
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
    db.discard()
    restore_env("DATABASE_URL", saved[0])
    restore_env("AVENIR_PREPARED_STATEMENTS", saved[1])


@pytest.fixture
def make_client(database):
    """make_client("Northwind Renovation") -> ClientKey; internal=True issues the admin's key."""
    def make(business_name="Northwind Renovation", email=None, internal=False, password="S3cret-pass!"):
        email = email or f"owner-{uuid.uuid4().hex[:8]}@northwind-reno.ca"
        if internal:
            return ClientKey(*accounts.issue_internal_key(business_name, email, password))
        return ClientKey(*accounts.create_client(business_name, email, password))
    return make


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
