"""`avenir enrich --rerun`: the stored messages read again by the current engine (issue #18), so that
an engine that improved also improves the leads already in the inbox.

Each logged message whose enrichment_version is not the current ENGINE_VERSION is enriched again,
read with the message before it as the intake read it, and written back with the new version; when
it is still its lead's latest message, the lead's current labels follow. Nothing else changes: the
message texts, the histories (tone, urgency, confidence), the tags, the replies already sent.
The language a message was stored with is kept: it may have been the form's own (the request's
`language`), which is not stored apart, and the replies already went out in it.

Batches of `batch` messages, each its own transaction, with a progress line after each: a run that
stops (the database restarts, an operator presses Ctrl-C) keeps what it wrote, and the next run
goes on from there, since messages at the current version are no longer picked."""
import datetime
import uuid
from collections.abc import Callable

import pydantic

from shared.enrichment import ENGINE_VERSION, Enrichment, Trade, enrich
from shared.platform import db, sql

Q = sql.load(__file__)
BATCH = 500


class RerunSummary(pydantic.BaseModel):
    version: str = pydantic.Field(description="The engine version the messages now carry.")
    messages: int = pydantic.Field(description="Messages enriched again.")
    leads: int = pydantic.Field(description="Leads whose current labels were rewritten (their latest message "
                                            "was among them).")


def rerun(client_id: uuid.UUID | None = None, since: datetime.datetime | None = None, batch: int = BATCH,
          progress: Callable[[str], None] = lambda line: None) -> RerunSummary:
    """Every message not at ENGINE_VERSION (of `client_id`, received at or after `since`) enriched
    again, `batch` (at least 1: `avenir enrich` refuses less) at a time."""
    messages = leads = 0
    while True:
        with db.admin_transaction() as conn:
            rows = db.query(conn, Q.messages_to_reenrich, version=ENGINE_VERSION, client_id=client_id,
                            since=since, batch=batch)
            if not rows:
                break
            written = db.query_one(conn, Q.store_reenriched, version=ENGINE_VERSION, **_columns(_read(rows)))
        messages += written["messages"]
        leads += written["leads"]
        progress(f"re-enriched {messages} messages, {leads} leads' current labels")
    return RerunSummary(version=ENGINE_VERSION, messages=messages, leads=leads)


def _read(rows: list[dict]) -> dict[uuid.UUID, Enrichment]:
    """Each message read by the current engine, after the one before it: a previous message in the
    same batch is taken as just read again, not as stored."""
    found: dict[uuid.UUID, Enrichment] = {}
    for row in rows:
        before = found.get(row["previous_id"])
        previous = None if row["previous_id"] is None else {
            "message": row["previous_message"],
            "intent": before.intent if before else row["previous_intent"],
            "urgency": before.urgency if before else row["previous_urgency"]}
        found[row["id"]] = enrich(row["name"], row["message"], language=row["language"], previous=previous,
                                  trade=Trade(row["industry_category"], row["primary_service"]))
    return found


def _columns(found: dict[uuid.UUID, Enrichment]) -> dict[str, list]:
    """The readings as one array per column, for store_reenriched's unnest."""
    readings = [e.as_dict() for e in found.values()]
    return {"ids": list(found), "languages": [r["language"] for r in readings],
            "intents": [r["intent"] for r in readings], "tones": [r["tone"] for r in readings],
            "urgencies": [r["urgency"] for r in readings],
            "confidences": [r["confidence_score"] for r in readings],
            "summaries": [r["ai_summary"] for r in readings]}
