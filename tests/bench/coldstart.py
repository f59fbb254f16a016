"""Cold import of each function: each `functions/<name>/main.py` loaded as Lambda loads it (a module of
its own) in a fresh interpreter, its import time and the process's peak memory, against a bare
interpreter's start-up and memory."""
import json
import os
import statistics
import subprocess
import sys

from tests.bench import stack
from tests.bench.report import Section, Table, Verdict, ratio

IMPORT_GOAL_MS = 300.0
MEMORY_GOAL_MB = 128.0
# Given no file, it imports nothing: the bare interpreter. VmHWM is this process image's peak RSS
# (ru_maxrss would carry the parent's high-water mark over exec).
IMPORT_ONE = """
import importlib.util, json, sys, time
started = time.perf_counter()
if sys.argv[1:]:
    spec = importlib.util.spec_from_file_location("lambda_function", sys.argv[1])
    spec.loader.exec_module(importlib.util.module_from_spec(spec))
peak_kb = int(next(line for line in open("/proc/self/status") if line.startswith("VmHWM:")).split()[1])
print(json.dumps({"import_ms": (time.perf_counter() - started) * 1000 if sys.argv[1:] else 0, "peak_kb": peak_kb}))
"""


def sample(*path: str) -> dict:
    env = {"PATH": "/usr/bin:/bin", "DATABASE_URL": os.environ.get("DATABASE_URL", ""), "AVENIR_LOG_LEVEL": "WARNING"}
    result, seconds = stack.timed(subprocess.run, [sys.executable, "-c", IMPORT_ONE, *path], cwd=stack.ROOT,
                                  capture_output=True, text=True, env=env, timeout=60, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1]) | {"process_ms": seconds * 1000}


def measure_one(repeats: int, *path: str) -> dict:
    """One run to fill the OS cache and write .pyc files (a deployed package has them), then the median of
    `repeats`; memory the largest seen."""
    runs = [sample(*path) for _ in range(1 + repeats)][1:]
    return {"import_ms": statistics.median(r["import_ms"] for r in runs),
            "process_ms": statistics.median(r["process_ms"] for r in runs),
            "peak_mb": max(r["peak_kb"] for r in runs) / 1024}


def measure(run: stack.Run) -> Section:
    repeats = 3 if stack.QUICK else 7
    section = Section("Cold import of each function", (
        f"A fresh `python` per import, median of {repeats} after one warming run; peak RSS includes the "
        "interpreter. Baseline: a bare interpreter's whole process time and memory."))
    bare = measure_one(repeats)
    imports = {path.parent.name: measure_one(repeats, str(path))
               for path in sorted((stack.ROOT / "functions").glob("*/main.py"))}
    section.tables.append(Table(["function", "import ms", "÷ bare start-up", "peak MB"], [
        [f"bare interpreter (baseline): {bare['process_ms']:.0f} ms process", "—", "1", f"{bare['peak_mb']:.1f}"],
        *([name, f"{f['import_ms']:.0f}", f"{f['import_ms'] / bare['process_ms']:.1f}", f"{f['peak_mb']:.1f}"]
          for name, f in imports.items())]))
    slowest = max(imports, key=lambda n: imports[n]["import_ms"])
    biggest = max(imports, key=lambda n: imports[n]["peak_mb"])
    slow, big = imports[slowest], imports[biggest]
    section.verdicts += [
        Verdict(f"slowest import of the {len(imports)} functions ({slowest})", f"{slow['import_ms']:.0f} ms",
                f"{bare['process_ms']:.0f} ms bare start-up", ratio(slow["import_ms"], bare["process_ms"]),
                f"< {IMPORT_GOAL_MS:g} ms", slow["import_ms"] < IMPORT_GOAL_MS),
        Verdict(f"largest peak memory after import ({biggest})", f"{big['peak_mb']:.1f} MB",
                f"{bare['peak_mb']:.1f} MB bare", ratio(big["peak_mb"], bare["peak_mb"]),
                f"< {MEMORY_GOAL_MB:g} MB", big["peak_mb"] < MEMORY_GOAL_MB)]
    return section
