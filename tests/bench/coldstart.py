"""4. Cold start: import time and peak memory of each function's Lambda module in a fresh
interpreter (one subprocess per import), against a bare interpreter's start-up and memory."""
import json
import statistics
import subprocess
import sys
import time

from tests.bench import stack
from tests.bench.report import Section, Table, Verdict

IMPORT_TARGET_MS = 300.0
MEMORY_TARGET_MB = 128.0

# The import as Lambda does it: the file loaded as a module of its own (conftest.load_function).
IMPORT_ONE = """
import importlib.util, json, resource, sys, time
started = time.perf_counter()
spec = importlib.util.spec_from_file_location("lambda_function", sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
assert callable(module.handler)
elapsed = time.perf_counter() - started
print(json.dumps({"import_ms": elapsed * 1000, "maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                  "modules": len(sys.modules)}))
"""
BARE = """
import json, resource, sys
print(json.dumps({"import_ms": 0.0, "maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                  "modules": len(sys.modules)}))
"""


def sample(code: str, *args: str) -> dict:
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-c", code, *args], cwd=stack.ROOT, capture_output=True, text=True,
                            env={"PATH": "/usr/bin:/bin", "PYTHONHASHSEED": "0"}, timeout=60)
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
    return {"import_ms": statistics.median(r["import_ms"] for r in runs),
            "import_max_ms": max(r["import_ms"] for r in runs),
            "process_ms": statistics.median(r["process_ms"] for r in runs),
            "maxrss_mb": max(r["maxrss_kb"] for r in runs) / 1024, "modules": runs[-1]["modules"]}


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


def measure(run: stack.Run) -> Section:
    repeats = 3 if stack.QUICK else 7
    section = Section(
        "4. Cold start of each Lambda module",
        f"Each `functions/<name>/main.py` is imported the way Lambda loads it (as its own module, from the "
        f"project root so `shared` resolves) in a fresh `python` process: `time.perf_counter()` around the "
        f"import, `resource.getrusage(RUSAGE_SELF).ru_maxrss` after it (the whole process's peak, interpreter "
        f"included). One run to warm the OS cache and write .pyc files (a deployed package has them), then the "
        f"median of {repeats} runs; memory is the largest seen. Baseline: a bare interpreter (`python -c` "
        f"printing its own peak memory); 'process' is the subprocess's whole wall time, start-up included.")
    functions = sorted(p.parent.name for p in (stack.ROOT / "functions").glob("*/main.py"))
    if not functions:
        section.skipped = "no function is built yet"
        return section
    stack.say("cold start: bare interpreter")
    bare = measure_one(BARE, repeats)
    table = Table(["module", "import ms (median)", "import ms (max)", "process ms", "peak RSS MB",
                   "modules loaded", "vs bare interpreter"],
                  [["bare interpreter (baseline)", "—", "—", f"{bare['process_ms']:.0f}", f"{bare['maxrss_mb']:.1f}",
                    str(bare["modules"]), "—"]])
    imports = {}
    for name in functions:
        stack.say(f"cold start: functions/{name}/main.py")
        path = str(stack.ROOT / "functions" / name / "main.py")
        figures = imports[name] = measure_one(IMPORT_ONE, repeats, path)
        table.rows.append([f"functions/{name}", f"{figures['import_ms']:.0f}", f"{figures['import_max_ms']:.0f}",
                           f"{figures['process_ms']:.0f}", f"{figures['maxrss_mb']:.1f}", str(figures["modules"]),
                           f"+{figures['process_ms'] - bare['process_ms']:.0f} ms, "
                           f"+{figures['maxrss_mb'] - bare['maxrss_mb']:.1f} MB"])
        section.verdicts += [
            Verdict(f"{name} import", f"{figures['import_ms']:.0f} ms", f"< {IMPORT_TARGET_MS:g} ms",
                    f"{bare['process_ms']:.0f} ms bare start-up", f"{figures['import_ms'] / bare['process_ms']:.1f}×",
                    figures["import_ms"] < IMPORT_TARGET_MS),
            Verdict(f"{name} peak memory", f"{figures['maxrss_mb']:.1f} MB", f"< {MEMORY_TARGET_MB:g} MB",
                    f"{bare['maxrss_mb']:.1f} MB bare", f"{figures['maxrss_mb'] / bare['maxrss_mb']:.1f}×",
                    figures["maxrss_mb"] < MEMORY_TARGET_MB)]
    section.tables.append(table)
    # Where the time goes in the slowest import (a profile when a target is missed, information otherwise).
    slowest = max(imports, key=lambda n: imports[n]["import_ms"])
    rows = heaviest_imports(str(stack.ROOT / "functions" / slowest / "main.py"))
    section.notes.append(f"Where the slowest module's import time goes, functions/{slowest} "
                         "(`python -X importtime`, one run, each module's own time added up by package): "
                         + ", ".join(f"`{n}` {ms:.0f}" for n, ms in rows) + ".")
    return section
