"""The front door's checks per post (issue 31): the CPU a form post's pure spam checks take (the
fill-time token's HMAC, the links and script signals, the IP's keyed digest), in process, over the
real leads of tests/fixtures and the bot corpus, against the enrichment every lead already gets.
Their database side adds no round trip (tests/platform/test_round_trips.py counts a form post)."""
import json
import os
import statistics
import time

from tests.bench import stack
from tests.bench.enrichment import per_message_ms
from tests.bench.report import Section, Table, Verdict

GOAL_MS = 1.0
FORM_KEY = "avf_benchbenchbenchbenchbenchbench"


def messages() -> list[dict]:
    corpus = (stack.ROOT / "tests/fixtures/spam/bot_corpus.jsonl").read_text().splitlines()
    return stack.labelled_leads() + [json.loads(line) for line in corpus]


def measure(run: stack.Run) -> Section:
    from shared import enrichment
    from shared.leads import spam
    from shared.platform import cipher

    os.environ.setdefault("AVENIR_SECRET_KEY", cipher.new_key())  # this process's own checks
    leads = messages()
    rounds = 3 if stack.QUICK else 10
    token = spam.issue_token(FORM_KEY, time.time() - 30)

    def checks(name, message):
        spam.token_signal(token, FORM_KEY, time.time(), 3)
        spam.content_signals(message, "en")
        spam.ip_digest("203.0.113.24")

    section = Section("The front door's spam checks", (
        f"`shared.leads.spam`'s checks of one form post (token, links, script, IP digest) on each of the "
        f"{len(leads)} messages of tests/fixtures (labelled leads and the bot corpus), fastest of {rounds} per "
        "message; baseline: `shared.enrichment.enrich` on the same message, which every lead already gets."))
    checks("warm", "warm the caches up")
    enrichment.enrich("warm", "warm the lexicons and the model up")
    checked = per_message_ms(checks, leads, rounds)
    enriched = per_message_ms(enrichment.enrich, leads, rounds)
    table = Table(["per message", "median ms", "p99 ms", "max ms"])
    for label, samples in (("spam checks", checked), ("enrich (baseline)", enriched)):
        p99 = statistics.quantiles(samples, n=100)[98]
        table.rows.append([label, f"{statistics.median(samples):.3f}", f"{p99:.3f}", f"{max(samples):.3f}"])
    section.tables.append(table)
    worst = statistics.quantiles(checked, n=100)[98]
    ratio = statistics.median(checked) / statistics.median(enriched)
    section.verdicts.append(Verdict("front door spam checks per post (p99)", f"{worst:.3f} ms",
                                    f"{statistics.median(enriched):.2f} ms enriching (median)",
                                    f"{ratio:.2f}× (medians)", f"< {GOAL_MS:g} ms", worst < GOAL_MS))
    return section
