"""Round trips on the wire, counted by a relay between the functions and PostgreSQL (tests/relay.py):
what a caller waits for when the database is milliseconds away. Each route is run once to prepare
its statements on the connection, then counted on a second request."""
import time
import urllib.parse
import uuid

import pytest

from shared.leads import spam
from shared.platform import db
from tests.helpers import apigw_event, invoke, load_function
from tests.relay import Relay

pytestmark = pytest.mark.pooled
SITE = "https://parkhomes.ca"

# The goals (issues 17, 27): intake, tag (a conversion too) and revert at most 3 round trips, each read
# of the owner's side at most 2.
GOALS = {"intake, new email": 3, "intake, returning email": 3, "intake, keyed replay": 3, "tag": 3, "revert": 3,
         "tag Converted": 3, "inbox page": 2, "lead story": 2, "insights": 2, "analytics": 2, "settings": 2,
         "form post, new email": 3}  # issue 31: the form's lookup, then the intake's two (rate limits folded in)


@pytest.fixture(params=["1", "0"], ids=["prepared", "unnamed statements (pooler)"])
def relay(request, database, monkeypatch):
    monkeypatch.setenv("AVENIR_PREPARED_STATEMENTS", request.param)
    with Relay(database.cluster.port) as relay:
        monkeypatch.setenv("DATABASE_URL", database.url.replace(f":{database.cluster.port}/", f":{relay.port}/"))
        db.discard()
        yield relay
    db.discard()


def round_trips(relay: Relay, function, event) -> tuple[int, object]:
    before = relay.round_trips
    response = invoke(function, event)
    assert response.status < 300, response.json
    return relay.round_trips - before, response


def counted(relay: Relay, function, make_event) -> int:
    """Round trips of the second of two requests (the first prepares the statements)."""
    round_trips(relay, function, make_event())
    return round_trips(relay, function, make_event())[0]


def test_each_request_takes_no_more_round_trips_than_its_goal(relay, make_client):
    client = make_client()
    intake, tag, revert = (load_function(name) for name in ("lead_intake", "tag_lead", "revert_lead"))
    inbox, insights, settings = (load_function(name) for name in ("lead_inbox", "growth_insights", "owner_settings"))

    def lead(email=None, key=None):
        body = {"name": "Olivia Park", "email": email or f"olivia.{uuid.uuid4().hex[:8]}@parkhomes.ca",
                "message": "Can you quote a new roof?"}
        return apigw_event("POST", "/api/lead", body, key=client.api_key,
                           headers={"Idempotency-Key": key} if key else None)

    def new_lead() -> str:
        return invoke(intake, lead()).json["lead_id"]

    def tagged(lead_id, tag):
        return apigw_event("POST", f"/api/leads/{lead_id}/tag", {"tag": tag}, key=client.api_key,
                           path_params={"lead_id": lead_id})

    def reverted(lead_id):
        return apigw_event("POST", f"/api/leads/{lead_id}/revert", {"reason": "The customer cancelled"},
                           key=client.api_key, path_params={"lead_id": lead_id})

    def read(path, **path_params):
        return lambda: apigw_event("GET", path, key=client.api_key, path_params=path_params or None,
                                   content_type=None)

    seen = {"intake, new email": counted(relay, intake, lead)}
    returning = f"returning.{uuid.uuid4().hex[:8]}@parkhomes.ca"
    invoke(intake, lead(returning))  # so both counted deliveries are updates
    seen["intake, returning email"] = counted(relay, intake, lambda: lead(returning))
    key = uuid.uuid4().hex
    seen["intake, keyed replay"] = counted(relay, intake, lambda: lead(returning, key))

    leads = [new_lead() for _ in range(4)]
    seen["tag"] = counted(relay, tag, lambda: tagged(leads.pop(), "Follow-Up"))
    converted = [new_lead() for _ in range(2)]
    to_convert = list(converted)
    seen["tag Converted"] = counted(relay, tag, lambda: tagged(to_convert.pop(), "Converted"))
    seen["revert"] = counted(relay, revert, lambda: reverted(converted.pop()))

    story = new_lead()
    seen["inbox page"] = counted(relay, inbox, read("/api/leads"))
    seen["lead story"] = counted(relay, inbox, read(f"/api/leads/{story}", lead_id=story))
    seen["insights"] = counted(relay, insights, read("/api/insights"))
    seen["analytics"] = counted(relay, insights, read("/api/analytics"))
    seen["settings"] = counted(relay, settings, read("/api/client"))
    seen["form post, new email"] = counted(relay, load_function("public_forms"), form_post(client))

    assert {name: n for name, n in seen.items() if n > GOALS[name]} == {}, seen
    assert all(n >= 2 for n in seen.values()), seen  # the key lookup and at least one more: the relay counts


def form_post(client):
    """A person's post to a new form of the client, as a browser sends it (form-encoded)."""
    form = invoke(load_function("lead_forms"), apigw_event("POST", "/api/forms", {"allowed_origins": [SITE]},
                                                           key=client.api_key)).json
    path = f"/f/{form['form_key']}"

    def event():
        body = urllib.parse.urlencode({"name": "Olivia Park", "email": f"olivia.{uuid.uuid4().hex[:8]}@parkhomes.ca",
                                       "message": "Can you quote a new roof?", "_gotcha": "",
                                       "_ts": spam.issue_token(form["form_key"], time.time() - 30)})
        return apigw_event("POST", path, raw=body, content_type="application/x-www-form-urlencoded",
                           headers={"Origin": SITE}, path_params={"form_key": form["form_key"]})
    return event


def test_the_relay_counts_one_round_trip_per_pipeline_and_holds_each_answer_back(database):
    with Relay(database.cluster.port, delay_s=0.05) as relay:
        conn = db.Connection(user="postgres", host="127.0.0.1", port=relay.port, database=database.name,
                             ssl_context=False)
        try:
            before = relay.round_trips
            db.pipeline(conn, ("SELECT :a::int AS a", {"a": 1}), ("SELECT :b::int AS b", {"b": 2}))
            assert relay.round_trips - before == 3  # the first use prepares each statement: one round trip each
            started = time.perf_counter()
            assert db.pipeline(conn, ("SELECT :a::int AS a", {"a": 1}), ("SELECT :b::int AS b", {"b": 2})) == [
                [{"a": 1}], [{"b": 2}]]
            assert relay.round_trips - before == 4
            assert time.perf_counter() - started >= 0.05
        finally:
            conn.close()
