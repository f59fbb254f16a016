"""Daily intelligence: every night, each client's leads become growth_brain rows an owner can read.

The formulas, written once here (metrics.py, patterns.py and numbers.py compute them).

Run date and windows
  The nightly run (06:00 UTC) analyses the day that just ended: run date = the UTC date of the
  scheduler's event time minus one day. An on-demand run without a date uses today (UTC). E, the
  end of every window, is the run date + 1 day at 00:00 UTC, exclusive: a lead at 23:59:59 on the
  run date counts, one at 00:00 the next day does not. "Last N days" is [E - N days, E), "the N
  days before" is [E - 2N days, E - N days). A lead belongs to a window by its `timestamp`.
  Counted leads: not `is_test`, not `deleted`, tag not Deleted, of a non-test client. Tags are
  the leads' current tags.

engagement_score (last 30 days; previous = the 30 days before)
  total_leads = leads; active_leads = tag Active or Follow-Up; conversion_rate = tag Converted /
  total_leads; high_urgency_pct = urgency High / total_leads; avg_confidence = mean
  confidence_score (leads without one left out). All shares are 0 without leads; 4 decimals.
  overall_score = round(100 * (0.4 * avg_confidence + 0.3 * (active + converted) / total_leads
                              + 0.3 * min(1, conversion_rate / 0.25))), 0 without leads.
  trend = increasing when the score beats the previous 30 days' score (same formula) by more than
  5 points, decreasing when it trails by more than 5, else stable.
  confidence = n / (n + 10), n = total_leads.

urgency_trend (last 7 days against the 7 days before)
  high_urgency_pct = High / leads of the week (0 without leads), 4 decimals; likewise
  previous_high_urgency_pct; trend = increasing when the change is over +0.05, decreasing when
  under -0.05, else stable (compared exactly, before rounding); distribution = High, Medium, Low
  counts of the last 7 days. confidence = n / (n + 10), n = leads of both weeks.

tone_distribution (last 30 days)
  {lower(tone): leads with that tone / leads with a tone}, 4 decimals by largest remainder so the
  shares add up to exactly 1; tones with no lead are left out (no lead at all: only run_date).
  confidence = n / (n + 10), n = leads with a tone.

conversion_prediction (history: counted leads created before E)
  A lead stands converted when the last of its conversion/reversion events before E (lead_actions
  with conversion_outcome or action_type revert, growth_brain conversion/reversion) is a
  conversion. A lead's urgency and tone are its initial ones (first history entry, else the
  column). C = standing conversions (based_on), N = leads, r0 = C / N (0 without leads).
  Per urgency u: rate_u = (C_u + 5 * r0) / (N_u + 5); per tone t likewise (additive smoothing
  toward the client-wide rate with a prior weight of 5 leads).
  p(lead) = (rate_u + rate_t) / 2 for an open lead (tag Active or Follow-Up, not archived).
  predicted_conversions = round(sum of p over open leads); high_value_leads = the 5 open leads
  with the highest p (then confidence_score, then newest), p > 0, probability 4 decimals.
  confidence = 0.1 + 0.85 * C / (C + 10): 0.10 with no history, and the insight says so.

pattern_detected (one row per rule that fires; confidence = min(0.95, z / (z + 1)) for a z-score)
  urgency_increasing: both weeks have >= 3 leads and the High share rose by more than 0.05;
    affected_leads = High leads of the last 7 days; z = two-proportion z of the two shares.
  volume_spike: last 7 days >= 1.5 x the 7 days before and >= 3 more leads; affected = leads of
    the last 7 days. volume_drop: <= half and >= 3 fewer; affected = the shortfall.
    z = |a - b| / sqrt(a + b) (Poisson).
  stale_follow_ups: leads tagged Follow-Up, created over 7 days before E, with no lead_actions row
    in [E - 7 days, E); affected = their number; confidence 0.95 (a count, not an estimate).
  conversion_rate_falling: rate = net conversions (conversion actions - reverts in the window) /
    leads created in the window, last 30 days against the 30 before; fires when both windows
    have >= 5 leads, the earlier >= 2 conversions, and the rate fell to <= 3/4 of the earlier and
    by >= 0.05; affected = active leads of the last 30 days; z = two-proportion z.

outreach_funnel (the internal client only; shared/outreach.py counts, outreach_funnel.py words)
  Of the outreach emails sent before E: sent, opened (opened or replied), replied, ignored, overall
  and per industry and per region (reply_rate = replied / sent, 4 decimals); the insight names the
  industry and the region with the best reply rate among those with >= 3 emails.
  confidence = n / (n + 10), n = emails sent.

Re-running a date replaces its rows (same client, a daily event type, learning_snapshot.run_date)
in the transaction that writes the new ones; a client whose computation or rows fail is logged
and listed in failed_clients while the others are written.
"""
from shared.intelligence.models import RunRequest, RunSummary
from shared.intelligence.runner import run_daily, scheduled_run_date, today

__all__ = ["RunRequest", "RunSummary", "run_daily", "scheduled_run_date", "today"]
