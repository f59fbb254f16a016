"""Benchmarks against baselines measured in the same run (`make bench` runs `python -m tests.bench`
and writes BENCHMARKS.md). Not collected by pytest. One module per question: `measure(run) ->
report.Section` (tables, and verdicts giving a figure, its baseline and their ratio), listed in
__main__.SECTIONS; stack.py starts servers and databases, load.py drives wrk and pgbench."""
