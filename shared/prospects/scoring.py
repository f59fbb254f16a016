"""Prospects: businesses whose answer to a test inquiry was scored, ranked by how much they need
automation. The scoring formula, the batch upsert (a prospect is its website host, else its contact
email: identity.py) and the high-priority list, with their SQL."""
import datetime
import json
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Annotated

import pydantic

from shared.enrichment import Language
from shared.platform import db, fields, sql
from shared.platform.exceptions import PayloadTooLarge
from shared.prospects import identity

Q = sql.load(__file__)

MAX_BATCH = 1000
MAX_BATCH_BYTES = 1024 * 1024  # a full batch at about 1 KB a prospect, past the 64 KiB of other routes
HIGH_PRIORITY = 70  # automation_need_score from which a prospect is high priority (the partial index's bound)
SCORING_LOCK = 7_236_501_205  # any constant: "a prospect batch is being written"

Text = fields.text(500)
Address = fields.text(2048)
Website = Annotated[str, pydantic.StringConstraints(strip_whitespace=True, max_length=2048, pattern=fields.WEBSITE)]


# --- the scoring formula ---------------------------------------------------------------------

class ResponseTest(fields.RequestModel):
    """How the business answered our test inquiry."""
    has_autoresponder: pydantic.StrictBool
    # None: no answer at all (scores like a slow one).
    response_time_ms: int | None = pydantic.Field(None, ge=0)  # 1500.0 is 1500, as JSON Schema reads it
    is_personalized: pydantic.StrictBool
    is_generic: pydantic.StrictBool


@dataclass(frozen=True)
class Score:
    response_score: int
    automation_need_score: int
    high_priority: bool


def score(test: ResponseTest) -> Score:
    """The schema reference's formula:

        response_score = (has_autoresponder ? 50 : 0)
                       + (response_time_ms < 1000 ? 30 : response_time_ms < 5000 ? 15 : 0)   (null: 0)
                       + (is_personalized ? 20 : is_generic ? 10 : 0)
        automation_need_score = 100 - response_score
        high priority when automation_need_score >= 70
    """
    speed = 0 if test.response_time_ms is None else 30 if test.response_time_ms < 1000 \
        else 15 if test.response_time_ms < 5000 else 0
    quality = 20 if test.is_personalized else 10 if test.is_generic else 0
    response_score = (50 if test.has_autoresponder else 0) + speed + quality
    need = 100 - response_score
    return Score(response_score, need, need >= HIGH_PRIORITY)


# --- POST /api/prospects/score ---------------------------------------------------------------

class Prospect(fields.RequestModel):
    business_name: Text
    website: Website | None = None
    contact_email: fields.Email | None = None
    form_url: Address | None = None
    industry: Text | None = None
    region: Text | None = None
    language: Language | None = None
    test: ResponseTest



class ScoreRequest(fields.RequestModel):
    prospects: list[Prospect]


class ScoreResult(pydantic.BaseModel):
    id: uuid.UUID
    business_name: str
    response_score: int
    automation_need_score: int
    high_priority: bool
    # True for the item that inserted the row; a later duplicate in the same batch, like any
    # re-score of a stored prospect, says false (it updated that row).
    created: bool


class ScoreResponse(pydantic.BaseModel):
    scored: int
    results: list[ScoreResult]


def check_batch_size(body: dict) -> None:
    """413 before validation when the batch is over MAX_BATCH prospects."""
    batch = body.get("prospects")
    if isinstance(batch, list) and len(batch) > MAX_BATCH:
        raise PayloadTooLarge(f"A batch holds at most {MAX_BATCH} prospects; got {len(batch)}. Split it.")


_COLUMNS = ("business_name", "website", "contact_email", "form_url", "industry", "region", "language")


@dataclass(eq=False)  # rows are compared by identity
class _Row:
    """A prospect_candidates row as the batch will leave it."""
    id: uuid.UUID
    age: int  # creation order: stored rows first (oldest first), then the batch's new rows
    is_new: bool
    host: str | None
    email: str | None
    values: dict = field(default_factory=dict)  # columns this batch writes; None keeps a stored value
    score: Score | None = None
    test: ResponseTest | None = None  # the last item's test: what the outreach email will say


class _Rows:
    """The rows the batch touches, found by host, else email, as single requests would find them."""

    def __init__(self):
        self.all: list[_Row] = []
        self.by_host: dict[str, list[_Row]] = defaultdict(list)
        self.by_email: dict[str, list[_Row]] = defaultdict(list)

    def add(self, row: _Row) -> _Row:
        self.all.append(row)
        self._index(row)
        return row

    def find(self, host: str | None, email: str | None) -> _Row | None:
        rows = (host and self.by_host.get(host)) or (email and self.by_email.get(email))
        return min(rows, key=lambda r: r.age) if rows else None

    def rekey(self, row: _Row, host: str | None, email: str | None) -> None:
        if host and host != row.host:
            if row.host:
                self.by_host[row.host].remove(row)
            row.host = host
        if email and email != row.email:
            if row.email:
                self.by_email[row.email].remove(row)
            row.email = email
        self._index(row)

    def _index(self, row: _Row) -> None:
        if row.host and row not in self.by_host[row.host]:
            self.by_host[row.host].append(row)
        if row.email and row not in self.by_email[row.email]:
            self.by_email[row.email].append(row)


def score_batch(batch: list[Prospect]) -> ScoreResponse:
    """Score and store a batch in one transaction, with a constant number of statements whatever
    its size: Q.lock_batches, Q.match_stored, then at most one Q.insert_prospects and one Q.update_prospects.
    The batch ends exactly as if its prospects had been sent one by one, in order: a duplicate
    inside the batch updates the row an earlier item found or created (later item wins)."""
    with db.admin_transaction() as conn:  # prospects belong to no client: the admin path
        matched = match_batch(conn, [prospect.model_dump(include=set(_COLUMNS)) for prospect in batch])
        results = []
        for prospect, (row, created) in zip(batch, matched, strict=True):
            row.score, row.test = score(prospect.test), prospect.test
            results.append(ScoreResult(id=row.id, business_name=prospect.business_name, created=created,
                                       **vars(row.score)))
        new, known = split_written(matched)
        steps = [(Q.insert_prospects, {"prospects": json.dumps([_document(row) for row in new])})] if new else []
        steps += [(Q.update_prospects, {"prospects": json.dumps([_document(row) for row in known])})] if known else []
        db.pipeline(conn, *steps)
    return ScoreResponse(scored=len(results), results=results)


def match_batch(conn: db.Connection, items: list[dict]) -> list[tuple["_Row", bool]]:
    """Each item (its prospect columns; website and contact_email identify it) matched, in order, to
    the stored prospect or the row an earlier item created, as single requests would find them, with
    its non-null values applied (later item wins): [(row, created)]. Takes the batches' lock first
    (Q.lock_batches), so two batches at once never duplicate a prospect; one more round trip
    (Q.match_stored). Import and scoring share it: "the same prospect" means one thing."""
    keys = [(identity.website_host(item["website"]) if item.get("website") else None,
             identity.email_key(item["contact_email"]) if item.get("contact_email") else None) for item in items]
    _, stored = db.pipeline(conn, (Q.lock_batches, {"key": SCORING_LOCK}),
                            (Q.match_stored, {"hosts": json.dumps(sorted({h for h, _ in keys if h})),
                                              "emails": json.dumps(sorted({e for _, e in keys if e}))}))
    rows = _Rows()
    for age, found in enumerate(stored):
        rows.add(_Row(found["id"], age, False, found["host"], found["email"]))
    matched = []
    for item, (host, email) in zip(items, keys, strict=True):
        row = rows.find(host, email)
        created = row is None
        if created:  # the id is chosen here, so results never depend on the order of RETURNING rows
            row = rows.add(_Row(uuid.uuid4(), len(rows.all), True, host, email))
        else:
            rows.rekey(row, host, email)
        for column in _COLUMNS:
            value = item.get(column)
            if value is not None or column not in row.values:  # left out: an earlier item's value stays
                row.values[column] = value
        matched.append((row, created))
    return matched


def split_written(matched: list[tuple["_Row", bool]]) -> tuple[list["_Row"], list["_Row"]]:
    """The rows a batch touched, each once, in creation order: (to insert, to update)."""
    written = sorted({id(row): row for row, _ in matched}.values(), key=lambda row: row.age)
    return [row for row in written if row.is_new], [row for row in written if not row.is_new]


def record_measured_step(prospect_id: uuid.UUID, test: ResponseTest) -> tuple[str, dict]:
    """Score a prospect from what our probe measured, with the very formula a batch uses (score), and
    store it as a probe's result (Q.record_measured: test_source 'probe'): a step of the caller's
    pipeline."""
    result = score(test)
    stored = test.model_dump()
    if stored["response_time_ms"] is not None:
        stored["response_time_ms"] = min(stored["response_time_ms"], MAX_STORED_RESPONSE_MS)
    return Q.record_measured, {"prospect_id": prospect_id, "response_score": result.response_score,
                               "automation_need_score": result.automation_need_score, **stored}


# The longest response time stored (INTEGER, about 24.8 days): a longer one, which the contract
# allows, is stored as this much (its email then says 597 hours: late enough to make the point).
MAX_STORED_RESPONSE_MS = 2**31 - 1


def _document(row: _Row) -> dict:
    """One row of the batch's JSON, as json_to_recordset reads it."""
    test = row.test.model_dump()
    if test["response_time_ms"] is not None:
        test["response_time_ms"] = min(test["response_time_ms"], MAX_STORED_RESPONSE_MS)
    return {"id": str(row.id), **row.values, "response_score": row.score.response_score,
            "automation_need_score": row.score.automation_need_score, **test}


# --- GET /api/prospects ----------------------------------------------------------------------

class ProspectQuery(fields.RequestModel):
    """The list's query string; an unknown parameter is ignored."""
    min_score: float = pydantic.Field(HIGH_PRIORITY, ge=0, le=100, allow_inf_nan=False)
    contacted: bool = False
    industry: Text | None = None
    region: Text | None = None
    limit: int = pydantic.Field(20, ge=1, le=500)


class ProspectRow(pydantic.BaseModel):
    id: uuid.UUID
    business_name: str
    website: str | None
    contact_email: str | None
    form_url: str | None
    industry: str | None
    region: str | None
    language: str | None
    response_score: int | float | None
    automation_need_score: int | float | None
    contacted: bool | None
    last_tested: datetime.datetime | None
    created_at: datetime.datetime | None

    @pydantic.field_validator("response_score", "automation_need_score", mode="before")
    @classmethod
    def _plain_number(cls, value):
        if isinstance(value, Decimal):  # NUMERIC(5,2): 70.00 -> 70, 72.50 -> 72.5
            return int(value) if value == value.to_integral_value() else float(value)
        return value


class ProspectList(pydantic.BaseModel):
    prospects: list[ProspectRow]


def list_prospects(query: ProspectQuery) -> ProspectList:
    # With min_score >= 70 the statement whose bound is written in lets the planner prove the query
    # is inside the partial index idx_prospects_high_priority (a bound held only in a parameter cannot).
    with db.admin_transaction() as conn:  # prospects belong to no client: the admin path
        rows = db.query(conn, Q.list_high_priority if query.min_score >= HIGH_PRIORITY else Q.list_any_score,
                        **query.model_dump())
    return ProspectList(prospects=[ProspectRow.model_validate(row) for row in rows])
