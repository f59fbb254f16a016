"""The HTTP plumbing every function shares: requests from both runtimes, errors, auth, 503."""
import json
import os

import pytest

from infra.pgcluster import free_port
from shared.clients import credentials
from shared.platform import exceptions, http
from tests.helpers import apigw_event

pytestmark = pytest.mark.pooled


def echo(req: http.Request) -> http.Response:
    return http.ok({"path_params": req.path_params, "query": req.query, "body": req.json()})


def whoami(req: http.Request) -> http.Response:
    return http.ok({"client_id": str(req.client.client_id)})


ROUTES = http.Routes(http.Route("POST", "/api/things/{thing_id}", echo, auth=credentials.public),
                     http.Route("GET", "/api/me", whoami, auth=credentials.client))


def serve(event) -> tuple[int, dict, dict]:
    result = http.serve_lambda(event, ROUTES)
    return result["statusCode"], json.loads(result["body"]), result["headers"]


def test_a_lambda_event_gives_path_query_and_base64_body():
    event = apigw_event("POST", "/api/things/42", {"name": "Olivia"}, query={"limit": "5"}, base64_body=True)
    status, body, _ = serve(event)
    assert status == 200 and body == {"path_params": {"thing_id": "42"}, "query": {"limit": "5"},
                                      "body": {"name": "Olivia"}}


def test_a_stage_prefixed_path_routes_like_the_default_stage():
    event = apigw_event("POST", "/prod/api/things/7", {"a": 1})
    event["requestContext"]["stage"] = "prod"
    assert serve(event)[0] == 200


@pytest.mark.parametrize("raw,content_type,status,code", [
    ("{not json", "application/json", 400, "invalid_json"),
    ("[1, 2]", "application/json", 400, "invalid_json"),
    ("", "application/json", 400, "invalid_json"),
    ("name=Olivia", "application/x-www-form-urlencoded", 415, "unsupported_media_type"),
    ('{"a": "' + "x" * 70000 + '"}', "application/json", 413, "payload_too_large"),
])
def test_bad_bodies_get_their_status_and_code(raw, content_type, status, code):
    got_status, body, headers = serve(apigw_event("POST", "/api/things/1", raw=raw, content_type=content_type))
    assert (got_status, body["error"]["code"]) == (status, code)
    assert headers["Content-Type"] == "application/json" and body["error"]["message"]


def test_unknown_route_is_a_json_404_and_wrong_method_a_405_with_allow():
    status, body, _ = serve(apigw_event("GET", "/api/nowhere"))
    assert status == 404 and body["error"]["code"] == "not_found"
    status, body, headers = serve(apigw_event("GET", "/api/things/1"))
    assert status == 405 and body["error"]["code"] == "method_not_allowed" and headers["Allow"] == "POST"


def test_an_unexpected_error_is_a_500_envelope_without_a_stack_trace():
    def boom(req):
        raise RuntimeError("secret internals at line 12")
    routes = http.Routes(http.Route("GET", "/x", boom, auth=credentials.public))
    result = http.serve_lambda(apigw_event("GET", "/x"), routes)
    body = json.loads(result["body"])
    assert result["statusCode"] == 500 and body["error"]["code"] == "internal_error"
    assert "secret internals" not in result["body"] and "Traceback" not in result["body"]


def test_validation_errors_name_each_field_with_its_index():
    import pydantic

    class Item(pydantic.BaseModel):
        flag: bool

    class Batch(pydantic.BaseModel):
        items: list[Item]

    req = http.Request("POST", "/", {"content-type": "application/json"},
                       body=b'{"items": [{"flag": true}, {"flag": "maybe"}]}')
    with pytest.raises(exceptions.ValidationFailed) as error:
        req.parse(Batch)
    assert [d["field"] for d in error.value.details] == ["items[1].flag"]


def test_api_key_is_read_from_x_api_key_or_bearer_and_checked(database, make_client):
    client = make_client()
    for headers in ({"x-api-key": client.api_key}, {"Authorization": f"Bearer {client.api_key}"}):
        status, body, _ = serve(apigw_event("GET", "/api/me", headers=headers))
        assert status == 200 and body == {"client_id": str(client.client_id)}
    for headers in ({}, {"x-api-key": "avk_00000000_nope"}, {"Authorization": "Basic abc"},
                    {"x-api-key": "internal-api-key-placeholder"}):
        status, body, _ = serve(apigw_event("GET", "/api/me", headers=headers))
        assert status == 401 and body["error"]["code"] == "unauthorized"


def test_database_down_is_a_503_with_retry_after(database, make_client):
    client = make_client()
    os.environ["DATABASE_URL"] = f"postgresql://postgres@127.0.0.1:{free_port()}/nowhere"
    status, body, headers = serve(apigw_event("GET", "/api/me", key=client.api_key))
    assert status == 503 and body["error"]["code"] == "unavailable" and int(headers["Retry-After"]) > 0


def test_every_answer_tells_browsers_not_to_guess_its_type():
    for event in (apigw_event("POST", "/api/things/1", {"a": 1}), apigw_event("GET", "/api/nothing-here")):
        assert http.serve_lambda(event, ROUTES)["headers"]["X-Content-Type-Options"] == "nosniff"
