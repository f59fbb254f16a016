"""Reading a py-spy profile (raw collapsed stacks of every server process): where the CPU went,
by function (self and inclusive) and by layer (our code, pg8000, Flask/functions-framework, ...)."""
import collections
import re
from pathlib import Path

from tests.bench.report import Table

# py-spy frames read "function (file:line)"; a layer is recognised by the file's path.
LAYERS = [
    ("shared/enrichment (lead enrichment engine)", "shared/enrichment/"),
    ("shared/ (all of it, enrichment included)", "shared/"),
    ("functions/", "functions/"),
    ("pg8000 (database driver)", "pg8000/"),
    ("pydantic", "pydantic"),
    ("flask / werkzeug / functions_framework", ("flask/", "werkzeug/", "functions_framework/")),
    ("gunicorn", "gunicorn/"),
    ("logging + json (request logs)", ("logging/", "json/")),
]
FRAME = re.compile(r"^(?P<function>.*) \((?P<file>[^()]*):(?P<line>\d+)\)$")


def read(path: Path) -> list[tuple[list[str], int]]:
    stacks = []
    for line in path.read_text(errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        frames = [f for f in stack.split(";") if f and not f.startswith("process ") and FRAME.match(f)]
        if frames:
            stacks.append((frames, int(count)))
    return stacks


def short(frame: str) -> str:
    match = FRAME.match(frame)
    name, file = match.group("function"), match.group("file")
    for marker in ("site-packages/", "/work/main/", "lib/python3"):
        if marker in file:
            file = file.split(marker, 1)[1]
    return f"`{name}` ({file}:{match.group('line')})"


def _file(frame: str) -> str:
    match = FRAME.match(frame)
    return match.group("file") if match else ""


# Leaf frames where a thread waits rather than computes: py-spy does not always see these
# threads as idle, so they are counted apart from the CPU.
WAITS = ("SocketIO.readinto", "socket.recv", "EpollSelector.select", "select (", "Condition.wait",
         "_worker (concurrent/futures/thread.py", "lock.acquire", "Event.wait")


def is_wait(frame: str) -> bool:
    return any(frame.startswith(w) or w in frame for w in WAITS)


def summary(path: Path, top: int = 12) -> tuple[str, list[tuple[str, float]], list[tuple[str, float]]]:
    """Markdown tables, and the hot functions (self, inclusive) as (name, share) pairs. Only the
    samples of threads handling a request count (gunicorn's handle_request on the stack), so the
    workers' boot and idle loops are left out."""
    stacks = [(frames, n) for frames, n in read(path) if any("handle_request" in f for f in frames)]
    everything = sum(n for _, n in stacks)
    waiting = sum(n for frames, n in stacks if is_wait(frames[-1]))
    socket_waits = sum(n for frames, n in stacks if is_wait(frames[-1]) and any("pg8000/" in f for f in frames))
    busy = [(frames, n) for frames, n in stacks if not is_wait(frames[-1])]
    total = sum(n for _, n in busy)
    if not total:
        return "The profile holds no sample of a request being handled.", [], []
    own = collections.Counter()
    inclusive = collections.Counter()
    layers = collections.Counter()
    for frames, count in busy:
        own[frames[-1]] += count
        for frame in set(frames):
            inclusive[frame] += count
        for layer, markers in LAYERS:
            markers = markers if isinstance(markers, tuple) else (markers,)
            if any(any(m in _file(f) for m in markers) for f in frames):
                layers[layer] += count
    by_layer = Table(["layer (a sample counts in every layer on its stack)", "share of CPU samples"],
                     [[layer, f"{layers[layer] / total:.0%}"] for layer, _ in LAYERS])
    hot_self = [(short(f), n / total) for f, n in own.most_common(top)]
    interesting = [(f, n) for f, n in inclusive.most_common() if any(
        m in _file(f) for m in ("shared/", "functions/", "pg8000/", "pydantic", "functions_framework/", "logging/"))]
    hot_inclusive = [(short(f), n / total) for f, n in interesting[:top]]
    text = "\n\n".join([
        f"py-spy (100 Hz, --nonblocking) on every gunicorn worker, samples of threads handling a request only: "
        f"{everything:,} samples, of which {waiting / everything:.0%} waiting (blocked in a socket read or a "
        f"select; {socket_waits / everything:.0%} in pg8000 waiting for PostgreSQL's answer) and "
        f"{total:,} computing in Python. Shares below are of the computing samples.",
        by_layer.markdown(),
        "Hottest functions by own time (the frame on top of the stack):",
        Table(["function", "own share"], [[n, f"{s:.1%}"] for n, s in hot_self]).markdown(),
        "Hottest of our code and its libraries by inclusive time (the function or anything it calls):",
        Table(["function", "inclusive share"], [[n, f"{s:.1%}"] for n, s in hot_inclusive]).markdown()])
    return text, hot_self, hot_inclusive
