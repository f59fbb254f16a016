"""Prospect identity keys: the Python keys (used inside a batch) and the SQL keys (indexed, used
against stored rows) must agree on every input, or a batch would duplicate a stored prospect."""
import json

import pytest

from shared.prospects import identity, scoring

pytestmark = pytest.mark.pooled

WEBSITES = [
    ("HTTPS://WWW.Example.ca/contact/", "example.ca"),
    ("http://example.ca", "example.ca"),
    ("example.ca", "example.ca"),
    ("example.ca/", "example.ca"),
    ("www.example.ca:8080/a/b?c=d#e", "example.ca"),
    ("https://example.ca:443", "example.ca"),
    ("//Example.CA./", "example.ca"),
    ("https://owner:secret@www.example.ca/", "example.ca"),
    ("https://example.ca?ref=crawler", "example.ca"),
    ("https://example.ca#contact", "example.ca"),
    ("  http://example.ca  ", "example.ca"),
    ("https://shop.example.ca/", "shop.example.ca"),
    ("https://www.www.example.ca", "www.example.ca"),   # only one leading www. is dropped
    ("https://wwwexample.ca", "wwwexample.ca"),
    ("https://www2.example.ca", "www2.example.ca"),
    ("https://ÉCOLE-Gagnon.ca/", "École-gagnon.ca"),    # ASCII-only lower-casing, in both
    ("https://", None),
]


@pytest.mark.parametrize("website, host", WEBSITES)
def test_a_website_host_ignores_scheme_www_case_port_path_and_trailing_slash(website, host):
    assert identity.website_host(website) == host


@pytest.mark.parametrize("website", [w for w, _ in WEBSITES])
def test_python_and_sql_compute_the_same_website_host(database, website):
    assert database.scalar("SELECT prospect_website_host(:w)", w=website) == identity.website_host(website)


@pytest.mark.parametrize("email, key", [
    ("Info@Plomberie-Gagnon.CA", "info@plomberie-gagnon.ca"),
    ("info@plomberie-gagnon.ca", "info@plomberie-gagnon.ca"),
    (" Contact@Example.ca ", "contact@example.ca"),
    ("Éric@Example.ca", "Éric@example.ca"),
])
def test_python_and_sql_compare_contact_emails_case_insensitively(database, email, key):
    assert identity.email_key(email) == key
    assert database.scalar("SELECT prospect_email_key(:e)", e=email) == key


def test_the_identity_lookup_is_served_by_the_expression_indexes(database):
    database.sql("""
        INSERT INTO prospect_candidates (business_name, website, contact_email)
        SELECT 'Business ' || n, 'https://www.business-' || n || '.ca/', 'info@business-' || n || '.ca'
        FROM generate_series(1, 5000) AS n""")
    database.sql("ANALYZE prospect_candidates")
    plan = "\n".join(r["QUERY PLAN"] for r in database.sql(
        "EXPLAIN " + scoring.Q.match_stored, hosts=json.dumps(["business-7.ca", "business-9.ca"]),
        emails=json.dumps(["info@x.ca"])))
    assert "idx_prospects_website_host" in plan and "idx_prospects_email_key" in plan, plan
