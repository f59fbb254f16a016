"""The row models in shared/rows.py mirror the migrated tables exactly and read real rows."""
import pytest

from shared import rows


@pytest.mark.parametrize("table", sorted(rows.TABLES))
def test_each_row_model_has_exactly_the_tables_columns(database, table):
    columns = {r["column_name"] for r in database.sql(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = :t",
        t=table)}
    assert set(rows.TABLES[table].model_fields) == columns


@pytest.mark.parametrize("table", sorted(rows.TABLES))
def test_each_row_model_reads_the_rows_the_database_returns(database, make_client, table):
    client = make_client()
    lead = database.one("INSERT INTO lead_memory (client_id, email, name, tone_history) VALUES (:c, 'a@b.ca', 'A', "
                        "'[{\"value\": \"Friendly\", \"timestamp\": \"2026-11-01T10:00:00Z\"}]') RETURNING id",
                        c=client.client_id)
    database.sql("INSERT INTO lead_actions (lead_id, client_id, action_type, tag) VALUES (:l, :c, 'insert', 'Active')",
                 l=lead["id"], c=client.client_id)
    database.sql("INSERT INTO growth_brain (client_id, event_type, learning_snapshot, confidence) "
                 "VALUES (:c, 'conversion', '{\"days_to_convert\": 7}', 0.95)", c=client.client_id)
    prospect = database.one("INSERT INTO prospect_candidates (business_name, response_score) VALUES ('P', 75) "
                            "RETURNING id")
    database.sql("INSERT INTO prospect_outreach_log (prospect_id, email_subject, email_body) VALUES (:p, 's', 'b')",
                 p=prospect["id"])
    database.sql("INSERT INTO api_key_rotation_log (client_id, old_key_fingerprint, new_key_fingerprint) "
                 "VALUES (:c, 'aaaaaaaaaaaa', 'bbbbbbbbbbbb')", c=client.client_id)

    stored = database.sql(f"SELECT * FROM {table}")
    parsed = [rows.TABLES[table].model_validate(row) for row in stored]
    assert parsed and all(str(p.id) == str(row["id"]) for p, row in zip(parsed, stored, strict=True))


def test_secrets_stay_out_of_a_client_rows_repr(database, make_client):
    make_client()
    client = rows.ClientRow.model_validate(database.one("SELECT * FROM clients WHERE NOT is_internal"))
    assert "sha256:" not in repr(client) and "$2" not in repr(client)
