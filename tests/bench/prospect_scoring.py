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
    admin = stack.make_internal_client()
    sample = batch("size")
    body_bytes = len(json.dumps(sample).encode())
    times = {"new": [], "re-scored": []}
    refused = None
    with stack.avenir_serve(run.work_dir, "scoring-serve") as server:
        url = server.base_url + "/api/prospects/score"
        post(url, json.dumps(batch("warm", 20)).encode(), admin.api_key)
        for rep in range(repeats):
            body = json.dumps(batch(f"r{rep}-{int(time.time())}")).encode()
            for kind, created in (("new", True), ("re-scored", False)):
                status, answer, elapsed = post(url, body, admin.api_key)
                stack.say(f"prospect scoring: {BATCH} {kind}: HTTP {status} in {elapsed * 1000:.0f} ms")
                if status != 200:
                    refused = (status, answer)
                    break
                if answer["scored"] != BATCH or any(r["created"] is not created for r in answer["results"]):
                    raise AssertionError(f"the {kind} batch did not come back as {BATCH} rows created={created}")
                times[kind].append(elapsed)
            if refused:
                break
        fit = None
        if refused:
            fit, small = largest_fitting(f"fit-{int(time.time())}")
            fit_times = [post(url, small, admin.api_key) for _ in ("new", "re-scored")]
    noop_times = []
    with stack.noop_serve(run.work_dir) as server:
        body = json.dumps(sample).encode()
        post(server.base_url + "/api/prospects/score", body, "none")
        noop_times = [post(server.base_url + "/api/prospects/score", body, "none")[2] for _ in range(max(3, repeats))]
    noop = statistics.median(noop_times)

    table = Table(["request", "prospects", "body KiB", "HTTP status", "wall ms (median)", "(baseline) do-nothing ms",
                   "ratio"])
    if refused:
        status, answer = refused
        code = (answer or {}).get("error", {}).get("code")
        table.rows.append([f"{BATCH} new", str(BATCH), f"{body_bytes / 1024:.0f}", f"{status} {code}", "—",
                           f"{noop * 1000:.1f}", "—"])
        for (status, _, elapsed), kind in zip(fit_times, ("new", "re-scored"), strict=True):
            table.rows.append([f"largest batch accepted, {kind}", str(fit), f"{len(small) / 1024:.0f}", str(status),
                               f"{elapsed * 1000:.0f}", "—", "—"])
        section.verdicts.append(Verdict(
            f"{BATCH}-prospect batch over HTTP", f"refused: {status} {code}", f"< {TARGET_SECONDS:g} s",
            f"{noop * 1000:.1f} ms do-nothing", "—", False))
        section.notes.append(
            f"**A {BATCH}-prospect batch cannot be sent**: with realistic fields it is {body_bytes / 1024:.0f} KiB and "
            f"shared/http.py refuses any body over 64 KiB (MAX_BODY_BYTES) with 413, while the contract allows up to "
            f"{BATCH} prospects per batch. About {fit} such prospects fit. The route needs a larger body limit "
            f"(API Gateway HTTP APIs accept 10 MB; this {BATCH}-prospect batch needs {body_bytes / 1024:.0f} KiB).")
        section.notes.append(in_process(admin))
    else:
        for kind in ("new", "re-scored"):
            median = statistics.median(times[kind])
            table.rows.append([f"{BATCH} {kind}", str(BATCH), f"{body_bytes / 1024:.0f}", "200", f"{median * 1000:.0f}",
                               f"{noop * 1000:.1f}", f"{median / noop:.0f}×"])
            section.verdicts.append(Verdict(
                f"{BATCH}-prospect batch, {kind}", f"{median * 1000:.0f} ms", f"< {TARGET_SECONDS * 1000:g} ms",
                f"{noop * 1000:.1f} ms do-nothing", f"{median / noop:.0f}×", median < TARGET_SECONDS))
    section.tables.append(table)
    return section


def largest_fitting(tag: str, limit: int = 64 * 1024) -> tuple[int, bytes]:
    """The largest batch of these prospects whose body is within `limit` bytes, and that body."""
    size = BATCH
    while size > 1:
        body = json.dumps(batch(tag, size)).encode()
        if len(body) <= limit:
            return size, body
        size = int(size * limit / len(body) * 0.99)
    return 1, json.dumps(batch(tag, 1)).encode()


def in_process(admin) -> str:
    """What the route does once the body is read, for the full batch: validation, then the batch."""
    from shared import prospects

    body = batch(f"inproc-{int(time.time())}")
    figures = []
    for kind in ("new", "re-scored"):
        started = time.perf_counter()
        request = prospects.ScoreRequest.model_validate(body)
        validated = time.perf_counter()
        prospects.score_batch(request.prospects)
        done = time.perf_counter()
        figures.append(f"{kind}: validation {1000 * (validated - started):.0f} ms + score_batch "
                       f"{1000 * (done - validated):.0f} ms")
    return (f"In process, past the body limit (pydantic validation of the {BATCH}-prospect body, then "
            f"`prospects.score_batch`): " + "; ".join(figures) + ".")
