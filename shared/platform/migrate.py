"""`avenir migrate`: applies schema/NNN_*.sql in order, each once, recorded in schema_migrations;
an advisory lock makes two concurrent runs take turns."""
import hashlib
import logging
from pathlib import Path

from shared.platform import db, sql
from shared.platform.exceptions import AvenirError

log = logging.getLogger("avenir.migrate")
SCHEMA_DIR = Path(__file__).resolve().parents[2] / "schema"
LOCK_KEY = 7_236_501_118  # any constant: "the avenir migration lock"
Q = sql.load(__file__)


class MigrationRefused(AvenirError):
    """A migration's own statements refused to run (a check it makes on existing data, a constraint
    the data breaks): the server's message and hint, on one line."""


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
            db.pipeline(conn, db.begin_step())
            try:
                conn.run(script)  # the migration file, its statements in one simple-protocol round trip
                db.pipeline(conn, (Q.record, {"version": path.name, "checksum": checksum}), commit=True)
            except Exception as e:
                db.pipeline(conn, db.rollback_step())
                if db.sqlstate(e) is None or db.is_unavailable(e):
                    raise
                fields = e.args[0]
                hint = f" {fields['H']}" if fields.get("H") else ""
                raise MigrationRefused(f"migration {path.name} not applied: {fields.get('M')}.{hint}") from None
            applied.append(path.name)
        return applied
    finally:
        conn.close()  # closing the session releases the advisory lock
