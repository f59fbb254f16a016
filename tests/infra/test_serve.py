"""`avenir serve` and the `make run` entrypoint, as separate processes on real ports."""
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest

from infra.pgcluster import LocalPostgres, free_port
from shared.clients import accounts

ROOT = Path(__file__).resolve().parents[2]

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


# --- make run (python -m infra.local) -----------------------------------------------------------

def api_call(port, method, path, key, body=None, token=None):
    """One request with a client's API key (or an owner's session token as Bearer)."""
    credential = {"Authorization": f"Bearer {token}"} if token else {"x-api-key": key}
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", method=method,
                                     data=json.dumps(body).encode() if body is not None else None,
                                     headers={"Content-Type": "application/json", **credential})
    try:
        with urllib.request.urlopen(request, timeout=30) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")


class MakeRun:
    """`make run` in its own process group, with its state in `state` and its own ports."""

    def __init__(self, state: Path, port: int, pg_port: int | None = None, database_url: str | None = None):
        self.state, self.port = state, port
        self.env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DATABASE_SECRET_ARN")}
        self.env.update(PORT=str(port), AVENIR_STATE_DIR=str(state), AVENIR_PG_PORT=str(pg_port or free_port()))
        if database_url:
            self.env["DATABASE_URL"] = database_url
        self.process, self.banner, self.output = None, "", ""

    def start(self) -> "MakeRun":
        """Start it and wait until it serves; what it printed until then is `banner`."""
        self.process = subprocess.Popen([sys.executable, "-m", "infra.local"], env=self.env, stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT, text=True, start_new_session=True)
        lines = []
        for line in self.process.stdout:
            lines.append(line)
            if line.startswith("Serving every route on"):
                break
        self.banner = "".join(lines)
        assert self.process.poll() is None, self.banner
        wait_for_port(self.port, self.process, timeout=60)
        return self

    def run_to_the_end(self, timeout=60) -> int:
        """Start it and let it end by itself (a refusal); the exit status."""
        self.process = subprocess.Popen([sys.executable, "-m", "infra.local"], env=self.env, stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT, text=True, start_new_session=True)
        self.output = self.process.communicate(timeout=timeout)[0]
        return self.process.returncode

    def stop(self) -> str:
        """Ctrl-C, as in the terminal; the whole output."""
        if self.process.returncode is None:
            if self.process.poll() is None:
                os.killpg(self.process.pid, signal.SIGINT)
            self.output = self.banner + self.process.communicate(timeout=30)[0]
        return self.output

    def crash(self) -> None:
        """Everything killed at once, as a power cut would: no clean stop, postmaster.pid left behind."""
        postmaster = int((self.state / "pg" / "data" / "postmaster.pid").read_text().split()[0])
        os.killpg(self.process.pid, signal.SIGKILL)
        os.kill(postmaster, signal.SIGKILL)
        self.process.wait()
        deadline = time.time() + 30  # until the server and its children are gone (and reaped)
        while time.time() < deadline and (Path(f"/proc/{postmaster}").exists() or subprocess.run(
                ["pgrep", "-f", f"{self.state}/pg/data"], capture_output=True).returncode == 0):
            time.sleep(0.1)


def printed(output, pattern):
    match = re.search(pattern, output, re.MULTILINE)
    assert match, f"{pattern!r} not in the output:\n{output}"
    return match.group(1)


@pytest.fixture
def state_dir():
    """A fresh .avenir/ for one test; its embedded PostgreSQL stopped and everything removed after."""
    root = Path(tempfile.mkdtemp(prefix="avenir-make-run-"))
    root.chmod(0o755)  # the postgres OS user reaches .avenir/pg through it
    yield root
    if (root / "pg" / "data").exists():
        LocalPostgres(root / "pg").stop("immediate")
    shutil.rmtree(root)


def test_rerunning_make_run_after_rotating_the_demo_key_keeps_the_demo_client_and_its_leads(database, state_dir):
    first = MakeRun(state_dir, free_port(), database_url=database.url).start()
    try:
        old_key = json.loads((state_dir / "demo.json").read_text())["api_key"]
        lead = {"name": "Olivia Park", "email": "olivia@parkhomes.ca", "message": "Can you quote a new roof?"}
        assert api_call(first.port, "POST", "/api/lead", old_key, lead)[0] in (200, 201)
        status, rotated = api_call(first.port, "POST", "/api/clients/rotate-key", old_key)  # the README's step
        assert status == 200
    finally:
        first.stop()
    demo = accounts.authenticate(rotated["api_key"])
    second = MakeRun(state_dir, free_port(), database_url=database.url).start()
    new_key = printed(second.stop(), r"^Demo client API key: (\S+)$")
    assert new_key not in (old_key, rotated["api_key"])
    assert accounts.authenticate(new_key).client_id == demo.client_id == uuid.UUID(rotated["client_id"])
    assert database.scalar("SELECT count(*) FROM lead_memory WHERE client_id = :c AND email = 'olivia@parkhomes.ca'",
                           c=demo.client_id) == 1
    assert json.loads((state_dir / "demo.json").read_text())["api_key"] == new_key


def embedded_postgres_pid(state: Path) -> int | None:
    return LocalPostgres(state / "pg").running_pid()


def test_a_second_make_run_refuses_and_leaves_the_first_one_serving(state_dir):
    port, pg_port = free_port(), free_port()
    first = MakeRun(state_dir, port, pg_port).start()
    try:
        key = json.loads((state_dir / "demo.json").read_text())["api_key"]
        postgres = embedded_postgres_pid(state_dir)
        second = MakeRun(state_dir, port, pg_port)
        assert second.run_to_the_end() == 1
        assert "already running" in second.output and str(state_dir) in second.output, second.output
        assert "Traceback" not in second.output and "Stopping" not in second.output
        assert embedded_postgres_pid(state_dir) == postgres
        through_make = make_run(second.env, state_dir)
        assert embedded_postgres_pid(state_dir) == postgres
        assert api_call(port, "POST", "/api/lead", key, {"name": "Olivia Park", "email": "olivia@parkhomes.ca"})[0] \
            in (200, 201)
    finally:
        first.stop()
    assert first.process.returncode == 0 and embedded_postgres_pid(state_dir) is None
    # What the README says `make run` prints then: its one line, then make's own, and make's status 2.
    assert through_make.stdout == "" and through_make.returncode == 2, through_make
    refusal, make_says = through_make.stderr.splitlines()
    assert refusal == second.output.strip() and refusal.startswith("make run: error: ")
    assert re.fullmatch(r"make: \*\*\* \[Makefile:\d+: run\] Error 1", make_says), make_says
    assert f"`{make_says}`" in (ROOT / "README.md").read_text()


def make_run(env: dict, scratch: Path) -> subprocess.CompletedProcess:
    """`make run` itself, in the project's directory, with this venv's python (BIN) and an install
    stamp that is up to date (so make installs nothing)."""
    stamp = scratch / "installed.stamp"
    stamp.touch()
    # As from a shell: not as a sub-make of `make test`, whose flags (-j, --output-sync) would make
    # this make print its own "Entering directory" lines.
    shell = {k: v for k, v in env.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKE_TERMOUT",
                                                       "MAKE_TERMERR")}
    return subprocess.run(["make", "run", f"BIN={Path(sys.executable).parent}", f"STAMP={stamp}"], cwd=ROOT,
                          env=shell, capture_output=True, text=True, timeout=120)


def test_make_run_refuses_a_serving_port_that_is_taken_and_starts_nothing(state_dir):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        run = MakeRun(state_dir, taken.getsockname()[1])
        assert run.run_to_the_end() == 1
    assert f"port {run.port} is already in use" in run.output and "PORT" in run.output, run.output
    assert not (state_dir / "pg").exists()


def test_make_run_after_a_crash_starts_again_on_the_same_data(state_dir):
    port, pg_port = free_port(), free_port()
    first = MakeRun(state_dir, port, pg_port).start()
    key = json.loads((state_dir / "demo.json").read_text())["api_key"]
    assert api_call(port, "POST", "/api/lead", key, {"name": "Olivia Park", "email": "olivia@parkhomes.ca"})[0] \
        in (200, 201)
    first.crash()
    assert (state_dir / "pg" / "data" / "postmaster.pid").exists()  # stale: its server is gone
    second = MakeRun(state_dir, port, pg_port).start()
    try:
        status, _ = api_call(port, "POST", "/api/lead", key, {"name": "Olivia Park", "email": "olivia@parkhomes.ca"})
    finally:
        output = second.stop()
    assert status == 200, output  # the same lead again: the first run's data survived the crash
    assert f"Demo client API key: {key}" in output


def test_make_run_refuses_an_embedded_postgres_port_that_is_taken_and_starts_nothing(state_dir):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        pg_port = taken.getsockname()[1]
        run = MakeRun(state_dir, free_port(), pg_port=pg_port)
        assert run.run_to_the_end() == 1
    assert f"port {pg_port} for the embedded PostgreSQL is already in use" in run.output, run.output
    assert "AVENIR_PG_PORT" in run.output
    assert not (state_dir / "pg").exists()


def test_make_run_prints_a_database_url_and_an_internal_key_that_work_and_keeps_them(state_dir):
    port, pg_port = free_port(), free_port()
    first = MakeRun(state_dir, port, pg_port).start()
    try:
        database_url = printed(first.banner, r"^export DATABASE_URL='(postgresql://[^']+)'$")
        internal_key = printed(first.banner, r"^Internal \(admin\) client API key: (\S+)$")
        created = subprocess.run([sys.executable, "-m", "infra.cli", "client", "create", "--business-name",
                                  "Toitures Laval", "--email", "info@toitures-laval.ca"],
                                 env=dict(first.env, DATABASE_URL=database_url), capture_output=True, text=True,
                                 timeout=60)
        assert created.returncode == 0, created.stderr
        assert api_call(port, "GET", "/api/prospects", internal_key)[0] == 200
        assert api_call(port, "POST", "/api/prospects/score", json.loads(created.stdout)["api_key"],
                        {"prospects": []})[0] == 403
        for who in ("the demo owner", "the internal client"):  # the dashboard's two sign-ins, as printed
            email, password = printed(first.banner, rf"^  {who}: +(\S+ / \S+)").split(" / ")
            status, session = api_call(port, "POST", "/api/auth/login", "", {"email": email, "password": password})
            assert status == 200, (who, session)
            can_see_prospects = api_call(port, "GET", "/api/prospects", None, token=session["token"])[0] == 200
            assert can_see_prospects == (who == "the internal client")
    finally:
        first.stop()
    second = MakeRun(state_dir, port, pg_port).start()
    output = second.stop()
    assert f"Internal (admin) client API key: {internal_key}" in output  # reused while it works
    assert f"export DATABASE_URL='{database_url}'" in output


def test_make_run_on_a_given_database_never_replaces_its_internal_key(database, state_dir):
    operators_key = accounts.issue_internal_key("Avenir AI Solutions", "internal@aveniraisolutions.ca")[1]
    output = MakeRun(state_dir, free_port(), database_url=database.url).start().stop()
    assert accounts.authenticate(operators_key).is_internal
    assert "avenir client create --internal" in output and "export DATABASE_URL" not in output
    assert "the internal client: not set for the DATABASE_URL you gave" in output
    assert database.url not in output  # the URL it was given (maybe with a password) is not echoed
