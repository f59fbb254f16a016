"""`avenir serve` and the `make run` entrypoint, as separate processes on real ports."""
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from infra.pgcluster import free_port


def wait_for_port(port, process, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            if process.poll() is not None:
                raise AssertionError(process.stdout.read() if process.stdout else "server exited") from None
            time.sleep(0.2)
    raise AssertionError("server did not start")


def get(port, path, method="GET"):
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", method=method, data=b"{}" if method == "POST"
                                     else None, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


@pytest.fixture
def served(database):
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "infra.cli", "serve", "--port", str(port), "--workers", "1"],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    wait_for_port(port, process)
    yield port, process
    if process.poll() is None:
        process.kill()
        process.wait()


def test_serve_answers_unknown_routes_with_a_json_404(served):
    port, _ = served
    assert get(port, "/api/nowhere") == (404, {"error": {"code": "not_found", "message": "No such route."}})


def test_serve_hands_each_route_to_its_function(served):
    port, _ = served
    status, body = get(port, "/api/lead", method="POST")
    assert status == 401 and body["error"]["code"] == "unauthorized"


def test_serve_stops_cleanly_on_sigterm(served):
    port, process = served
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=15) == 0


def test_make_run_entrypoint_migrates_makes_a_demo_client_and_serves(database, tmp_path):
    port = free_port()
    env = dict(os.environ, PORT=str(port), AVENIR_STATE_DIR=str(tmp_path))
    process = subprocess.Popen([sys.executable, "-m", "infra.local"], env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    try:
        wait_for_port(port, process, timeout=60)
        key = json.loads((tmp_path / "demo.json").read_text())["api_key"]
        request = urllib.request.Request(f"http://127.0.0.1:{port}/api/lead", method="POST",
                                         data=json.dumps({"name": "Olivia Park", "email": "olivia@parkhomes.ca",
                                                          "message": "Can you quote a new roof?"}).encode(),
                                         headers={"Content-Type": "application/json", "x-api-key": key})
        with urllib.request.urlopen(request, timeout=30) as r:
            assert r.status in (200, 201)
    finally:
        process.send_signal(signal.SIGINT)
        output = process.communicate(timeout=20)[0]
    assert "Demo client API key: " + key in output and f"http://127.0.0.1:{port}/api/lead" in output
