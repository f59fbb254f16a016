"""POST /api/prospects/outreach over real HTTP: which prospects are written to and in what order,
the dry run, the daily cap, two batches at once, the 409 without a mailing address, and who may
call it."""
import threading
import uuid

import pytest

from tests.helpers import ADDRESS, INTERNAL, prospect

pytestmark = pytest.mark.usefixtures("clean")
OUTREACH = "/api/prospects/outreach"
SLOW_GENERIC = {"has_autoresponder": False, "response_time_ms": 45000, "is_personalized": False, "is_generic": True}
FAST_ENOUGH = {"has_autoresponder": False, "response_time_ms": 3000, "is_personalized": False, "is_generic": False}
GOOD = {"has_autoresponder": True, "response_time_ms": 800, "is_personalized": False, "is_generic": True}


def names(answer) -> list[str]:
    return [q["business_name"] for q in answer.json["queued"]]


def test_the_neediest_uncontacted_prospects_with_an_email_are_written_to_first(api, admin, score, database):
    ids = score(prospect("Toitures Laval"),                                     # need 100
                prospect("Plomberie Gagnon", SLOW_GENERIC),                     # need 90
                prospect("Nettoyage Sans Email", email=None),                   # need 100, no email
                prospect("Renovations Deja Vu", email="hello@dejavu-reno.ca"),  # need 100, contacted below
                prospect("Chauffage Parti", email="bye@chauffage-parti.ca"),    # need 100, unsubscribed below
                prospect("Paysagiste Rapide", FAST_ENOUGH),                     # need 85
                prospect("Bien Equipe", GOOD),                                  # need 60: under min_score
                prospect("Entretien Alpha", FAST_ENOUGH, email="INFO@Alpha-Entretien.ca"))  # need 85, name first
    database.sql("UPDATE prospect_candidates SET contacted = true WHERE id = :id", id=uuid.UUID(ids[3]))
    database.sql("INSERT INTO unsubscribes (client_id, email_digest) VALUES (:c, avenir_email_digest(:e))",
                 c=INTERNAL, e="Bye@Chauffage-Parti.ca")

    answer = api.post(OUTREACH, {"limit": 10}, key=admin.api_key)

    assert answer.status == 200, answer.json
    assert names(answer) == ["Toitures Laval", "Plomberie Gagnon", "Entretien Alpha", "Paysagiste Rapide"]
    assert answer.json["dry_run"] is False and answer.json["daily_cap"] == 200
    assert answer.json["remaining_today"] == 196
    first = answer.json["queued"][0]
    assert first["prospect_id"] == ids[0] and first["to_email"] == "info@toitureslaval.ca"
    assert first["email_subject"] == "Toitures Laval: what a test of your website's contact form found"
    logged = database.sql("SELECT log.*, r.status AS delivery, r.to_email, r.client_id, r.lead_id "
                          "FROM prospect_outreach_log AS log JOIN lead_replies AS r ON r.outreach_id = log.id")
    assert sorted(str(row["prospect_id"]) for row in logged) == sorted(q["prospect_id"] for q in answer.json["queued"])
    for row in logged:  # logged as `sent`, with sent_at waiting for the mail server; queued on the outbox
        assert (row["status"], row["sent_at"], row["delivery"], row["client_id"], row["lead_id"]) == (
            "sent", None, "queued", INTERNAL, None)
        assert str(row["id"]) in {q["outreach_id"] for q in answer.json["queued"]}
        assert row["email_subject"] and "Avenir AI Solutions" in row["email_body"]
    contacted = database.sql("SELECT business_name FROM prospect_candidates WHERE contacted ORDER BY 1")
    assert [r["business_name"] for r in contacted] == sorted(["Renovations Deja Vu", *names(answer)])

    again = api.post(OUTREACH, {"limit": 10}, key=admin.api_key)
    assert again.status == 200 and again.json["queued"] == []  # nobody is written to twice


def test_min_score_and_limit_choose_how_many_and_how_needy(api, admin, score):
    score(prospect("Toitures Laval"), prospect("Plomberie Gagnon", SLOW_GENERIC),
          prospect("Paysagiste Rapide", FAST_ENOUGH), prospect("Bien Equipe", GOOD))
    assert names(api.post(OUTREACH, {"limit": 1, "dry_run": True}, key=admin.api_key)) == ["Toitures Laval"]
    assert names(api.post(OUTREACH, {"min_score": 86, "dry_run": True}, key=admin.api_key)) == [
        "Toitures Laval", "Plomberie Gagnon"]
    assert names(api.post(OUTREACH, {"min_score": 0, "dry_run": True}, key=admin.api_key)) == [
        "Toitures Laval", "Plomberie Gagnon", "Paysagiste Rapide", "Bien Equipe"]


def test_two_prospects_sharing_one_address_get_one_email(api, admin, database):
    # scoring merges them (same email, no website); rows stored otherwise (an import) may share one
    database.sql("""INSERT INTO prospect_candidates (business_name, contact_email, automation_need_score)
                    VALUES ('Toitures Laval', 'info@groupe-laval.ca', 100),
                           ('Toitures Laval Nord', 'Info@Groupe-Laval.ca', 90)""")
    assert names(api.post(OUTREACH, {}, key=admin.api_key)) == ["Toitures Laval"]
    assert api.post(OUTREACH, {}, key=admin.api_key).json["queued"] == []


def test_a_dry_run_shows_the_emails_and_writes_nothing(api, admin, score, database):
    score(prospect("Toitures Laval", industry="Roofing"), prospect("Plomberie Gagnon", SLOW_GENERIC, language="fr"))
    preview = api.post(OUTREACH, {"dry_run": True}, key=admin.api_key)
    assert preview.status == 200 and preview.json["dry_run"] is True
    assert [q["outreach_id"] for q in preview.json["queued"]] == [None, None]
    assert "roofing business" in preview.json["queued"][0]["email_body"]
    assert preview.json["queued"][1]["language"] == "fr" and "Bonjour" in preview.json["queued"][1]["email_body"]
    assert preview.json["remaining_today"] == 200
    counts = database.one("SELECT (SELECT count(*) FROM prospect_outreach_log) AS logged, "
                          "(SELECT count(*) FROM lead_replies) AS queued, "
                          "(SELECT count(*) FROM prospect_candidates WHERE contacted) AS contacted")
    assert counts == {"logged": 0, "queued": 0, "contacted": 0}
    real = api.post(OUTREACH, {}, key=admin.api_key)
    assert [(q["prospect_id"], q["email_subject"]) for q in real.json["queued"]] == [
        (q["prospect_id"], q["email_subject"]) for q in preview.json["queued"]]


def test_the_daily_cap_counts_every_batch_of_the_day(api, admin, score, database, monkeypatch):
    monkeypatch.setenv("AVENIR_OUTREACH_DAILY_CAP", "3")
    score(*(prospect(f"Toitures Numero {n}") for n in range(5)))
    first = api.post(OUTREACH, {"limit": 2}, key=admin.api_key)
    assert len(first.json["queued"]) == 2 and first.json["remaining_today"] == 1
    assert len(api.post(OUTREACH, {"limit": 2, "dry_run": True}, key=admin.api_key).json["queued"]) == 1
    second = api.post(OUTREACH, {"limit": 10}, key=admin.api_key)
    assert len(second.json["queued"]) == 1 and second.json["remaining_today"] == 0
    assert api.post(OUTREACH, {"limit": 10}, key=admin.api_key).json["queued"] == []
    # yesterday's emails do not count against today's cap
    database.sql("UPDATE lead_replies SET created_at = created_at - interval '1 day'")
    assert len(api.post(OUTREACH, {"limit": 10}, key=admin.api_key).json["queued"]) == 2


def test_two_batches_at_once_never_write_to_one_prospect_twice(api, admin, score, database):
    score(*(prospect(f"Couvreur Numero {n}") for n in range(30)))
    answers, start = [], threading.Barrier(2)

    def batch():
        start.wait()
        answers.append(api.post(OUTREACH, {"limit": 20}, key=admin.api_key))

    threads = [threading.Thread(target=batch) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [a.status for a in answers] == [200, 200]
    written = [q["prospect_id"] for a in answers for q in a.json["queued"]]
    assert sorted(len(a.json["queued"]) for a in answers) == [10, 20]
    assert len(written) == len(set(written)) == 30
    assert database.scalar("SELECT count(DISTINCT prospect_id) FROM prospect_outreach_log") == 30
    assert database.scalar("SELECT count(*) FROM prospect_outreach_log") == 30


def test_without_a_mailing_address_nothing_is_sent(api, admin, score, database):
    score(prospect("Toitures Laval"))
    database.sql("UPDATE clients SET mailing_address = NULL WHERE client_id = :c", c=INTERNAL)
    try:
        answer = api.post(OUTREACH, {}, key=admin.api_key)
    finally:
        database.sql("UPDATE clients SET mailing_address = :a WHERE client_id = :c", a=ADDRESS, c=INTERNAL)
    assert answer.status == 409 and answer.json["error"]["code"] == "conflict"
    assert "mailing_address" in answer.json["error"]["message"]
    assert database.scalar("SELECT count(*) FROM prospect_outreach_log") == 0


@pytest.mark.parametrize("body, field", [({"limit": 0}, "limit"), ({"limit": 101}, "limit"),
                                         ({"min_score": 101}, "min_score"), ({"dry_run": "yes"}, "dry_run")])
def test_a_bad_batch_request_is_a_422_naming_the_field(api, admin, body, field):
    answer = api.post(OUTREACH, body, key=admin.api_key)
    assert answer.status == 422 and answer.json["error"]["details"][0]["field"] == field


def test_only_the_internal_client_may_reach_outreach(api, admin, make_client, score, database):
    score(prospect("Toitures Laval"))
    owner = make_client("Northwind Renovation").api_key
    outreach_id = str(uuid.uuid4())
    for method, path in (("POST", OUTREACH), ("GET", "/api/outreach"),
                         ("POST", f"/api/outreach/{outreach_id}/replied")):
        forbidden = api.request(method, path, {} if method == "POST" else None, key=owner)
        assert forbidden.status == 403 and forbidden.json["error"]["code"] == "forbidden", path
        anonymous = api.request(method, path, {} if method == "POST" else None)
        assert anonymous.status == 401, path
    assert database.scalar("SELECT count(*) FROM prospect_outreach_log") == 0


def test_what_each_test_measured_is_kept_for_the_email(api, admin, score, database):
    [measured, huge] = score(prospect("Plomberie Gagnon", SLOW_GENERIC),
                             prospect("Toitures Lentes", dict(FAST_ENOUGH, response_time_ms=10**20)))
    rows = {str(r["id"]): r for r in database.sql("SELECT * FROM prospect_candidates")}
    assert (rows[measured]["has_autoresponder"], rows[measured]["response_time_ms"], rows[measured]["is_generic"],
            rows[measured]["is_personalized"]) == (False, 45000, True, False)
    assert rows[huge]["response_time_ms"] == 2**31 - 1  # over 24 days: stored as the most an INTEGER holds
    score(prospect("Plomberie Gagnon", GOOD))  # a re-test replaces what the last one measured
    row = database.one("SELECT * FROM prospect_candidates WHERE id = :id", id=uuid.UUID(measured))
    assert (row["has_autoresponder"], row["response_time_ms"]) == (True, 800)
    bodies = {q["business_name"]: q["email_body"] for q in api.post(OUTREACH, {"min_score": 0, "dry_run": True},
                                                                       key=admin.api_key).json["queued"]}
    assert "The first answer arrived 597 hours after the test enquiry was sent." in bodies["Toitures Lentes"]
