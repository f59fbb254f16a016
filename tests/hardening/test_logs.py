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
from conftest import Api

from infra.pgcluster import free_port

PASSWORD = "Tr0ub4dor&3-" + uuid.uuid4().hex[:6]
MESSAGE = "Sentinel message " + uuid.uuid4().hex + ": our basement floods every spring"


def avenir(*args, **kwargs):
    return subprocess.run([sys.executable, "-m", "infra.cli", *args], capture_output=True, text=True,
                          timeout=120, env=dict(os.environ), **kwargs)


@pytest.fixture(scope="module")
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
