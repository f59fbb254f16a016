"""The Lambda handlers answer API Gateway HTTP API v2 events as the HTTP server answers the same
requests: the outreach batch (prospect_outreach) and the open pixel (unsubscribe), the GIF's bytes
base64-encoded as API Gateway expects them."""
import base64
import hashlib
import secrets

import pytest

from tests.helpers import apigw_event, insert_outreach, invoke, load_function, prospect

pytestmark = pytest.mark.usefixtures("clean")


def test_a_dry_run_event_is_answered_like_the_http_route(api, admin, score):
    score(prospect("Toitures Laval"), prospect("Plomberie Gagnon", language="fr"))
    body = {"dry_run": True, "limit": 5}
    by_lambda = invoke(load_function("prospect_outreach"), apigw_event("POST", "/api/prospects/outreach", body,
                                                                       key=admin.api_key))
    by_http = api.post("/api/prospects/outreach", body, key=admin.api_key)
    assert by_lambda.status == by_http.status == 200
    strip = [{k: v for k, v in q.items() if k != "email_body"} for q in by_http.json["queued"]]
    assert [{k: v for k, v in q.items() if k != "email_body"} for q in by_lambda.json["queued"]] == strip
    assert [q["business_name"] for q in strip] == ["Plomberie Gagnon", "Toitures Laval"]


def test_a_pixel_event_answers_the_gif_and_marks_the_email_opened(database):
    outreach_id = insert_outreach(database, "Toitures Laval", "Roofing", "Laval", "sent")
    token = secrets.token_urlsafe(24)
    database.sql("UPDATE prospect_outreach_log SET open_token_digest = :d WHERE id = :id",
                 d=hashlib.sha256(token.encode()).hexdigest(), id=outreach_id)
    event = apigw_event("GET", f"/o/{token}.gif", path_params={"token": f"{token}.gif"}, content_type=None)
    answer = load_function("unsubscribe").handler(event, None)
    assert answer["statusCode"] == 200 and answer["headers"]["Content-Type"] == "image/gif"
    assert answer["isBase64Encoded"] is True and base64.b64decode(answer["body"])[:6] == b"GIF89a"
    assert database.scalar("SELECT status FROM prospect_outreach_log WHERE id = :id", id=outreach_id) == "opened"
