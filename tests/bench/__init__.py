"""Benchmarks of the bundle against baselines measured in the same run (`make bench`, which runs
`python -m tests.bench` and writes BENCHMARKS.md). Not collected by pytest."""
