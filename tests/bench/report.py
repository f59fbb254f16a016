"""What a measurement hands back (a Section: tables, verdicts against targets, notes, profiles)
and BENCHMARKS.md written from all of them, with the machine's description."""
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
    target: str
    baseline: str
    ratio: str
    met: bool | None  # None: no target, reported for information


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]] = field(default_factory=list)

    def markdown(self) -> str:
        lines = ["| " + " | ".join(self.header) + " |", "|" + "---|" * len(self.header)]
        lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in self.rows]
        return "\n".join(lines)


@dataclass
class Section:
    title: str
    method: str
    tables: list[Table] = field(default_factory=list)
    verdicts: list[Verdict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    profile: str = ""
    skipped: str = ""  # why it was not measured (its measurement failed)

    @property
    def missed(self) -> list[Verdict]:
        return [v for v in self.verdicts if v.met is False]


def mark(met: bool | None) -> str:
    return {True: "met", False: "**MISSED**", None: "—"}[met]


def machine() -> list[tuple[str, str]]:
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem_kb = 0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            mem_kb = int(line.split()[1])
    return [("CPU", f"{os.cpu_count()} cores (nproc), {cpu}"),
            ("Memory", f"{mem_kb / 1024 / 1024:.1f} GiB"),
            ("OS", f"{platform.system()} {platform.release()}"),
            ("Python", platform.python_version())]


def git_commit() -> str:
    result = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=stack.ROOT, capture_output=True, text=True)
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=stack.ROOT,
                           capture_output=True, text=True).stdout.strip()
    return (result.stdout.strip() or "unknown") + (" (with uncommitted changes in the tree)" if dirty else "")


def load_average() -> str:
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def write(path: Path, sections: list[Section], started: datetime.datetime, finished: datetime.datetime,
          facts: list[tuple[str, str]]) -> None:
    out = ["# Benchmarks", ""]
    if stack.QUICK:
        out += ["> **Quick mode** (AVENIR_BENCH_QUICK=1): short runs and small sizes, for development. "
                "These are not the reference figures; run `make bench` for those.", ""]
    out += [f"Run on {started:%Y-%m-%d} from {started:%H:%M} to {finished:%H:%M} UTC "
            f"({(finished - started).total_seconds() / 60:.1f} min), commit {git_commit()}. "
            "Every baseline was measured in the same run, on the same machine, minutes apart from the "
            "figure it is compared with.", "",
            "Reproduce: `make bench` (it creates .venv, installs wrk with apt-get when missing, and runs "
            "`python -m tests.bench`; `AVENIR_BENCH_QUICK=1 make bench` for a short development run; "
            "`python -m tests.bench intake coldstart` runs only the named sections).", ""]
    verdicts = [(s, v) for s in sections for v in s.verdicts]
    if verdicts:
        out += ["## Summary", "", Table(["measurement", "figure", "target", "baseline", "ratio", "verdict"],
                                        [[v.what, v.figure, v.target, v.baseline, v.ratio, mark(v.met)]
                                         for _, v in verdicts]).markdown(), ""]
    skipped = [s for s in sections if s.skipped]
    if skipped:
        out += ["Not measured in this run: " + "; ".join(f"{s.title} ({s.skipped})" for s in skipped) + ".", ""]
    out += ["## Machine and settings", "", Table(["", ""], [list(f) for f in machine() + facts]).markdown(), ""]
    for section in sections:
        out += [f"## {section.title}", "", section.method, ""]
        if section.skipped:
            out += [f"Not measured: {section.skipped}.", ""]
            continue
        for table in section.tables:
            out += [table.markdown(), ""]
        out += [f"- {note}" for note in section.notes]
        if section.notes:
            out.append("")
        if section.profile:
            heading, _, body = section.profile.partition("\n")
            out += [f"<details><summary>{heading.lstrip('# ')}</summary>", "", body.strip(), "", "</details>", ""]
    findings = Path(__file__).resolve().parent / "findings.md"
    if findings.exists():
        out += [findings.read_text().strip(), ""]
    path.write_text("\n".join(out).rstrip() + "\n")
