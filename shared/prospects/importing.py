"""POST /api/prospects/import: a list of businesses to crawl and probe, as CSV (header row) or JSON,
stored as prospects matched exactly as scoring matches them (website host, else contact email);
each bad row is reported by its 1-based number and reason, the others stored."""
import csv
import io
import json

import pydantic

from shared.enrichment import Language
from shared.platform import db, fields, sql
from shared.platform.exceptions import InvalidJson, PayloadTooLarge, ValidationFailed
from shared.prospects import scoring

Q = sql.load(__file__)

MAX_ROWS = 5000
MAX_BYTES = 1024 * 1024
COLUMNS = ("business_name", "website", "contact_email", "industry", "region", "language")
REQUIRED = ("business_name", "website")


class ImportedProspect(fields.RequestModel):
    business_name: scoring.Text
    website: scoring.Website
    contact_email: fields.Email | None = None
    industry: scoring.Text | None = None
    region: scoring.Text | None = None
    language: Language | None = None


class Rejected(pydantic.BaseModel):
    row: int = pydantic.Field(description="the 1-based data row (a CSV's header not counted)")
    reason: str


class ImportResult(pydantic.BaseModel):
    created: int
    updated: int
    rejected: list[Rejected]


class ImportRequest(fields.RequestModel):
    """The JSON form (the CSV form has the same columns, with a header row). Rows are validated one by
    one (import_rows), so that a bad row is reported rather than failing the import."""
    prospects: list[ImportedProspect]


def rows_from_csv(body: bytes) -> list[dict]:
    """The data rows of a CSV with a header row (UTF-8, a BOM allowed), empty cells as absent. 422
    when the header lacks business_name or website; unknown columns are ignored (exports carry many)."""
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise InvalidJson(f"The CSV is not UTF-8 text ({e.reason} at byte {e.start}).") from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [name.strip().lower() for name in reader.fieldnames or []]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise ValidationFailed(f"The CSV's header row must name {', '.join(REQUIRED)}; missing: {', '.join(missing)}.",
                               details=[{"field": name, "message": "column missing from the header row"}
                                        for name in missing])
    reader.fieldnames = header
    rows = []
    for line in reader:
        rows.append({k: v.strip() for k, v in line.items() if k in COLUMNS and isinstance(v, str) and v.strip()})
        check_row_count(len(rows))
    return rows


def rows_from_json(body: dict) -> list[dict]:
    rows = body.get("prospects")
    if not isinstance(rows, list):
        raise ValidationFailed("Expected {\"prospects\": [...]}.",
                               details=[{"field": "prospects", "message": "a list of prospects is required"}])
    check_row_count(len(rows))
    return rows


def check_row_count(count: int) -> None:
    if count > MAX_ROWS:
        raise PayloadTooLarge(f"An import holds at most {MAX_ROWS} rows; this one has more. Split it.")


def import_rows(rows: list) -> ImportResult:
    """Validate each row (a bad one is rejected with its reason, the others kept), then store the good
    ones in one transaction: matched as scoring matches (scoring.match_batch), new ones inserted
    (Q.insert_imported), known ones given the values the import names (Q.update_imported); scores,
    tests and `contacted` are never touched."""
    good, rejected = [], []
    for number, row in enumerate(rows, start=1):
        try:
            good.append(ImportedProspect.model_validate(row).model_dump())
        except pydantic.ValidationError as e:
            rejected.append(Rejected(row=number, reason=_reason(e)))
    if not good:
        return ImportResult(created=0, updated=0, rejected=rejected)
    with db.admin_transaction() as conn:
        matched = scoring.match_batch(conn, good)
        new, known = scoring.split_written(matched)
        steps = [(Q.insert_imported, {"prospects": json.dumps([_document(row) for row in new])})] if new else []
        steps += [(Q.update_imported, {"prospects": json.dumps([_document(row) for row in known])})] if known else []
        db.pipeline(conn, *steps)
    created = sum(1 for _, is_new in matched if is_new)
    return ImportResult(created=created, updated=len(matched) - created, rejected=rejected)


def _document(row) -> dict:
    return {"id": str(row.id), **row.values}


def _reason(error: pydantic.ValidationError) -> str:
    """Each problem as `field: message`, joined."""
    problems = []
    for problem in error.errors():
        where = ".".join(str(part) for part in problem["loc"]) or "row"
        problems.append(f"{where}: {problem['msg']}")
    return "; ".join(problems)
