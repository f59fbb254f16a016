"""A real PgBouncer in transaction mode in front of the test cluster (Debian's `pgbouncer`), as
managed PostgreSQL sits behind Supabase's pooler or RDS Proxy: `AVENIR_TEST_POOLER=1` runs the
suites with the functions' DATABASE_URL through it (and AVENIR_PREPARED_STATEMENTS=0)."""
import contextlib
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from infra.pgcluster import LocalPostgres, _as_postgres, free_port, port_is_free

PGBOUNCER = "/usr/sbin/pgbouncer"

# What the product needs of the pooler (README, "Behind a pooler"): transaction mode; the
# database's own user (trust here); application_name passed through; enough server connections.
CONFIG = """
[databases]
* = host=127.0.0.1 port={pg_port} user=postgres

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {port}
unix_socket_dir =
auth_type = any
pool_mode = transaction
max_client_conn = 1000
default_pool_size = 60
; each test module has a database of its own, so a pool of its own: idle server connections are
; closed at once, or the pools of past modules would fill PostgreSQL's max_connections
server_idle_timeout = 1
ignore_startup_parameters = extra_float_digits
logfile = {root}/pgbouncer.log
pidfile = {root}/pgbouncer.pid
"""


def enabled() -> bool:
    return os.environ.get("AVENIR_TEST_POOLER") == "1"


@contextlib.contextmanager
def pgbouncer(cluster: LocalPostgres) -> Iterator[int]:
    """PgBouncer in transaction mode for `cluster`, on a free loopback port (yielded); stopped and
    its directory removed when the block ends."""
    root = Path(tempfile.mkdtemp(prefix="avenir-test-pgbouncer-"))
    os.chmod(root, 0o777)
    port = free_port()
    (root / "pgbouncer.ini").write_text(CONFIG.format(pg_port=cluster.port, port=port, root=root))
    # PgBouncer logs every line to stderr too: to a file, never full, rather than a pipe nobody reads
    # while the tests run (once its 64 KB filled, PgBouncer would block on the write and stop answering).
    stderr = open(root / "stderr.log", "wb")
    process = subprocess.Popen(_as_postgres([PGBOUNCER, str(root / "pgbouncer.ini")]),
                               stdout=subprocess.DEVNULL, stderr=stderr)
    try:
        deadline = time.monotonic() + 10
        while port_is_free(port):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"pgbouncer did not start: {(root / 'stderr.log').read_text()[-2000:]}")
            time.sleep(0.05)
        yield port
    finally:
        stderr.close()
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
        shutil.rmtree(root, ignore_errors=True)
