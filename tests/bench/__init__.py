"""Benchmarks against baselines measured in the same run (`make bench` runs `python -m tests.bench`
and writes BENCHMARKS.md); not collected by pytest. One module per question (`measure(run) ->
report.Section`), listed in __main__.SECTIONS; stack.py: the run's database and servers."""
