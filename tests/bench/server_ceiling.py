"""Baseline (a): the do-nothing function behind the same server, at every concurrency measured.
Measured once per run and shared by the sections that compare against it."""
from tests.bench import load, stack
from tests.bench.load import LoadResult

CONCURRENCY = (1, 8, 32)


def noop(run: stack.Run) -> dict[int, LoadResult]:
    if "noop" not in run.measured:
        stack.say("baseline (a): the do-nothing function, served like `avenir serve`")
        with stack.noop_serve(run.work_dir) as server:
            load.wrk("noop warm-up", server.base_url, "noop", 8, run.warmup_seconds, run.work_dir)
            run.measured["noop"] = {c: load.wrk("noop", server.base_url, "noop", c, run.seconds, run.work_dir,
                                                cpu=stack.cpu_roots(run.stack, server))
                                    for c in CONCURRENCY}
    return run.measured["noop"]
