"""`python -m tests.bench [section ...]`: build the stack, run every section (or the named ones: the
modules below), print progress, and write BENCHMARKS.md (AVENIR_BENCH_OUTPUT to choose)."""
import datetime
import importlib
import os
import shutil
import sys
import time
import traceback
from pathlib import Path

from tests.bench import load, report, stack

SECTIONS = ["intake", "followups", "urgent", "intelligence", "maintenance", "inbox", "enrichment", "coldstart"]


def main(chosen: list[str]) -> int:
    os.environ["AVENIR_LOG_LEVEL"] = "WARNING"  # the harness's own in-process calls; servers keep theirs
    if unknown := set(chosen) - set(SECTIONS):
        print(f"unknown section(s) {sorted(unknown)}; choose among {SECTIONS}", file=sys.stderr)
        return 2
    started, clock, load_at_start = datetime.datetime.now(datetime.UTC), time.monotonic(), report.load_average()
    run, sections = stack.Run(), []
    try:
        run.start()
        for name in chosen or SECTIONS:
            stack.say(f"=== {name} ===")
            try:
                sections.append(importlib.import_module(f"tests.bench.{name}").measure(run))
            except Exception as e:
                traceback.print_exc()
                sections.append(report.Section(name, f"Not measured: {type(e).__name__}: {e}.", failed=True))
        settings = (f"PostgreSQL {run.sql('SHOW server_version')[0]['server_version']} embedded (fsync and "
                    f"synchronous_commit on); `avenir serve --workers {stack.WORKERS} --threads {stack.THREADS}` "
                    f"logging at INFO; wrk and pgbench (-M {load.pgbench_mode()}), one thread each, on the same "
                    f"cores. Load average {load_at_start} at the start, {report.load_average()} at the end.")
    finally:
        run.stop()
        if os.environ.get("AVENIR_BENCH_KEEP") != "1":
            shutil.rmtree(run.root, ignore_errors=True)
    output = Path(os.environ.get("AVENIR_BENCH_OUTPUT", stack.ROOT / "BENCHMARKS.md"))
    report.write(output, sections, started, (time.monotonic() - clock) / 60, settings)
    stack.say(f"wrote {output}")
    for line in [f"goal missed: {v.what}: {v.figure} (goal {v.goal})" for s in sections for v in s.verdicts
                 if v.met is False] + [f"{s.title}: {s.method}" for s in sections if s.failed]:
        stack.say(line)
    return 1 if any(s.failed for s in sections) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
