"""Every way the daily run starts: POST /api/intelligence/run over HTTP (internal client only),
the EventBridge schedule through the Lambda handler, Cloud Scheduler's CloudEvent through the
functions-framework target, and `avenir intelligence run` with its exit status."""
import datetime
import json
import uuid

import pytest

from infra import cli
from infra.pgcluster import free_port
from tests.helpers import ROOT, invoke, load_function, scheduled_event, scheduler_cloudevent

SCHEDULED_RUN_DATE = "2026-11-24"  # the fixtures fire at 2026-11-25T06:00:00Z: the day before


@pytest.fixture
def client(database):
    """A client with one lead on the scheduled run date, written as a superuser."""
    client_id = uuid.uuid4()
    database.sql("INSERT INTO clients (client_id, business_name, email, password_hash, api_key)"
                 " VALUES (:client_id, 'Harbour Dental', :email, 'x', :key)",
                 client_id=client_id, email=f"owner-{client_id.hex[:12]}@mail.ca", key=f"sha256:{client_id.hex}")
    database.sql("INSERT INTO lead_memory (email, name, client_id, urgency, tone, confidence_score, timestamp)"
                 " VALUES ('pat@mail.ca', 'Pat', :client_id, 'High', 'Urgent', 0.8, '2026-11-24T12:00:00Z')",
                 client_id=client_id)
    return client_id


def daily_rows(database, client_id, run_date) -> list[str]:
    return [row["event_type"] for row in database.sql(
        "SELECT event_type FROM growth_brain WHERE client_id = :client_id AND learning_snapshot ->> 'run_date' = :day"
        " ORDER BY event_type", client_id=client_id, day=run_date)]


FOUR_METRICS = ["conversion_prediction", "engagement_score", "tone_distribution", "urgency_trend"]


# --- POST /api/intelligence/run ---------------------------------------------------------------

def test_the_internal_client_runs_it_for_one_client_over_http(api, admin, database, client):
    response = api.post("/api/intelligence/run", {"date": "2026-11-24", "client_id": str(client)}, key=admin.api_key)
    assert response.status == 200
    assert response.json == {"run_date": "2026-11-24", "clients_processed": 1, "events_written": 4,
                             "failed_clients": []}
    assert daily_rows(database, client, "2026-11-24") == FOUR_METRICS


def test_without_a_body_it_runs_every_client_for_today(api, admin, database, client):
    response = api.post("/api/intelligence/run", key=admin.api_key)
    today = datetime.datetime.now(datetime.UTC).date().isoformat()
    assert response.status == 200 and response.json["run_date"] == today
    assert response.json["clients_processed"] >= 2 and response.json["failed_clients"] == []
    assert daily_rows(database, client, today) == FOUR_METRICS


def test_an_ordinary_client_is_forbidden(api, make_client):
    owner = make_client()
    response = api.post("/api/intelligence/run", {}, key=owner.api_key)
    assert response.status == 403 and response.json["error"]["code"] == "forbidden"
    assert api.post("/api/intelligence/run", {}).status == 401


@pytest.mark.parametrize("body, field", [({"date": "24/11/2026"}, "date"), ({"date": "2026-11-31"}, "date"),
                                         ({"client_id": "nope"}, "client_id"), ({"date": "2999-01-01"}, "date")])
def test_a_bad_date_or_client_id_is_a_422_naming_the_field(api, admin, body, field):
    response = api.post("/api/intelligence/run", body, key=admin.api_key)
    assert response.status == 422
    assert [d["field"] for d in response.json["error"]["details"]] == [field]


def test_an_unknown_client_is_a_404(api, admin):
    response = api.post("/api/intelligence/run", {"client_id": str(uuid.uuid4())}, key=admin.api_key)
    assert response.status == 404


def test_the_route_answers_get_with_405(api, admin):
    assert api.get("/api/intelligence/run", key=admin.api_key).status == 405


# --- the schedulers -------------------------------------------------------------------------

def test_the_eventbridge_schedule_runs_the_day_that_just_ended_through_the_lambda_handler(database, client):
    module = load_function("daily_intelligence")
    response = invoke(module, scheduled_event())
    assert response.status == 200
    assert response.json["run_date"] == SCHEDULED_RUN_DATE and response.json["failed_clients"] == []
    assert daily_rows(database, client, SCHEDULED_RUN_DATE) == FOUR_METRICS


def test_the_lambda_handler_also_answers_api_gateway(admin, client):
    from tests.helpers import apigw_event

    module = load_function("daily_intelligence")
    event = apigw_event("POST", "/api/intelligence/run", {"date": "2026-11-24", "client_id": str(client)},
                        key=admin.api_key)
    response = invoke(module, event)
    assert response.status == 200 and response.json["clients_processed"] == 1


@pytest.fixture
def cloudevent_app():
    import functions_framework

    app = functions_framework.create_app(target="daily_intelligence_scheduled",
                                         source=str(ROOT / "functions" / "daily_intelligence" / "main.py"),
                                         signature_type="cloudevent")
    return app.test_client()


def test_cloud_schedulers_cloudevent_runs_it_in_structured_mode(database, client, cloudevent_app):
    response = cloudevent_app.post("/", data=json.dumps(scheduler_cloudevent()),
                                   headers={"Content-Type": "application/cloudevents+json"})
    assert response.status_code == 200
    assert daily_rows(database, client, SCHEDULED_RUN_DATE) == FOUR_METRICS


def test_cloud_schedulers_cloudevent_runs_it_in_binary_mode(database, client, cloudevent_app):
    event = scheduler_cloudevent()
    headers = {f"ce-{name}": event[name] for name in ("specversion", "type", "source", "id", "time")}
    response = cloudevent_app.post("/", data=json.dumps(event["data"]),
                                   headers={**headers, "Content-Type": "application/json"})
    assert response.status_code == 200
    assert daily_rows(database, client, SCHEDULED_RUN_DATE) == FOUR_METRICS


# --- the command line -----------------------------------------------------------------------

def test_the_cli_prints_the_summary_and_exits_0(database, client, capsys):
    status = cli.main(["intelligence", "run", "--date", "2026-11-24", "--client", str(client)])
    out, err = capsys.readouterr()
    assert status == 0
    assert json.loads(out) == {"run_date": "2026-11-24", "clients_processed": 1, "events_written": 4,
                               "failed_clients": []}
    assert "daily intelligence 2026-11-24" in err  # progress goes to stderr


def test_the_cli_exits_1_when_a_client_failed(database, client, refuse_inserts, capsys):
    refuse_inserts("growth_brain", client)
    status = cli.main(["intelligence", "run", "--date", "2026-11-24"])
    summary = json.loads(capsys.readouterr().out)
    assert status == 1
    assert summary["failed_clients"] == [str(client)] and summary["clients_processed"] >= 1


def test_the_cli_refuses_a_malformed_date(capsys):
    assert cli.main(["intelligence", "run", "--date", "yesterday"]) == 2  # a bad command line (README)
    assert "--date must be YYYY-MM-DD" in capsys.readouterr().err


@pytest.fixture
def unreachable_database(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"postgresql://postgres@127.0.0.1:{free_port()}/avenir")


def test_a_scheduled_run_without_a_database_raises_so_eventbridge_retries_it(unreachable_database):
    module = load_function("daily_intelligence")
    with pytest.raises(RuntimeError, match="status 503"):
        module.handler(scheduled_event(), None)


def test_a_cloudevent_run_without_a_database_fails_so_cloud_scheduler_retries_it(unreachable_database, cloudevent_app):
    response = cloudevent_app.post("/", data=json.dumps(scheduler_cloudevent()),
                                   headers={"Content-Type": "application/cloudevents+json"})
    assert response.status_code == 500
