"""Tenant isolation enforced by PostgreSQL: a client's transaction runs as the `authenticated`
role with app.current_client_id set, and the policies, not the WHERE clauses, keep clients apart."""
import os
import uuid
from dataclasses import dataclass

import pg8000.native
import pytest
from pg8000.exceptions import DatabaseError

from shared.platform import db, migrate

pytestmark = pytest.mark.pooled

TENANT_TABLES = ("lead_memory", "lead_actions", "growth_brain")


@dataclass
class Tenant:
    client_id: uuid.UUID


# A client row written directly (no key or bcrypt: these tests never authenticate), with `leads`
# leads, each with one action and one growth event, in one statement.
SEED_TENANT = """
WITH client AS (
  INSERT INTO clients (client_id, business_name, email, password_hash, api_key)
  VALUES (:client_id::uuid, :business_name, :email, 'x', :api_key)
  RETURNING client_id
), leads AS (
  INSERT INTO lead_memory (email, name, client_id, message)
  SELECT 'lead' || n || '@tenant.ca', 'Lead ' || n, client_id, 'Leak in the basement'
  FROM client, generate_series(1, :leads) AS n
  RETURNING id, client_id
), actions AS (
  INSERT INTO lead_actions (lead_id, client_id, action_type, tag)
  SELECT id, client_id, 'insert', 'Active' FROM leads
)
INSERT INTO growth_brain (client_id, event_type, learning_snapshot)
SELECT client_id, 'conversion', jsonb_build_object('lead_id', id) FROM leads
"""


@pytest.fixture
def two_clients(database):
    """Client A with 2 leads, client B with 3; each lead with one action and one growth event."""
    a, b = Tenant(uuid.uuid4()), Tenant(uuid.uuid4())
    conn = database.connect()
    try:
        for tenant, business_name, leads in ((a, "Toitures Laval", 2), (b, "Plomberie Brossard", 3)):
            conn.run(SEED_TENANT, client_id=tenant.client_id, business_name=business_name, leads=leads,
                     email=f"{tenant.client_id.hex}@tenant.ca", api_key=f"sha256:{tenant.client_id.hex}")
    finally:
        conn.close()
    return a, b


@pytest.mark.parametrize("table", TENANT_TABLES)
def test_a_query_with_no_client_filter_on_a_clients_path_sees_only_that_clients_rows(two_clients, table):
    a, b = two_clients
    with db.transaction(client_id=a.client_id) as conn:
        count = conn.run(f"SELECT count(*) FROM {table}")[0][0]
        owners = {row[0] for row in conn.run(f"SELECT DISTINCT client_id FROM {table}")}
    assert count == 2
    assert owners == {a.client_id}


@pytest.mark.parametrize("table", TENANT_TABLES)
def test_the_admin_path_sees_every_clients_rows(two_clients, table):
    a, b = two_clients
    with db.admin_transaction() as conn:
        counts = dict(conn.run(f"SELECT client_id, count(*) FROM {table} GROUP BY client_id"))
    assert counts[a.client_id] == 2 and counts[b.client_id] == 3


INSERT_FOR = {
    "lead_memory": "INSERT INTO lead_memory (email, name, client_id) VALUES ('x@y.ca', 'X', :client_id)",
    "lead_actions": "INSERT INTO lead_actions (client_id, action_type, tag) VALUES (:client_id, 'tag', 'Active')",
    "growth_brain": "INSERT INTO growth_brain (client_id, event_type) VALUES (:client_id, 'conversion')",
}


@pytest.mark.parametrize("table", TENANT_TABLES)
def test_inserting_a_row_for_another_client_on_a_clients_path_is_refused(two_clients, database, table):
    a, b = two_clients
    with pytest.raises(DatabaseError) as refused:
        with db.transaction(client_id=a.client_id) as conn:
            conn.run(INSERT_FOR[table], client_id=b.client_id)
    assert db.sqlstate(refused.value) == "42501"  # new row violates row-level security policy
    assert database.scalar(f"SELECT count(*) FROM {table} WHERE client_id = :b", b=b.client_id) == 3


@pytest.mark.parametrize("table", TENANT_TABLES)
def test_a_client_may_insert_its_own_rows(two_clients, database, table):
    a, _ = two_clients
    with db.transaction(client_id=a.client_id) as conn:
        conn.run(INSERT_FOR[table], client_id=a.client_id)
    assert database.scalar(f"SELECT count(*) FROM {table} WHERE client_id = :a", a=a.client_id) == 3


def test_an_unfiltered_update_or_delete_on_a_clients_path_touches_only_that_clients_rows(two_clients, database):
    a, b = two_clients
    with db.transaction(client_id=a.client_id) as conn:
        conn.run("UPDATE lead_memory SET current_tag = 'Archived', archived = true")
        conn.run("DELETE FROM growth_brain")
        conn.run("DELETE FROM lead_actions")
    assert database.scalar("SELECT count(*) FROM lead_memory WHERE client_id = :b AND current_tag = 'Active'",
                           b=b.client_id) == 3
    assert database.scalar("SELECT count(*) FROM growth_brain WHERE client_id = :b", b=b.client_id) == 3
    assert database.scalar("SELECT count(*) FROM lead_actions WHERE client_id = :b", b=b.client_id) == 3
    assert database.scalar("SELECT count(*) FROM growth_brain WHERE client_id = :a", a=a.client_id) == 0


def test_a_client_cannot_hand_its_rows_to_another_client(two_clients, database):
    a, b = two_clients
    with pytest.raises(DatabaseError) as refused:
        with db.transaction(client_id=a.client_id) as conn:
            conn.run("UPDATE lead_memory SET client_id = :b", b=b.client_id)
    assert db.sqlstate(refused.value) == "42501"
    assert database.scalar("SELECT count(*) FROM lead_memory WHERE client_id = :a", a=a.client_id) == 2


def test_another_clients_lead_by_id_is_invisible_on_a_clients_path(two_clients, database):
    a, b = two_clients
    lead_of_b = database.scalar("SELECT id FROM lead_memory WHERE client_id = :b LIMIT 1", b=b.client_id)
    with db.transaction(client_id=a.client_id) as conn:
        assert conn.run("SELECT id FROM lead_memory WHERE id = :id", id=lead_of_b) == []
        assert conn.run("UPDATE lead_memory SET name = 'Taken' WHERE id = :id RETURNING id", id=lead_of_b) == []
    assert database.scalar("SELECT name FROM lead_memory WHERE id = :id", id=lead_of_b) != "Taken"


def test_a_client_sees_only_its_own_account_and_key_rotations(two_clients, database):
    a, b = two_clients
    for client in (a, b):
        database.sql("INSERT INTO api_key_rotation_log (client_id, old_key_fingerprint, new_key_fingerprint) "
                     "VALUES (:c, 'aaaaaaaaaaaa', 'bbbbbbbbbbbb')", c=client.client_id)
    with db.transaction(client_id=a.client_id) as conn:
        assert [r[0] for r in conn.run("SELECT client_id FROM clients")] == [a.client_id]
        assert [r[0] for r in conn.run("SELECT client_id FROM api_key_rotation_log")] == [a.client_id]
    with pytest.raises(DatabaseError) as denied:
        with db.transaction(client_id=a.client_id) as conn:
            conn.run("SELECT count(*) FROM prospect_candidates")
    assert db.sqlstate(denied.value) == "42501"  # the internal client's prospects are not a client's data


@pytest.mark.parametrize("assignment", ["is_internal = true", "api_key = 'sha256:chosen-by-the-client'",
                                        "is_test = true", "client_id = gen_random_uuid()", "created_at = now()",
                                        "email = 'someone-else@tenant.ca'", "last_rotated = now()"])
def test_a_client_may_not_change_the_columns_that_say_who_it_is_or_what_it_may_do(two_clients, database,
                                                                                    assignment):
    a, _ = two_clients
    before = database.one("SELECT * FROM clients WHERE client_id = :c", c=a.client_id)
    with pytest.raises(DatabaseError) as denied:
        with db.transaction(client_id=a.client_id) as conn:
            conn.run(f"UPDATE clients SET {assignment} WHERE client_id = :c", c=a.client_id)
    assert db.sqlstate(denied.value) == "42501"
    assert database.one("SELECT * FROM clients WHERE client_id = :c", c=a.client_id) == before


def test_a_client_may_change_its_own_settings_and_only_its_own(two_clients, database):
    a, b = two_clients
    with db.transaction(client_id=a.client_id) as conn:
        changed = conn.run("UPDATE clients SET business_name = 'Toitures Laval inc.', language = 'fr', "
                           "email_tone = 'Formal', smtp_port = 587, last_connection = now() RETURNING client_id")
    assert [row[0] for row in changed] == [a.client_id]
    assert database.scalar("SELECT business_name FROM clients WHERE client_id = :c", c=a.client_id) \
        == "Toitures Laval inc."
    assert database.scalar("SELECT business_name FROM clients WHERE client_id = :c", c=b.client_id) \
        == "Plomberie Brossard"


def test_a_clients_path_runs_as_a_role_that_row_level_security_applies_to(two_clients, database):
    a, _ = two_clients
    with db.transaction(client_id=a.client_id) as conn:
        user, setting = conn.run("SELECT current_user, current_setting('app.current_client_id')")[0]
        role = db.query_one(conn, "SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user")
        owns = conn.run("SELECT count(*) FROM pg_tables WHERE tablename IN ('lead_memory', 'lead_actions', "
                        "'growth_brain') AND tableowner = current_user")[0][0]
    assert user == db.APP_ROLE and setting == str(a.client_id)
    assert role == {"rolsuper": False, "rolbypassrls": False} and owns == 0


def test_the_role_and_the_client_last_only_for_their_transaction(two_clients):
    a, b = two_clients
    with db.transaction(client_id=a.client_id) as conn:
        session_user = conn.run("SELECT session_user")[0][0]
    with db.admin_transaction() as conn:
        user, setting = conn.run("SELECT current_user, current_setting('app.current_client_id', true)")[0]
        owners = {row[0] for row in conn.run("SELECT DISTINCT client_id FROM lead_memory")}
    assert user == session_user and setting in (None, "") and {a.client_id, b.client_id} <= owners


def test_the_app_role_without_a_client_writes_nothing(two_clients, database):
    a, _ = two_clients
    conn = database.connect()
    try:
        conn.run("BEGIN")
        conn.run(f"SET LOCAL ROLE {db.APP_ROLE}")
        with pytest.raises(DatabaseError) as refused:
            conn.run("INSERT INTO growth_brain (client_id, event_type) VALUES (:c, 'conversion')", c=a.client_id)
        assert db.sqlstate(refused.value) == "42501"
    finally:
        conn.close()


@pytest.mark.parametrize("client_id", ["x'); SET ROLE postgres; --", "", "00000000-0000-0000-0000-00000000000g"])
def test_only_a_uuid_can_name_the_client_of_a_transaction(database, client_id):
    with pytest.raises(ValueError):
        with db.transaction(client_id=client_id):
            pass


def test_a_client_id_given_as_text_or_uuid_names_the_same_client(two_clients):
    a, _ = two_clients
    for value in (str(a.client_id), a.client_id, str(a.client_id).upper()):
        with db.transaction(client_id=value) as conn:
            assert conn.run("SELECT count(*) FROM lead_memory")[0][0] == 2


def test_the_policies_cover_every_command_on_the_tenant_tables(database):
    rows = database.sql("SELECT tablename, cmd FROM pg_policies WHERE 'authenticated' = ANY(roles)")
    commands = {(r["tablename"], r["cmd"]) for r in rows}
    for table in TENANT_TABLES:
        assert {(table, c) for c in ("SELECT", "INSERT", "UPDATE", "DELETE")} <= commands
    assert all(database.scalar("SELECT relrowsecurity FROM pg_class WHERE oid = :t::regclass", t=t)
               for t in TENANT_TABLES)


def test_a_transaction_without_a_client_is_the_admin_path_as_before(two_clients):
    a, b = two_clients
    with db.transaction() as conn:
        user = conn.run("SELECT current_user = session_user")[0][0]
        owners = {row[0] for row in conn.run("SELECT DISTINCT client_id FROM growth_brain")}
    assert user is True and {a.client_id, b.client_id} <= owners


def test_on_a_managed_database_the_admin_user_is_granted_the_app_role_and_isolation_holds(pg):
    """RDS and Supabase connect as an admin user that is no superuser (here: CREATEROLE, owner of its
    database). The migrations run as it and make it a member of the app role, so the per-client path
    can switch roles, and the policies bind."""
    admin = "managed_admin_" + uuid.uuid4().hex[:8]
    name = "managed_" + uuid.uuid4().hex[:8]
    conn = pg8000.native.Connection(user="postgres", host="127.0.0.1", port=pg.port, database="postgres")
    try:
        conn.run(f'CREATE ROLE "{admin}" LOGIN CREATEROLE NOSUPERUSER')
        conn.run(f'CREATE DATABASE "{name}" OWNER "{admin}"')
    finally:
        conn.close()
    os.environ["DATABASE_URL"] = f"postgresql://{admin}@127.0.0.1:{pg.port}/{name}"
    db.discard()
    try:
        migrate.migrate()
        a, b = uuid.uuid4(), uuid.uuid4()
        with db.admin_transaction() as conn:
            assert conn.run("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")[0][0] is False
            assert conn.run("SELECT pg_has_role(current_user, 'authenticated', 'MEMBER')")[0][0] is True
            for client_id in (a, b):
                conn.run("INSERT INTO clients (client_id, business_name, email, password_hash, api_key) "
                         "VALUES (:c, 'Managed', :e, 'x', :k)", c=client_id, e=f"{client_id}@rds.ca", k=str(client_id))
                conn.run("INSERT INTO lead_memory (email, name, client_id) VALUES ('l@rds.ca', 'L', :c)", c=client_id)
        with db.transaction(client_id=a) as conn:
            assert [row[0] for row in conn.run("SELECT client_id FROM lead_memory")] == [a]
        with pytest.raises(DatabaseError) as refused:
            with db.transaction(client_id=a) as conn:
                conn.run("INSERT INTO lead_memory (email, name, client_id) VALUES ('x@rds.ca', 'X', :b)", b=b)
        assert db.sqlstate(refused.value) == "42501"
    finally:
        db.discard()


def test_one_prepared_statement_reused_for_two_clients_and_the_admin_sees_each_time_the_right_rows(two_clients):
    """db prepares a statement once per connection; PostgreSQL must re-check the role and the client
    at every run, also once it has moved to a generic plan (after five runs)."""
    a, b = two_clients
    statement = "SELECT DISTINCT client_id FROM lead_memory WHERE name LIKE :prefix"
    for _ in range(7):
        for client in (a, b):
            with db.transaction(client_id=client.client_id) as conn:
                assert {row[0] for row in conn.run(statement, prefix="Lead%")} == {client.client_id}
        with db.admin_transaction() as conn:
            assert {a.client_id, b.client_id} <= {row[0] for row in conn.run(statement, prefix="Lead%")}
