"""`avenir migrate` and `avenir client create` as an operator runs them."""
import json
import os
import subprocess
import threading
import uuid
from pathlib import Path

import pytest

from infra.pgcluster import free_port
from shared.clients import accounts
from shared.leads import intake
from shared.leads.intake import LeadRequest
from tests.helpers import AVENIR, avenir

ROOT = Path(__file__).resolve().parent.parent.parent
@pytest.fixture
def empty_database(pg):
    name = "empty_" + uuid.uuid4().hex[:8]
    return pg.create_database(name)


def schema_counts(database_url):
    from shared.platform import db
    conn = db.connect()
    try:
        return conn.run("SELECT (SELECT count(*) FROM pg_tables WHERE schemaname = 'public'), "
                        "(SELECT count(*) FROM pg_indexes WHERE schemaname = 'public'), "
                        "(SELECT count(*) FROM pg_policies), (SELECT count(*) FROM clients), "
                        "(SELECT count(*) FROM schema_migrations)")[0]
    finally:
        conn.close()


def test_migrate_applies_everything_once_and_is_a_no_op_the_second_time(empty_database):
    first = avenir("migrate", env={"DATABASE_URL": empty_database})
    assert first.returncode == 0, first.stderr
    applied = json.loads(first.stdout)["applied"]
    assert applied and applied == sorted(applied) and applied[0].startswith("001_")
    os.environ["DATABASE_URL"] = empty_database
    counts = schema_counts(empty_database)
    second = avenir("migrate", env={"DATABASE_URL": empty_database})
    assert second.returncode == 0 and json.loads(second.stdout) == {"applied": []}
    assert schema_counts(empty_database) == counts


def test_two_migrations_at_once_leave_one_copy_of_everything(empty_database):
    results = []
    threads = [threading.Thread(target=lambda: results.append(avenir("migrate", env={"DATABASE_URL": empty_database})))
               for _ in range(2)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert [r.returncode for r in results] == [0, 0], [r.stderr for r in results]
    applied = [json.loads(r.stdout)["applied"] for r in results]
    assert sorted(map(len, applied))[0] == 0  # one run did all the work, the other found nothing to do
    os.environ["DATABASE_URL"] = empty_database
    tables, _, _, internal_clients, _ = schema_counts(empty_database)
    assert internal_clients == 1


@pytest.mark.parametrize("url", ["not-a-url", "mysql://root@localhost/db", "postgresql://postgres@127.0.0.1:{port}/x",
                                 "postgresql://postgres@127.0.0.1:notaport/x"])
def test_a_bad_database_url_gives_one_clear_line_and_a_non_zero_exit(url):
    result = avenir("migrate", env={"DATABASE_URL": url.format(port=free_port())})
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("avenir: error:"), result.stderr
    assert "Traceback" not in result.stderr


def test_no_database_configured_is_a_clear_error():
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DATABASE_SECRET_ARN")}
    result = subprocess.run([*AVENIR, "migrate"], capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode != 0 and "DATABASE_URL" in result.stderr and "Traceback" not in result.stderr


def test_client_create_prints_the_key_once_and_stores_only_its_digest(database):
    result = avenir("client", "create", "--business-name", "Toitures Laval", "--email", "info@toitures-laval.ca",
                    "--password", "Tr3s-secret")
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert set(out) == {"client_id", "api_key"}
    row = database.one("SELECT api_key, password_hash, is_test, is_internal FROM clients WHERE client_id = :c",
                       c=uuid.UUID(out["client_id"]))
    assert row["api_key"] == accounts.key_digest(out["api_key"]) and out["api_key"] not in row["api_key"]
    assert row["password_hash"].startswith("$2") and "Tr3s-secret" not in row["password_hash"]
    assert row["is_test"] is False and row["is_internal"] is False
    assert accounts.authenticate(out["api_key"]).client_id == uuid.UUID(out["client_id"])


@pytest.mark.parametrize("email,is_test", [("qa-TEST@renos.ca", True), ("owner@example.com", True),
                                           ("owner@renos.ca", False)])
def test_client_create_detects_test_clients_from_the_email(database, email, is_test):
    out = json.loads(avenir("client", "create", "--business-name", "R", "--email", email).stdout)
    assert database.scalar("SELECT is_test FROM clients WHERE client_id = :c", c=uuid.UUID(out["client_id"])) is is_test


def test_client_create_refuses_a_duplicate_email_clearly(database):
    avenir("client", "create", "--business-name", "A", "--email", "same@dup.ca")
    result = avenir("client", "create", "--business-name", "B", "--email", "same@dup.ca")
    assert result.returncode == 1 and "already exists" in result.stderr and "Traceback" not in result.stderr


def test_internal_key_is_issued_for_the_reference_internal_client(database):
    out = json.loads(avenir("client", "create", "--business-name", "Avenir AI Solutions", "--email", "ops@avenir.ca",
                            "--internal").stdout)
    assert out["client_id"] == "00000000-0000-0000-0000-000000000001"
    client = accounts.authenticate(out["api_key"])
    assert client.is_internal and client.client_id == accounts.INTERNAL_CLIENT_ID
    assert database.scalar("SELECT count(*) FROM clients WHERE is_internal") == 1


@pytest.mark.parametrize("business_name,email,field", [
    ("Toitures Laval", "bad", "--email"),
    ("Toitures Laval", "owner@", "--email"),
    ("Toitures Laval", "owner@toitures laval.ca", "--email"),
    ("Toitures Laval", "", "--email"),
    ("", "owner@toitures-laval.ca", "--business-name"),
    ("   ", "owner@toitures-laval.ca", "--business-name"),
    ("T" * 201, "owner@toitures-laval.ca", "--business-name"),
])
def test_client_create_refuses_what_the_api_would_refuse_in_one_line_and_writes_nothing(database, business_name,
                                                                                        email, field):
    before = database.scalar("SELECT count(*) FROM clients")
    result = avenir("client", "create", "--business-name", business_name, "--email", email)
    assert result.returncode == 2 and result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"avenir: error: {field}: "), result.stderr
    assert database.scalar("SELECT count(*) FROM clients") == before


def test_client_create_stores_the_email_as_the_lead_intake_would(database):
    out = json.loads(avenir("client", "create", "--business-name", "  Plomberie Brossard ",
                            "--email", "Info@Plomberie-BROSSARD.ca").stdout)
    row = database.one("SELECT business_name, email FROM clients WHERE client_id = :c", c=uuid.UUID(out["client_id"]))
    as_a_lead = LeadRequest(name="Plomberie Brossard", email="Info@Plomberie-BROSSARD.ca").email
    assert row == {"business_name": "Plomberie Brossard", "email": as_a_lead}


def test_an_internal_key_needs_no_business_name_or_email(database):
    result = avenir("client", "create", "--internal")
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["client_id"] == str(accounts.INTERNAL_CLIENT_ID) and accounts.authenticate(out["api_key"]).is_internal
    assert database.scalar("SELECT business_name FROM clients WHERE is_internal") == "Avenir AI Solutions"


def test_openapi_without_output_prints_the_document_and_writes_no_file(tmp_path):
    result = subprocess.run([*AVENIR, "openapi"], capture_output=True, text=True, timeout=60, cwd=tmp_path,
                            env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["openapi"].startswith("3.1") and "/api/lead" in document["paths"]
    assert list(tmp_path.iterdir()) == []


def test_the_placeholder_key_never_authenticates(database):
    assert accounts.authenticate("internal-api-key-placeholder") is None


def test_a_migration_may_run_longer_than_the_request_statement_timeout(empty_database, tmp_path, monkeypatch):
    (tmp_path / "001_slow_index.sql").write_text("SELECT pg_sleep(0.3); CREATE TABLE slow_built (id int);")
    monkeypatch.setenv("DATABASE_URL", empty_database)
    monkeypatch.setenv("AVENIR_STATEMENT_TIMEOUT_MS", "100")
    from shared.platform import migrate

    assert migrate.migrate(schema_dir=tmp_path) == ["001_slow_index.sql"]


def test_client_create_refuses_an_email_another_client_has_in_another_case_in_one_line(database):
    first = avenir("client", "create", "--business-name", "A", "--email", "Owner@Case-Dup.ca")
    before = database.scalar("SELECT count(*) FROM clients")
    for taken in ("owner@case-dup.ca", "OWNER@CASE-DUP.CA"):
        result = avenir("client", "create", "--business-name", "B", "--email", taken)
        lines = result.stderr.strip().splitlines()
        assert first.returncode == 0 and result.returncode == 1 and result.stdout == ""
        assert len(lines) == 1 and lines[0].startswith("avenir: error: ") and "already exists" in lines[0]
    assert database.scalar("SELECT count(*) FROM clients") == before


def test_internal_client_create_with_a_password_sets_the_owners_password(database, api):
    result = avenir("client", "create", "--internal", "--password", "Interne-2026!")
    assert result.returncode == 0, result.stderr
    answer = api.post("/api/auth/login", {"email": "internal@aveniraisolutions.ca", "password": "Interne-2026!"})
    assert answer.status == 200 and answer.json["client_id"] == str(accounts.INTERNAL_CLIENT_ID)
    bearer = {"Authorization": f"Bearer {answer.json['token']}"}
    again = avenir("client", "create", "--internal", "--password", "Autre-mot-2026")
    assert again.returncode == 0 and api.get("/api/client", headers=bearer).status == 401  # the old sessions end
    assert api.post("/api/auth/login", {"email": "internal@aveniraisolutions.ca",
                                        "password": "Autre-mot-2026"}).status == 200
    assert avenir("client", "create", "--internal").returncode == 0  # no --password: the password stays
    assert api.post("/api/auth/login", {"email": "internal@aveniraisolutions.ca",
                                        "password": "Autre-mot-2026"}).status == 200


def test_migrating_clients_whose_emails_differ_only_in_case_stops_naming_them_and_keeps_them(empty_database,
                                                                                              tmp_path):
    from shared.platform import db, migrate
    for path in migrate.migration_files():
        if path.name < "017_":
            (tmp_path / path.name).write_text(path.read_text())
    os.environ["DATABASE_URL"] = empty_database
    migrate.migrate(tmp_path)
    conn = db.connect()
    try:
        conn.run("INSERT INTO clients (client_id, business_name, email, password_hash, api_key) VALUES "
                 "('00000000-0000-0000-0000-00000000000a', 'A', 'Marie@Plomberie.ca', 'x', 'k1'), "
                 "('00000000-0000-0000-0000-00000000000b', 'B', 'marie@plomberie.ca ', 'x', 'k2')")
    finally:
        conn.close()
    result = avenir("migrate", env={"DATABASE_URL": empty_database})
    assert result.returncode == 1 and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "00000000-0000-0000-0000-00000000000a" in result.stderr and "'marie@plomberie.ca '" in result.stderr
    assert schema_counts(empty_database)[3] == 3  # the internal client and both of these, untouched


# --- every error one line, with the README's exit status ---------------------------------------

NO_DATABASE = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DATABASE_SECRET_ARN")}
SOME_ID = "0b6f8a52-6a43-4c3e-9a8e-2f1d5c7b9e10"


def one_line_error(result: subprocess.CompletedProcess) -> str:
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("avenir: error: "), result.stderr
    assert result.stdout == ""
    return lines[0]


@pytest.mark.parametrize("args", [
    [], ["bogus"], ["leads", "list"], ["leads", "list", "--client", "nope"],
    ["leads", "list", "--client", SOME_ID, "--limit", "0"], ["leads", "list", "--client", SOME_ID, "--limit", "101"],
    ["leads", "list", "--client", SOME_ID, "--limit", "-1"], ["leads", "list", "--client", SOME_ID, "--limit", "1e9"],
    ["leads", "list", "--client", SOME_ID, "--tag", "Won"], ["client", "rotate-key", "--client", "12345"],
    ["client", "set-password", "--client", "x"], ["intelligence", "run", "--date", "2026-13-01"],
    ["intelligence", "run", "--date", "yesterday"], ["intelligence", "run", "--client", "x"],
    ["followups", "retry"], ["followups", "retry", "--failed", "--client", "x"],
    ["maintenance", "run", "--now", "yesterday"], ["maintenance", "run", "--now", "2026-02-30T06:30:00Z"],
    ["enrich", "--rerun", "--since", "last week"], ["enrich", "--rerun", "--batch", "0"],
    ["enrich", "--rerun", "--batch", "99999999999999999999"], ["enrich", "--rerun", "--batch", "x"],
    ["serve", "--port", "99999"], ["serve", "--port", "0"], ["serve", "--workers", "0"], ["serve", "--threads", "-3"],
], ids=lambda args: " ".join(args) or "(nothing)")
def test_a_bad_command_line_is_one_line_and_exit_status_2_before_any_database_is_needed(args):
    result = subprocess.run([*AVENIR, *args], capture_output=True, text=True, env=NO_DATABASE, timeout=60)
    assert result.returncode == 2, result.stderr
    one_line_error(result)


@pytest.mark.parametrize("args", [["migrate"], ["client", "list"], ["leads", "list", "--client", SOME_ID],
                                  ["followups", "send"], ["maintenance", "run"], ["intelligence", "run"],
                                  ["enrich", "--rerun"], ["client", "rotate-key", "--client", SOME_ID]])
def test_no_database_is_one_line_and_exit_status_3(args):
    result = subprocess.run([*AVENIR, *args], capture_output=True, text=True, env=NO_DATABASE, timeout=60)
    assert result.returncode == 3 and "DATABASE_URL" in one_line_error(result)


def test_an_unreachable_database_is_exit_status_3():
    result = avenir("client", "list", env={"DATABASE_URL": f"postgresql://postgres@127.0.0.1:{free_port()}/x"})
    assert result.returncode == 3 and "database unavailable" in one_line_error(result)


@pytest.mark.parametrize("args", [["leads", "list", "--client", "{unknown}"],
                                  ["client", "rotate-key", "--client", "{unknown}"],
                                  ["client", "set-password", "--client", "{unknown}"]])
def test_a_client_id_that_names_no_client_is_one_line_and_exit_status_1(database, args):
    result = avenir(*(arg.format(unknown=uuid.uuid4()) for arg in args), stdin="a-long-enough-password\n")
    assert result.returncode == 1 and "No client with id" in one_line_error(result)


@pytest.mark.parametrize("args", [
    ["maintenance", "run", "--now", "9999-12-31T23:59:59-14:00"],
    ["maintenance", "run", "--now", "0001-01-01T00:00:00+14:00"],
    ["intelligence", "run", "--date", "9999-12-31"], ["intelligence", "run", "--date", "0001-01-01"],
    ["enrich", "--rerun", "--since", "9999-12-31T23:59:59-14:00"],
    ["enrich", "--rerun", "--since", "0001-01-01T00:00:00+14:00"],
    ["leads", "list", "--client", "{client}", "--limit", "100"],
], ids=lambda args: " ".join(args))
def test_boundary_times_and_numbers_either_run_or_are_one_line_exit_status_2(database, args):
    client_id, _ = accounts.create_client("Toitures Bornes", f"owner-{uuid.uuid4().hex[:8]}@bornes.ca")
    result = avenir(*(arg.format(client=client_id) for arg in args))
    if result.returncode != 0:
        assert result.returncode == 2, result.stderr
        one_line_error(result)
    assert "Traceback" not in result.stderr


def test_leads_list_with_a_limit_of_0_is_one_line_and_exit_status_2(database):
    client_id, _ = accounts.create_client("Toitures Zero", f"owner-{uuid.uuid4().hex[:8]}@zero.ca")
    result = avenir("leads", "list", "--client", str(client_id), "--limit", "0")
    assert result.returncode == 2 and "--limit" in one_line_error(result)


@pytest.mark.parametrize("args", [["openapi"], ["leads", "list", "--client", "{client}", "--limit", "100"]])
def test_a_standard_output_closed_early_ends_the_command_quietly(database, args):
    """`avenir ... | head`: the reader goes away before the answer is written; no traceback, no
    BrokenPipeError, status 141 (as a process ended by SIGPIPE)."""
    client_id, key = accounts.create_client("Toitures Tete", f"owner-{uuid.uuid4().hex[:8]}@tete.ca")
    for n in range(40):  # an inbox page larger than a pipe's buffer
        intake.intake(accounts.authenticate(key), LeadRequest(name=f"Lead {n}", email=f"l{n}@tete.ca",
                                                              message="Our roof leaks. " * 180))
    process = subprocess.Popen([*AVENIR, *(arg.format(client=client_id) for arg in args)], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    process.stdout.close()
    stderr = process.stderr.read()
    assert process.wait(timeout=60) == 141 and stderr == "", stderr


def test_a_reader_that_goes_away_mid_answer_ends_the_command_with_141_not_0():
    """The reader takes the first bytes of the OpenAPI document (over 100 KB) and leaves: the rest
    could not be written, so the command must not say it succeeded."""
    process = subprocess.Popen([*AVENIR, "openapi"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout.read(1) == b"{"
    process.stdout.close()
    stderr = process.stderr.read()
    assert process.wait(timeout=60) == 141 and stderr == b"", stderr


def test_set_password_refuses_a_nul_character_as_the_api_does(database):
    client_id, _ = accounts.create_client("Toitures Nul", f"owner-{uuid.uuid4().hex[:8]}@nul.ca")
    result = avenir("client", "set-password", "--client", str(client_id), stdin="abc\0defghijkl\n")
    assert result.returncode == 2 and result.stderr.startswith("avenir: error: ") and "NUL" in result.stderr
