"""The README is what a newcomer follows: it names every environment setting the code reads, and
its `curl` for each route works, pasted as it is, against the server `make run` serves."""
import json
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
    for route in ("-X POST $API/api/lead ", "$API/api/leads/$LEAD ", "/api/leads/$LEAD/tag", "/api/leads/$LEAD/revert",
                  "/api/prospects/score", "$API/api/prospects?", "/api/prospects/outreach", "$API/api/outreach",
                  "/api/intelligence/run", "$API/api/insights", "/api/clients/rotate-key"):
        assert route in commands, route


def run_readme_curls(server: str, key: str, admin_key: str) -> list[tuple[str, str, dict]]:
    """Each curl of the block in order, as pasted into bash: (command, HTTP status, JSON answer). The
    lead's id is taken from the intake's answer, as the block's `LEAD=...` line asks the reader to."""
    env = dict(os.environ, API=server, KEY=key, ADMIN=admin_key)
    answers = []
    for command in readme_curls():
        result = subprocess.run(["bash", "-c", command + " -w '\\n%{http_code}'"], env=env, capture_output=True,
                                text=True, timeout=60)
        body, _, status = result.stdout.rpartition("\n")
        assert result.returncode == 0, f"{command}\n{result.stderr}"
        answers.append((command, status, json.loads(body) if body.strip() else None))
        if "/api/lead " in command + " ":
            env["LEAD"] = re.search(r'"lead_id": ?"([0-9a-f-]{36})"', body).group(1)
    return answers


def answer_to(answers, *parts: str) -> dict:
    """The answer to the one command holding every part."""
    found = [body for command, _, body in answers if all(part in command for part in parts)]
    assert len(found) == 1, (parts, [command for command, _, _ in answers])
    return found[0]


def test_each_curl_of_the_readme_works_as_pasted_in_order_and_reaches_what_it_shows(server, make_client, admin):
    answers = run_readme_curls(server, make_client().api_key, admin.api_key)
    failed = [(command, status, body) for command, status, body in answers if status not in ("200", "201")]
    assert failed == []
    # the walk's former dead ends: a reply is queued for the lead before the example's own Converted
    # tag (which cancels a reply still waiting), and the outreach has a prospect with an email to write to
    lead = answer_to(answers, "/api/leads/$LEAD -H")
    assert [reply["status"] for reply in lead["replies"]] == ["queued"]
    dry_run = answer_to(answers, "/api/prospects/outreach", '"dry_run": true')["queued"]
    assert [(e["to_email"], e["outreach_id"]) for e in dry_run] == [("info@toitures-laval.ca", None)]
    sent = answer_to(answers, "/api/prospects/outreach", """-d '{"limit": 5}'""")["queued"]
    assert [e["to_email"] for e in sent] == ["info@toitures-laval.ca"] and sent[0]["outreach_id"]
    followed = answer_to(answers, '"$API/api/outreach"')["outreach"]
    assert [row["outreach_id"] for row in followed] == [sent[0]["outreach_id"]]
    assert answer_to(answers, '"$API/api/insights"')["run_date"]


def test_the_readme_gives_the_dashboards_two_sign_ins_that_make_run_sets():
    from infra import cli, local

    for email, password in ((local.DEMO_EMAIL, local.DEMO_PASSWORD), (cli.INTERNAL_EMAIL, local.INTERNAL_PASSWORD)):
        assert f"`{email}` / `{password}`" in README
    assert "| `GET /`, `GET /assets/{name}` | `functions/dashboard` |" in README
