"""Daily intelligence: every night, each client's leads become growth_brain rows an owner can read
(runner.py runs it, store.py reads and writes, metrics.py and patterns.py hold the formulas)."""
from shared.growth.intelligence.models import RunRequest, RunSummary
from shared.growth.intelligence.runner import run_daily, scheduled_run_date, today

__all__ = ["RunRequest", "RunSummary", "run_daily", "scheduled_run_date", "today"]
