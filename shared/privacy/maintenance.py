"""The nightly maintenance (functions/data_maintenance, `avenir maintenance run`): the reference's
"Archive Old Leads" with its log, the purge of what has expired; and the operator's "Cleanup Test
Data" (`avenir maintenance cleanup-test-data`)."""
import datetime
import itertools
import logging
import uuid
from collections.abc import Iterator

import pydantic

from shared.platform import db, logs, sql
from shared.platform.exceptions import Unavailable
from shared.prospects import outreach

Q = sql.load(__file__)
log = logging.getLogger("avenir.maintenance")
# Leads archived per statement: a night that archives 44,000 at once (the first run over a year of
# leads) runs as 22 short statements (make bench, section 7), never one near the 5 s of
# AVENIR_STATEMENT_TIMEOUT_MS, and no lead stays locked long.
ARCHIVE_BATCH = 2000


class MaintenanceSummary(pydantic.BaseModel):
    archived: int = pydantic.Field(description="Leads archived (one `archive` action each).")
    idempotency_keys_deleted: int
    sessions_deleted: int
    outreach_ignored: int = pydantic.Field(description="Outreach emails sent or opened over 14 days ago with no "
                                                       "reply, now `ignored`.")
    login_failures_deleted: int = pydantic.Field(description="Failed sign-ins older than a day.")
    form_posts_deleted: int = pydantic.Field(0, description="Public form posts (their IP digests) older than "
                                                            "48 hours.")
    failed_clients: list[uuid.UUID] = pydantic.Field(description="Clients whose archive step failed (logged); "
                                                                 "the others were done.")


class CleanupCounts(pydantic.BaseModel):
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
    ignored = outreach.mark_ignored(now)
    with db.admin_transaction() as conn:
        keys = db.query_one(conn, Q.purge_idempotency_keys, now=now)["deleted"]
        sessions = db.query_one(conn, Q.purge_sessions, now=now)["deleted"]
        failures = db.query_one(conn, Q.purge_login_failures, now=now)["deleted"]
        posts = db.query_one(conn, Q.purge_form_posts, now=now)["deleted"]
    summary = MaintenanceSummary(archived=archived, idempotency_keys_deleted=keys, sessions_deleted=sessions,
                                 outreach_ignored=ignored, login_failures_deleted=failures,
                                 form_posts_deleted=posts, failed_clients=failed)
    logs.event(log, "maintenance run", now=now.isoformat(), **summary.model_dump(mode="json"))
    return summary


def archive_old_leads(now: datetime.datetime) -> tuple[int, list[uuid.UUID]]:
    """The archive rule: (leads archived, clients that failed). The stale leads are read in one
    pass, then archived ARCHIVE_BATCH at a time, each batch its own transaction, every client
    together; should a batch fail, the rest goes one client at a time, each in its own transactions
    under its row level security, so that a client at fault fails alone (logged) and the others are
    archived. A database that is down stops the run (503: the scheduler retries it; what was
    archived stays archived)."""
    with db.admin_transaction() as conn:
        stale = db.query(conn, Q.stale_leads, now=now)
    archived = 0  # what committed batches archived counts, even when a later batch fails
    try:
        for batch in _batches([row["id"] for row in stale]):
            archived += _archive(db.admin_transaction(), batch, now)
        return archived, []
    except Unavailable:
        raise
    except Exception as error:
        logs.event(log, "maintenance: archiving every client at once failed; one client at a time now",
                   level=logging.WARNING, error=type(error).__name__, sqlstate=db.sqlstate(error))
    failed = []
    for client_id, rows in itertools.groupby(stale, key=lambda row: row["client_id"]):
        try:
            for batch in _batches([row["id"] for row in rows]):
                archived += _archive(db.transaction(client_id=client_id), batch, now)
        except Unavailable:
            raise
        except Exception as error:
            failed.append(client_id)
            logs.event(log, "maintenance: client failed", level=logging.ERROR, client_id=str(client_id),
                       stage="archive", error=type(error).__name__, sqlstate=db.sqlstate(error))
    return archived, failed


def _batches(ids: list[uuid.UUID]) -> Iterator[list[uuid.UUID]]:
    for start in range(0, len(ids), ARCHIVE_BATCH):
        yield ids[start:start + ARCHIVE_BATCH]


def _archive(transaction, ids: list[uuid.UUID], now: datetime.datetime) -> int:
    """One batch archived in its own transaction; the leads archived (those still stale)."""
    with transaction as conn:
        return len(conn.run(Q.archive_leads, ids=ids, now=now))


def cleanup_test_data(dry_run: bool) -> CleanupCounts:
    """The reference's "Cleanup Test Data": the test clients and everything of theirs (the foreign
    keys cascade), counted first in the same transaction; with dry_run, only counted."""
    with db.admin_transaction() as conn:
        counts = db.query_one(conn, Q.test_data_counts)
        if not dry_run:
            conn.run(Q.delete_test_clients)
    return CleanupCounts(dry_run=dry_run, **counts)
