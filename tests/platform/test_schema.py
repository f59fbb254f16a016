"""The migrated schema against the schema reference, table by table."""
import uuid

import pytest
from pg8000.exceptions import DatabaseError

# table -> {column: (data_type, is_nullable, default or None)}
REFERENCE_COLUMNS = {
    "clients": {
        "id": ("uuid", "NO", "gen_random_uuid()"), "client_id": ("uuid", "NO", None),
        "business_name": ("text", "NO", None), "contact_name": ("text", "YES", None), "name": ("text", "YES", None),
        "email": ("text", "NO", None), "password_hash": ("text", "NO", None), "api_key": ("text", "NO", None),
        "language": ("text", "YES", "'en'::text"), "is_internal": ("boolean", "YES", "false"),
        "is_test": ("boolean", "YES", "false"), "industry_category": ("text", "YES", None),
        "primary_service": ("text", "YES", None), "booking_link": ("text", "YES", None),
        "custom_tagline": ("text", "YES", None), "email_tone": ("text", "YES", "'Friendly'::text"),
        "followup_speed": ("text", "YES", "'Instant'::text"), "ai_personalized_reply": ("boolean", "YES", "true"),
        "outbound_email": ("text", "YES", None), "smtp_host": ("text", "YES", None),
        "smtp_port": ("integer", "YES", None), "smtp_username": ("text", "YES", None),
        "smtp_password": ("text", "YES", None), "created_at": ("timestamp with time zone", "YES", "now()"),
        "last_login": ("timestamp with time zone", "YES", None),
        "last_connection": ("timestamp with time zone", "YES", None),
        "last_rotated": ("timestamp with time zone", "YES", None),
    },
    "lead_memory": {
        "id": ("uuid", "NO", "gen_random_uuid()"), "email": ("text", "NO", None), "name": ("text", "NO", None),
        "message": ("text", "YES", None), "language": ("text", "YES", "'en'::text"),
        "ai_summary": ("text", "YES", None), "intent": ("text", "YES", None), "tone": ("text", "YES", None),
        "urgency": ("text", "YES", None), "confidence_score": ("numeric", "YES", None),
        "client_id": ("uuid", "YES", None), "current_tag": ("text", "YES", "'Active'::text"),
        "archived": ("boolean", "YES", "false"), "deleted": ("boolean", "YES", "false"),
        "is_test": ("boolean", "YES", "false"), "tone_history": ("jsonb", "YES", "'[]'::jsonb"),
        "urgency_history": ("jsonb", "YES", "'[]'::jsonb"), "confidence_history": ("jsonb", "YES", "'[]'::jsonb"),
        "relationship_insight": ("text", "YES", None), "timestamp": ("timestamp with time zone", "YES", "now()"),
        "last_updated": ("timestamp with time zone", "YES", "now()"),
    },
    "lead_actions": {
        "id": ("uuid", "NO", "gen_random_uuid()"), "lead_id": ("uuid", "YES", None),
        "client_id": ("uuid", "YES", None), "action_type": ("text", "NO", None), "tag": ("text", "YES", None),
        "conversion_outcome": ("boolean", "YES", "false"), "reversion_reason": ("text", "YES", None),
        "is_test": ("boolean", "YES", "false"), "timestamp": ("timestamp with time zone", "YES", "now()"),
    },
    "growth_brain": {
        "id": ("uuid", "NO", "gen_random_uuid()"), "client_id": ("uuid", "YES", None),
        "event_type": ("text", "NO", None), "learning_snapshot": ("jsonb", "YES", None),
        "insight_text": ("text", "YES", None), "confidence": ("numeric", "YES", None),
        "created_at": ("timestamp with time zone", "YES", "now()"),
    },
    "prospect_candidates": {
        "id": ("uuid", "NO", "gen_random_uuid()"), "business_name": ("text", "NO", None),
        "website": ("text", "YES", None), "contact_email": ("text", "YES", None), "form_url": ("text", "YES", None),
        "industry": ("text", "YES", None), "region": ("text", "YES", None), "language": ("text", "YES", "'en'::text"),
        "response_score": ("numeric", "YES", None), "automation_need_score": ("numeric", "YES", None),
        "contacted": ("boolean", "YES", "false"), "last_tested": ("timestamp with time zone", "YES", None),
        "created_at": ("timestamp with time zone", "YES", "now()"),
    },
    "prospect_outreach_log": {
        "id": ("uuid", "NO", "gen_random_uuid()"), "prospect_id": ("uuid", "YES", None),
        "email_subject": ("text", "NO", None), "email_body": ("text", "NO", None),
        "status": ("text", "YES", "'sent'::text"), "sent_at": ("timestamp with time zone", "YES", "now()"),
        "opened_at": ("timestamp with time zone", "YES", None), "replied_at": ("timestamp with time zone", "YES", None),
    },
}

NUMERIC_PRECISION = {("lead_memory", "confidence_score"): (3, 2), ("growth_brain", "confidence"): (3, 2),
                     ("prospect_candidates", "response_score"): (5, 2),
                     ("prospect_candidates", "automation_need_score"): (5, 2)}

# index name -> (table, access method, unique, fragment that must appear in its definition)
REFERENCE_INDEXES = {
    "idx_clients_email": ("clients", "btree", True, "(email)"),
    "idx_clients_api_key": ("clients", "btree", True, "(api_key)"),
    "idx_clients_client_id": ("clients", "btree", True, "(client_id)"),
    "idx_clients_is_test": ("clients", "btree", False, "(is_test)"),
    "idx_clients_is_internal": ("clients", "btree", False, "(is_internal)"),
    "idx_clients_created_at": ("clients", "btree", False, "(created_at DESC)"),
    "idx_lead_memory_client_id": ("lead_memory", "btree", False, "(client_id)"),
    "idx_lead_memory_email": ("lead_memory", "btree", False, "(email)"),
    "idx_lead_memory_is_test": ("lead_memory", "btree", False, "(is_test)"),
    "idx_lead_memory_current_tag": ("lead_memory", "btree", False, "(current_tag)"),
    "idx_lead_memory_timestamp": ("lead_memory", "btree", False, '("timestamp" DESC)'),
    "idx_lead_memory_urgency": ("lead_memory", "btree", False, "(urgency)"),
    "idx_lead_memory_archived": ("lead_memory", "btree", False, "WHERE (archived = false)"),
    "idx_lead_memory_deleted": ("lead_memory", "btree", False, "WHERE (deleted = false)"),
    "idx_lead_memory_client_active": ("lead_memory", "btree", False,
                                      '(client_id, current_tag, is_test, "timestamp" DESC)'),
    "idx_lead_actions_lead_id": ("lead_actions", "btree", False, "(lead_id)"),
    "idx_lead_actions_client_id": ("lead_actions", "btree", False, "(client_id)"),
    "idx_lead_actions_timestamp": ("lead_actions", "btree", False, '("timestamp" DESC)'),
    "idx_lead_actions_action_type": ("lead_actions", "btree", False, "(action_type)"),
    "idx_lead_actions_conversion": ("lead_actions", "btree", False, "WHERE (conversion_outcome = true)"),
    "idx_lead_actions_tag": ("lead_actions", "btree", False, "(tag)"),
    "idx_lead_actions_client_timeline": ("lead_actions", "btree", False, '(client_id, "timestamp" DESC)'),
    "idx_growth_brain_client_id": ("growth_brain", "btree", False, "(client_id)"),
    "idx_growth_brain_event_type": ("growth_brain", "btree", False, "(event_type)"),
    "idx_growth_brain_created_at": ("growth_brain", "btree", False, "(created_at DESC)"),
    "idx_growth_brain_confidence": ("growth_brain", "btree", False, "(confidence DESC)"),
    "idx_growth_brain_snapshot": ("growth_brain", "gin", False, "(learning_snapshot)"),
    "idx_prospects_automation_score": ("prospect_candidates", "btree", False, "(automation_need_score DESC)"),
    "idx_prospects_contacted": ("prospect_candidates", "btree", False, "(contacted)"),
    "idx_prospects_industry": ("prospect_candidates", "btree", False, "(industry)"),
    "idx_prospects_region": ("prospect_candidates", "btree", False, "(region)"),
    "idx_prospects_created_at": ("prospect_candidates", "btree", False, "(created_at DESC)"),
    "idx_prospects_high_priority": ("prospect_candidates", "btree", False,
                                    "(automation_need_score DESC, contacted) "
                                    "WHERE (automation_need_score >= (70)::numeric)"),
    "idx_outreach_prospect_id": ("prospect_outreach_log", "btree", False, "(prospect_id)"),
    "idx_outreach_status": ("prospect_outreach_log", "btree", False, "(status)"),
    "idx_outreach_sent_at": ("prospect_outreach_log", "btree", False, "(sent_at DESC)"),
}

# (table, column, referenced table, referenced column)
REFERENCE_FOREIGN_KEYS = [
    ("lead_memory", "client_id", "clients", "client_id"),
    ("lead_actions", "lead_id", "lead_memory", "id"),
    ("lead_actions", "client_id", "clients", "client_id"),
    ("growth_brain", "client_id", "clients", "client_id"),
    ("prospect_outreach_log", "prospect_id", "prospect_candidates", "id"),
    ("api_key_rotation_log", "client_id", "clients", "client_id"),
]

REFERENCE_COMMENTS = {
    ("clients", None): "Client accounts with personalization settings and API credentials",
    ("clients", "is_test"): 'Auto-detected from email containing "test" or "example.com"',
    ("lead_memory", "tone_history"): "Array of {value, timestamp} objects tracking tone changes",
    ("lead_actions", None): "Immutable audit log of all lead state changes and actions",
    ("lead_actions", "conversion_outcome"): 'Set to true when tag changes to "Converted"',
    ("growth_brain", "event_type"): "conversion, reversion, pattern_detected, engagement_score, urgency_trend, "
                                    "tone_distribution, conversion_prediction",
    ("prospect_candidates", None): "Businesses discovered via crawler with automation need scoring",
    ("prospect_outreach_log", "status"): "Progression: sent → opened → replied (or ignored)",
    ("relationship_insights", None): "Deprecated/Legacy: use growth_brain instead",
}


@pytest.mark.parametrize("table", sorted(REFERENCE_COLUMNS))
def test_every_reference_column_has_its_type_nullability_and_default(database, table):
    rows = database.sql("SELECT column_name, data_type, is_nullable, column_default FROM information_schema.columns "
                        "WHERE table_schema = 'public' AND table_name = :t", t=table)
    actual = {r["column_name"]: (r["data_type"], r["is_nullable"], r["column_default"]) for r in rows}
    assert {name: actual.get(name) for name in REFERENCE_COLUMNS[table]} == REFERENCE_COLUMNS[table]
    assert set(actual) - set(REFERENCE_COLUMNS[table]) == ADDED_COLUMNS.get(table, set())


# Columns the product adds to the reference's tables, each for a contract rule (schema/011: the
# client's own days and the postal address a commercial email must carry; schema/014: what a
# prospect's test measured, which its outreach email says, and the email's open pixel token;
# schema/019: the client's phone, service names and alert settings, what a lead's messages said;
# schema/021: the quarantine's status, signals and the owner's release; schema/022: what the crawl
# found and where a prospect's test came from, its opt-out).
ADDED_COLUMNS = {"clients": {"timezone", "mailing_address", "phone", "primary_service_en", "primary_service_fr",
                             "alert_email", "alert_phone", "alert_urgency"},
                 "lead_memory": {"phone", "address", "spam_status", "spam_signals", "spam_released_at"},
                 "prospect_candidates": {"has_autoresponder", "response_time_ms", "is_personalized", "is_generic",
                                         "form_kind", "form", "contact_email_source_url", "crawl_status",
                                         "crawl_queued_at", "crawl_lease_until", "crawled_at", "crawl_pages",
                                         "crawl_error", "test_source", "opted_out_at"},
                 "prospect_outreach_log": {"open_token_digest"}}


@pytest.mark.parametrize("table_column,precision", sorted(NUMERIC_PRECISION.items()))
def test_scores_keep_the_reference_numeric_precision(database, table_column, precision):
    row = database.one("SELECT numeric_precision, numeric_scale FROM information_schema.columns "
                       "WHERE table_name = :t AND column_name = :c", t=table_column[0], c=table_column[1])
    assert (row["numeric_precision"], row["numeric_scale"]) == precision


@pytest.mark.parametrize("name", sorted(REFERENCE_INDEXES))
def test_every_reference_index_exists_with_its_kind(database, name):
    table, method, unique, fragment = REFERENCE_INDEXES[name]
    row = database.one("SELECT i.tablename, am.amname, ix.indisunique, i.indexdef FROM pg_indexes i "
                       "JOIN pg_class c ON c.relname = i.indexname JOIN pg_index ix ON ix.indexrelid = c.oid "
                       "JOIN pg_am am ON am.oid = c.relam WHERE i.schemaname = 'public' AND i.indexname = :n", n=name)
    assert row is not None, f"index {name} is missing"
    assert (row["tablename"], row["amname"], row["indisunique"]) == (table, method, unique)
    assert fragment in row["indexdef"], row["indexdef"]


@pytest.mark.parametrize("table,column,ref_table,ref_column", REFERENCE_FOREIGN_KEYS)
def test_every_foreign_key_cascades_on_delete(database, table, column, ref_table, ref_column):
    row = database.one(
        """SELECT ccu.table_name AS ref_table, ccu.column_name AS ref_column, rc.delete_rule
           FROM information_schema.key_column_usage kcu
           JOIN information_schema.referential_constraints rc ON rc.constraint_name = kcu.constraint_name
           JOIN information_schema.constraint_column_usage ccu ON ccu.constraint_name = kcu.constraint_name
           WHERE kcu.table_name = :t AND kcu.column_name = :c""", t=table, c=column)
    assert row == {"ref_table": ref_table, "ref_column": ref_column, "delete_rule": "CASCADE"}


@pytest.mark.parametrize("target,text", sorted(REFERENCE_COMMENTS.items(), key=str))
def test_reference_comments_are_present(database, target, text):
    table, column = target
    if column is None:
        comment = database.scalar("SELECT obj_description(:t::regclass, 'pg_class')", t=f"public.{table}")
    else:
        comment = database.scalar(
            "SELECT col_description(:t::regclass, (SELECT attnum FROM pg_attribute WHERE attrelid = :t::regclass "
            "AND attname = :c))", t=f"public.{table}", c=column)
    assert comment == text


def _client(database, **overrides):
    values = {"client_id": uuid.uuid4(), "business_name": "Toitures Laval", "email": f"{uuid.uuid4().hex}@laval.ca",
              "password_hash": "x", "api_key": uuid.uuid4().hex}
    values.update(overrides)
    columns = ", ".join(values)
    database.sql(f"INSERT INTO clients ({columns}) VALUES ({', '.join(':' + k for k in values)})", **values)
    return values["client_id"]


@pytest.mark.parametrize("statement", [
    "INSERT INTO clients (client_id, business_name, email, password_hash, api_key, language) "
    "VALUES (gen_random_uuid(), 'B', 'b1@x.ca', 'h', 'k1', 'es')",
    "INSERT INTO clients (client_id, business_name, email, password_hash, api_key, email_tone) "
    "VALUES (gen_random_uuid(), 'B', 'b2@x.ca', 'h', 'k2', 'Sarcastic')",
    "INSERT INTO clients (client_id, business_name, email, password_hash, api_key, followup_speed) "
    "VALUES (gen_random_uuid(), 'B', 'b3@x.ca', 'h', 'k3', 'Next week')",
    "INSERT INTO lead_memory (email, name, confidence_score) VALUES ('a@b.ca', 'A', 1.01)",
    "INSERT INTO lead_memory (email, name, confidence_score) VALUES ('a@b.ca', 'A', -0.01)",
    "INSERT INTO lead_actions (action_type) VALUES ('teleport')",
    "INSERT INTO growth_brain (event_type, confidence) VALUES ('conversion', 1.5)",
    "INSERT INTO prospect_candidates (business_name, response_score) VALUES ('P', 100.01)",
    "INSERT INTO prospect_candidates (business_name, automation_need_score) VALUES ('P', -1)",
    "INSERT INTO prospect_outreach_log (email_subject, email_body, status) VALUES ('s', 'b', 'bounced')",
    "INSERT INTO api_key_rotation_log (client_id, old_key_fingerprint, new_key_fingerprint) "
    "VALUES ('00000000-0000-0000-0000-000000000001', 'avk_plaintext_key', 'abcdefabcdef')",
])
def test_checks_reject_values_outside_the_reference(database, statement):
    with pytest.raises(DatabaseError) as error:
        database.sql(statement)
    assert error.value.args[0]["C"] == "23514"  # check_violation


def test_unique_client_email_and_api_key_are_enforced(database):
    _client(database, email="dup@laval.ca", api_key="key-one")
    with pytest.raises(DatabaseError):
        _client(database, email="dup@laval.ca", api_key="key-two")
    with pytest.raises(DatabaseError):
        _client(database, email="other@laval.ca", api_key="key-one")


def test_deleting_a_client_cascades_to_its_leads_actions_growth_and_rotations(database):
    client_id = _client(database)
    lead_id = database.scalar("INSERT INTO lead_memory (email, name, client_id) VALUES ('a@b.ca', 'A', :c) "
                              "RETURNING id", c=client_id)
    database.sql("INSERT INTO lead_actions (lead_id, client_id, action_type, tag) VALUES (:l, :c, 'insert', 'Active')",
                 l=lead_id, c=client_id)
    database.sql("INSERT INTO growth_brain (client_id, event_type) VALUES (:c, 'conversion')", c=client_id)
    database.sql("INSERT INTO api_key_rotation_log (client_id, old_key_fingerprint, new_key_fingerprint) "
                 "VALUES (:c, 'aaaaaaaaaaaa', 'bbbbbbbbbbbb')", c=client_id)
    database.sql("DELETE FROM clients WHERE client_id = :c", c=client_id)
    for table in ("lead_memory", "lead_actions", "growth_brain", "api_key_rotation_log"):
        assert database.scalar(f"SELECT count(*) FROM {table} WHERE client_id = :c", c=client_id) == 0, table


def test_a_new_lead_gets_the_reference_defaults(database):
    row = database.one("INSERT INTO lead_memory (email, name) VALUES ('a@b.ca', 'A') RETURNING *")
    assert row["current_tag"] == "Active" and row["archived"] is False and row["deleted"] is False
    assert row["tone_history"] == [] and row["urgency_history"] == [] and row["confidence_history"] == []
    assert row["language"] == "en" and row["timestamp"] is not None


def test_the_internal_client_is_seeded_with_its_placeholder_key(database):
    row = database.one("SELECT business_name, email, is_internal, is_test, api_key FROM clients "
                       "WHERE client_id = '00000000-0000-0000-0000-000000000001'")
    assert row == {"business_name": "Avenir AI Solutions", "email": "internal@aveniraisolutions.ca",
                   "is_internal": True, "is_test": False, "api_key": "internal-api-key-placeholder"}


def test_the_legacy_relationship_insights_table_exists(database):
    assert database.scalar("SELECT to_regclass('public.relationship_insights') IS NOT NULL") is True


def test_api_key_rotation_log_stores_fingerprints_not_keys(database):
    columns = {r["column_name"] for r in database.sql(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'api_key_rotation_log'")}
    assert {"id", "client_id", "old_key_fingerprint", "new_key_fingerprint", "rotated_at", "reason"} <= columns
    assert not any("api_key" == c or c.endswith("_key") for c in columns)


@pytest.mark.parametrize("table,policy", [("lead_memory", "client_data_isolation"),
                                          ("lead_actions", "client_actions_isolation"),
                                          ("growth_brain", "client_brain_isolation")])
def test_reference_rls_policies_are_enabled(database, table, policy):
    assert database.scalar("SELECT relrowsecurity FROM pg_class WHERE relname = :t", t=table) is True
    row = database.one("SELECT cmd, roles::text[] AS roles, qual FROM pg_policies WHERE tablename = :t "
                       "AND policyname = :p", t=table, p=policy)
    assert row["cmd"] == "SELECT" and row["roles"] == ["authenticated"]
    assert "current_setting('app.current_client_id'" in row["qual"]
