"""Discovery: prospects queued for the crawler (POST /api/prospects/discover), and the prospect
worker's crawl step: claim the oldest queued prospect, crawl its site (crawl.py), keep what it found."""
import json
import logging
import time
import uuid

import pydantic

from shared.platform import db, fields, sql

Q = sql.load(__file__)
log = logging.getLogger("avenir.prospects")
LEASE_S = 300  # a crawl takes at most 8 pages at the delay; a worker that died frees it after this


class DiscoverRequest(fields.RequestModel):
    prospect_ids: list[uuid.UUID] | None = pydantic.Field(None, max_length=500)
    limit: int = pydantic.Field(100, ge=1, le=500)


class Queued(pydantic.BaseModel):
    queued: int


def queue(request: DiscoverRequest) -> Queued:
    """The named prospects (or the `limit` oldest never crawled) queued for the crawler; those without
    a website or that opted out are not."""
    with db.admin_transaction() as conn:
        if request.prospect_ids is not None:
            rows = db.query(conn, Q.queue_named, ids=json.dumps([str(i) for i in request.prospect_ids]))
        else:
            rows = db.query(conn, Q.queue_next, limit=request.limit)
    return Queued(queued=len(rows))


def crawl_next() -> uuid.UUID | None:
    """Claim the oldest queued prospect (Q.claim_crawl), crawl it outside any transaction, save what
    was found (Q.save_crawl). None when nothing is queued."""
    with db.admin_transaction() as conn:
        claimed = db.query_one(conn, Q.claim_crawl, lease_s=LEASE_S)
    if claimed is None:
        return None
    from shared.prospects import crawl  # the worker's alone: httpx and lxml stay out of the API's cold start

    try:
        found = crawl.crawl(claimed["website"])
    except Exception as e:  # one site's surprise must not stop the queue: recorded on its row, logged
        log.exception("crawl failed", extra={"fields": {"prospect_id": str(claimed["id"])}})
        found = crawl.CrawlResult("unreachable", error=f"crawl failed: {type(e).__name__}")
    with db.admin_transaction() as conn:
        conn.run(Q.save_crawl, prospect_id=claimed["id"], status=found.status, pages=json.dumps(found.pages),
                 error=found.error, form_kind=found.form_kind if found.status == "crawled" else None,
                 form=json.dumps(found.form) if found.form else None, form_url=found.form_url,
                 contact_email=found.contact_email, source_url=found.contact_email_source_url)
    return claimed["id"]


def crawl_due(budget_s: float) -> int:
    """Crawl queued prospects one after another until none is left or `budget_s` has passed; how many."""
    deadline, crawled = time.monotonic() + budget_s, 0
    while time.monotonic() < deadline and crawl_next() is not None:
        crawled += 1
    return crawled
