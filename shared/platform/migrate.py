"""`avenir migrate`: applies schema/NNN_*.sql in order, each once, recorded in schema_migrations;
an advisory lock makes two concurrent runs take turns."""
import hashlib
import logging
from pathlib import Path

from shared.platform import db, sql

log = logging.getLogger("avenir.migrate")
SCHEMA_DIR = Path(__file__).resolve().parents[2] / "schema"
LOCK_KEY = 7_236_501_118  # any constant: "the avenir migration lock"
Q = sql.load(__file__)

def migration_files(schema_dir: Path = SCHEMA_DIR) -> list[Path]:
    return sorted(p for p in schema_dir.glob("[0-9][0-9][0-9]_*.sql"))


def migrate(schema_dir: Path = SCHEMA_DIR) -> list[str]:
    """Apply what is not applied yet; returns the versions applied by this run."""
    conn = db.connect()
    try:
        db.pipeline(conn, (Q.no_timeout, {}), (Q.lock, {"key": LOCK_KEY}), (Q.create_ledger, {}))
        done = {row["version"]: row["checksum"] for row in db.query(conn, Q.applied)}  # prepared once it exists
        applied = []
        for path in migration_files(schema_dir):
            script = path.read_text()
            checksum = hashlib.sha256(script.encode()).hexdigest()
            if path.name in done:
                if done[path.name] != checksum:
                    log.warning("migration %s changed after it was applied; not re-applied", path.name)
                continue
            db.pipeline(conn, (db.Q.begin, {}))
            try:
                conn.run(script)  # the migration file, its statements in one simple-protocol round trip
                db.pipeline(conn, (Q.record, {"version": path.name, "checksum": checksum}), commit=True)
            except Exception:
                db.pipeline(conn, (db.Q.rollback, {}))
                raise
            applied.append(path.name)
        return applied
    finally:
        conn.close()  # closing the session releases the advisory lock
