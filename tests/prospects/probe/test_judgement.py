"""The judgement, end to end: a fake business's form answers the probe the way real ones do (an
autoresponder at once, after a delay, personalised or generic, a person, a bounce, nothing), the mail
comes back through `avenir probe-inbox`'s SMTP server, and once the window has passed the worker
scores the prospect through the same code as POST /api/prospects/score, marked as measured by us."""
import time
import uuid

import pytest

from shared.prospects import worker
from tests.prospects.probe.autoresponder import Responder
from tests.prospects.probe.conftest import html
from tests.prospects.probe.fakesite import Answer

WINDOW_S = 1.0
ALLOW_ALL = Answer(200, "User-agent: *\nAllow: /\n", {"Content-Type": "text/plain"})
GENERIC = "Merci, nous avons bien reçu votre message. Nous vous répondrons sous peu."
PERSONAL = "Bonjour {name}, merci pour votre demande concernant une réparation de toiture."


@pytest.fixture
def probed(api, admin, crawled, probe_inbox, monkeypatch, database):
    """probed(delay_s, text, kind) -> (prospect row, its probe) once the worker judged the probe."""
    monkeypatch.setenv("AVENIR_PROBE_WINDOW_S", str(WINDOW_S))
    monkeypatch.setenv("AVENIR_PUBLIC_URL", "https://avenir.example.ca")

    def run(delay_s, text=GENERIC, kind="auto", window_s=WINDOW_S):
        monkeypatch.setenv("AVENIR_PROBE_WINDOW_S", str(window_s))
        responder = Responder(probe_inbox.port, delay_s, text, kind)
        routes = {"/robots.txt": ALLOW_ALL, "/": Answer(200, html("home_fr.html")),
                  "/nous-joindre": Answer(200, html("contact_static_fr.html")), "/nous-joindre/envoyer": responder}
        _, row = crawled(routes, language="fr", industry="Toiture",
                         contact_email=f"ventes-{uuid.uuid4().hex[:8]}@toitures-beauport.ca")
        probe_id = api.post(f"/api/prospects/{row['id']}/probe", {}, key=admin.api_key).json["probe_id"]
        worker.run_once(budget_s=5)
        assert len(responder.posts) == 1
        if delay_s is not None:
            assert responder.sent.wait(10 + delay_s)
        _wait_for(lambda: _probe(database, probe_id)["submitted_at"] is not None)
        submitted = _probe(database, probe_id)["submitted_at"]
        while database.one("SELECT clock_timestamp() - :s > make_interval(secs => :w) AS due", s=submitted,
                           w=window_s)["due"] is False:
            time.sleep(0.05)
        assert worker.run_once(budget_s=5)["judged"] >= 1
        prospect = database.one("SELECT * FROM prospect_candidates WHERE id = :id", id=row["id"])
        return prospect, _probe(database, probe_id)
    return run


def _probe(database, probe_id) -> dict:
    return database.one("SELECT * FROM prospect_probes WHERE id = :id", id=probe_id)


def _wait_for(condition, timeout_s=10.0):
    deadline = time.monotonic() + timeout_s
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.05)


def scores(row) -> tuple:
    return (row["response_score"], row["automation_need_score"])


def test_a_generic_autoresponder_at_once_scores_fast_and_generic(probed):
    prospect, probe = probed(0.0)
    assert (probe["status"], probe["has_autoresponder"], probe["is_personalized"], probe["is_generic"]) == \
        ("closed", True, False, True)
    assert 0 <= probe["response_time_ms"] < 1000
    assert scores(prospect) == (90, 10)  # 50 + 30 + 10
    assert (prospect["test_source"], prospect["has_autoresponder"], prospect["is_generic"]) == ("probe", True, True)
    assert prospect["last_tested"] is not None
    assert probe["reply_excerpt"].startswith("Merci, nous avons bien reçu")


def test_an_autoresponder_after_a_delay_is_timed_from_the_submission(probed):
    prospect, probe = probed(1.2, window_s=2.5)
    assert 1200 <= probe["response_time_ms"] < 2200
    assert scores(prospect) == (75, 25)  # 50 + 15 (1 to 5 s) + 10


def test_a_personalised_autoresponder_that_repeats_the_name_given_scores_personalised(probed):
    prospect, probe = probed(0.0, PERSONAL)
    assert (probe["is_personalized"], probe["is_generic"]) == (True, False)
    assert scores(prospect) == (100, 0)


def test_a_form_that_never_answers_scores_as_no_answer(probed):
    prospect, probe = probed(None)
    assert (probe["has_autoresponder"], probe["response_time_ms"], probe["first_reply_at"]) == (False, None, None)
    assert scores(prospect) == (0, 100)


def test_a_persons_answer_is_not_an_autoresponder_but_its_time_counts(probed):
    prospect, probe = probed(0.3, "Bonjour {name}, je vous rappelle cet après-midi. Marc", kind="person")
    assert (probe["has_autoresponder"], probe["is_personalized"], probe["is_generic"]) == (False, True, False)
    assert 300 <= probe["response_time_ms"] < 1000
    assert scores(prospect) == (50, 50)  # 0 + 30 + 20


def test_a_bounce_is_no_answer(probed, database):
    prospect, probe = probed(0.0, "Mailbox full", kind="bounce")
    assert database.one("SELECT kind FROM probe_messages WHERE probe_id = :id", id=probe["id"])["kind"] == "bounce"
    assert (probe["has_autoresponder"], probe["response_time_ms"]) == (False, None)
    assert scores(prospect) == (0, 100)


def test_the_probe_scores_exactly_as_the_same_test_supplied_to_the_scoring_route(probed, api, admin):
    prospect, probe = probed(0.0, PERSONAL)
    measured = {k: probe[k] for k in ("has_autoresponder", "response_time_ms", "is_personalized", "is_generic")}
    supplied = api.post("/api/prospects/score", {"prospects": [{"business_name": "Same Test Inc",
                                                                "website": "https://same-test.test",
                                                                "test": measured}]}, key=admin.api_key)
    result = supplied.json["results"][0]
    assert (result["response_score"], result["automation_need_score"]) == scores(prospect)


def test_outreach_says_we_wrote_only_to_a_prospect_our_probe_measured(probed, api, admin, database):
    prospect, _ = probed(None)
    supplied = api.post("/api/prospects/score", {"prospects": [{
        "business_name": "Toitures Fournies", "website": "https://toitures-fournies.ca",
        "contact_email": "info@toitures-fournies.ca", "language": "fr",
        "test": {"has_autoresponder": False, "response_time_ms": None, "is_personalized": False,
                 "is_generic": False}}]}, key=admin.api_key).json["results"][0]
    queued = api.post("/api/prospects/outreach", {"limit": 100, "min_score": 0, "dry_run": True},
                      key=admin.api_key).json["queued"]
    bodies = {q["prospect_id"]: q["email_body"] for q in queued}
    probed_body = bodies[str(prospect["id"])]
    assert "Nous avons récemment envoyé une demande par le formulaire de contact" in probed_body
    token = database.one("SELECT token FROM prospect_probes WHERE prospect_id = :p", p=prospect["id"])["token"]
    assert f"https://avenir.example.ca/p/{token}" in probed_body  # the probe's opt-out, in outreach too
    assert "/p/" not in bodies[supplied["id"]]
    assert "Nous avons récemment envoyé" not in bodies[supplied["id"]]
    assert "notre demande" not in bodies[supplied["id"]]
    rows = database.sql("SELECT test_source FROM prospect_candidates WHERE id IN (:a, :b) ORDER BY test_source",
                        a=prospect["id"], b=supplied["id"])
    assert [r["test_source"] for r in rows] == ["probe", "supplied"]
