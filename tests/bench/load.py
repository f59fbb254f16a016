"""Load generators, one thread each, for a fixed time, on loopback: wrk POSTing leads over HTTP
(lua/lead_intake.lua prints its figures as one BENCH-JSON line) and pgbench running statements taken
from shared/, in the protocol mode the app uses."""
import json
import os
import re
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from infra.pgcluster import PG_BIN
from tests.bench import stack
from tests.bench.report import percentile

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

    def said(self, label: str) -> "LoadResult":
        stack.say(f"  {label}: {self.rps:,.0f}/s, p50 {self.p50_ms:.1f} ms, p99 {self.p99_ms:.1f} ms"
                  + (f", {self.errors} ERRORS" if self.errors else ""))
        return self


def wrk(label: str, url: str, api_key: str, senders: int, seconds: float, work_dir: Path) -> LoadResult:
    """`wrk` POSTing the labelled leads of tests/fixtures to /api/lead, each with a new email."""
    leads = ",\n".join(f"{{[==[{json.dumps(r['name'])}]==], [==[{json.dumps(r['message'])}]==]}}"
                       for r in stack.labelled_leads())
    path = work_dir / f"{label.replace(' ', '-')}-{senders}.lua"
    path.write_text(f"leads = {{\n{leads}\n}}\n" + (stack.ROOT / "tests/bench/lua/lead_intake.lua").read_text())
    stack.say(f"  wrk {label}: {senders} sender(s) for {seconds:g} s ...")
    env = {**os.environ, "BENCH_API_KEY": api_key, "BENCH_RUN_TAG": f"{senders}-{time.time_ns()}"}
    result = subprocess.run(["wrk", "-t", "1", "-c", str(senders), "-d", f"{seconds:g}s", "--timeout", "10s",
                             "-s", str(path), url], capture_output=True, text=True, env=env, timeout=seconds + 60)
    match = re.search(r"^BENCH-JSON (.*)$", result.stdout, re.M)
    if result.returncode != 0 or not match:
        raise RuntimeError(f"wrk failed ({result.returncode}): {result.stderr.strip() or result.stdout[-800:]}")
    f = json.loads(match.group(1))
    return LoadResult(f["requests"], f["duration_us"] / 1e6, f["p50_us"] / 1000, f["p99_us"] / 1000,
                      f["errors"]).said(label)


def pgbench_mode() -> str:
    """The pgbench protocol mode that mirrors how the app sends its statements."""
    from shared.platform import settings

    return "prepared" if settings.prepared_statements() else "extended"


def pgbench(run: stack.Run, label: str, script: Path, senders: int, variables: dict) -> LoadResult:
    """pgbench running `script` for run.seconds; latency percentiles from its per-transaction log."""
    logs = script.parent / f"{script.stem}-{senders}"
    logs.mkdir()
    command = [str(PG_BIN / "pgbench"), "-n", "-M", pgbench_mode(), "-c", str(senders), "-j", "1",
               "-T", str(int(run.seconds)), "-f", str(script), "-l", "--log-prefix", str(logs / "tx"),
               "-h", "127.0.0.1", "-p", str(run.cluster.port), "-U", "postgres",
               *(f"-D{name}={value}" for name, value in variables.items()), run.database]
    stack.say(f"  {label}: {senders} client(s) for {int(run.seconds)} s ...")
    result = subprocess.run(command, capture_output=True, text=True, timeout=run.seconds + 60)
    if result.returncode != 0:
        raise RuntimeError(f"pgbench failed ({result.returncode}): {(result.stderr or result.stdout)[-1500:]}")
    ms = [int(line.split()[2]) / 1000 for log in logs.glob("tx*") for line in log.read_text().splitlines()]
    failed = re.search(r"number of failed transactions: (\d+)", result.stdout)
    return LoadResult(len(ms), run.seconds, percentile(ms, 50), percentile(ms, 99),
                      int(failed.group(1)) if failed else 0).said(label)


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
