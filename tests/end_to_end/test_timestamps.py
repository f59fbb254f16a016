"""Every moment the API answers is written one way: ISO 8601 in UTC with microseconds and a `Z`
(`2026-12-07T11:53:53.198210Z`), in every JSON answer of every route and in the CSV export, whose
booleans are `true`/`false`."""
import csv
import datetime
import io
import re
import urllib.request
import uuid

import pytest

from infra import openapi
from shared.growth.intelligence import runner
from shared.platform import timestamps
from tests.helpers import Api

pytestmark = pytest.mark.pooled

LOOKS_LIKE_A_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
THE_SPELLING = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$")


def moments(value, at="") -> list[tuple[str, str]]:
    """(where, text) of every string in a JSON answer that looks like a moment."""
    if isinstance(value, dict):
        return [found for key, item in value.items() for found in moments(item, f"{at}.{key}")]
    if isinstance(value, list):
        return [found for i, item in enumerate(value) for found in moments(item, f"{at}[{i}]")]
    return [(at, value)] if isinstance(value, str) and LOOKS_LIKE_A_MOMENT.match(value) else []


@pytest.mark.parametrize(("written", "answered"), [
    ("2026-12-07T11:53:53.198210Z", "2026-12-07T11:53:53.198210Z"),
    ("2026-12-07T11:53:53.19821+00:00", "2026-12-07T11:53:53.198210Z"),
    ("2026-12-07 11:53:53.198210+00:00", "2026-12-07T11:53:53.198210Z"),
    ("2026-12-07T11:53:53Z", "2026-12-07T11:53:53.000000Z"),
    ("2026-12-07T06:53:53.5-05:00", "2026-12-07T11:53:53.500000Z"),
    ("2026-12-07T11:53+0000", "2026-12-07T11:53:00.000000Z"),
    ("2026-12-07T11:53:53.1234567+00:00", "2026-12-07T11:53:53.123456Z"),
    ("2026-12-07", "2026-12-07"),  # a date is a date
    ("2026-02-30T10:00:00Z", "2026-02-30T10:00:00Z"),  # not a moment: text as it is
    ("0001-01-01T00:00:00+14:00", "0001-01-01T00:00:00+14:00"),  # before UTC's year 1: text as it is
    ("Call me at 2026-12-07T11:53:53Z please", "Call me at 2026-12-07T11:53:53Z please"),
])
def test_every_spelling_of_a_moment_is_answered_one_way(written, answered):
    assert timestamps.respelled({"at": [written]}) == {"at": [answered]}
    assert timestamps.respelled(datetime.datetime(2026, 12, 7, 11, 53, 53, tzinfo=datetime.UTC)) == (
        "2026-12-07T11:53:53.000000Z")


@pytest.fixture(scope="module")
def story(server, admin):
    """A lead with a message, its tag changes, a revert and a night's run: something to answer."""
    api = Api(server)
    lead = api.post("/api/lead", {"name": "Olivia Park", "email": f"olivia-{uuid.uuid4().hex[:6]}@parkhomes.ca",
                                  "message": "Can you quote a new roof?"}, key=admin.api_key).json["lead_id"]
    assert api.post(f"/api/leads/{lead}/tag", {"tag": "Converted", "conversion_value": 12500},
                    key=admin.api_key).status == 200
    assert api.post(f"/api/leads/{lead}/revert", {"reason": "Cancelled"}, key=admin.api_key).status == 200
    runner.run_daily(runner.today(), admin.client_id)
    return lead


GETS = sorted(path for path, methods in openapi.document()["paths"].items() if "get" in methods
              and path.startswith("/api/"))


def test_the_routes_walked_here_include_those_that_answer_moments():
    assert {"/api/leads", "/api/leads/{lead_id}", "/api/insights", "/api/client", "/api/prospects",
            "/api/outreach"} <= set(GETS)


@pytest.mark.parametrize("path", GETS)
def test_every_moment_of_every_json_answer_ends_in_z(api, admin, story, path):
    answer = api.get(path.replace("{lead_id}", story), key=admin.api_key)
    if path in ("/api/leads", "/api/leads/{lead_id}", "/api/insights", "/api/client"):
        assert answer.status == 200 and moments(answer.json)
    wrong = [(where, text) for where, text in moments(answer.json) if not THE_SPELLING.match(text)]
    assert not wrong, wrong


def test_the_answers_of_writes_and_sign_ins_spell_moments_the_same(api, admin, story):
    answers = [api.post("/api/auth/login", {"email": admin.email, "password": admin.password}),
               api.post(f"/api/leads/{story}/tag", {"tag": "Follow-Up"}, key=admin.api_key),
               api.post("/api/intelligence/run", {}, key=admin.api_key)]
    found = [m for answer in answers for m in moments(answer.json)]
    assert found and all(THE_SPELLING.match(text) for _, text in found), found


def test_the_csv_export_spells_moments_with_z_and_booleans_in_lower_case(server, admin, story):
    request = urllib.request.Request(f"{server}/api/leads", headers={"x-api-key": admin.api_key,
                                                                     "Accept": "text/csv"})
    with urllib.request.urlopen(request) as answer:
        rows = list(csv.DictReader(io.StringIO(answer.read().decode("utf-8-sig"))))
    [row] = [r for r in rows if r["lead_id"] == story]
    assert row["is_test"] == "false"
    for column in ("timestamp", "last_updated", "last_action_at"):
        assert THE_SPELLING.match(row[column]), (column, row[column])
