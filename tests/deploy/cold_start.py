"""What a Lambda cold start pays to import each function: a fresh interpreter imports
functions/<name>/main.py the way the runtime does (`import main` with the function folder first on
sys.path) and reports wall time, peak memory (VmHWM, else ru_maxrss) and which heavy modules came along.

    .venv/bin/python tests/deploy/cold_start.py      # prints one JSON line per function
"""
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WATCHED = ("flask", "functions_framework", "werkzeug", "boto3", "botocore")

_PROBE = """
import resource, sys, time


def peak_rss_mib():
    # VmHWM is this process image's own high-water mark; ru_maxrss (the fallback) can carry the
    # parent's peak across fork and exec on Linux, which would hide the import's cost under pytest.
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


baseline = peak_rss_mib()
sys.path.insert(0, sys.argv[1])
started = time.perf_counter()
import main
elapsed = time.perf_counter() - started
import json
print(json.dumps({"import_ms": round(elapsed * 1000, 1), "peak_rss_mib": round(peak_rss_mib(), 1),
                  "interpreter_rss_mib": round(baseline, 1),
                  "handler_callable": callable(getattr(main, "handler", None)),
                  "modules": sorted(m for m in sys.argv[2:] if m in sys.modules)}))
"""


def measure(folder: str | Path, environ: dict | None = None) -> dict:
    """Import functions/<folder>/main.py in a new interpreter (no bytecode written, so every
    run pays what a fresh Lambda sandbox pays after the layer's .pyc are built)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env.update(environ or {})
    source = ROOT / "functions" / folder  # an absolute Path (a test's own folder) stays as it is
    result = subprocess.run([sys.executable, "-c", _PROBE, str(source), *WATCHED],
                            env=env, cwd=ROOT, capture_output=True, text=True, timeout=60)
    if result.returncode != 0:
        raise RuntimeError(f"importing {source}/main.py failed:\n{result.stderr}")
    return {"function": Path(folder).name, **json.loads(result.stdout)}


def folders() -> list[str]:
    return sorted(p.parent.name for p in (ROOT / "functions").glob("*/main.py"))


if __name__ == "__main__":
    for name in folders():
        print(json.dumps(measure(name)))
