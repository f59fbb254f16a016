"""What `avenir serve` writes to its log while serving real requests: one JSON object per line,
each request with its id, route, client, status and latency, and never an API key, a password or a
lead's message (an API key shows only as its public prefix)."""
import json
import os
import subprocess
import sys
import time
import urllib.request
import uuid

import pytest

from infra.pgcluster import free_port
from tests.helpers import Api, avenir

PASSWORD = "Tr0ub4dor&3-" + uuid.uuid4().hex[:6]
MESSAGE = "Sentinel message " + uuid.uuid4().hex + ": our basement floods every spring"


@pytest.fixture
def served_log(database, tmp_path_factory):
    """`avenir serve` as a process of its own, its stderr kept in a file; stopped (SIGTERM) before
    the log is read."""
    log_path = tmp_path_factory.mktemp("serve") / "stderr.log"
    port = free_port()
    with open(log_path, "w") as log_file:
        process = subprocess.Popen([sys.executable, "-m", "infra.cli", "serve", "--port", str(port),
                                    "--workers", "1", "--threads", "4"],
                                   stdout=log_file, stderr=log_file, env=dict(os.environ, AVENIR_LOG_LEVEL="INFO"))
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(base + "/openapi.json", timeout=2).read()
            break
        except OSError:
            time.sleep(0.2)
    yield Api(base), process, log_path
    if process.poll() is None:
        process.terminate()
        process.wait(30)


def test_the_log_of_real_requests_is_json_lines_with_the_request_fields_and_no_secret(served_log):
    api, process, log_path = served_log
    created = avenir("client", "create", "--business-name", "Drainage Rimouski",
                     "--email", f"owner-{uuid.uuid4().hex[:8]}@rimouski.ca", "--password", PASSWORD)
    assert created.returncode == 0, created.stderr
    client = json.loads(created.stdout)
    key = client["api_key"]
    wrong_key = "avk_00000000_" + uuid.uuid4().hex

    lead = api.post("/api/lead", {"name": "Léa Fortin", "email": "lea.fortin@rimouski.ca", "message": MESSAGE},
                    key=key)
    invalid = api.post("/api/lead", {"name": "Léa Fortin", "email": "not-an-email", "message": MESSAGE}, key=key)
    refused = api.post("/api/lead", {"name": "Léa Fortin", "email": "lea@rimouski.ca", "message": MESSAGE},
                       key=wrong_key)
    bearer = api.post(f"/api/leads/{uuid.uuid4()}/tag", {"tag": "Converted"},
                      headers={"Authorization": f"Bearer {key}"})
    rotated = api.post("/api/clients/rotate-key", key=key)
    assert (lead.status, invalid.status, refused.status, bearer.status, rotated.status) == (201, 422, 401, 404, 200)
    new_key = rotated.json["api_key"]
    process.terminate()
    process.wait(30)

    text = log_path.read_text() + created.stderr
    lines = [line for line in text.splitlines() if line.strip()]
    entries = [json.loads(line) for line in lines]  # every line is one JSON object
    requests = [e for e in entries if e.get("message") == "request"]
    assert len(requests) >= 5
    for entry in requests:
        assert {"request_id", "route", "client_id", "status", "latency_ms"} <= set(entry)
        assert isinstance(entry["latency_ms"], (int, float)) and entry["request_id"]
    by_status = {e["status"]: e for e in requests if e["route"].startswith("POST /api/")}
    assert by_status[201]["client_id"] == client["client_id"] and by_status[201]["route"] == "POST /api/lead"
    assert by_status[201]["key_prefix"] == key[:12]
    assert by_status[401]["client_id"] is None
    for secret in (key, new_key, wrong_key, key[12:], new_key[12:], PASSWORD, MESSAGE, "basement floods"):
        assert secret not in text


def test_request_lines_carry_the_error_code_and_the_intake_outcome(served_log):
    api, process, log_path = served_log
    created = json.loads(avenir("client", "create", "--business-name", "Drainage Matane",
                                "--email", f"owner-{uuid.uuid4().hex[:8]}@matane.ca").stdout)
    key, email = created["api_key"], f"marc.{uuid.uuid4().hex[:6]}@matane.ca"
    inserted = api.post("/api/lead", {"name": "Marc", "email": email}, key=key, headers={"Idempotency-Key": "k-1"})
    replayed = api.post("/api/lead", {"name": "Marc", "email": email}, key=key, headers={"Idempotency-Key": "k-1"})
    updated = api.post("/api/lead", {"name": "Marc", "email": email}, key=key,
                       headers={"X-Request-Id": "form-42.retry:1"})
    invalid = api.post("/api/lead", {"name": "Marc", "email": "nope"}, key=key, headers={"X-Request-Id": "x" * 500})
    assert (inserted.status, replayed.status, updated.status, invalid.status) == (201, 201, 200, 422)
    process.terminate()
    process.wait(30)

    requests = [e for e in map(json.loads, log_path.read_text().splitlines()) if e.get("message") == "request"]
    lead_id = inserted.json["lead_id"]
    outcomes = [(e.get("lead_id"), e.get("outcome")) for e in requests if e.get("client_id") == created["client_id"]]
    assert outcomes[:3] == [(lead_id, "insert"), (lead_id, "replayed"), (lead_id, "update")]
    by_status = {e["status"]: e for e in requests if e.get("client_id") == created["client_id"]}
    assert by_status[422]["error"] == "validation_error"
    assert by_status[200]["request_id"] == "form-42.retry:1" == updated.headers["X-Request-Id"]
    assert len(by_status[422]["request_id"]) == 32 and invalid.headers["X-Request-Id"] == by_status[422]["request_id"]


CRASH = """
from shared.clients import credentials
from shared.platform import http

def boom(req):
    raise KeyError("the cause")

routes = http.Routes(http.Route("GET", "/boom", boom, auth=credentials.public))
for _ in range(2):
    http.serve(http.Request("GET", "/boom", {}), routes)
"""


def test_a_crash_is_a_json_line_with_its_traceback_from_the_first_one_on():
    """The first error in a fresh process is a JSON line like every later one, each with its cause."""
    result = subprocess.run([sys.executable, "-c", CRASH], capture_output=True, text=True, timeout=60)
    entries = [json.loads(line) for line in result.stderr.splitlines()]
    crashes = [e for e in entries if e["message"] == "unhandled error"]
    assert len(crashes) == 2
    assert all(e["error"] == "KeyError: 'the cause'" and "in boom" in e["traceback"] for e in crashes)
    assert [e["status"] for e in entries if e["message"] == "request"] == [500, 500]
