"""4. Cold start: import time and peak memory of each function's Lambda module in a fresh
interpreter (one subprocess per import), against a bare interpreter's start-up and memory."""
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from tests.bench import stack
from tests.bench.report import Section, Table, Verdict

IMPORT_TARGET_MS = 300.0
MEMORY_TARGET_MB = 128.0

# The import as Lambda does it: the file loaded as a module of its own (conftest.load_function).
# Then, given an API Gateway event, the first invocation: it opens the database connection and
# looks the key up (an unknown key: 401), which every route does first.
IMPORT_ONE = """
import importlib.util, json, resource, sys, time
started = time.perf_counter()
spec = importlib.util.spec_from_file_location("lambda_function", sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
assert callable(module.handler)
elapsed = time.perf_counter() - started
def peak_kb():
    # VmHWM: this process image's peak RSS. ru_maxrss would also count the parent's pages shared
    # over fork, since Linux keeps the high-water mark across exec.
    return int(next(l for l in open("/proc/self/status") if l.startswith("VmHWM:")).split()[1])
figures = {"import_ms": elapsed * 1000, "maxrss_kb": peak_kb(), "modules": len(sys.modules),
           "ru_maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}
if len(sys.argv) > 2:
    event = json.load(open(sys.argv[2]))
    started = time.perf_counter()
    answer = module.handler(event, None)
    figures.update(first_call_ms=(time.perf_counter() - started) * 1000, call_maxrss_kb=peak_kb(),
                   status=answer.get("statusCode") if isinstance(answer, dict) else None)
print(json.dumps(figures))
"""
BARE = """
import json, sys
peak = int(next(l for l in open("/proc/self/status") if l.startswith("VmHWM:")).split()[1])
print(json.dumps({"import_ms": 0.0, "maxrss_kb": peak, "modules": len(sys.modules)}))
"""


def sample(code: str, *args: str) -> dict:
    started = time.perf_counter()
    env = {"PATH": "/usr/bin:/bin", "DATABASE_URL": os.environ.get("DATABASE_URL", ""), "AVENIR_LOG_LEVEL": "WARNING"}
    result = subprocess.run([sys.executable, "-c", code, *args], cwd=stack.ROOT, capture_output=True, text=True,
                            env=env, timeout=60)
    wall_ms = (time.perf_counter() - started) * 1000
    if result.returncode != 0:
        raise RuntimeError(f"import failed: {result.stderr.strip()[-1500:]}")
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    figures["process_ms"] = wall_ms
    return figures


def measure_one(code: str, repeats: int, *args: str) -> dict:
    """The first run fills the OS cache and writes .pyc files (as a deployed package has them); the
    figure is the median of the runs after it, memory the largest seen."""
    sample(code, *args)
    runs = [sample(code, *args) for _ in range(repeats)]
    figures = {"import_ms": statistics.median(r["import_ms"] for r in runs),
               "import_max_ms": max(r["import_ms"] for r in runs),
               "process_ms": statistics.median(r["process_ms"] for r in runs),
               "maxrss_mb": max(r["maxrss_kb"] for r in runs) / 1024, "modules": runs[-1]["modules"]}
    if "first_call_ms" in runs[-1]:
        figures.update(first_call_ms=statistics.median(r["first_call_ms"] for r in runs),
                       status=runs[-1]["status"], call_maxrss_mb=max(r["call_maxrss_kb"] for r in runs) / 1024)
    return figures


def first_request(folder: str, work_dir: Path) -> Path:
    """An API Gateway v2 event (tests/fixtures/events) for the function's first route, with an
    unknown key: the handler connects, looks the key up and answers 401."""
    from infra import functions

    target = work_dir / f"coldstart-{folder}.json"
    route = next((route for name, route in functions.http_routes() if name == folder), None)
    if route is None:  # a scheduled function only: the scheduler's event
        target.write_text((stack.ROOT / "tests" / "fixtures" / "events" / "eventbridge_scheduled.json").read_text())
        return target
    path = route.path.replace("{lead_id}", "00000000-0000-4000-8000-000000000000")
    event = json.loads((stack.ROOT / "tests" / "fixtures" / "events" / "apigw_v2.json").read_text())
    event["rawPath"] = event["requestContext"]["http"]["path"] = path
    event["requestContext"]["http"]["method"] = route.method
    event["routeKey"] = event["requestContext"]["routeKey"] = f"{route.method} {path}"
    event["headers"].update({"x-api-key": "avk_00000000_cold-start-unknown-key", "content-length": "2"})
    event["body"] = "{}"
    target.write_text(json.dumps(event))
    return target


def heaviest_imports(path: str, top: int = 8) -> list[tuple[str, float]]:
    """`python -X importtime`: the import's own time added up by top-level package (pg8000,
    pydantic, shared, ...), largest first, in ms."""
    result = subprocess.run([sys.executable, "-X", "importtime", "-c", IMPORT_ONE, path], cwd=stack.ROOT,
                            capture_output=True, text=True, env={"PATH": "/usr/bin:/bin"}, timeout=60)
    by_package: dict[str, float] = {}
    for line in result.stderr.splitlines():
        if line.startswith("import time:") and "cumulative" not in line:
            own, _, name = (part.strip() for part in line.split(":", 1)[1].split("|"))
            package = name.split(".")[0]
            by_package[package] = by_package.get(package, 0.0) + int(own) / 1000
    return sorted(by_package.items(), key=lambda item: -item[1])[:top]


def verdicts(imports: dict[str, dict], bare: dict) -> list[Verdict]:
    """Two rows for every function: the slowest import and the largest peak memory (the table has each)."""
    def memory(name: str) -> float:
        return max(imports[name]["maxrss_mb"], imports[name]["call_maxrss_mb"])

    slowest, largest = max(imports, key=lambda n: imports[n]["import_ms"]), max(imports, key=memory)
    import_ms, peak = imports[slowest]["import_ms"], memory(largest)
    return [Verdict(f"slowest import of the {len(imports)} functions ({slowest})", f"{import_ms:.0f} ms",
                    f"< {IMPORT_TARGET_MS:g} ms", f"{bare['process_ms']:.0f} ms bare start-up",
                    f"{import_ms / bare['process_ms']:.1f}×", import_ms < IMPORT_TARGET_MS),
            Verdict(f"largest peak memory of the {len(imports)} functions ({largest})", f"{peak:.1f} MB",
                    f"< {MEMORY_TARGET_MB:g} MB", f"{bare['maxrss_mb']:.1f} MB bare",
                    f"{peak / bare['maxrss_mb']:.1f}×", peak < MEMORY_TARGET_MB)]


def measure(run: stack.Run) -> Section:
    repeats = 3 if stack.QUICK else 7
    section = Section(
        "4. Cold start of each Lambda module",
        "Each `functions/<name>/main.py` is imported the way Lambda loads it (as its own module, from the "
        "project root so `shared` resolves) in a fresh `python` process: `time.perf_counter()` around the "
        "import, the process's peak resident memory after it (VmHWM of /proc/self/status, interpreter "
        "included: `resource.getrusage().ru_maxrss` is not used because Linux carries the parent's high-water"
        " mark over fork and exec, which made every module look as big as the harness). Then the same process"
        " makes the first invocation of `handler` with an API Gateway v2 event for the function's route "
        "carrying an unknown key: it opens the database connection and looks the key up (401), as every first"
        " request does; memory is measured again after it (the figure a Lambda's memory size must hold). One "
        "run to warm the OS cache and write .pyc files (a deployed package has them), then the median of "
        f"{repeats} runs; memory is the largest seen. Baseline: a bare interpreter (`python -c` printing its "
        "own VmHWM); 'process' is the subprocess's whole wall time, interpreter start-up and first invocation"
        " included.")
    functions = sorted(p.parent.name for p in (stack.ROOT / "functions").glob("*/main.py"))
    stack.say("cold start: bare interpreter")
    bare = measure_one(BARE, repeats)
    table = Table(["module", "import ms (median)", "import ms (max)", "first invocation ms", "process ms",
                   "peak RSS MB after import", "after first invocation", "modules loaded"],
                  [["bare interpreter (baseline)", "—", "—", "—", f"{bare['process_ms']:.0f}",
                    f"{bare['maxrss_mb']:.1f}", "—", str(bare["modules"])]])
    imports = {}
    for name in functions:
        stack.say(f"cold start: functions/{name}/main.py")
        path = str(stack.ROOT / "functions" / name / "main.py")
        event = first_request(name, run.work_dir)
        figures = imports[name] = measure_one(IMPORT_ONE, repeats, path, str(event))
        table.rows.append([f"functions/{name}", f"{figures['import_ms']:.0f}", f"{figures['import_max_ms']:.0f}",
                           f"{figures['first_call_ms']:.0f} (HTTP {figures['status']})", f"{figures['process_ms']:.0f}",
                           f"{figures['maxrss_mb']:.1f}", f"{figures['call_maxrss_mb']:.1f}", str(figures["modules"])])
    section.tables.append(table)
    section.verdicts += verdicts(imports, bare)
    # Where the time goes in the slowest import (a profile when a target is missed, information otherwise).
    slowest = max(imports, key=lambda n: imports[n]["import_ms"])
    rows = heaviest_imports(str(stack.ROOT / "functions" / slowest / "main.py"))
    section.notes.append(f"Where the slowest module's import time goes, functions/{slowest} "
                         "(`python -X importtime`, one run, each module's own time added up by package): "
                         + ", ".join(f"`{n}` {ms:.0f}" for n, ms in rows) + ".")
    section.notes.append(f"The first invocation's cost beyond the query, one run: {first_call_profile(run)}")
    from shared.platform import settings

    tries_tls = settings.params_from_url(os.environ["DATABASE_URL"]).get("ssl_context") is not False
    if "lead_intake" in imports and not tries_tls:
        section.notes.append("The database URL says `sslmode=disable` and the settings pass `ssl_context=False`, so "
                             "the first connection does not build a TLS context (a URL without sslmode lets pg8000 "
                             "try TLS, which costs a default SSL context, tens of ms, on every new connection).")
    if "lead_intake" in imports and tries_tls:
        plain = measure_one(NO_TLS + IMPORT_ONE, repeats, str(stack.ROOT / "functions" / "lead_intake" / "main.py"),
                            str(first_request("lead_intake", run.work_dir)))
        section.notes.append(
            f"What-if: with pg8000 told not to try TLS (`ssl_context=False`, as `sslmode=disable` means), "
            f"functions/lead_intake's first invocation takes {plain['first_call_ms']:.0f} ms instead of "
            f"{imports['lead_intake']['first_call_ms']:.0f} ms (median of {repeats}; the change is applied in the "
            "measuring process only).")
    return section


# What-if: the settings give pg8000 ssl_context=False when the URL says sslmode=disable.
NO_TLS = """
import shared.platform.settings
_params_from_url = shared.platform.settings.params_from_url
def params_from_url(url):
    params = _params_from_url(url)
    params.setdefault("ssl_context", False)
    return params
shared.platform.settings.params_from_url = params_from_url
"""

FIRST_CALL_PROFILE = """
import cProfile, importlib.util, json, pstats, sys
spec = importlib.util.spec_from_file_location("lambda_function", sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
profiler = cProfile.Profile()
profiler.enable()
module.handler(json.load(open(sys.argv[2])), None)
profiler.disable()
stats = pstats.Stats(profiler)
total = stats.total_tt
rows = []
for (file, line, name), (cc, nc, tt, ct, callers) in stats.stats.items():
    rows.append((ct, name, file.rsplit("/", 1)[-1]))
wanted = {"create_default_context", "load_default_certs", "connect", "authenticate", "create_connection"}
print(json.dumps({"total_ms": total * 1000,
                  "parts": {f"{name} ({file})": ct * 1000 for ct, name, file in rows if name in wanted}}))
"""


def first_call_profile(run: stack.Run) -> str:
    """cProfile of one first invocation (lead_intake): how much of it is opening the connection."""
    path = str(stack.ROOT / "functions" / "lead_intake" / "main.py")
    env = {"PATH": "/usr/bin:/bin", "DATABASE_URL": os.environ.get("DATABASE_URL", ""), "AVENIR_LOG_LEVEL": "WARNING"}
    result = subprocess.run([sys.executable, "-c", FIRST_CALL_PROFILE, path, str(first_request("lead_intake",
                            run.work_dir))], cwd=stack.ROOT, capture_output=True, text=True, env=env, timeout=60)
    if result.returncode != 0:
        return f"(profile failed: {result.stderr.strip()[-300:]})"
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    parts = ", ".join(f"`{name}` {ms:.0f} ms" for name, ms in sorted(figures["parts"].items(), key=lambda p: -p[1]))
    return (f"functions/lead_intake's first invocation under cProfile took {figures['total_ms']:.0f} ms; "
            f"cumulative: {parts}.")
