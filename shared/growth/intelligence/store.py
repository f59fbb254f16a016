"""The SQL of the daily run: a fixed number of set-based reads (GROUP BY client_id) over every
client at once, and the replacement of one run date's rows. Counted leads everywhere: not test,
not deleted, of the clients being run, created before the window's end."""
import dataclasses
import datetime
import json
import uuid
from decimal import Decimal

from shared.growth.intelligence.models import ClientFacts, GrowthEvent, ModelGroup, OpenLead, Period, Week
from shared.platform import db, sql

Q = sql.load(__file__)


@dataclasses.dataclass(frozen=True)
class Windows:
    """The run date's windows as UTC instants; every window is [start, end). end is the run date
    + 1 day at 00:00 UTC: a lead at 23:59:59 on the run date counts, one at 00:00 the next day does
    not. "Last N days" is [end - N days, end); "the N days before" is [end - 2N days, end - N days).
    A lead belongs to a window by its `timestamp`; tags are the leads' current tags."""

    end: datetime.datetime  # run date + 1 day, 00:00 UTC
    start_7d: datetime.datetime
    start_14d: datetime.datetime
    start_30d: datetime.datetime
    start_60d: datetime.datetime

    @classmethod
    def for_run_date(cls, run_date: datetime.date) -> "Windows":
        end = datetime.datetime.combine(run_date + datetime.timedelta(days=1), datetime.time(), datetime.UTC)
        return cls(end=end, **{f"start_{n}d": end - datetime.timedelta(days=n) for n in (7, 14, 30, 60)})

    def params(self) -> dict:
        return dataclasses.asdict(self)


def clients_to_run(conn: db.Connection, client_id: uuid.UUID | None) -> list[dict]:
    """Every non-test client, or just the one named (whatever it is; the caller judges)."""
    return db.query(conn, Q.clients, client_id=client_id)


def begin_job(conn: db.Connection, read_only: bool = False) -> None:
    """The job's settings, in the transaction's first round trip; read_only: one snapshot for every
    statement of a read (a consistent night)."""
    steps = [(Q.read_snapshot, {})] if read_only else []
    db.pipeline(conn, *steps, (Q.job_settings, {}))


def read_facts(conn: db.Connection, client_ids: list[uuid.UUID], only_client: uuid.UUID | None,
               windows: Windows) -> dict[uuid.UUID, ClientFacts]:
    """One set-based statement, whatever the number of clients (`client_ids`, as Q.clients listed
    them in this transaction's snapshot for `only_client`)."""
    facts = {client_id: ClientFacts(client_id) for client_id in client_ids}
    for row in db.query(conn, Q.client_facts, **windows.params(), client_id=only_client):
        client = facts[row["client_id"]]
        client.last_30d = _period(row, "30d")
        client.previous_30d = _period(row, "prev_30d")
        client.last_7d = _week(row, "7d")
        client.previous_7d = _week(row, "prev_7d")
        client.conversions_30d = row["conversions_30d"]
        client.conversions_previous_30d = row["conversions_prev_30d"]
        client.stale_follow_ups = row["stale_follow_ups"]
        client.tones = dict(row["tones"] or {})
        client.model = [ModelGroup(urgency=urgency or None, tone=tone or None, leads=leads, conversions=conversions,
                                   open_leads=open_leads)
                        for urgency, tone, leads, conversions, open_leads in row["model"] or []]
    return facts


def read_top_open_leads(conn: db.Connection, probabilities: dict[tuple[uuid.UUID, str | None, str | None], float],
                        only_client: uuid.UUID | None, windows: Windows, top: int) -> dict[uuid.UUID, list[OpenLead]]:
    """One statement: each client's `top` open leads by the probability of their group."""
    keys = list(probabilities)
    rows = db.query(conn, Q.top_open_leads, **windows.params(), top=top, client_id=only_client,
                    model_clients=[k[0] for k in keys], model_urgencies=[k[1] or "" for k in keys],
                    model_tones=[k[2] or "" for k in keys], model_probabilities=[probabilities[k] for k in keys])
    leads: dict[uuid.UUID, list[OpenLead]] = {}
    for row in rows:
        leads.setdefault(row["client_id"], []).append(OpenLead(row["lead_id"], row["probability"]))
    return leads


def replace_events(conn: db.Connection, run_date: datetime.date,
                   events: dict[uuid.UUID, list[GrowthEvent]]) -> int:
    """Replace the run date's daily rows of these clients with `events` (in the caller's
    transaction, serialised with any other run of the same date); returns the rows written."""
    day = run_date.isoformat()
    db.pipeline(conn, (Q.lock_run_date, {"run_date": day}),
                (Q.delete_daily_events, {"client_ids": list(events), "run_date": day}))
    rows = [{"client_id": str(client_id), "event_type": event.event_type, "snapshot": event.snapshot,
             "insight_text": event.insight_text, "confidence": str(event.confidence)}
            for client_id, client_events in events.items() for event in client_events]
    if rows:
        db.query(conn, Q.insert_daily_events, events=json.dumps(rows))
    return len(rows)


def _period(row: dict, suffix: str) -> Period:
    return Period(leads=row[f"leads_{suffix}"], active=row[f"active_{suffix}"], converted=row[f"converted_{suffix}"],
                  confidence_sum=Decimal(row[f"confidence_sum_{suffix}"]),
                  confidence_count=row[f"confidence_count_{suffix}"], high=row[f"high_{suffix}"])


def _week(row: dict, suffix: str) -> Week:
    return Week(leads=row[f"leads_{suffix}"], high=row[f"high_{suffix}"], medium=row[f"medium_{suffix}"],
                low=row[f"low_{suffix}"])
