"""The README is what a newcomer follows: it names every environment setting the code reads, and
its `curl` for each route works, pasted as it is, against the server `make run` serves."""
import os
import re
import shlex
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
README = (ROOT / "README.md").read_text()
READS = re.compile(r"""os\.(?:environ\.get\(|environ\[|getenv\()\s*["']([A-Z][A-Z0-9_]+)["']""")
# Set by the tests and benchmarks themselves for a child process they start: plumbing, not settings.
PLUMBING = {"LAYER_PYTHON", "BENCH_API_KEY", "BENCH_RUN_TAG"}


def settings_read_by(*folders: str) -> set[str]:
    names = set()
    for folder in folders:
        for path in (ROOT / folder).rglob("*"):
            if path.suffix in (".py", ".lua") and path.is_file():
                names |= set(READS.findall(path.read_text()))
    return names


def test_the_readme_names_every_environment_setting_the_code_reads():
    names = settings_read_by("shared", "functions", "infra", "tests")
    assert {"DATABASE_URL", "AVENIR_PG_BIN", "AVENIR_PG_PORT", "AVENIR_STATE_DIR", "PORT"} <= names
    missing = sorted(name for name in names - PLUMBING if f"`{name}`" not in README)
    assert missing == [], f"not in the README: {missing}"


def readme_curls() -> list[str]:
    """The curl commands of the README's "Every route by hand" block, each whole: continuation lines
    and lines inside a quoted argument joined as the shell joins them."""
    block = README.split("**Every route by hand.**", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    commands, pending = [], ""
    for line in block.splitlines():
        pending += line
        if pending.endswith("\\"):
            pending = pending[:-1]
            continue
        try:
            shlex.split(pending)
        except ValueError:  # a quote still open: the argument goes on on the next line
            pending += "\n"
            continue
        commands.append(pending)
        pending = ""
    return [command for command in commands if command.startswith("curl ")]


def test_the_readme_shows_a_curl_for_every_route():
    commands = " ".join(readme_curls())
    for route in ("-X POST $API/api/lead ", "/api/leads/$LEAD/tag", "/api/leads/$LEAD/revert",
                  "/api/prospects/score", "$API/api/prospects?", "/api/intelligence/run", "/api/clients/rotate-key"):
        assert route in commands, route


def test_each_curl_of_the_readme_works_as_pasted(server, make_client, admin):
    client = make_client()
    env = dict(os.environ, API=server, KEY=client.api_key, ADMIN=admin.api_key)
    for command in readme_curls():
        result = subprocess.run(["bash", "-c", command + " -w '\\n%{http_code}'"], env=env, capture_output=True,
                                text=True, timeout=60)
        body, _, status = result.stdout.rpartition("\n")
        assert result.returncode == 0 and status in ("200", "201"), f"{command}\n{status} {body} {result.stderr}"
        if "/api/lead " in command + " ":
            env["LEAD"] = re.search(r'"lead_id": ?"([0-9a-f-]{36})"', body).group(1)
