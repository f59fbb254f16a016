"""Speed of the enrichment engine: cold import of the package, first use, and time per message.

`python -m tests.enrichment.speed` runs each cold measurement in fresh interpreters (median of
IMPORT_RUNS) and enriches every corpus message PASSES times in a process that has loaded the weights.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time

from shared.enrichment import enrich

from .corpus import load_rows

IMPORT_RUNS = 7
PASSES = 3
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


def per_message(messages: list[tuple[str, str]], passes: int = PASSES) -> tuple[float, float]:
    """(best, median) mean wall-clock seconds per enrich() over `messages`, across `passes` passes
    in a process that has already loaded the weights (the best pass is the least disturbed by other
    work on a shared machine)."""
    enrich("Warm Up", "warm up")
    means = []
    for _ in range(passes):
        start = time.perf_counter()
        for name, message in messages:
            enrich(name, message)
        means.append((time.perf_counter() - start) / len(messages))
    return min(means), statistics.median(means)


def main() -> int:
    messages = [(r["name"], r["message"]) for r in load_rows()]
    imported, first = cold_start()
    best, median = per_message(messages)
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")
    print(f"cold import of shared.enrichment: {imported * 1000:.0f} ms (median of {IMPORT_RUNS})")
    print(f"cold import + first enrich (reads the weights): {first * 1000:.0f} ms")
    print(f"enrich, {len(messages)} corpus messages x {PASSES} passes: {best * 1000:.3f} ms per message "
          f"(best pass), {median * 1000:.3f} ms (median pass)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
