"""`python -m tests.bench.noop_server --port N --workers W --threads T`: the do-nothing function served
exactly as `avenir serve` serves the real ones (infra.serve.run, the same path dispatch), only the
functions' folder is tests/bench/functions."""
import argparse
from pathlib import Path

from infra import functions, serve

if __name__ == "__main__":
    args = argparse.ArgumentParser()
    for option in ("--port", "--workers", "--threads"):
        args.add_argument(option, type=int, required=True)
    options = args.parse_args()
    functions.FUNCTIONS_DIR = Path(__file__).resolve().parent / "functions"
    serve.run(options.port, workers=options.workers, threads=options.threads)
