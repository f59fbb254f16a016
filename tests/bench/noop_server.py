"""Serve the do-nothing function exactly as `avenir serve` serves the real ones: the same
infra.serve.run (gunicorn gthread, same workers/threads), the same path dispatch, the same
functions-framework app per function, only the functions' folder is tests/bench/functions."""
import argparse
import sys
from pathlib import Path

from infra import functions, serve

NOOP_FUNCTIONS_DIR = Path(__file__).resolve().parent / "functions"


def main(argv: list[str] | None = None) -> int:
    args = argparse.ArgumentParser(description="serve the do-nothing function like `avenir serve`")
    args.add_argument("--port", type=int, required=True)
    args.add_argument("--workers", type=int, default=2)
    args.add_argument("--threads", type=int, default=8)
    options = args.parse_args(argv)
    functions.FUNCTIONS_DIR = NOOP_FUNCTIONS_DIR
    serve.run(options.port, workers=options.workers, threads=options.threads)
    return 0


if __name__ == "__main__":
    sys.exit(main())
