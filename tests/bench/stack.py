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


def timed(work, *args, **kwargs) -> tuple[object, float]:
    """(what `work(*args, **kwargs)` returns, the seconds it took)."""
    started = time.perf_counter()
    result = work(*args, **kwargs)
    return result, time.perf_counter() - started


class Run:
    """What every section of one run shares: a PostgreSQL cluster in a temporary directory and the
    database the app uses, a scratch directory (work_dir), and how long each load point lasts."""
    seconds, warmup_seconds = (3, 2) if QUICK else (10, 3)

    def __init__(self):
        self.root = Path(tempfile.mkdtemp(prefix="avenir-bench-"))
        os.chmod(self.root, 0o777)
        self.cluster = LocalPostgres(self.root / "pg", fsync=True)
        self.database, self.work_dir = "avenir_bench", self.root / "work"

    def start(self) -> None:
        from shared.platform import migrate

        say(f"starting PostgreSQL (fsync=on, synchronous_commit=on) in {self.cluster.root}")
        self.cluster.start("-c synchronous_commit=on -c max_connections=200")
        os.environ["DATABASE_URL"] = self.cluster.create_database(self.database)
        migrate.migrate()
        self.work_dir.mkdir()

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

        with contextlib.closing(self.connect()) as conn:
            return db.query(conn, query, **params)

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
            with contextlib.closing(self.connect()) as conn:
                conn.run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    @contextlib.contextmanager
    def populated(self, name: str, scale: float, end):
        """A scratch database loaded by the intelligence tests' generator at `scale` of the schema
        reference's largest sizes, data up to `end`: (a connection to it, its row counts)."""
        from tests.growth.intelligence import datagen

        with self.scratch_database(name), contextlib.closing(self.connect(name)) as conn:
            say(f"{name}: loading {datagen.sizes(scale)} ...")
            yield conn, datagen.populate(conn, **datagen.sizes(scale), end=end)


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


def serve(log_dir: Path, name: str, command: tuple = ("infra.cli", "serve")) -> Server:
    """`avenir serve` (or `command`, which takes the same options) with the run's workers and threads."""
    return Server(name, [*command, "--port", "{port}", "--workers", str(WORKERS), "--threads", str(THREADS)], log_dir)
