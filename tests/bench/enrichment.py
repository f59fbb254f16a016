"""The CPU each message costs, in process: enrichment against reading the text once (the least any
classifier of it must do), and a form post's spam checks (issue 31) against that enrichment. Their
database side adds no round trip (tests/platform/test_round_trips.py counts a form post)."""
import json
import os
import re
import time
from statistics import median

from tests.bench import stack
from tests.bench.report import Section, Table, Verdict, percentile, ratio, spread

GOAL_MS = 1.0  # the spam checks' p99
FORM_KEY = "avf_benchbenchbenchbenchbenchbench"
WORD = re.compile(r"\w+")


def per_message_ms(work, messages: list[dict], rounds: int) -> list[float]:
    """ms per message: the fastest of `rounds` passes for each message (the least noisy figure)."""
    return [min(stack.timed(work, m["name"], m["message"])[1] for _ in range(rounds)) * 1000 for m in messages]


def measure(run: stack.Run) -> Section:
    from shared import enrichment
    from shared.leads import spam
    from shared.platform import cipher

    os.environ.setdefault("AVENIR_SECRET_KEY", cipher.new_key())  # this process's own checks
    corpus = (stack.ROOT / "tests/fixtures/spam/bot_corpus.jsonl").read_text().splitlines()
    messages, rounds = stack.labelled_leads() + [json.loads(line) for line in corpus], 3 if stack.QUICK else 10
    token = spam.issue_token(FORM_KEY, time.time() - 30)

    def checks(name, message):
        spam.token_signal(token, FORM_KEY, time.time(), 3)
        spam.content_signals(message, "en")
        spam.ip_digest("203.0.113.24")

    section = Section("Enrichment and the front door's spam checks, per message", (
        f"On each of the {len(messages)} messages of tests/fixtures (labelled leads and the bot corpus), fastest "
        f"of {rounds} per message: `shared.enrichment.enrich` ({enrichment.ENGINE_VERSION}), baseline lower-casing "
        "the text and splitting it into words; `shared.leads.spam`'s checks of one form post (token, links, "
        "script, IP digest), baseline the enrichment every lead already gets."))
    checks("warm", "warm the caches up")
    enrichment.enrich("warm", "warm the lexicons and the model up")
    read = per_message_ms(lambda name, message: WORD.findall(f"{name} {message}".lower()), messages, rounds)
    enriched = per_message_ms(enrichment.enrich, messages, rounds)
    checked = per_message_ms(checks, messages, rounds)
    section.tables.append(Table(["per message", "median ms", "p99 ms", "max ms"], [
        spread("read the text once (baseline)", read), spread("enrich", enriched), spread("spam checks", checked)]))
    section.verdicts += [
        Verdict("enrichment per message (median)", f"{median(enriched):.2f} ms", f"{median(read):.3f} ms reading "
                "the text", ratio(median(enriched), median(read), 0)),
        Verdict("front door spam checks per post (p99)", f"{percentile(checked, 99):.3f} ms",
                f"{median(enriched):.2f} ms enriching (median)", ratio(median(checked), median(enriched), 2)
                + " (medians)", f"< {GOAL_MS:g} ms", percentile(checked, 99) < GOAL_MS)]
    return section
