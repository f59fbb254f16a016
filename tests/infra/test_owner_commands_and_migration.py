"""The owner's side from the command line (`avenir client list`, `avenir client set-password`,
`avenir leads list`), and schema/011 on a database that already has leads: each lead's current
message becomes its first logged one."""
import json
import os
import shutil
import uuid

import pg8000.native

from shared.clients import accounts
from shared.platform import migrate
from tests.helpers import avenir


def test_client_list_shows_every_client_without_secrets(database):
    client_id, key = accounts.create_client("Toitures Listées", f"owner-{uuid.uuid4().hex[:6]}@listees.ca")
    result = avenir("client", "list")
    assert result.returncode == 0, result.stderr
    listed = {row["client_id"]: row for row in json.loads(result.stdout)["clients"]}
    assert listed[str(client_id)]["business_name"] == "Toitures Listées"
    assert key not in result.stdout and "password" not in result.stdout


def test_set_password_reads_standard_input_and_ends_the_sessions(database, api):
    email = f"owner-{uuid.uuid4().hex[:6]}@motdepasse.ca"
    client_id, _ = accounts.create_client("Mot de Passe inc.", email, "Ancien-mot-2026")
    token = api.post("/api/auth/login", {"email": email, "password": "Ancien-mot-2026"}).json["token"]
    short = avenir("client", "set-password", "--client", str(client_id), stdin="court\n")
    done = avenir("client", "set-password", "--client", str(client_id), stdin="Nouveau-mot-2026\n")
    unknown = avenir("client", "set-password", "--client", str(uuid.uuid4()), stdin="Nouveau-mot-2026\n")
    assert (short.returncode, done.returncode, unknown.returncode) == (2, 0, 1)  # unknown: no such client
    assert "Nouveau-mot-2026" not in done.stdout + done.stderr
    assert api.get("/api/client", headers={"Authorization": f"Bearer {token}"}).status == 401
    assert api.post("/api/auth/login", {"email": email, "password": "Nouveau-mot-2026"}).status == 200


def test_leads_list_prints_the_inbox_for_a_client(database, api):
    client_id, key = accounts.create_client("Plomberie CLI", f"owner-{uuid.uuid4().hex[:6]}@cli.ca")
    first = api.post("/api/lead", {"name": "Ana", "email": "ana@cli.ca"}, key=key).json["lead_id"]
    second = api.post("/api/lead", {"name": "Marc", "email": "marc@cli.ca"}, key=key).json["lead_id"]
    api.post(f"/api/leads/{first}/tag", {"tag": "Follow-Up"}, key=key)
    everything = avenir("leads", "list", "--client", str(client_id))
    follow_up = avenir("leads", "list", "--client", str(client_id), "--tag", "Follow-Up", "--limit", "5")
    assert everything.returncode == follow_up.returncode == 0, everything.stderr
    assert [lead["lead_id"] for lead in json.loads(everything.stdout)["leads"]] == [second, first]
    assert [lead["lead_id"] for lead in json.loads(follow_up.stdout)["leads"]] == [first]
    assert avenir("leads", "list", "--client", str(uuid.uuid4())).returncode == 1  # no such client


def test_every_new_command_has_help():
    for command in (["client", "list"], ["client", "set-password"], ["leads", "list"]):
        result = avenir(*command, "--help")
        assert result.returncode == 0 and "usage: avenir" in result.stdout


def test_existing_leads_get_their_current_message_as_their_first_logged_one(pg, tmp_path):
    before, after = tmp_path / "before", tmp_path / "all"
    before.mkdir()
    for path in migrate.migration_files():
        if path.name < "011":
            shutil.copy(path, before)
    shutil.copytree(migrate.SCHEMA_DIR, after)
    url = pg.create_database(f"t_message_log_{uuid.uuid4().hex[:6]}")
    saved = os.environ.get("DATABASE_URL")
    os.environ["DATABASE_URL"] = url
    try:
        migrate.migrate(before)
        conn = pg8000.native.Connection(user="postgres", host="127.0.0.1", port=pg.port, database=url.rsplit("/", 1)[1]
                                        .split("?")[0])
        client_id = uuid.uuid4()
        conn.run("INSERT INTO clients (client_id, business_name, email, password_hash, api_key) "
                 "VALUES (:c, 'Avant', 'avant@log.ca', 'x', 'k-avant')", c=client_id)
        lead_id = conn.run("INSERT INTO lead_memory (email, name, message, client_id, intent, urgency) "
                           "VALUES ('lea@log.ca', 'Léa', 'Bonjour, une soumission svp', :c, 'quote_request', 'Low') "
                           "RETURNING id", c=client_id)[0][0]
        migrate.migrate(after)
        logged = conn.run("SELECT message, intent, urgency FROM lead_messages WHERE lead_id = :id", id=lead_id)
        conn.close()
    finally:
        os.environ["DATABASE_URL"] = saved
    assert logged == [["Bonjour, une soumission svp", "quote_request", "Low"]]
