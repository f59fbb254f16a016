"""The stack under measurement, built fresh for each run: an embedded PostgreSQL with fsync and
synchronous_commit on, a migrated database, clients with keys, and servers started the way a user
would start them (`avenir serve`, gunicorn gthread) as child processes on loopback ports."""
import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from infra.pgcluster import PG_BIN, LocalPostgres, free_port

ROOT = Path(__file__).resolve().parents[2]
QUICK = os.environ.get("AVENIR_BENCH_QUICK") == "1"
WORKERS = int(os.environ.get("AVENIR_BENCH_WORKERS", "2"))
THREADS = int(os.environ.get("AVENIR_BENCH_THREADS", "8"))
SERVER_LOG_LEVEL = os.environ.get("AVENIR_LOG_LEVEL", "INFO")
# Production-like durability: every commit waits for its WAL flush to reach the disk.
PG_OPTIONS = "-c synchronous_commit=on -c max_connections=200"


def say(message: str) -> None:
    """Progress on stdout, as the run goes."""
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


class Stack:
    """One PostgreSQL cluster in a temporary directory, and the database the app uses."""

    def __init__(self):
        self.root = Path(tempfile.mkdtemp(prefix="avenir-bench-"))
        os.chmod(self.root, 0o777)
        self.cluster = LocalPostgres(self.root / "pg", fsync=True)
        self.database = "avenir_bench"
        self.url = ""

    def start(self) -> None:
        from shared.platform import migrate

        say(f"starting PostgreSQL (fsync=on, synchronous_commit=on) in {self.cluster.root}")
        self.cluster.start(PG_OPTIONS)
        self.url = self.cluster.create_database(self.database)
        os.environ["DATABASE_URL"] = self.url
        applied = migrate.migrate()
        say(f"database {self.database} migrated ({len(applied)} migrations)")

    def stop(self) -> None:
        from shared.platform import db

        db.discard()
        self.cluster.stop("fast")

    def connect(self):
        from shared.platform import db

        return db.Connection(user="postgres", host="127.0.0.1", port=self.cluster.port, database=self.database)

    def sql(self, query: str, **params) -> list[dict]:
        conn = self.connect()
        try:
            from shared.platform import db

            if params:
                return db.query(conn, query, **params)
            rows = conn.run(query)  # simple protocol: a script may hold several statements
            names = [column["name"] for column in conn.columns or []]
            return [dict(zip(names, row, strict=True)) for row in rows or []] if names else []
        finally:
            conn.close()

    def scalar(self, query: str, **params):
        rows = self.sql(query, **params)
        return next(iter(rows[0].values())) if rows else None

    def pg_version(self) -> str:
        return self.scalar("SHOW server_version")

    def postmaster_pid(self) -> int:
        return int((self.cluster.data / "postmaster.pid").read_text().split()[0])

    def pgbench(self) -> str:
        for candidate in (PG_BIN / "pgbench", Path("/usr/bin/pgbench")):
            if candidate.exists():
                return str(candidate)
        raise RuntimeError("pgbench not found (apt-get install postgresql-15 / postgresql-client-15)")


@dataclass
class ApiKey:
    client_id: str
    api_key: str


def make_client(business_name: str, email: str) -> ApiKey:
    from shared.clients import accounts

    client_id, key = accounts.create_client(business_name, email)
    return ApiKey(str(client_id), key)


def make_internal_client() -> ApiKey:
    from shared.clients import accounts

    client_id, key = accounts.issue_internal_key("Avenir AI Solutions", "internal@aveniraisolutions.ca")
    return ApiKey(str(client_id), key)


class Server:
    """A server child process on a free loopback port; stopped with SIGTERM (gunicorn's graceful stop)."""

    def __init__(self, name: str, command: list[str], log_dir: Path, env: dict | None = None):
        self.name = name
        self.port = free_port()
        self.command = [part.replace("{port}", str(self.port)) for part in command]
        self.log_path = log_dir / f"{name}.log"
        # Servers log like production (INFO, a JSON line per request), whatever the harness itself does.
        self.env = {**os.environ, "AVENIR_LOG_LEVEL": SERVER_LOG_LEVEL, **(env or {})}
        self.process: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60) -> "Server":
        log = open(self.log_path, "ab")
        self.process = subprocess.Popen(self.command, cwd=ROOT, env=self.env, stdout=log, stderr=log,
                                        start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}; see {self.log_path}")
            try:
                urllib.request.urlopen(self.base_url + "/bench-ready", timeout=2).close()
                return self
            except urllib.error.HTTPError:
                return self  # any HTTP answer (404) means the workers are serving
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"{self.name} did not answer on port {self.port} within {timeout} s")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        # Under py-spy the server is py-spy's child: stop the server, and py-spy writes its
        # samples and exits by itself once the server is gone.
        targets = _children(self.process.pid) if self.command[0].endswith("py-spy") else []
        for pid in targets or [self.process.pid]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def __enter__(self) -> "Server":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def _children(pid: int) -> list[int]:
    try:
        return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def cpu_roots(bench: "Stack", server: "Server | None" = None) -> dict[str, int]:
    """The process trees whose CPU a load run accounts for: the server (gunicorn master and
    workers) and PostgreSQL (postmaster and backends)."""
    roots = {"PostgreSQL": bench.postmaster_pid()}
    if server is not None and server.process is not None:
        roots = {"server (gunicorn workers)": server.process.pid, **roots}
    return roots


def server_args(workers: int = WORKERS, threads: int = THREADS) -> list[str]:
    return ["--port", "{port}", "--workers", str(workers), "--threads", str(threads)]


def avenir_serve(log_dir: Path, name: str = "avenir-serve", profile_to: Path | None = None) -> Server:
    """`avenir serve --port N --workers W --threads T`, optionally under py-spy (all workers)."""
    command = [sys.executable, "-m", "infra.cli", "serve", *server_args()]
    return Server(name, profiled(command, profile_to), log_dir)


def noop_serve(log_dir: Path) -> Server:
    """The do-nothing function behind the same gunicorn settings and path dispatch."""
    return Server("noop-serve", [sys.executable, "-m", "tests.bench.noop_server", *server_args()], log_dir)


def profiled(command: list[str], profile_to: Path | None) -> list[str]:
    """py-spy can sample only a process it launches on this machine (attaching is refused), so a
    profiled server is started under `py-spy record --subprocesses` and sampled until it stops."""
    if profile_to is None:
        return command
    py_spy = Path(sys.executable).with_name("py-spy")
    return [str(py_spy), "record", "--subprocesses", "--nonblocking", "--format", "raw", "--rate", "100",
            "--output", str(profile_to), "--", *command]


@contextlib.contextmanager
def environment(**values):
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update({k: str(v) for k, v in values.items()})
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@dataclass
class Run:
    """What every measurement of one run shares: the stack, a scratch directory, how long each
    load point lasts, and figures measured once and compared against by several sections."""
    stack: Stack
    work_dir: Path
    seconds: float = 3 if QUICK else 10
    warmup_seconds: float = 2 if QUICK else 3
    measured: dict = None

    def __post_init__(self):
        self.measured = {}


def pgbench_mode() -> str:
    """The pgbench protocol mode that mirrors how the app sends its statements."""
    from shared.platform import settings

    return "prepared" if settings.prepared_statements() else "extended"


def comparison_serve(log_dir: Path, name: str) -> Server:
    """`avenir serve` with AVENIR_PREPARED_STATEMENTS=0: statements parsed and rewritten on every
    call (what a pooler in transaction mode asks for), to weigh against the shipped default."""
    return Server(name, [sys.executable, "-m", "infra.cli", "serve", *server_args()], log_dir,
                  env={"AVENIR_PREPARED_STATEMENTS": "0"})
