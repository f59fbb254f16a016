"""`python -m tests.bench [section ...]`: build the stack, run every measurement (or the named
ones) against its baselines, print progress, and write BENCHMARKS.md."""
import datetime
import os
import shutil
import sys
import time
import traceback
from pathlib import Path

from tests.bench import (
    coldstart,
    followups,
    inbox,
    intelligence,
    lead_intake,
    maintenance,
    prospect_scoring,
    report,
    round_trips,
    stack,
    tag_revert,
)

SECTIONS = {
    "roundtrips": round_trips.measure,
    "intake": lead_intake.measure,
    "intelligence": intelligence.measure,
    "scoring": prospect_scoring.measure,
    "coldstart": coldstart.measure,
    "tag": tag_revert.measure,
    "inbox": inbox.measure,
    "followups": followups.measure,
    "maintenance": maintenance.measure,
}


def main(argv: list[str]) -> int:
    os.environ["AVENIR_LOG_LEVEL"] = "WARNING"  # the harness's own in-process calls; servers keep theirs
    chosen = argv or list(SECTIONS)
    unknown = [name for name in chosen if name not in SECTIONS]
    if unknown:
        print(f"unknown section(s) {unknown}; choose among {list(SECTIONS)}", file=sys.stderr)
        return 2
    output = Path(os.environ.get("AVENIR_BENCH_OUTPUT", stack.ROOT / "BENCHMARKS.md"))
    started = datetime.datetime.now(datetime.UTC)
    load_at_start = report.load_average()
    clock = time.monotonic()
    stack.say(f"benchmarks {'(QUICK mode) ' if stack.QUICK else ''}of {', '.join(chosen)}; "
              f"server: gunicorn gthread, {stack.WORKERS} workers x {stack.THREADS} threads")
    bench = stack.Stack()
    bench.start()
    run = stack.Run(bench, bench.root / "work")
    run.work_dir.mkdir()
    sections = []
    try:
        for name in chosen:
            stack.say(f"=== {name} ===")
            try:
                sections.append(SECTIONS[name](run))
            except Exception as e:
                traceback.print_exc()
                sections.append(report.Section(name, "", skipped=f"the measurement failed: {type(e).__name__}: {e}"))
            stack.say(f"=== {name} done ({time.monotonic() - clock:.0f} s since start) ===")
        facts = [("PostgreSQL", f"{bench.pg_version()}, embedded (infra.pgcluster), fsync=on, "
                                "synchronous_commit=on, other settings at their defaults, same machine"),
                 ("Server", f"`avenir serve --workers {stack.WORKERS} --threads {stack.THREADS}`: gunicorn "
                            "gthread (infra/serve.py), each path dispatched to its function's "
                            "functions-framework app; logs at INFO (one JSON line per request) to a file"),
                 ("Load generators", f"wrk 4.1 (Debian), one thread; pgbench 15, one thread, "
                                     f"-M {stack.pgbench_mode()}; both on the same 2 cores as the server and "
                                     "PostgreSQL"),
                 ("Load average (1, 5, 15 min) at the start and at the end of the run",
                  f"{load_at_start} / {report.load_average()} (2 cores: above 2, other work shared the machine)")]
    finally:
        bench.stop()
    finished = datetime.datetime.now(datetime.UTC)
    report.write(output, sections, started, finished, facts)
    stack.say(f"wrote {output} in {(finished - started).total_seconds() / 60:.1f} min")
    missed = [(s.title, v.what) for s in sections for v in s.missed]
    for title, what in missed:
        stack.say(f"target missed: {what} ({title})")
    if os.environ.get("AVENIR_BENCH_KEEP") != "1":
        shutil.rmtree(bench.root, ignore_errors=True)
    else:
        stack.say(f"kept the scratch directory {bench.root}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
