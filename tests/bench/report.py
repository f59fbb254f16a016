"""What a section hands back (tables, and verdicts: a figure, its baseline from the same run, their
ratio, the goal) and BENCHMARKS.md written from all of them: a page read in a minute. Past figures
live in git (`git log -p BENCHMARKS.md`), not in the file."""
import datetime
import os
import platform
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
    rows: list[list[str]] = field(default_factory=list)

    def markdown(self) -> list[str]:
        return ["| " + " | ".join(self.header) + " |", "|" + "---|" * len(self.header),
                *("| " + " | ".join(str(cell) for cell in row) + " |" for row in self.rows)]


@dataclass
class Section:
    title: str
    method: str  # one or two sentences: what runs, against which baseline
    tables: list[Table] = field(default_factory=list)
    verdicts: list[Verdict] = field(default_factory=list)
    failed: str = ""  # why it was not measured


def verdict_mark(met: bool | None) -> str:
    return {True: "met", False: "**missed**", None: "—"}[met]


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), "unknown CPU")
    mem_kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                  if line.startswith("MemTotal:"))
    return (f"{os.cpu_count()} cores ({cpu}), {mem_kb / 1024 ** 2:.1f} GiB, {platform.system()} "
            f"{platform.release()}, Python {platform.python_version()}")


def git_commit() -> str:
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=stack.ROOT, capture_output=True, text=True)
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=stack.ROOT,
                           capture_output=True, text=True).stdout.strip()
    return (head.stdout.strip() or "unknown") + (" + uncommitted changes" if dirty else "")


def load_average() -> str:
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


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
                 [[v.what, v.figure, v.baseline, v.ratio, v.goal or "—", verdict_mark(v.met)]
                  for s in sections for v in s.verdicts]).markdown()
    for section in sections:
        out += ["", f"## {section.title}", "", section.method]
        if section.failed:
            out += ["", f"Not measured: {section.failed}."]
        for table in section.tables:
            out += ["", *table.markdown()]
    path.write_text("\n".join(out) + "\n")
