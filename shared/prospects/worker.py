"""One run of the prospect worker: the queued crawls, within a time budget."""
from shared.prospects import discovery


def run_once(budget_s: float = 240) -> dict:
    """Crawl the queued prospects until none is left or the budget is spent; what was done."""
    return {"crawled": discovery.crawl_due(budget_s)}
