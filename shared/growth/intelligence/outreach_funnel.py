"""The internal client's nightly outreach_funnel event: which prospects answer our outreach, by
industry and by region (the figures from shared/prospects/outreach.py, the words here)."""
import datetime

from shared.growth import wording
from shared.growth.intelligence.models import GrowthEvent
from shared.growth.numbers import ratio, rounded, sample_confidence


def outreach_funnel(segments: list[dict], run_date: datetime.date) -> GrowthEvent:
    """segments: shared.prospects.outreach.funnel_by_segment's rows. The snapshot holds the whole funnel and
    each industry's and region's ({"segment", "sent", "opened", "replied", "ignored", "reply_rate"},
    most emails first); the insight names the industry and the region with the best reply rate
    among those with at least wording.MIN_SEGMENT emails. confidence = n / (n + 10), n = emails sent."""
    by = {"industry": [], "region": []}
    for row in segments:
        by[row["dimension"]].append({"segment": row["segment"], **{k: row[k] for k in ("sent", "opened", "replied",
                                                                                   "ignored")},
                                     "reply_rate": rounded(ratio(row["replied"], row["sent"]))})
    funnel = {k: sum(s[k] for s in by["industry"]) for k in ("sent", "opened", "replied", "ignored")}
    snapshot = {"run_date": run_date.isoformat(), "funnel": funnel, "by_industry": by["industry"],
                "by_region": by["region"]}
    return GrowthEvent("outreach_funnel", snapshot, wording.render("outreach_funnel", snapshot, "en").text,
                       sample_confidence(funnel["sent"]))
