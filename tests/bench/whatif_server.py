"""`avenir serve` with one proposed change applied inside the server process only, so that a fix
the profile points at can be measured over HTTP before anyone makes it. Nothing in shared/ or
functions/ is modified; the change lives here, in the benchmark.

Change "prepared": pg8000's Connection.run, for a statement with parameters, goes through a
per-connection cache of conn.prepare(sql): the SQL text is rewritten to $n once per connection
(instead of on every call, in pure Python) and each execution is one round trip (Bind, Execute,
Sync) instead of three (Parse, Describe, Bind/Execute)."""
import argparse
import sys

import pg8000.native

from infra import serve


def prepared_statements() -> None:
    original = pg8000.native.Connection.run

    def run(self, sql, stream=None, types=None, **params):
        if not params or stream is not None or types is not None:
            return original(self, sql, stream=stream, types=types, **params)
        cache = self.__dict__.setdefault("_bench_prepared", {})
        statement = cache.get(sql)
        if statement is None:
            statement = cache[sql] = self.prepare(sql)
        rows = statement.run(**params)
        self._context = statement._context  # so that conn.columns and conn.row_count read this run
        return rows

    pg8000.native.Connection.run = run


CHANGES = {"prepared": prepared_statements}


def main(argv: list[str] | None = None) -> int:
    args = argparse.ArgumentParser(description="serve the functions with a proposed change applied")
    args.add_argument("--change", choices=sorted(CHANGES), required=True)
    args.add_argument("--port", type=int, required=True)
    args.add_argument("--workers", type=int, default=2)
    args.add_argument("--threads", type=int, default=8)
    options = args.parse_args(argv)
    CHANGES[options.change]()
    serve.run(options.port, workers=options.workers, threads=options.threads)
    return 0


if __name__ == "__main__":
    sys.exit(main())
