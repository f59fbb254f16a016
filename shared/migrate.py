"""`avenir migrate`: applies schema/NNN_*.sql in order, each once, recorded in schema_migrations;
an advisory lock makes two concurrent runs take turns."""
import hashlib
import logging
from pathlib import Path

from shared import db

log = logging.getLogger("avenir.migrate")
SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schema"
LOCK_KEY = 7_236_501_118  # any constant: "the avenir migration lock"

CREATE_LEDGER = """
CREATE TABLE IF NOT EXISTS schema_migrations (
  version     TEXT PRIMARY KEY,
  checksum    TEXT NOT NULL,
  applied_at  TIMESTAMPTZ NOT NULL DEFAULT now()
)
"""


def migration_files(schema_dir: Path = SCHEMA_DIR) -> list[Path]:
    return sorted(p for p in schema_dir.glob("[0-9][0-9][0-9]_*.sql"))


def migrate(schema_dir: Path = SCHEMA_DIR) -> list[str]:
    """Apply what is not applied yet; returns the versions applied by this run."""
    conn = db.connect()
    try:
        conn.run("SET statement_timeout = 0")  # an index on a big table may take minutes; waiting is fine here
        conn.run("SELECT pg_advisory_lock(:key)", key=LOCK_KEY)
        conn.run(CREATE_LEDGER)
        done = {row[0]: row[1] for row in conn.run("SELECT version, checksum FROM schema_migrations")}
        applied = []
        for path in migration_files(schema_dir):
            sql = path.read_text()
            checksum = hashlib.sha256(sql.encode()).hexdigest()
            if path.name in done:
                if done[path.name] != checksum:
                    log.warning("migration %s changed after it was applied; not re-applied", path.name)
                continue
            conn.run("BEGIN")
            try:
                conn.run(sql)
                conn.run("INSERT INTO schema_migrations (version, checksum) VALUES (:v, :c)", v=path.name, c=checksum)
                conn.run("COMMIT")
            except Exception:
                conn.run("ROLLBACK")
                raise
            applied.append(path.name)
        return applied
    finally:
        conn.close()  # closing the session releases the advisory lock
