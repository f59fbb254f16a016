"""An embedded PostgreSQL 15 cluster for `make run`, the tests and the benchmarks: initdb once,
start on a loopback port, stop cleanly. As root the server runs as the `postgres` OS user."""
import os
import re
import shutil
import socket
import subprocess
from pathlib import Path

PG_BIN = Path(os.environ.get("AVENIR_PG_BIN", "/usr/lib/postgresql/15/bin"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    """Whether a server could listen on host:port now (SO_REUSEADDR, as servers bind)."""
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return False
        return True


def _as_postgres(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


class LocalPostgres:
    def __init__(self, root: Path, port: int | None = None, fsync: bool = True):
        self.root = Path(root).resolve()
        self.data = self.root / "data"
        self.port = port or free_port()
        self.fsync = fsync

    @property
    def url(self) -> str:
        return self.url_for("postgres")

    def url_for(self, database: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}?sslmode=disable"

    def _run(self, cmd: list[str]) -> None:
        result = subprocess.run(_as_postgres(cmd), capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(f"{Path(cmd[0]).name} failed: {(result.stderr or result.stdout).strip()[-1500:]}")

    def init(self) -> None:
        if (self.data / "PG_VERSION").exists():
            return
        if not (PG_BIN / "initdb").exists():
            raise RuntimeError(f"PostgreSQL 15 binaries not found in {PG_BIN} (apt-get install postgresql-15).")
        self.root.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
        self._run([str(PG_BIN / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8",
                   "--no-instructions"])

    def start(self, extra_options: str = "") -> None:
        self.init()
        options = (f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c max_connections=200 "
                   f"-c fsync={'on' if self.fsync else 'off'} {extra_options}")
        self._run([str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-w", "-t", "60",
                   "-l", str(self.root / "postgres.log"),
                   "-o", options, "start"])

    def stop_command(self, mode: str = "fast") -> list[str]:
        return _as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-w", "-m", mode, "stop"])

    def stop(self, mode: str = "fast") -> None:
        subprocess.run(self.stop_command(mode), capture_output=True)

    def running_pid(self) -> int | None:
        """The postmaster's pid if a server really runs on this data directory. pg_ctl status checks
        that the pid in postmaster.pid is alive, so a stale file left by a crash reads as not running."""
        result = subprocess.run(_as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(self.data), "status"]),
                                capture_output=True, text=True)
        if result.returncode != 0:
            return None
        match = re.search(r"PID: (\d+)", result.stdout)
        return int(match.group(1)) if match else -1

    def is_running(self) -> bool:
        return self.running_pid() is not None

    def create_database(self, name: str, template: str | None = None) -> str:
        import pg8000.native

        conn = pg8000.native.Connection(user="postgres", host="127.0.0.1", port=self.port, database="postgres")
        try:
            exists = conn.run("SELECT 1 FROM pg_database WHERE datname = :name", name=name)
            if not exists:
                conn.run(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        finally:
            conn.close()
        return self.url_for(name)
