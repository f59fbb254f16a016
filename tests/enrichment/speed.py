"""Speed of the enrichment engine: cold import of the package, first use, and time per message.

`python -m tests.enrichment.speed` runs each cold measurement in fresh interpreters (median of
IMPORT_RUNS) and enriches every corpus message once, in a process that has already loaded the weights.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

from shared.enrichment import enrich

from .corpus import load_rows

IMPORT_RUNS = 7
COLD = """
import time
start = time.perf_counter()
import shared.enrichment
imported = time.perf_counter()
shared.enrichment.enrich("Marie Tremblay", "Bonjour, combien pour une toiture?")
print(imported - start, time.perf_counter() - start)
"""


def cold_start() -> tuple[float, float]:
    """Median seconds, in fresh interpreters, to import shared.enrichment and to import it and
    enrich a first message (which reads model.json)."""
    runs = [subprocess.run([sys.executable, "-c", COLD], capture_output=True, text=True, check=True)
            for _ in range(IMPORT_RUNS)]
    imports, first = zip(*(map(float, run.stdout.split()) for run in runs), strict=True)
    return statistics.median(imports), statistics.median(first)


def per_message(messages: list[tuple[str, str]]) -> tuple[float, float]:
    """Mean wall-clock and CPU seconds per enrich() over `messages`, weights already loaded."""
    enrich("Warm Up", "warm up")
    wall, cpu = time.perf_counter(), time.process_time()
    for name, message in messages:
        enrich(name, message)
    return (time.perf_counter() - wall) / len(messages), (time.process_time() - cpu) / len(messages)


def main() -> int:
    messages = [(r["name"], r["message"]) for r in load_rows()]
    imported, first = cold_start()
    wall, cpu = per_message(messages)
    print(f"cold import of shared.enrichment: {imported * 1000:.0f} ms (median of {IMPORT_RUNS})")
    print(f"cold import + first enrich (reads the weights): {first * 1000:.0f} ms")
    print(f"enrich, {len(messages)} corpus messages: {wall * 1000:.3f} ms wall, {cpu * 1000:.3f} ms CPU per message")
    return 0


if __name__ == "__main__":
    sys.exit(main())
