"""One run of the prospect worker: the queued probes posted, the probes whose window has passed
judged and scored, raw mail past its 30 days cleared, then the queued crawls within a time budget."""
from shared.prospects import discovery, inbox, probe


def run_once(budget_s: float = 240) -> dict:
    """What was done: probes submitted and judged, raw messages cleared, prospects crawled."""
    return {"submitted": probe.submit_due(), "judged": probe.judge_due(), "raw_cleared": inbox.clear_expired_raw(),
            "crawled": discovery.crawl_due(budget_s)}
