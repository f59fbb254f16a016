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


def function(frame: str) -> str:
    """A frame without its line number: samples add up per function, not per line."""
    match = FRAME.match(frame)
    return f"{match.group('function')} ({match.group('file')})" if match else frame


def short(key: str) -> str:
    name, _, file = key.rpartition(" (")
    file = file.rstrip(")")
    for marker in ("site-packages/", "/work/main/", "lib/python3"):
        if marker in file:
            file = file.split(marker, 1)[1]
    return f"`{name}` ({file})"


def _file(frame: str) -> str:
    match = FRAME.match(frame)
    return match.group("file") if match else ""


# Leaf frames where a thread waits rather than computes: py-spy does not always see these
# threads as idle, so they are counted apart from the CPU.
WAITS = ("SocketIO.readinto", "socket.recv", "EpollSelector.select", "select (", "Condition.wait",
         "_worker (concurrent/futures/thread.py", "lock.acquire", "Event.wait", "Handler.acquire")
SENDS = ("SocketIO.write", "write (gunicorn/util.py", "sendall", "socket.send")


def kind(frames: list[str]) -> str:
    """What a request thread was doing in one sample."""
    leaf = frames[-1]
    if any("connect (shared/platform/db.py" in f for f in frames):
        return "opening its database connection (once per thread)"
    if any(w in leaf for w in WAITS):
        if any("pg8000/" in f for f in frames):
            return "waiting for PostgreSQL's answer (socket read in pg8000)"
        return "waiting on something else (select, a lock such as the log handler's)"
    if any(w in leaf for w in SENDS):
        return "in a socket send (to PostgreSQL or the caller; a syscall that wakes the other side)"
    return "computing in Python"


def summary(path: Path, top: int = 12) -> tuple[str, list[tuple[str, float]], list[tuple[str, float]]]:
    """Markdown tables, and the hot functions (self, inclusive) as (name, share) pairs. Only the
    samples of threads handling a request count (gunicorn's handle_request on the stack), so the
    workers' boot and idle loops are left out; each sample is sorted by what the thread was doing,
    and the functions are ranked over the samples computing in Python."""
    stacks = [(frames, n) for frames, n in read(path) if any("handle_request" in f for f in frames)]
    everything = sum(n for _, n in stacks)
    if not everything:
        return "The profile holds no sample of a request being handled.", [], []
    kinds = collections.Counter()
    for frames, n in stacks:
        kinds[kind(frames)] += n
    busy = [(frames, n) for frames, n in stacks if kind(frames) == "computing in Python"]
    total = sum(n for _, n in busy)
    by_kind = Table(["request threads were ...", "share of samples"],
                    [[k, f"{n / everything:.0%}"] for k, n in kinds.most_common()])
    if not total:
        return by_kind.markdown(), [], []
    own = collections.Counter()
    inclusive = collections.Counter()
    layers = collections.Counter()
    for frames, count in busy:
        own[function(frames[-1])] += count
        for key in {function(f) for f in frames}:
            inclusive[key] += count
        for layer, markers in LAYERS:
            markers = markers if isinstance(markers, tuple) else (markers,)
            if any(any(m in _file(f) for m in markers) for f in frames):
                layers[layer] += count
    by_layer = Table(["layer (a sample counts in every layer on its stack)", "share of CPU samples"],
                     [[layer, f"{layers[layer] / total:.0%}"] for layer, _ in LAYERS])
    hot_self = [(short(f), n / total) for f, n in own.most_common(top)]
    interesting = [(f, n) for f, n in inclusive.most_common() if any(
        m in f.rpartition(" (")[2] for m in ("shared/", "functions/", "pg8000/", "pydantic", "functions_framework/",
                                              "logging/"))]
    hot_inclusive = [(short(f), n / total) for f, n in interesting[:top]]
    text = "\n\n".join([
        f"py-spy (100 Hz, --nonblocking) on every gunicorn worker; {everything:,} samples of threads handling a "
        "request:",
        by_kind.markdown(),
        f"Where the {total:,} samples computing in Python were (shares of those):",
        by_layer.markdown(),
        "Hottest functions by own time (the frame on top of the stack):",
        Table(["function", "own share"], [[n, f"{s:.1%}"] for n, s in hot_self]).markdown(),
        "Hottest of our code and its libraries by inclusive time (the function or anything it calls):",
        Table(["function", "inclusive share"], [[n, f"{s:.1%}"] for n, s in hot_inclusive]).markdown()])
    return text, hot_self, hot_inclusive
