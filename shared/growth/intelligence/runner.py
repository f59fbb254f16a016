"""The daily run: read every client's facts with a fixed number of set-based statements, compute
each client's events (pure), then replace the run date's rows, one client's failure isolated."""
import datetime
import logging
import time
import uuid
from collections.abc import Callable

from shared.growth.intelligence import metrics, patterns, store
from shared.growth.intelligence.models import ClientFacts, GrowthEvent, RunSummary
from shared.growth.intelligence.outreach_funnel import outreach_funnel
from shared.platform import db, logs
from shared.platform.exceptions import AvenirError, Conflict, NotFound, ValidationFailed
from shared.prospects import outreach

log = logging.getLogger("avenir.intelligence")
# Clients whose rows are replaced together in one transaction (one DELETE, one INSERT). Each
# client's replacement is atomic either way; when a chunk fails, its clients are replaced again one
# transaction each, so only the client at fault fails.
WRITE_CHUNK = 250

Progress = Callable[[str], None]


def today() -> datetime.date:
    """The default run date of an on-demand run: today (UTC), windows ending tonight at 24:00 UTC,
    so everything received so far counts; the nightly run replaces it once the day is over."""
    return datetime.datetime.now(datetime.UTC).date()


def scheduled_run_date(event_time: str | None) -> datetime.date:
    """The nightly run (06:00 UTC) analyses the day that just ended: the UTC date of the
    scheduler's event time, minus one day (today's, when the event carries no time)."""
    moment = datetime.datetime.now(datetime.UTC)
    if event_time:
        moment = datetime.datetime.fromisoformat(event_time)
        moment = moment.astimezone(datetime.UTC) if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)
    return moment.date() - datetime.timedelta(days=1)


def client_events(facts: ClientFacts, model: metrics.ConversionModel, run_date: datetime.date) -> list[GrowthEvent]:
    """One client's rows for the run date: the four metrics, one row per pattern found, and for the
    internal client the outreach funnel."""
    return [metrics.engagement_score(facts, run_date), metrics.urgency_trend(facts, run_date),
            metrics.tone_distribution(facts, run_date), metrics.conversion_prediction(facts, model, run_date),
            *patterns.detect(facts, run_date),
            *([outreach_funnel(facts.outreach, run_date)] if facts.outreach is not None else [])]


class Failures:
    """The clients that failed in this run, each logged once as a JSON line."""

    def __init__(self, run_date: datetime.date):
        self.run_date, self.clients = run_date, {}

    def record(self, client: uuid.UUID, stage: str, error: Exception) -> None:
        self.clients[client] = None
        logs.event(log, "daily intelligence: client failed", level=logging.ERROR, run_date=self.run_date.isoformat(),
                   client_id=str(client), stage=stage, error=type(error).__name__, sqlstate=db.sqlstate(error))


def run_daily(run_date: datetime.date, client_id: uuid.UUID | None = None,
              progress: Progress | None = None) -> RunSummary:
    """Run the daily intelligence for every non-test client (or the one named) for `run_date`.
    Re-running a date replaces its rows (same client, a daily event type, learning_snapshot.run_date)
    in the transaction that writes the new ones; a client whose computation or rows fail is logged
    and listed in failed_clients while the others are written."""
    started = time.perf_counter()
    say = progress or (lambda message: None)
    if not 1900 <= run_date.year <= 2099:
        raise ValidationFailed("The job computes run dates from 1900 to 2099.", details=[
            {"field": "date", "reason": "out_of_range",
             "message": f"expected a date between 1900-01-01 and 2099-12-31, got {run_date}"}])
    if run_date > today():
        raise Conflict(f"The run date {run_date.isoformat()} has not ended yet; the latest date to run is "
                       f"{today().isoformat()} (UTC).")
    failures = Failures(run_date)
    client_ids, facts, models = _read(run_date, client_id, failures)
    say(f"daily intelligence {run_date}: read {len(client_ids)} clients in {time.perf_counter() - started:.2f} s")

    events: dict[uuid.UUID, list[GrowthEvent]] = {}
    for client, model in models.items():
        try:
            events[client] = client_events(facts[client], model, run_date)
        except Exception as e:  # one client's bad data must not stop the others
            failures.record(client, "compute", e)

    written, processed = 0, 0
    clients = list(events)
    for start in range(0, len(clients), WRITE_CHUNK):
        chunk = {client: events[client] for client in clients[start:start + WRITE_CHUNK]}
        chunk_written, chunk_processed = _write(run_date, chunk, failures)
        written, processed = written + chunk_written, processed + chunk_processed
        say(f"daily intelligence {run_date}: written {start + len(chunk)}/{len(clients)} clients")

    summary = RunSummary(run_date=run_date, clients_processed=processed, events_written=written,
                         failed_clients=sorted(failures.clients, key=str))
    logs.event(log, "daily intelligence: run finished", run_date=run_date.isoformat(), clients=len(client_ids),
               clients_processed=processed, events_written=written, failed_clients=len(failures.clients),
               duration_ms=round((time.perf_counter() - started) * 1000, 1))
    return summary


def _read(run_date: datetime.date, client_id: uuid.UUID | None, failures: Failures
          ) -> tuple[list[uuid.UUID], dict[uuid.UUID, ClientFacts], dict[uuid.UUID, metrics.ConversionModel]]:
    """Every client's facts and conversion model, in one read-only snapshot: two set-based
    statements (store.sql's client_facts, then top_open_leads for the groups the model ranks first)."""
    windows = store.Windows.for_run_date(run_date)
    with db.admin_transaction() as conn:
        store.begin_job(conn, read_only=True)
        clients = _clients(conn, client_id)
        client_ids = [row["client_id"] for row in clients]
        facts = store.read_facts(conn, client_ids, client_id, windows) if client_ids else {}
        for row in clients:
            if row["is_internal"]:  # the internal client also learns what kind of prospect answers
                facts[row["client_id"]].outreach = outreach.funnel_by_segment(conn, windows.end)
        models = {}
        for client in client_ids:
            try:
                models[client] = metrics.ConversionModel(facts[client].model)
            except Exception as e:
                failures.record(client, "model", e)
        probabilities = {(client, group.urgency, group.tone): model.probability(group.urgency, group.tone)
                         for client, model in models.items()
                         for group in metrics.candidate_groups(model, facts[client].model)}
        if probabilities:
            top = store.read_top_open_leads(conn, probabilities, client_id, windows, metrics.TOP_LEADS)
            for client, leads in top.items():
                facts[client].top_open_leads = leads
    return client_ids, facts, models


def _write(run_date: datetime.date, chunk: dict[uuid.UUID, list[GrowthEvent]], failures: Failures) -> tuple[int, int]:
    """Replace the chunk's rows in one transaction; when that fails, replace each client's rows
    in its own transaction, so that only the client at fault fails. Returns (rows, clients) written."""
    try:
        return _replace(run_date, chunk), len(chunk)
    except AvenirError:  # the database itself is unavailable: the whole run fails
        raise
    except Exception:
        written, processed = 0, 0
        for client, rows in chunk.items():
            try:
                written += _replace(run_date, {client: rows})
                processed += 1
            except AvenirError:
                raise
            except Exception as e:
                failures.record(client, "write", e)
        return written, processed


def _clients(conn: db.Connection, client_id: uuid.UUID | None) -> list[dict]:
    rows = store.clients_to_run(conn, client_id)
    if client_id is not None:
        if not rows:
            raise NotFound(f"No client with id {client_id}.")
        if rows[0]["is_test"]:
            raise ValidationFailed("Test clients are never analysed.", details=[
                {"field": "client_id", "reason": "not_allowed", "message": f"{client_id} is a test client"}])
    return rows


def _replace(run_date: datetime.date, events: dict[uuid.UUID, list[GrowthEvent]]) -> int:
    """These clients' rows for the run date, replaced in one transaction."""
    with db.admin_transaction() as conn:
        store.begin_job(conn)
        return store.replace_events(conn, run_date, events)
