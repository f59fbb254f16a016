"""The nightly maintenance (maintenance.run, `avenir maintenance run`, the scheduled Lambda handler and
the CloudEvent target) on hand-made old data, given the time of the run: only the right leads
archived, one `archive` action each, a second run changes nothing, one client's failure does not stop
the others; expired keys, sessions and failed sign-ins purged; `cleanup-test-data` with --dry-run."""
import datetime
import json
import uuid

import pytest

from infra import cli
from shared.clients import accounts
from shared.privacy import maintenance
from tests.helpers import apigw_event, invoke, load_function, scheduled_event, scheduler_cloudevent

NOW = datetime.datetime(2031, 3, 10, 4, 0, tzinfo=datetime.UTC)
DAY = datetime.timedelta(days=1)
INTERNAL = "00000000-0000-0000-0000-000000000001"


@pytest.fixture(autouse=True)
def empty(database):
    """Each test starts from no client but the internal one, and nothing to purge."""
    database.sql(f"DELETE FROM clients WHERE client_id <> '{INTERNAL}'")
    for table in ("idempotency_keys", "owner_sessions", "login_failures", "lead_memory"):
        database.sql(f"DELETE FROM {table}")


@pytest.fixture
def lead(database):
    """lead(client_id, age, tag="Active", actions_ago=()) -> id: a lead received `age` before NOW with
    actions that many days before NOW, written directly (the product cannot make old data)."""
    def make(client_id, age, tag="Active", actions_ago=()):
        lead_id = database.scalar(
            "INSERT INTO lead_memory (client_id, email, name, current_tag, timestamp, last_updated) "
            "VALUES (:c, :email, 'Old Lead', :tag, :at, :at) RETURNING id",
            c=client_id, email=f"{uuid.uuid4().hex[:8]}@old.ca", tag=tag, at=NOW - age)
        for ago in actions_ago:
            database.sql("INSERT INTO lead_actions (lead_id, client_id, action_type, tag, timestamp) "
                         "VALUES (:l, :c, 'tag', :tag, :at)", l=lead_id, c=client_id, tag=tag, at=NOW - ago)
        return lead_id
    return make


def client(name="Northwind Renovation", email=None) -> uuid.UUID:
    return accounts.create_client(name, email or f"owner-{uuid.uuid4().hex[:8]}@northwind-reno.ca")[0]


def state(database, lead_id) -> tuple:
    row = database.one("SELECT current_tag, archived FROM lead_memory WHERE id = :l", l=lead_id)
    archives = database.sql("SELECT tag, timestamp FROM lead_actions WHERE lead_id = :l AND action_type = 'archive'",
                            l=lead_id)
    return row["current_tag"], row["archived"], [(a["tag"], a["timestamp"]) for a in archives]


def test_only_leads_over_a_year_old_active_and_untouched_for_a_year_are_archived_one_action_each(database, lead):
    mine, theirs = client(), client("Paysagement Nord")
    stale = lead(mine, 400 * DAY)
    stale_with_old_action = lead(mine, 800 * DAY, actions_ago=[700 * DAY])
    theirs_stale = lead(theirs, 366 * DAY)
    kept = {"recent action": lead(mine, 400 * DAY, actions_ago=[100 * DAY]),
            "not Active": lead(mine, 400 * DAY, tag="Follow-Up"),
            "converted": lead(mine, 900 * DAY, tag="Converted"),
            "under a year old": lead(mine, 364 * DAY),
            "action a day inside the year": lead(mine, 500 * DAY, actions_ago=[364 * DAY])}

    summary = maintenance.run(NOW)

    assert summary.archived == 3 and summary.failed_clients == []
    for lead_id in (stale, stale_with_old_action, theirs_stale):
        assert state(database, lead_id) == ("Archived", True, [("Archived", NOW)])
    for reason, lead_id in kept.items():
        assert state(database, lead_id)[2] == [] and state(database, lead_id)[1] is False, reason
    assert database.scalar("SELECT count(*) FROM lead_actions WHERE action_type = 'archive'") == 3


def test_a_second_run_changes_nothing(database, lead):
    mine = client()
    lead(mine, 400 * DAY)
    lead(mine, 400 * DAY, actions_ago=[10 * DAY])
    assert maintenance.run(NOW).archived == 1
    before = (database.sql("SELECT * FROM lead_memory ORDER BY id"),
              database.sql("SELECT * FROM lead_actions ORDER BY id"))
    assert maintenance.run(NOW).archived == 0
    assert maintenance.run(NOW + 30 * DAY).archived == 0
    assert (database.sql("SELECT * FROM lead_memory ORDER BY id"),
            database.sql("SELECT * FROM lead_actions ORDER BY id")) == before


def test_archiving_cancels_the_leads_queued_reply(database, lead):
    mine = client()
    stale = lead(mine, 400 * DAY)
    database.sql("INSERT INTO lead_replies (client_id, lead_id, to_email, due_at) VALUES (:c, :l, 'a@old.ca', :at)",
                 c=mine, l=stale, at=NOW + DAY)
    maintenance.run(NOW)
    assert database.scalar("SELECT status FROM lead_replies WHERE lead_id = :l", l=stale) == "cancelled"


def test_one_clients_failure_does_not_stop_the_others_and_a_rerun_finishes_the_job(database, lead, refuse_inserts):
    failing, fine = client("Toitures Beaulieu"), client("Paysagement Nord")
    failing_lead, fine_lead = lead(failing, 400 * DAY), lead(fine, 400 * DAY)
    refuse_inserts("lead_actions", failing)

    summary = maintenance.run(NOW)

    assert summary.archived == 1 and summary.failed_clients == [failing]
    assert state(database, fine_lead)[0] == "Archived"
    assert state(database, failing_lead) == ("Active", False, [])  # its statement rolled back whole
    database.sql("DROP TRIGGER refuse_lead_actions ON lead_actions")  # the failure is over
    assert maintenance.run(NOW).model_dump() | {"failed_clients": None} == {
        "archived": 1, "idempotency_keys_deleted": 0, "sessions_deleted": 0, "outreach_ignored": 0,
        "login_failures_deleted": 0, "form_posts_deleted": 0, "failed_clients": None}
    assert state(database, failing_lead)[0] == "Archived"


def test_many_stale_leads_are_archived_batch_after_batch_on_both_paths(database, lead, refuse_inserts,
                                                                     monkeypatch):
    monkeypatch.setattr(maintenance, "ARCHIVE_BATCH", 2)
    mine, failing = client(), client("Toitures Beaulieu")
    stale = [lead(mine, 400 * DAY) for _ in range(5)]
    assert maintenance.run(NOW).archived == 5  # batches of 2, 2, 1
    more = [lead(mine, 400 * DAY) for _ in range(4)]
    lead(failing, 400 * DAY)
    refuse_inserts("lead_actions", failing)
    summary = maintenance.run(NOW)  # every client at once fails; one client at a time: 2, 2, 0
    assert (summary.archived, summary.failed_clients) == (4, [failing])
    for lead_id in stale + more:
        assert state(database, lead_id) == ("Archived", True, [("Archived", NOW)])


def test_expired_idempotency_keys_sessions_and_failed_sign_ins_are_purged_and_live_ones_kept(database):
    mine = client()
    for key, age in (("old", 25), ("older", 24 * 40), ("live", 23)):
        database.sql("INSERT INTO idempotency_keys (client_id, route, idempotency_key, request_hash, response_status, "
                     "response_body, created_at) VALUES (:c, 'POST /api/lead', :k, repeat('a', 64), 201, '{}', :at)",
                     c=mine, k=key, at=NOW - datetime.timedelta(hours=age))
    for digest, expires in (("expired", -DAY), ("just-expired", datetime.timedelta(0)), ("live", DAY)):
        database.sql("INSERT INTO owner_sessions (token_digest, client_id, created_at, expires_at) "
                     "VALUES (:d, :c, :at, :exp)", d=digest, c=mine, at=NOW - 2 * DAY, exp=NOW + expires)
    for age in (2 * DAY, datetime.timedelta(hours=2)):
        database.sql("INSERT INTO login_failures (email_digest, failed_at) VALUES ('x', :at)", at=NOW - age)

    summary = maintenance.run(NOW)

    assert (summary.idempotency_keys_deleted, summary.sessions_deleted, summary.login_failures_deleted) == (2, 2, 1)
    assert [r["idempotency_key"] for r in database.sql("SELECT idempotency_key FROM idempotency_keys")] == ["live"]
    assert [r["token_digest"] for r in database.sql("SELECT token_digest FROM owner_sessions")] == ["live"]
    assert database.scalar("SELECT count(*) FROM login_failures") == 1
    assert maintenance.run(NOW).idempotency_keys_deleted == 0


def test_a_time_without_a_zone_is_refused():
    with pytest.raises(ValueError):
        maintenance.run(datetime.datetime(2031, 3, 10))


# --- the command line -----------------------------------------------------------------------------

def run_cli(capsys, *argv) -> tuple[int, dict]:
    status = cli.main(list(argv))
    return status, json.loads(capsys.readouterr().out)


def test_maintenance_run_prints_the_summary_as_of_the_time_given(database, lead, capsys):
    stale = lead(client(), 400 * DAY)
    status, summary = run_cli(capsys, "maintenance", "run", "--now", "2031-03-10T04:00:00Z")
    assert status == 0 and summary == {"archived": 1, "idempotency_keys_deleted": 0, "sessions_deleted": 0,
                                       "outreach_ignored": 0, "login_failures_deleted": 0, "form_posts_deleted": 0,
                                       "failed_clients": []}
    assert state(database, stale) == ("Archived", True, [("Archived", NOW)])


def test_maintenance_run_exits_1_when_a_client_failed(database, lead, refuse_inserts, capsys):
    failing = client()
    lead(failing, 400 * DAY)
    refuse_inserts("lead_actions", failing)
    status, summary = run_cli(capsys, "maintenance", "run", "--now", "2031-03-10T04:00:00+00:00")
    assert status == 1 and summary["failed_clients"] == [str(failing)]


def test_a_bad_now_is_one_error_line_and_changes_nothing(database, lead, capsys):
    stale = lead(client(), 400 * DAY)
    assert cli.main(["maintenance", "run", "--now", "yesterday"]) == 2
    assert "--now" in capsys.readouterr().err and state(database, stale)[0] == "Active"


def test_cleanup_test_data_counts_first_and_dry_run_deletes_nothing(database, make_client, capsys):
    real = make_client("Northwind Renovation")
    test_client = make_client("Demo Co", email=f"owner-{uuid.uuid4().hex[:6]}@test-shop.ca")
    for owner, email in ((real, "olivia@parkhomes.ca"), (test_client, "marc@roy.ca"), (test_client, "lea@roy.ca")):
        clients_lead = database.scalar("INSERT INTO lead_memory (client_id, email, name) VALUES (:c, :e, 'N') "
                                       "RETURNING id", c=owner.client_id, e=email)
        database.sql("INSERT INTO lead_actions (lead_id, client_id, action_type) VALUES (:l, :c, 'insert')",
                     l=clients_lead, c=owner.client_id)
    counts = {"clients": 1, "leads": 2, "messages": 0, "actions": 2, "replies": 0, "growth_events": 0}

    status, dry = run_cli(capsys, "maintenance", "cleanup-test-data", "--dry-run")
    assert status == 0 and dry == {"dry_run": True, **counts}
    assert database.scalar("SELECT count(*) FROM lead_memory") == 3

    status, done = run_cli(capsys, "maintenance", "cleanup-test-data")
    assert status == 0 and done == {"dry_run": False, **counts}
    assert database.scalar("SELECT count(*) FROM clients WHERE is_test") == 0
    assert [r["client_id"] for r in database.sql("SELECT client_id FROM lead_memory")] == [real.client_id]
    assert database.scalar("SELECT count(*) FROM lead_actions") == 1
    assert run_cli(capsys, "maintenance", "cleanup-test-data")[1] == {"dry_run": False, **dict.fromkeys(counts, 0)}


@pytest.mark.parametrize("argv", [["maintenance", "--help"], ["maintenance", "run", "--help"],
                                  ["maintenance", "cleanup-test-data", "--help"]])
def test_every_maintenance_command_has_help(argv, capsys):
    with pytest.raises(SystemExit) as stopped:
        cli.main(argv)
    assert stopped.value.code == 0 and "usage: avenir maintenance" in capsys.readouterr().out


# --- the function ---------------------------------------------------------------------------------

EVENT_TIME = datetime.datetime(2026, 11, 25, 6, 0, tzinfo=datetime.UTC)  # the fixtures' scheduled time


def test_the_nightly_schedule_runs_the_maintenance_as_of_its_event_time_through_the_lambda_handler(database):
    mine = client()
    stale = database.scalar("INSERT INTO lead_memory (client_id, email, name, timestamp) VALUES "
                            "(:c, 'a@old.ca', 'A', :at) RETURNING id", c=mine, at=EVENT_TIME - 400 * DAY)
    result = load_function("data_maintenance").handler(scheduled_event(), None)
    assert result["statusCode"] == 200 and json.loads(result["body"])["archived"] == 1
    assert state(database, stale) == ("Archived", True, [("Archived", EVENT_TIME)])


def test_cloud_schedulers_cloudevent_runs_the_same_maintenance(database):
    mine = client()
    stale = database.scalar("INSERT INTO lead_memory (client_id, email, name, timestamp) VALUES "
                            "(:c, 'a@old.ca', 'A', :at) RETURNING id", c=mine, at=EVENT_TIME - 400 * DAY)
    load_function("data_maintenance").data_maintenance_scheduled(scheduler_cloudevent())
    assert state(database, stale) == ("Archived", True, [("Archived", EVENT_TIME)])


def test_the_scheduled_handler_raises_when_the_database_is_down_so_the_scheduler_retries(database, monkeypatch):
    from infra.pgcluster import free_port

    monkeypatch.setenv("DATABASE_URL", f"postgresql://postgres@127.0.0.1:{free_port()}/nowhere")
    with pytest.raises(RuntimeError, match="status 503"):
        load_function("data_maintenance").handler(scheduled_event(), None)


def test_the_http_target_answers_no_route(database):

    answer = invoke(load_function("data_maintenance"), apigw_event("POST", "/api/maintenance/run", {}))
    assert answer.status == 404 and answer.json["error"]["code"] == "not_found"
