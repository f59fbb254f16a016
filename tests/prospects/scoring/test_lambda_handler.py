"""The prospect_scoring Lambda handler answers API Gateway HTTP API v2 events as the HTTP server
answers the same requests."""
import uuid

import pytest

from tests.helpers import apigw_event, invoke, load_function

pytestmark = pytest.mark.pooled

TEST = {"has_autoresponder": False, "response_time_ms": None, "is_personalized": False, "is_generic": True}


@pytest.fixture(scope="module")
def function():
    return load_function("prospect_scoring")


def test_a_scoring_event_is_answered_like_the_http_route(function, admin, api):
    industry = f"industry-{uuid.uuid4().hex[:8]}"
    batch = {"prospects": [{"business_name": "Toitures Roy", "website": f"https://{industry}.ca",
                            "industry": industry, "test": TEST}]}

    by_lambda = invoke(function, apigw_event("POST", "/api/prospects/score", batch, key=admin.api_key))
    by_http = api.post("/api/prospects/score", batch, key=admin.api_key)

    assert by_lambda.status == by_http.status == 200
    assert by_lambda.headers["Content-Type"] == "application/json"
    assert by_lambda.json["results"][0]["created"] is True
    assert by_http.json["results"][0] == dict(by_lambda.json["results"][0], created=False)
    assert by_lambda.json["results"][0]["automation_need_score"] == 90


def test_a_list_event_reads_its_query_string_parameters(function, admin, api):
    industry = f"industry-{uuid.uuid4().hex[:8]}"
    batch = {"prospects": [{"business_name": f"Business {i}", "website": f"https://b{i}-{industry}.ca",
                            "industry": industry, "test": dict(TEST, has_autoresponder=i % 2 == 0)}
                           for i in range(4)]}
    invoke(function, apigw_event("POST", "/api/prospects/score", batch, key=admin.api_key))

    query = {"industry": industry, "min_score": "40", "limit": "3"}
    by_lambda = invoke(function, apigw_event("GET", "/api/prospects", key=admin.api_key, query=query))
    by_http = api.get(f"/api/prospects?industry={industry}&min_score=40&limit=3", key=admin.api_key)

    assert by_lambda.status == 200
    assert by_lambda.json == by_http.json
    assert [p["automation_need_score"] for p in by_lambda.json["prospects"]] == [90, 90, 40]


def test_lambda_errors_are_the_same_envelopes(function, admin, make_client):
    bad_limit = invoke(function, apigw_event("GET", "/api/prospects", key=admin.api_key, query={"limit": "0"}))
    assert (bad_limit.status, bad_limit.json["error"]["details"][0]["field"]) == (422, "limit")
    forbidden = invoke(function, apigw_event("GET", "/api/prospects", key=make_client().api_key))
    assert (forbidden.status, forbidden.json["error"]["code"]) == (403, "forbidden")
    missing = invoke(function, apigw_event("POST", "/api/prospects/score", {"prospects": [{"test": TEST}]},
                                           key=admin.api_key))
    assert [d["field"] for d in missing.json["error"]["details"]] == ["prospects[0].business_name"]
