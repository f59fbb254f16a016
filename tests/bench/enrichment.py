"""Enrichment per message: `shared.enrichment.enrich` over every labelled lead of tests/fixtures, in
process, against reading the same text once (lower-cased and split into words, the least any
classifier of it must do)."""
import re
import statistics
import time

from tests.bench import stack
from tests.bench.report import Section, Table, Verdict

WORD = re.compile(r"\w+")


def per_message_ms(work, leads: list[dict], rounds: int) -> list[float]:
    """ms per message: the fastest of `rounds` passes for each message (the least noisy figure)."""
    samples = []
    for lead in leads:
        best = float("inf")
        for _ in range(rounds):
            started = time.perf_counter()
            work(lead["name"], lead["message"])
            best = min(best, time.perf_counter() - started)
        samples.append(best * 1000)
    return samples


def measure(run: stack.Run) -> Section:
    from shared import enrichment

    leads = stack.labelled_leads()
    rounds = 3 if stack.QUICK else 10
    section = Section("Enrichment per message", (
        f"`shared.enrichment.enrich(name, message)` ({enrichment.ENGINE_VERSION}) on each of the {len(leads)} "
        f"labelled leads of tests/fixtures, fastest of {rounds} per message; baseline: lower-casing the same "
        "text and splitting it into words."))
    enrichment.enrich("warm", "warm the lexicons and the model up")
    enriched = per_message_ms(enrichment.enrich, leads, rounds)
    read = per_message_ms(lambda name, message: WORD.findall(f"{name} {message}".lower()), leads, rounds)
    table = Table(["per message", "median ms", "p99 ms", "max ms"])
    for label, samples in (("enrich", enriched), ("read the text once (baseline)", read)):
        p99 = statistics.quantiles(samples, n=100)[98]
        table.rows.append([label, f"{statistics.median(samples):.3f}", f"{p99:.3f}", f"{max(samples):.3f}"])
    section.tables.append(table)
    ratio = statistics.median(enriched) / statistics.median(read)
    section.verdicts.append(Verdict("enrichment per message (median)", f"{statistics.median(enriched):.2f} ms",
                                    f"{statistics.median(read):.3f} ms reading the text", f"{ratio:.0f}×"))
    return section
