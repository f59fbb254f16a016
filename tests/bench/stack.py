"""The stack under measurement, built fresh for each run: an embedded PostgreSQL with fsync and
synchronous_commit on, a migrated database, and servers started as a user starts them (`avenir
serve`, gunicorn gthread) as child processes on loopback ports."""
import contextlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from unittest import mock

from infra.pgcluster import LocalPostgres, free_port

ROOT = Path(__file__).resolve().parents[2]
QUICK = os.environ.get("AVENIR_BENCH_QUICK") == "1"
WORKERS = int(os.environ.get("AVENIR_BENCH_WORKERS", "2"))
THREADS = int(os.environ.get("AVENIR_BENCH_THREADS", "8"))
SERVER_LOG_LEVEL = os.environ.get("AVENIR_LOG_LEVEL", "INFO")  # servers log like production


def say(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def environment(**values):
    return mock.patch.dict(os.environ, {name: str(value) for name, value in values.items()})


class Stack:
    """One PostgreSQL cluster in a temporary directory, and the database the app uses."""

    def __init__(self):
        self.root = Path(tempfile.mkdtemp(prefix="avenir-bench-"))
        os.chmod(self.root, 0o777)
        self.cluster = LocalPostgres(self.root / "pg", fsync=True)
        self.database, self.url = "avenir_bench", ""

    def start(self) -> None:
        from shared.platform import migrate

        say(f"starting PostgreSQL (fsync=on, synchronous_commit=on) in {self.cluster.root}")
        self.cluster.start("-c synchronous_commit=on -c max_connections=200")
        self.url = os.environ["DATABASE_URL"] = self.cluster.create_database(self.database)
        migrate.migrate()

    def stop(self) -> None:
        from shared.platform import db

        db.discard()
        self.cluster.stop("fast")

    def connect(self, database: str | None = None):
        from shared.platform import db

        return db.Connection(user="postgres", host="127.0.0.1", port=self.cluster.port,
                             database=database or self.database)

    def sql(self, query: str, **params) -> list[dict]:
        from shared.platform import db

        conn = self.connect()
        try:
            return db.query(conn, query, **params)
        finally:
            conn.close()

    @contextlib.contextmanager
    def scratch_database(self, name: str):
        """A fresh migrated database of its own (DATABASE_URL points at it), dropped afterwards."""
        from shared.platform import db, migrate

        try:
            with environment(DATABASE_URL=self.cluster.create_database(name)):
                migrate.migrate()
                yield name
        finally:
            db.discard()
            conn = self.connect()
            try:
                conn.run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            finally:
                conn.close()


def labelled_leads() -> list[dict]:
    """The labelled lead messages of tests/fixtures: name, message, and their labels."""
    return [json.loads(line) for line in (ROOT / "tests/fixtures/labelled_leads.jsonl").read_text().splitlines()]


def make_client(business_name: str, email: str) -> SimpleNamespace:
    from shared.clients import accounts

    client_id, key = accounts.create_client(business_name, email)
    return SimpleNamespace(client_id=str(client_id), api_key=key)


class Server:
    """`with Server(name, [module, args...]) as server:` `python -m module args` ({port}: a free loopback
    port) as a child process, ready once it answers (HTTP: any answer, so the workers have booted;
    otherwise once the port accepts a connection); stopped with SIGTERM."""

    def __init__(self, name: str, command: list[str], log_dir: Path, http: bool = True):
        self.port, self.http = free_port(), http
        self.command = [sys.executable, "-m", *(part.replace("{port}", str(self.port)) for part in command)]
        self.log_path = log_dir / f"{name}.log"
        self.base_url = f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> "Server":
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(self.command, cwd=ROOT, stdout=log, stderr=log,
                                            env={**os.environ, "AVENIR_LOG_LEVEL": SERVER_LOG_LEVEL})
        deadline = time.monotonic() + 60
        while self.process.poll() is None and time.monotonic() < deadline:
            try:
                if self.http:
                    urllib.request.urlopen(self.base_url + "/bench-ready", timeout=2).close()
                else:
                    socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return self
            except urllib.error.HTTPError:
                return self  # a 404: the workers are serving
            except OSError:
                time.sleep(0.2)
        self.__exit__()
        raise RuntimeError(f"{self.command} did not listen within 60 s; see {self.log_path}")

    def __exit__(self, *exc) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


SERVE = ["--port", "{port}", "--workers", str(WORKERS), "--threads", str(THREADS)]


def avenir_serve(log_dir: Path, name: str) -> Server:
    return Server(name, ["infra.cli", "serve", *SERVE], log_dir)


def noop_serve(log_dir: Path) -> Server:
    """The do-nothing function (tests/bench/functions/noop) behind the same gunicorn settings and path dispatch."""
    return Server("noop-serve", ["tests.bench.noop_server", *SERVE], log_dir)


@dataclass
class Run:
    """What every section of one run shares: the stack, a scratch directory, how long each load point
    lasts, and baselines measured once and compared against by several sections."""
    stack: Stack
    work_dir: Path
    seconds: float = 3 if QUICK else 10
    warmup_seconds: float = 2 if QUICK else 3
    shared: dict = field(default_factory=dict)

    def once(self, name: str, measure):
        if name not in self.shared:
            self.shared[name] = measure()
        return self.shared[name]


def pgbench_mode() -> str:
    """The pgbench protocol mode that mirrors how the app sends its statements."""
    from shared.platform import settings

    return "prepared" if settings.prepared_statements() else "extended"
