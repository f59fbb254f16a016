"""What a section hands back (tables, and verdicts: a figure, its baseline from the same run, their
ratio, the goal), the few figures every section computes, and BENCHMARKS.md written from them all: a
page read in a minute. Past figures live in git (`git log -p BENCHMARKS.md`), not in the file."""
import datetime
import os
import platform
import re
import statistics
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from tests.bench import stack


@dataclass
class Verdict:
    what: str
    figure: str
    baseline: str
    ratio: str
    goal: str = ""
    met: bool | None = None  # None: no goal, reported for information


@dataclass
class Table:
    header: list[str]
    rows: list[list] = field(default_factory=list)

    def markdown(self) -> list[str]:
        return ["| " + " | ".join(self.header) + " |", "|" + "---|" * len(self.header),
                *("| " + " | ".join(str(cell) for cell in row) + " |" for row in self.rows)]


@dataclass
class Section:
    title: str
    method: str  # one or two sentences: what runs, against which baseline
    tables: list[Table] = field(default_factory=list)
    verdicts: list[Verdict] = field(default_factory=list)
    failed: bool = False  # the method then says why it was not measured


def ratio(figure: float, baseline: float, digits: int = 1) -> str:
    return f"{figure / baseline:.{digits}f}×"


def percentile(values: list[float], p: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


def spread(label: str, values: list[float], digits: int = 3) -> list[str]:
    """A table row: the label, then the values' median, p99 and max."""
    return [label, *(f"{v:.{digits}f}" for v in (statistics.median(values), percentile(values, 99), max(values)))]


def machine() -> str:
    cpu = re.search(r"model name\s*: (.*)", Path("/proc/cpuinfo").read_text()).group(1)
    memory_kb = int(re.search(r"MemTotal:\s*(\d+)", Path("/proc/meminfo").read_text()).group(1))
    return (f"{os.cpu_count()} cores ({cpu}), {memory_kb / 1024 ** 2:.1f} GiB, {platform.system()} "
            f"{platform.release()}, Python {platform.python_version()}")


def git_commit() -> str:
    return subprocess.run(["git", "describe", "--always", "--exclude=*", "--dirty= + uncommitted changes"],
                          cwd=stack.ROOT, capture_output=True, text=True).stdout.strip()


def load_average() -> str:
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


MARK = {True: "met", False: "**missed**", None: "—"}


def write(path: Path, sections: list[Section], started: datetime.datetime, minutes: float, settings: str) -> None:
    out = ["# Benchmarks", ""]
    if stack.QUICK:
        out += ["> **Quick mode** (AVENIR_BENCH_QUICK=1): short runs and small sizes; not reference figures.", ""]
    out += [f"Run {started:%Y-%m-%d %H:%M} UTC ({minutes:.0f} min), commit {git_commit()}, on {machine()}. "
            f"{settings} Every baseline was measured in the same run, on the same machine.", "",
            "Reproduce: `make bench` (~10 min, both cores); `AVENIR_BENCH_QUICK=1 make bench` for a short run; "
            "`python -m tests.bench intake coldstart` for named sections. Earlier figures: "
            "`git log -p BENCHMARKS.md`.", "", "## Summary", ""]
    out += Table(["question", "figure", "baseline (same run)", "ratio", "goal", "verdict"],
                 [[v.what, v.figure, v.baseline, v.ratio, v.goal or "—", MARK[v.met]]
                  for s in sections for v in s.verdicts]).markdown()
    for section in sections:
        out += ["", f"## {section.title}", "", section.method]
        for table in section.tables:
            out += ["", *table.markdown()]
    path.write_text("\n".join(out) + "\n")
