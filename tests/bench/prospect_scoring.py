"""3. Prospect scoring: one 1000-prospect batch over HTTP, new then re-scored, against the
do-nothing function receiving the same body."""
import json
import statistics
import time
import urllib.error
import urllib.request

from tests.bench import stack
from tests.bench.report import Section, Table, Verdict

BATCH = 1000
TARGET_SECONDS = 1.0
INDUSTRIES = ["Roofing", "Plumbing", "Renovation", "Landscaping", "Electrical", "HVAC", "Cleaning", "Painting"]
REGIONS = ["Montréal", "Laval", "Québec", "Gatineau", "Sherbrooke", "Longueuil", "Lévis", "Trois-Rivières"]


def batch(tag: str, size: int = BATCH) -> dict:
    """Realistic prospects, every one with its own website and contact email."""
    prospects = []
    for i in range(size):
        site = f"{tag}-{i}.bench-prospects.ca"
        prospects.append({
            "business_name": f"{INDUSTRIES[i % 8]} {REGIONS[(i // 8) % 8]} {i}",
            "website": f"https://www.{site}/", "contact_email": f"info@{site}",
            "form_url": f"https://www.{site}/contact", "industry": INDUSTRIES[i % 8], "region": REGIONS[(i // 8) % 8],
            "language": "fr" if i % 3 == 0 else "en",
            "test": {"has_autoresponder": i % 2 == 0, "response_time_ms": None if i % 7 == 0 else (i * 37) % 9000,
                     "is_personalized": i % 5 == 0, "is_generic": i % 5 == 1}})
    return {"prospects": prospects}


def post(url: str, body: bytes, key: str) -> tuple[int, dict | None, float]:
    request = urllib.request.Request(url, data=body, method="POST",
                                     headers={"Content-Type": "application/json", "x-api-key": key})
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            status, text = answer.status, answer.read()
    except urllib.error.HTTPError as e:
        status, text = e.code, e.read()
    elapsed = time.perf_counter() - started
    try:
        return status, json.loads(text), elapsed
    except ValueError:
        return status, None, elapsed


def measure(run: stack.Run) -> Section:
    repeats = 1 if stack.QUICK else 3
    section = Section(
        "3. Prospect scoring: a 1000-prospect batch",
        f"The internal client POSTs `/api/prospects/score` to `avenir serve` with {BATCH} realistic prospects (each "
        "with its own website, contact email, form URL, industry, region, language and test result), then the "
        f"same batch again (every prospect found by its website host and re-scored in place). Wall time of the "
        f"whole HTTP exchange as the caller sees it, median of {repeats} fresh batches. Baseline: the "
        "do-nothing function receiving the same body over the same server.")
    body_bytes = len(json.dumps(batch("size")).encode())
    times, noop = served_times(run, repeats), noop_time(run, max(3, repeats))
    table = Table(["request", "prospects", "body KiB", "HTTP status", "wall ms (median)", "(baseline) do-nothing ms",
                   "ratio"])
    for kind in ("new", "re-scored"):
        median = statistics.median(times[kind])
        table.rows.append([f"{BATCH} {kind}", str(BATCH), f"{body_bytes / 1024:.0f}", "200", f"{median * 1000:.0f}",
                           f"{noop * 1000:.1f}", f"{median / noop:.0f}×"])
        section.verdicts.append(Verdict(
            f"{BATCH}-prospect batch, {kind}", f"{median * 1000:.0f} ms", f"< {TARGET_SECONDS * 1000:g} ms",
            f"{noop * 1000:.1f} ms do-nothing", f"{median / noop:.0f}×", median < TARGET_SECONDS))
    section.tables.append(table)
    return section


def served_times(run: stack.Run, repeats: int) -> dict[str, list[float]]:
    """Seconds per fresh batch, new then re-scored, through `avenir serve`; each answer checked."""
    admin = stack.make_internal_client()
    times = {"new": [], "re-scored": []}
    with stack.avenir_serve(run.work_dir, "scoring-serve") as server:
        url = server.base_url + "/api/prospects/score"
        post(url, json.dumps(batch("warm", 20)).encode(), admin.api_key)
        for rep in range(repeats):
            body = json.dumps(batch(f"r{rep}-{int(time.time())}")).encode()
            for kind, created in (("new", True), ("re-scored", False)):
                status, answer, elapsed = post(url, body, admin.api_key)
                stack.say(f"prospect scoring: {BATCH} {kind}: HTTP {status} in {elapsed * 1000:.0f} ms")
                if status != 200 or answer["scored"] != BATCH or any(r["created"] is not created
                                                                      for r in answer["results"]):
                    raise AssertionError(f"the {kind} batch did not come back as {BATCH} rows created={created}: "
                                         f"HTTP {status} {answer}")
                times[kind].append(elapsed)
    return times


def noop_time(run: stack.Run, repeats: int) -> float:
    """Median seconds of the do-nothing function receiving the same body over the same server."""
    body = json.dumps(batch("size")).encode()
    with stack.noop_serve(run.work_dir) as server:
        url = server.base_url + "/api/prospects/score"
        post(url, body, "none")
        return statistics.median(post(url, body, "none")[2] for _ in range(repeats))
