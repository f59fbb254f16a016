"""GET /api/prospects over real HTTP: filters, order, limit, query validation, and the
high-priority list served from the reference's partial index at 10,000 rows."""
import json
import uuid

import pytest

from shared.prospects import scoring

pytestmark = pytest.mark.pooled

LIST = "/api/prospects"


@pytest.fixture
def industry(database) -> str:
    """An industry of this test's own, holding prospects of every automation need (0..100 by 5,
    some contacted) across two regions, so filters can be checked on this test's rows only."""
    name = f"industry-{uuid.uuid4().hex[:8]}"
    database.sql("""
        INSERT INTO prospect_candidates (business_name, website, industry, region, response_score,
                                         automation_need_score, contacted, last_tested)
        SELECT 'Business ' || need, 'https://b' || need || '-' || :industry || '.ca', :industry,
               CASE WHEN need % 10 = 0 THEN 'Montreal' ELSE 'Quebec' END,
               100 - need, need, need IN (95, 60), now()
        FROM generate_series(0, 100, 5) AS need""", industry=name)
    return name


def needs(answer) -> list:
    return [p["automation_need_score"] for p in answer.json["prospects"]]


def test_the_default_list_is_uncontacted_high_priority_prospects_neediest_first(api, admin, industry):
    answer = api.get(f"{LIST}?industry={industry}", key=admin.api_key)
    assert answer.status == 200
    assert needs(answer) == [100, 90, 85, 80, 75, 70]  # 95 is contacted
    row = answer.json["prospects"][0]
    assert set(row) == {"id", "business_name", "website", "contact_email", "form_url", "industry", "region",
                        "language", "response_score", "automation_need_score", "contacted", "last_tested",
                        "created_at"}
    assert (row["response_score"], row["contacted"], row["language"]) == (0, False, "en")
    assert row["last_tested"].startswith("20") and uuid.UUID(row["id"])


def test_min_score_contacted_region_and_limit_filter_the_list(api, admin, industry):
    assert needs(api.get(f"{LIST}?industry={industry}&min_score=40&limit=500", key=admin.api_key)) == [
        100, 90, 85, 80, 75, 70, 65, 55, 50, 45, 40]
    assert needs(api.get(f"{LIST}?industry={industry}&min_score=0&contacted=true", key=admin.api_key)) == [95, 60]
    montreal = api.get(f"{LIST}?industry={industry}&region=montreal&min_score=50", key=admin.api_key)
    assert needs(montreal) == [100, 90, 80, 70, 50]
    assert needs(api.get(f"{LIST}?industry={industry.upper()}&min_score=0&limit=3", key=admin.api_key)) == [100, 90, 85]
    assert needs(api.get(f"{LIST}?industry={industry}&min_score=72.5", key=admin.api_key)) == [100, 90, 85, 80, 75]
    assert needs(api.get(f"{LIST}?industry=nothing-{industry}&min_score=0", key=admin.api_key)) == []


def test_the_list_limit_defaults_to_20(api, admin, database):
    name = f"industry-{uuid.uuid4().hex[:8]}"
    database.sql("""INSERT INTO prospect_candidates (business_name, industry, automation_need_score)
                    SELECT 'Business ' || n, :industry, 100 FROM generate_series(1, 25) AS n""", industry=name)
    assert len(needs(api.get(f"{LIST}?industry={name}", key=admin.api_key))) == 20


@pytest.mark.parametrize("query, field", [
    ("min_score=high", "min_score"),
    ("min_score=101", "min_score"),
    ("min_score=-1", "min_score"),
    ("min_score=NaN", "min_score"),
    ("contacted=maybe", "contacted"),
    ("limit=0", "limit"),
    ("limit=501", "limit"),
    ("limit=ten", "limit"),
])
def test_a_bad_query_value_is_a_validation_error_naming_the_parameter(api, admin, query, field):
    answer = api.get(f"{LIST}?{query}", key=admin.api_key)
    assert answer.status == 422
    assert answer.json["error"]["code"] == "validation_error"
    assert [d["field"] for d in answer.json["error"]["details"]] == [field]


def test_only_the_admin_may_list_prospects(api, admin, make_client):
    assert api.get(LIST, key=make_client("Northwind Renovation").api_key).status == 403
    assert api.get(LIST).status == 401


def test_a_wrong_method_on_a_prospect_route_is_not_allowed(api, admin):
    assert api.post(LIST, {}, key=admin.api_key).status == 405
    assert api.get("/api/prospects/score", key=admin.api_key).status == 405


def plan(conn, sql: str, **params) -> dict:
    rows = conn.run("EXPLAIN (FORMAT JSON) " + sql, **params)
    return json.loads(rows[0][0])[0]["Plan"] if isinstance(rows[0][0], str) else rows[0][0][0]["Plan"]


def index_names(node: dict) -> set:
    names = {node["Index Name"]} if "Index Name" in node else set()
    for child in node.get("Plans", []):
        names |= index_names(child)
    return names


@pytest.mark.parametrize("plan_cache_mode", ["force_custom_plan", "force_generic_plan"])
@pytest.mark.parametrize("min_score", [70, 85])
def test_the_high_priority_list_is_served_from_the_partial_index_at_10000_rows(database, plan_cache_mode,
                                                                                min_score):
    if database.scalar("SELECT count(*) FROM prospect_candidates") < 10_000:
        # One business in ten is high priority and three in ten were contacted: the shapes of a
        # real pipeline's table, where the partial index is small next to the whole.
        database.sql("""
            INSERT INTO prospect_candidates (business_name, website, industry, region, response_score,
                                             automation_need_score, contacted, last_tested)
            SELECT 'Bulk ' || n, 'https://bulk-' || n || '.ca', 'bulk', 'Quebec', 100 - need, need, n % 10 < 3, now()
            FROM generate_series(1, 10000) AS n,
                 LATERAL (SELECT CASE WHEN n % 10 = 0 THEN 70 + n % 31 ELSE n % 70 END AS need) AS s""")
        database.sql("ANALYZE prospect_candidates")
    conn = database.connect()
    try:
        conn.run(f"SET plan_cache_mode = {plan_cache_mode}")
        params = dict(min_score=min_score, contacted=False, industry=None, region=None, limit=20)
        used = index_names(plan(conn, scoring.Q.list_high_priority, **params))
    finally:
        conn.close()
    assert used == {"idx_prospects_high_priority"}
