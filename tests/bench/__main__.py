"""`python -m tests.bench [section ...]`: build the stack, run every section (or the named ones)
against its baselines, print progress, and write BENCHMARKS.md (AVENIR_BENCH_OUTPUT to choose)."""
import datetime
import os
import shutil
import sys
import time
import traceback
from pathlib import Path

from tests.bench import (
    coldstart,
    enrichment,
    followups,
    inbox,
    intake,
    intelligence,
    maintenance,
    report,
    stack,
    tag_revert,
)

SECTIONS = {
    "intake": intake.measure,
    "tag": tag_revert.measure,
    "followups": followups.measure,
    "intelligence": intelligence.measure,
    "maintenance": maintenance.measure,
    "inbox": inbox.measure,
    "enrichment": enrichment.measure,
    "coldstart": coldstart.measure,
}


def main(argv: list[str]) -> int:
    os.environ["AVENIR_LOG_LEVEL"] = "WARNING"  # the harness's own in-process calls; servers keep theirs
    chosen = argv or list(SECTIONS)
    if unknown := [name for name in chosen if name not in SECTIONS]:
        print(f"unknown section(s) {unknown}; choose among {list(SECTIONS)}", file=sys.stderr)
        return 2
    output = Path(os.environ.get("AVENIR_BENCH_OUTPUT", stack.ROOT / "BENCHMARKS.md"))
    started, clock, load_at_start = datetime.datetime.now(datetime.UTC), time.monotonic(), report.load_average()
    stack.say(f"benchmarks {'(quick) ' if stack.QUICK else ''}of {', '.join(chosen)}")
    bench = stack.Stack()
    sections = []
    try:
        bench.start()
        run = stack.Run(bench, bench.root / "work")
        run.work_dir.mkdir()
        for name in chosen:
            stack.say(f"=== {name} ===")
            try:
                sections.append(SECTIONS[name](run))
            except Exception as e:
                traceback.print_exc()
                sections.append(report.Section(name, "", failed=f"{type(e).__name__}: {e}"))
        pg_version = bench.scalar("SHOW server_version")
    finally:
        bench.stop()
        if os.environ.get("AVENIR_BENCH_KEEP") == "1":
            stack.say(f"kept the scratch directory {bench.root}")
        else:
            shutil.rmtree(bench.root, ignore_errors=True)
    minutes = (time.monotonic() - clock) / 60
    settings = (f"PostgreSQL {pg_version} embedded (fsync and synchronous_commit on); `avenir serve --workers "
                f"{stack.WORKERS} --threads {stack.THREADS}` logging at INFO; wrk and pgbench (one thread each, "
                f"-M {stack.pgbench_mode()}) on the same cores. Load average {load_at_start} at the start, "
                f"{report.load_average()} at the end.")
    report.write(output, sections, started, minutes, settings)
    stack.say(f"wrote {output} in {minutes:.1f} min")
    for section in sections:
        for v in section.verdicts:
            if v.met is False:
                stack.say(f"goal missed: {v.what}: {v.figure} (goal {v.goal})")
        if section.failed:
            stack.say(f"not measured: {section.title}: {section.failed}")
    return 1 if any(s.failed for s in sections) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
