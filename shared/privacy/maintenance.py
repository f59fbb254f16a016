"""The nightly maintenance (functions/data_maintenance, `avenir maintenance run`): the reference's
"Archive Old Leads" with its log, the purge of what has expired; and the operator's "Cleanup Test
Data" (`avenir maintenance cleanup-test-data`)."""
import datetime
import logging
import uuid
from collections.abc import Iterator

import pydantic

from shared import db, logs, sql
from shared.exceptions import Unavailable

Q = sql.load(__file__)
log = logging.getLogger("avenir.maintenance")
# Leads archived per statement: a night that archives 60,000 at once (a year after a busy season)
# runs as 30 statements of well under a second, never one over AVENIR_STATEMENT_TIMEOUT_MS.
ARCHIVE_BATCH = 2000


class MaintenanceSummary(pydantic.BaseModel):
    archived: int = pydantic.Field(description="Leads archived (one `archive` action each).")
    idempotency_keys_deleted: int
    sessions_deleted: int
    login_failures_deleted: int = pydantic.Field(description="Failed sign-ins older than a day.")
    failed_clients: list[uuid.UUID] = pydantic.Field(description="Clients whose archive step failed (logged); "
                                                                 "the others were done.")


class TestDataCounts(pydantic.BaseModel):
    dry_run: bool
    clients: int
    leads: int
    messages: int
    actions: int
    replies: int
    growth_events: int


def utc_now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


def event_time(value: str | None) -> datetime.datetime | None:
    """A scheduler's event time (ISO 8601; UTC when it names no zone), the moment a scheduled run is
    as of; None when the event carries none."""
    if not value:
        return None
    moment = datetime.datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)


def run(now: datetime.datetime | None = None) -> MaintenanceSummary:
    """One maintenance run as of `now` (default: the clock; tests and reruns pass a time). Re-runnable:
    a second run as of the same time finds nothing left to do."""
    now = now or utc_now()
    if now.tzinfo is None:
        raise ValueError("now must carry a time zone")
    archived, failed = archive_old_leads(now)
    # Outreach step: the contract's "sent or opened outreach older than 14 days with no reply becomes
    # `ignored`" (shared/prospects) is added here, as one set-based statement as of `now`.
    with db.admin_transaction() as conn:
        keys = _deleted(conn, Q.purge_idempotency_keys, now)
        sessions = _deleted(conn, Q.purge_sessions, now)
        failures = _deleted(conn, Q.purge_login_failures, now)
    summary = MaintenanceSummary(archived=archived, idempotency_keys_deleted=keys, sessions_deleted=sessions,
                                 login_failures_deleted=failures, failed_clients=failed)
    logs.event(log, "maintenance run", now=now.isoformat(), **summary.model_dump(mode="json"))
    return summary


def archive_old_leads(now: datetime.datetime) -> tuple[int, list[uuid.UUID]]:
    """The archive rule: (leads archived, clients that failed). Every client at once, set-based;
    should that fail, again one client at a time, each in its own transaction under its row level
    security, so that a client at fault fails alone (logged) and the others are archived. A
    database that is down stops the run (503: the scheduler retries it; what was archived stays)."""
    archived = 0  # what committed batches archived counts, even when a later batch fails
    try:
        for count in _batches(Q.archive_old_leads, now, db.admin_transaction):
            archived += count
        return archived, []
    except Unavailable:
        raise
    except Exception as error:
        logs.event(log, "maintenance: archiving every client at once failed; one client at a time now",
                   level=logging.WARNING, error=type(error).__name__, sqlstate=db.sqlstate(error))
    with db.admin_transaction() as conn:
        client_ids = [row["client_id"] for row in db.query(conn, Q.clients)]
    failed = []
    for client_id in client_ids:
        try:
            for count in _batches(Q.archive_client_old_leads, now, lambda c=client_id: db.transaction(client_id=c),
                                  client_id=client_id):
                archived += count
        except Unavailable:
            raise
        except Exception as error:
            failed.append(client_id)
            logs.event(log, "maintenance: client failed", level=logging.ERROR, client_id=str(client_id),
                       stage="archive", error=type(error).__name__, sqlstate=db.sqlstate(error))
    return archived, failed


def _batches(statement: str, now: datetime.datetime, transaction, **params) -> Iterator[int]:
    """Run an archive statement batch after batch (ARCHIVE_BATCH leads each, in id order, each batch
    its own transaction) until one comes back short; yields each committed batch's count."""
    after = uuid.UUID(int=0)
    while True:
        with transaction() as conn:
            ids = [row[0] for row in conn.run(statement, now=now, after=after, batch=ARCHIVE_BATCH, **params)]
        yield len(ids)
        if len(ids) < ARCHIVE_BATCH:
            return
        after = max(ids)


def _deleted(conn: db.Connection, statement: str, now: datetime.datetime, **params) -> int:
    """Run a data-changing statement as of `now`; the rows it changed."""
    conn.run(statement, now=now, **params)
    return conn.row_count


def cleanup_test_data(dry_run: bool) -> TestDataCounts:
    """The reference's "Cleanup Test Data": the test clients and everything of theirs (the foreign
    keys cascade), counted first in the same transaction; with dry_run, only counted."""
    with db.admin_transaction() as conn:
        counts = db.query_one(conn, Q.test_data_counts)
        if not dry_run:
            conn.run(Q.delete_test_clients)
    return TestDataCounts(dry_run=dry_run, **counts)
