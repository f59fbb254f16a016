"""Load generators, one thread each, for a fixed time, on loopback: wrk for HTTP (lua/common.lua
prints its figures as one BENCH-JSON line) and pgbench running statements taken from shared/."""
import json
import os
import re
import statistics
import subprocess
from dataclasses import dataclass
from pathlib import Path

from infra.pgcluster import PG_BIN
from tests.bench.stack import say

LUA = Path(__file__).resolve().parent / "lua"
LITERAL = re.compile(r"'(?:[^']|'')*'")
PARAMETER = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")


@dataclass
class LoadResult:
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int  # failed connections, timeouts, answers other than 2xx/3xx; failed transactions

    @property
    def rps(self) -> float:
        return self.requests / self.seconds


def slug(label: str) -> str:
    return re.sub(r"\W+", "_", label)


def lua_table(name: str, rows: list) -> str:
    """A Lua global holding strings (or lists of strings) exactly as given, in long brackets."""
    def value(item):
        return "{" + ", ".join(map(value, item)) + "}" if isinstance(item, list | tuple) else f"[==[{item}]==]"
    return f"{name} = {{\n" + ",\n".join(map(value, rows)) + "\n}\n"


def wrk(label: str, url: str, script: str, senders: int, seconds: float, work_dir: Path, data: str = "",
        env: dict | None = None) -> LoadResult:
    """`wrk` with `data` + lua/<script>.lua + lua/common.lua."""
    path = work_dir / f"{slug(label)}-{senders}.lua"
    path.write_text(data + (LUA / f"{script}.lua").read_text() + (LUA / "common.lua").read_text())
    say(f"  wrk {label}: {senders} sender(s) for {seconds:g} s ...")
    result = subprocess.run(["wrk", "-t", "1", "-c", str(senders), "-d", f"{seconds:g}s", "--timeout", "10s",
                             "-s", str(path), url], capture_output=True, text=True,
                            env={**os.environ, **(env or {})}, timeout=seconds + 60)
    match = re.search(r"^BENCH-JSON (.*)$", result.stdout, re.M)
    if result.returncode != 0 or not match:
        raise RuntimeError(f"wrk failed ({result.returncode}): {result.stderr.strip() or result.stdout[-800:]}")
    f = json.loads(match.group(1))
    return report(label, LoadResult(f["requests"], f["duration_us"] / 1e6, f["p50_us"] / 1000, f["p99_us"] / 1000,
                                    f["errors"]))


def pgbench(label: str, stack, script: Path, senders: int, seconds: float, variables: dict, mode: str) -> LoadResult:
    """pgbench in the protocol mode the app uses; latency percentiles from its per-transaction log."""
    logs = script.parent / f"{slug(label)}-{senders}"
    logs.mkdir()
    command = [str(PG_BIN / "pgbench"), "-n", "-M", mode, "-c", str(senders), "-j", "1", "-T", str(int(seconds)),
               "-f", str(script), "-l", "--log-prefix", str(logs / "tx"), "-h", "127.0.0.1",
               "-p", str(stack.cluster.port), "-U", "postgres",
               *(f"-D{name}={value}" for name, value in variables.items()), stack.database]
    say(f"  {label}: {senders} client(s) for {int(seconds)} s ...")
    result = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    if result.returncode != 0:
        raise RuntimeError(f"pgbench failed ({result.returncode}): {(result.stderr or result.stdout)[-1500:]}")
    ms = [int(line.split()[2]) / 1000 for log in logs.glob("tx*") for line in log.read_text().splitlines()]
    failed = re.search(r"number of failed transactions: (\d+)", result.stdout)
    quantiles = statistics.quantiles(ms, n=100, method="inclusive")
    failures = int(failed.group(1)) if failed else 0
    return report(label, LoadResult(len(ms), seconds, quantiles[49], quantiles[98], failures))


def report(label: str, load: LoadResult) -> LoadResult:
    say(f"  {label}: {load.rps:,.0f}/s, p50 {load.p50_ms:.1f} ms, p99 {load.p99_ms:.1f} ms"
        + (f", {load.errors} ERRORS" if load.errors else ""))
    return load


def pgbench_statement(sql: str, parameters: dict[str, str]) -> str:
    """One of the app's statements as a pgbench command: each `:name` becomes the pgbench expression given
    for it, comments go, and a colon inside a string literal (a variable to pgbench) is spelled chr(58)."""
    sql = re.sub(r"^\s*--[^\n]*\n?", "", sql, flags=re.MULTILINE)  # first: an apostrophe in one is no literal
    out, last = [], 0
    for literal in LITERAL.finditer(sql):
        out.append(_outside(sql[last:literal.start()], parameters))
        text = literal.group(0)
        out.append("(" + text.replace(":", "' || chr(58) || '") + ")" if ":" in text else text)
        last = literal.end()
    out.append(_outside(sql[last:], parameters))
    return "".join(out).strip().rstrip(";") + ";\n"


def _outside(text: str, parameters: dict[str, str]) -> str:
    def replace(match: re.Match) -> str:
        if match.group(1) not in parameters:
            raise KeyError(f"no pgbench value for the parameter :{match.group(1)}")
        return parameters[match.group(1)]
    return PARAMETER.sub(replace, re.sub(r"--[^\n]*", "", text))
