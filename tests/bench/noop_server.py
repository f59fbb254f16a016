"""`python -m tests.bench.noop_server serve --port N ...`: `avenir serve` itself (the same gunicorn
settings and path dispatch) with tests/bench/functions as the functions' folder: the do-nothing function."""
import sys
from pathlib import Path

from infra import cli, functions

if __name__ == "__main__":
    functions.FUNCTIONS_DIR = Path(__file__).resolve().parent / "functions"
    sys.exit(cli.main())
