"""Load generators: wrk (Debian) for HTTP, pgbench (PostgreSQL) for the database ceiling. Both
run one generator thread, for a fixed time, against loopback only; each run yields a LoadResult."""
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from tests.bench.stack import say

LUA = Path(__file__).resolve().parent / "lua"
LITERAL = re.compile(r"'(?:[^']|'')*'")
PARAMETER = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")


@dataclass
class LoadResult:
    label: str
    concurrency: int
    requests: int
    seconds: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    errors: int = 0
    statuses: dict = field(default_factory=dict)
    cpu_ms: dict = field(default_factory=dict)  # CPU time per request by process group (all cores)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def line(self) -> str:
        text = (f"{self.label} c={self.concurrency}: {self.rps:,.0f} req/s, p50 {self.p50_ms:.1f} ms, "
                f"p99 {self.p99_ms:.1f} ms ({self.requests:,} requests in {self.seconds:.1f} s)")
        if self.errors:
            text += f", {self.errors} ERRORS {self.statuses}"
        return text


def slug(label: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", label).strip("_")


def wrk_binary() -> str:
    found = shutil.which("wrk")
    if not found:
        raise RuntimeError("wrk not found: apt-get install -y wrk (make bench installs it when missing)")
    return found


def lua_table(name: str, rows: list) -> str:
    """A Lua global holding strings (or lists of strings) exactly as given, in long brackets."""
    def value(item):
        if isinstance(item, (list, tuple)):
            return "{" + ", ".join(value(part) for part in item) + "}"
        return f"[==[{item}]==]"
    return f"{name} = {{\n" + ",\n".join(value(row) for row in rows) + "\n}\n"


def tree_cpu_seconds(root: int) -> float:
    """User + system CPU of a process and its live descendants, plus what its reaped children used
    (cutime/cstime: PostgreSQL backends that already exited), from /proc."""
    processes = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            processes[int(entry.name)] = (int(fields[1]), sum(int(x) for x in fields[11:15]))
    children: dict[int, list[int]] = {}
    for pid, (parent, _) in processes.items():
        children.setdefault(parent, []).append(pid)
    total, pending = 0, [root]
    while pending:
        pid = pending.pop()
        if pid in processes:
            total += processes[pid][1]
            pending.extend(children.get(pid, []))
    return total / os.sysconf("SC_CLK_TCK")


class CpuMeter:
    """CPU time used during a run: by each named process tree, and by this process's children that
    ended meanwhile (the load generator)."""

    def __init__(self, roots: dict[str, int] | None):
        self.roots = roots or {}
        self.before = {name: tree_cpu_seconds(pid) for name, pid in self.roots.items()}
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        self.generator_before = usage.ru_utime + usage.ru_stime

    def per_request_ms(self, requests: int, generator: str) -> dict[str, float]:
        if not self.roots or not requests:
            return {}
        used = {name: tree_cpu_seconds(pid) - self.before[name] for name, pid in self.roots.items()}
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        used[generator] = usage.ru_utime + usage.ru_stime - self.generator_before
        return {name: seconds * 1000 / requests for name, seconds in used.items()}


def wrk(label: str, url: str, script: str, concurrency: int, seconds: float, work_dir: Path,
        data: str = "", env: dict | None = None, cpu: dict[str, int] | None = None) -> LoadResult:
    """`wrk --latency` with lua/common.lua + `data` + lua/<script>.lua; figures from its BENCH-JSON line."""
    script_path = work_dir / f"{script}-{slug(label)}-{concurrency}.lua"
    script_path.write_text((LUA / "common.lua").read_text() + data + (LUA / f"{script}.lua").read_text())
    command = [wrk_binary(), "-t", "1", "-c", str(concurrency), "-d", f"{seconds:g}s", "--timeout", "10s",
               "--latency", "-s", str(script_path), url]
    say(f"  wrk {label}: {concurrency} concurrent sender(s) for {seconds:g} s ...")
    meter = CpuMeter(cpu)
    result = subprocess.run(command, capture_output=True, text=True, env={**os.environ, **(env or {})},
                            timeout=seconds + 60)
    (work_dir / f"wrk-{slug(label)}-{concurrency}.out").write_text(result.stdout + result.stderr)
    match = re.search(r"^BENCH-JSON (.*)$", result.stdout, re.M)
    if result.returncode != 0 or not match:
        raise RuntimeError(f"wrk failed ({result.returncode}): {result.stderr.strip() or result.stdout[-800:]}")
    figures = json.loads(match.group(1))
    errors = sum(figures["errors"].values())
    load = LoadResult(label, concurrency, figures["requests"], figures["duration_us"] / 1e6,
                      figures["p50_us"] / 1000, figures["p90_us"] / 1000, figures["p99_us"] / 1000,
                      figures["max_us"] / 1000, errors, figures["statuses"],
                      meter.per_request_ms(figures["requests"], "load generator (wrk)"))
    say("  " + load.line())
    return load


def pgbench(label: str, binary: str, port: int, database: str, script: Path, concurrency: int,
            seconds: float, work_dir: Path, variables: dict, cpu: dict[str, int] | None = None,
            mode: str = "extended") -> LoadResult:
    """pgbench with one thread, in the protocol mode the app uses: `prepared` when shared/platform/db.py
    prepares its statements once per connection, `extended` when each statement is sent unnamed
    (parsed and planned every time); latency percentiles from its per-transaction log (-l)."""
    log_dir = work_dir / f"pgbench-{slug(label)}-{concurrency}"
    log_dir.mkdir(parents=True, exist_ok=True)
    command = [binary, "-n", "-M", mode, "-c", str(concurrency), "-j", "1", "-T", str(int(seconds)),
               "-f", str(script), "-l", "--log-prefix", str(log_dir / "tx"),
               "-h", "127.0.0.1", "-p", str(port), "-U", "postgres"]
    for name, value in variables.items():
        command += ["-D", f"{name}={value}"]
    command.append(database)
    say(f"  pgbench {label}: {concurrency} concurrent client(s) for {int(seconds)} s ...")
    meter = CpuMeter(cpu)
    result = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    (work_dir / f"pgbench-{slug(label)}-{concurrency}.out").write_text(result.stdout + result.stderr)
    if result.returncode != 0:
        raise RuntimeError(f"pgbench failed ({result.returncode}): {(result.stderr or result.stdout)[-1500:]}")
    latencies_ms = []
    for log in log_dir.glob("tx*"):
        for line in log.read_text().splitlines():
            fields = line.split()
            if len(fields) >= 3 and fields[2].isdigit():
                latencies_ms.append(int(fields[2]) / 1000)
    failed = re.search(r"number of failed transactions: (\d+)", result.stdout)
    duration = re.search(r"duration: (\d+) s", result.stdout)
    if not latencies_ms:
        raise RuntimeError(f"pgbench logged no transaction: {result.stdout[-800:]} {result.stderr[-800:]}")
    load = LoadResult(label, concurrency, len(latencies_ms), float(duration.group(1)) if duration else seconds,
                      percentile(latencies_ms, 50), percentile(latencies_ms, 90), percentile(latencies_ms, 99),
                      max(latencies_ms), int(failed.group(1)) if failed else 0,
                      cpu_ms=meter.per_request_ms(len(latencies_ms), "load generator (pgbench)"))
    say("  " + load.line())
    return load


def percentile(values: list[float], p: float) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=1000, method="inclusive")[int(p * 10) - 1]


def pgbench_statement(sql: str, parameters: dict[str, str]) -> str:
    """One of the app's statements as a pgbench command: each pg8000 `:name` becomes the pgbench
    expression given for it (mostly the pgbench variable `:name`), comments go, and a colon inside a
    string literal (pgbench would read it as a variable) is spelled chr(58)."""
    # whole-line comments go first: an apostrophe in one ("the client's") is no string literal
    sql = re.sub(r"^\s*--[^\n]*\n?", "", sql, flags=re.MULTILINE)
    out, last = [], 0
    for literal in LITERAL.finditer(sql):
        out.append(_outside(sql[last:literal.start()], parameters))
        text = literal.group(0)
        out.append("(" + text.replace(":", "' || chr(58) || '") + ")" if ":" in text else text)
        last = literal.end()
    out.append(_outside(sql[last:], parameters))
    return "".join(out).strip().rstrip(";") + ";\n"


def _outside(text: str, parameters: dict[str, str]) -> str:
    text = re.sub(r"--[^\n]*", "", text)

    def replace(match: re.Match) -> str:
        if match.group(1) not in parameters:
            raise KeyError(f"no pgbench value for the parameter :{match.group(1)}")
        return parameters[match.group(1)]
    return PARAMETER.sub(replace, text)
