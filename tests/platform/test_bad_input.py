"""Bad input from outside, as `avenir serve` (gunicorn, the functions' own apps) and the Lambda
handlers meet it: never a 500, an HTML page or an unbounded read; always the error envelope."""
import datetime
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid

import pytest

from infra.pgcluster import free_port
from shared.growth import intelligence
from tests.helpers import apigw_event, invoke, load_function

pytestmark = pytest.mark.pooled

NO_SUCH_LEAD = "5f0c7a1e-2b3d-4c6e-8f90-a1b2c3d4e5f6"  # a fixed id: test ids must not change between collections
ROUTES_WITH_A_BODY = ["/api/lead", f"/api/leads/{NO_SUCH_LEAD}/tag", f"/api/leads/{NO_SUCH_LEAD}/revert",
                      "/api/prospects/score", "/api/intelligence/run"]


@pytest.fixture(scope="module")
def served(database, tmp_path_factory):
    """`avenir serve` as its own process (gunicorn), its stderr kept; (port, path of the log)."""
    log_path = tmp_path_factory.mktemp("serve") / "stderr.log"
    port = free_port()
    with open(log_path, "w") as log_file:
        process = subprocess.Popen([sys.executable, "-m", "infra.cli", "serve", "--port", str(port),
                                    "--workers", "1", "--threads", "4"], stdout=log_file, stderr=log_file,
                                   env=dict(os.environ))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/openapi.json", timeout=2).read()
            break
        except OSError:
            time.sleep(0.2)
    yield port, log_path
    process.terminate()
    process.wait(timeout=30)


@pytest.fixture(scope="module")
def keys(database, pg, admin):
    from shared.clients import accounts

    _, owner = accounts.create_client("Toitures Bouchard", f"owner-{uuid.uuid4().hex[:6]}@toitures-bouchard.ca")
    return {"internal": admin.api_key, "owner": owner}


def exchange(port: int, head: str, body: bytes = b"", timeout: float = 10) -> tuple[int, dict, bytes]:
    """Send raw bytes, read one answer: (status, headers with lower-case names, body)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(head.encode("latin-1") + body)
        data = b""
        while b"\r\n\r\n" not in data:
            data += _recv(sock)
        head_bytes, _, rest = data.partition(b"\r\n\r\n")
        lines = head_bytes.decode("latin-1").split("\r\n")
        headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
        if headers.get("transfer-encoding") == "chunked":
            while not rest.endswith(b"0\r\n\r\n"):
                rest += _recv(sock)
            return int(lines[0].split()[1]), headers, _dechunk(rest)
        while len(rest) < int(headers.get("content-length", 0)):
            rest += _recv(sock)
        return int(lines[0].split()[1]), headers, rest


def _dechunk(data: bytes) -> bytes:
    body = b""
    while True:
        size, _, data = data.partition(b"\r\n")
        if int(size, 16) == 0:
            return body
        body, data = body + data[:int(size, 16)], data[int(size, 16) + 2:]


def _recv(sock) -> bytes:
    chunk = sock.recv(65536)
    if not chunk:
        raise ConnectionError("the server closed the connection without an answer")
    return chunk


def chunked_head(path: str, key: str | None = None) -> str:
    auth = f"x-api-key: {key}\r\n" if key else ""
    return (f"POST {path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n{auth}"
            "Transfer-Encoding: chunked\r\n\r\n")


def chunks(total: int, size: int = 16 * 1024) -> bytes:
    """`total` bytes of chunked body and no final chunk: a sender still sending."""
    return b"".join(f"{size:x}\r\n".encode() + b" " * size + b"\r\n" for _ in range(total // size))


def assert_envelope(status, headers, body, expected_status, code):
    assert status == expected_status and headers["content-type"] == "application/json", (status, headers, body)
    assert json.loads(body)["error"]["code"] == code


def test_a_chunked_body_over_the_limit_is_refused_after_the_limit_not_read_to_its_end(served, keys):
    """The body is read only up to the limit: 200 KiB sent with no end in sight get their 413 at once,
    without the server reading (and holding in memory) the rest."""
    status, headers, body = exchange(served[0], chunked_head("/api/lead", keys["owner"]), chunks(200 * 1024))
    assert_envelope(status, headers, body, 413, "payload_too_large")


def test_a_chunked_body_without_a_key_is_refused_before_it_is_read(served):
    status, headers, body = exchange(served[0], chunked_head("/api/lead"), chunks(200 * 1024))
    assert_envelope(status, headers, body, 401, "unauthorized")


def test_a_declared_length_over_the_limit_is_refused_before_reading(served, keys):
    head = (f"POST /api/lead HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
            f"x-api-key: {keys['owner']}\r\nContent-Length: {256 * 1024 * 1024}\r\n\r\n")
    assert_envelope(*exchange(served[0], head, b"{"), 413, "payload_too_large")


def test_a_prospect_batch_keeps_its_own_larger_limit_when_chunked(served, keys):
    batch = json.dumps({"prospects": [{"business_name": f"Toitures {n}", "website": f"toitures{n}.ca",
                                       "test": {"has_autoresponder": False, "response_time_ms": None,
                                                "is_personalized": False, "is_generic": False}}
                                      for n in range(900)]}).encode()
    assert len(batch) > 64 * 1024
    body = f"{len(batch):x}\r\n".encode() + batch + b"\r\n0\r\n\r\n"
    status, _, answer = exchange(served[0], chunked_head("/api/prospects/score", keys["internal"]), body, timeout=60)
    assert status == 200 and json.loads(answer)["scored"] == 900


def test_a_malformed_chunked_body_is_a_400_in_the_envelope(served, keys):
    """A chunk size that is no hexadecimal number is a JSON 400, not a server error."""
    malformed = b"zz\r\n{}\r\n0\r\n\r\n"
    assert_envelope(*exchange(served[0], chunked_head("/api/lead", keys["owner"]), malformed), 400, "invalid_json")
    assert_envelope(*exchange(served[0], chunked_head("/api/lead"), malformed), 401, "unauthorized")


@pytest.mark.parametrize("path", ROUTES_WITH_A_BODY)
def test_json_nested_30000_deep_is_a_400_on_every_route(served, keys, path):
    """JSON nested deeper than the parser's recursion allows is a 400 invalid_json on every route."""
    key = keys["internal"] if "prospects" in path or "intelligence" in path else keys["owner"]
    body = b"[" * 30000 + b"]" * 30000
    head = (f"POST {path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nx-api-key: {key}\r\n"
            f"Content-Length: {len(body)}\r\n\r\n")
    assert_envelope(*exchange(served[0], head, body), 400, "invalid_json")


def nested(depth: int) -> dict:
    value = "deep"
    for _ in range(depth - 1):
        value = {"n": value}
    return {"name": "Olivia Park", "email": f"olivia.{uuid.uuid4().hex[:6]}@parkhomes.ca", "note": value}


def test_json_is_refused_past_64_levels_and_accepted_at_64(keys):
    intake = load_function("lead_intake")
    deepest = invoke(intake, apigw_event("POST", "/api/lead", nested(64), key=keys["owner"]))
    too_deep = invoke(intake, apigw_event("POST", "/api/lead", nested(65), key=keys["owner"]))
    assert deepest.status == 201
    assert too_deep.status == 400 and too_deep.json["error"]["code"] == "invalid_json"


def test_nul_in_a_revert_reason_is_a_422_and_writes_nothing(database, keys):
    """A NUL in a revert reason is a 422 naming the field, as in a lead's fields (PostgreSQL stores no NUL)."""
    intake, tag, revert = (load_function(name) for name in ("lead_intake", "tag_lead", "revert_lead"))
    lead_id = invoke(intake, apigw_event("POST", "/api/lead", {"name": "Marc Roy", "email": "marc@roy-construction.ca"},
                                         key=keys["owner"])).json["lead_id"]
    assert invoke(tag, apigw_event("POST", f"/api/leads/{lead_id}/tag", {"tag": "Converted"},
                                   key=keys["owner"])).status == 200
    answer = invoke(revert, apigw_event("POST", f"/api/leads/{lead_id}/revert", {"reason": "wrong\u0000lead"},
                                        key=keys["owner"]))
    assert answer.status == 422 and answer.json["error"]["details"] == [
        {"field": "reason", "reason": "invalid", "message": "must not contain the NUL character (U+0000)"}]
    assert database.scalar("SELECT current_tag FROM lead_memory WHERE id = :id", id=lead_id) == "Converted"
    assert database.scalar("SELECT count(*) FROM lead_actions WHERE lead_id = :id", id=lead_id) == 2


@pytest.mark.parametrize("function,path,body", [
    ("lead_intake", "/api/lead", {"name": "Ana\u0000", "email": "ana@silva.ca"}),
    ("lead_intake", "/api/lead", {"name": "Ana", "email": "ana@silva.ca", "message": "a\u0000b"}),
    ("prospect_scoring", "/api/prospects/score", {"prospects": [{"business_name": "Toit\u0000", "test": {
        "has_autoresponder": True, "response_time_ms": 1, "is_personalized": True, "is_generic": False}}]}),
])
def test_nul_in_any_text_field_is_a_422_naming_it(keys, function, path, body):
    answer = invoke(load_function(function), apigw_event("POST", path, body, key=keys["internal"]))
    assert answer.status == 422 and "U+0000" in json.dumps(answer.json)


def test_nul_in_a_query_parameter_is_a_422(keys):
    event = apigw_event("GET", "/api/prospects", key=keys["internal"], query={"industry": "roof\u0000ing"})
    answer = invoke(load_function("prospect_scoring"), event)
    assert answer.status == 422 and answer.json["error"]["details"][0]["field"] == "industry"


@pytest.mark.parametrize("date,status", [("0001-01-01", 422), ("1899-12-31", 422), ("2999-01-01", 422),
                                         ("9999-12-31", 422)])
def test_a_run_date_the_job_cannot_compute_is_a_422(keys, date, status):
    """A run date outside the years 1900 to 2099 (0001-01-01 and 9999-12-31 included, whose windows
    would overflow) is a 422, not a server error."""
    event = apigw_event("POST", "/api/intelligence/run", {"date": date}, key=keys["internal"])
    answer = invoke(load_function("daily_intelligence"), event)
    assert answer.status == status and answer.json["error"]["code"] == "validation_error"


def test_a_run_date_after_today_is_a_409_not_an_invalid_request(keys):
    tomorrow = (intelligence.today() + datetime.timedelta(days=1)).isoformat()
    event = apigw_event("POST", "/api/intelligence/run", {"date": tomorrow}, key=keys["internal"])
    answer = invoke(load_function("daily_intelligence"), event)
    assert answer.status == 409 and "has not ended yet" in answer.json["error"]["message"]


@pytest.mark.parametrize("path", ["/api/leads/%0A/revert", "/api/leads/%0A/tag", "/api/leads/%0D%0A/tag"])
def test_a_control_character_in_a_path_reaches_the_function_key_check_first(served, keys, path):
    """A newline in a path (which werkzeug's router does not match) is the function's 401 in the JSON
    envelope, the key checked first."""
    body = json.dumps({"tag": "Active", "reason": "Wrong lead"}).encode()
    head = (f"POST {path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n")
    assert_envelope(*exchange(served[0], head + "\r\n", body), 401, "unauthorized")
    assert_envelope(*exchange(served[0], head + f"x-api-key: {keys['owner']}\r\n\r\n", body), 404, "not_found")


def test_a_newline_after_a_path_is_not_that_path(served):
    head = "POST /api/lead%0A HTTP/1.1\r\nHost: localhost\r\nContent-Length: 2\r\n\r\n"
    assert_envelope(*exchange(served[0], head, b"{}"), 404, "not_found")


def test_a_control_character_in_a_header_is_refused_in_the_envelope(served):
    head = "POST /api/lead HTTP/1.1\r\nHost: localhost\r\nX-Form: a\x01b\r\nContent-Length: 2\r\n\r\n"
    assert_envelope(*exchange(served[0], head, b"{}"), 400, "bad_request")


def test_an_oversized_request_line_is_refused_in_the_envelope(served):
    head = f"GET /api/prospects?industry={'x' * 9000} HTTP/1.1\r\nHost: localhost\r\n\r\n"
    assert_envelope(*exchange(served[0], head), 414, "uri_too_long")


def test_every_line_the_server_wrote_is_one_json_object(served, keys):
    """Gunicorn's own lines (its start, the refusals above) included: run after the tests above."""
    exchange(served[0], "GET /x HTTP/1.1\r\nHost: localhost\r\nX-Form: a\x01b\r\n\r\n")
    lines = served[1].read_text().splitlines()
    assert lines and all(isinstance(json.loads(line), dict) for line in lines)
    assert any(json.loads(line).get("logger", "").startswith("gunicorn") for line in lines)
