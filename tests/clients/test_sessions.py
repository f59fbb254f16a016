"""Owner sessions over real HTTP and through the Lambda handler: sign-in, the same 401 for an
unknown email and a wrong password, the lockout (concurrent attempts included), sign-out, password
change, session tokens on every route but the webhook, last_login and last_connection."""
import re
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import bcrypt
import pytest

from shared.clients import accounts
from shared.platform import settings
from tests.helpers import apigw_event, invoke, load_function

pytestmark = pytest.mark.pooled

PASSWORD = "Toiture-2026!"
COST = settings.bcrypt_rounds()  # what hash_password uses (the test session's AVENIR_BCRYPT_ROUNDS)


@pytest.fixture
def owner(database):
    email = f"owner-{uuid.uuid4().hex[:8]}@toitures-gagnon.ca"
    client_id, key = accounts.create_client("Toitures Gagnon", email, PASSWORD)
    return {"client_id": str(client_id), "email": email, "key": key}


def login(api, email, password):
    return api.post("/api/auth/login", {"email": email, "password": password})


def test_signing_in_returns_a_token_that_opens_the_owners_routes(api, owner, database):
    answer = login(api, owner["email"].upper(), PASSWORD)
    assert answer.status == 200
    assert answer.json["client_id"] == owner["client_id"] and answer.json["business_name"] == "Toitures Gagnon"
    assert answer.json["language"] == "en" and answer.json["token"].startswith("avs_")
    bearer = {"Authorization": f"Bearer {answer.json['token']}"}
    assert api.get("/api/client", headers=bearer).json["email"] == owner["email"]
    stored = database.one("SELECT token_digest, expires_at - created_at AS lasts FROM owner_sessions "
                          "WHERE client_id = :c", c=owner["client_id"])
    assert answer.json["token"] not in stored["token_digest"] and stored["lasts"].total_seconds() == 12 * 3600
    row = database.one("SELECT last_login, last_connection FROM clients WHERE client_id = :c", c=owner["client_id"])
    assert row["last_login"] is not None and row["last_connection"] is not None


@pytest.fixture
def bcrypt_checks(monkeypatch):
    """The cost factor of every bcrypt check this process completes (the HTTP server runs in it):
    the work an answer took, counted at the library's boundary instead of timed."""
    checks, check = [], bcrypt.checkpw

    def counted(password, hashed):
        matched = check(password, hashed)
        checks.append(int(hashed[4:6]))
        return matched
    monkeypatch.setattr(bcrypt, "checkpw", counted)
    return checks


def test_an_unknown_email_and_a_wrong_password_get_the_same_answer_after_the_same_bcrypt_work(api, owner,
                                                                                              bcrypt_checks):
    wrong_password = login(api, owner["email"], "not-the-password")
    by_wrong_password = list(bcrypt_checks)
    unknown_email = login(api, f"nobody-{uuid.uuid4().hex[:6]}@gagnon.ca", "not-the-password")
    assert wrong_password.status == unknown_email.status == 401
    assert wrong_password.json == unknown_email.json
    assert wrong_password.headers["WWW-Authenticate"] == "Bearer"
    # each path completes exactly one bcrypt check at the cost new passwords are hashed with
    assert by_wrong_password == [COST] and bcrypt_checks[1:] == [COST]


def test_the_eleventh_attempt_within_15_minutes_is_refused_even_with_the_right_password(api, owner, database):
    answers = [login(api, owner["email"], f"wrong-{n}").status for n in range(10)]
    locked = login(api, owner["email"], PASSWORD)
    assert answers == [401] * 10
    assert locked.status == 429 and locked.json["error"]["code"] == "too_many_attempts"
    assert 0 < int(locked.headers["Retry-After"]) <= 15 * 60
    database.sql("UPDATE login_failures SET failed_at = failed_at - interval '16 minutes'")
    assert login(api, owner["email"], PASSWORD).status == 200


def test_concurrent_wrong_attempts_cannot_slip_past_the_lockout(api, owner, database):
    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(lambda n: login(api, owner["email"], f"guess-{n}").status, range(24)))
    assert statuses.count(401) == 10 and statuses.count(429) == 14
    digest_count = database.scalar("SELECT count(*) FROM login_failures WHERE email_digest = "
                                   "encode(sha256(convert_to(lower(:e), 'UTF8')), 'hex')", e=owner["email"])
    assert digest_count == 10


def test_signing_out_ends_the_token_at_once(api, owner):
    token = login(api, owner["email"], PASSWORD).json["token"]
    bearer = {"Authorization": f"Bearer {token}"}
    assert api.post("/api/auth/logout", headers=bearer).status == 204
    after = api.get("/api/client", headers=bearer)
    assert after.status == 401 and after.headers["WWW-Authenticate"] == "Bearer"


def test_a_session_expires_after_12_hours(api, owner, database):
    token = login(api, owner["email"], PASSWORD).json["token"]
    database.sql("UPDATE owner_sessions SET expires_at = now() - interval '1 second' WHERE client_id = :c",
                 c=owner["client_id"])
    assert api.get("/api/client", headers={"Authorization": f"Bearer {token}"}).status == 401


def test_changing_the_password_ends_the_other_sessions_and_keeps_this_one(api, owner):
    this = {"Authorization": f"Bearer {login(api, owner['email'], PASSWORD).json['token']}"}
    other = {"Authorization": f"Bearer {login(api, owner['email'], PASSWORD).json['token']}"}
    wrong = api.post("/api/client/password", {"current_password": "nope", "new_password": "Nouveau-mot-2026"},
                     headers=this)
    too_short = api.post("/api/client/password", {"current_password": PASSWORD, "new_password": "court"},
                         headers=this)
    changed = api.post("/api/client/password", {"current_password": PASSWORD, "new_password": "Nouveau-mot-2026"},
                       headers=this)
    assert (wrong.status, too_short.status, changed.status) == (403, 422, 204)
    assert api.get("/api/client", headers=this).status == 200
    assert api.get("/api/client", headers=other).status == 401
    assert login(api, owner["email"], PASSWORD).status == 401
    assert login(api, owner["email"], "Nouveau-mot-2026").status == 200


def test_the_lead_webhook_takes_the_api_key_only(api, owner):
    token = login(api, owner["email"], PASSWORD).json["token"]
    lead = {"name": "Marc Roy", "email": "marc@roy.ca"}
    by_session = api.post("/api/lead", lead, headers={"Authorization": f"Bearer {token}"})
    by_key = api.post("/api/lead", lead, key=owner["key"])
    assert by_session.status == 401 and by_key.status == 201


def test_a_session_token_tags_and_reverts_like_the_key(api, owner):
    bearer = {"Authorization": f"Bearer {login(api, owner['email'], PASSWORD).json['token']}"}
    lead_id = api.post("/api/lead", {"name": "Ana Silva", "email": "ana@silva.ca"}, key=owner["key"]).json["lead_id"]
    assert api.post(f"/api/leads/{lead_id}/tag", {"tag": "Converted"}, headers=bearer).status == 200
    assert api.post(f"/api/leads/{lead_id}/revert", {"reason": "Chose another roofer"}, headers=bearer).status == 200


def test_a_signed_in_owner_can_issue_a_new_api_key(api, owner):
    bearer = {"Authorization": f"Bearer {login(api, owner['email'], PASSWORD).json['token']}"}
    rotated = api.post("/api/clients/rotate-key", headers=bearer)
    assert rotated.status == 200
    assert api.post("/api/lead", {"name": "Léa", "email": "lea@b.ca"}, key=owner["key"]).status == 401
    assert api.post("/api/lead", {"name": "Léa", "email": "lea@b.ca"}, key=rotated.json["api_key"]).status == 201


def test_sign_in_through_the_lambda_handler_answers_as_over_http(api, owner):
    function = load_function("owner_auth")
    body = {"email": owner["email"], "password": PASSWORD}
    by_lambda = invoke(function, apigw_event("POST", "/api/auth/login", body))
    bad = invoke(function, apigw_event("POST", "/api/auth/login", dict(body, password="x")))
    assert by_lambda.status == 200 and by_lambda.json["client_id"] == owner["client_id"]
    assert bad.status == 401 and bad.json == login(api, owner["email"], "x").json


def test_last_connection_is_written_at_most_once_a_minute(api, owner, database):
    database.sql("UPDATE clients SET last_connection = now() - interval '30 seconds' WHERE client_id = :c",
                 c=owner["client_id"])
    before = database.scalar("SELECT last_connection FROM clients WHERE client_id = :c", c=owner["client_id"])
    api.post("/api/lead", {"name": "Zoé", "email": "zoe@b.ca"}, key=owner["key"])
    assert database.scalar("SELECT last_connection FROM clients WHERE client_id = :c", c=owner["client_id"]) == before
    database.sql("UPDATE clients SET last_connection = now() - interval '2 minutes' WHERE client_id = :c",
                 c=owner["client_id"])
    api.post("/api/lead", {"name": "Zoé", "email": "zoe@b.ca"}, key=owner["key"])
    after = database.scalar("SELECT last_connection FROM clients WHERE client_id = :c", c=owner["client_id"])
    assert after > before


def test_the_reference_internal_clients_placeholder_hash_matches_no_password(api, database):
    """schema/003 seeds the internal client with '$2a$10$placeholder', which is no bcrypt hash: a
    sign-in with it is a 401 and a password change a 403, as for any wrong password."""
    _, key = accounts.issue_internal_key("Avenir AI Solutions", "internal@aveniraisolutions.ca")
    database.sql("UPDATE clients SET password_hash = '$2a$10$placeholder' WHERE is_internal")
    assert login(api, "internal@aveniraisolutions.ca", "anything-at-all").status == 401
    change = api.post("/api/client/password", {"current_password": "anything", "new_password": "Nouveau-mot-2026"},
                      key=key)
    assert change.status == 403


def test_the_placeholder_hash_costs_one_full_bcrypt_check_like_any_wrong_password(api, database, bcrypt_checks):
    accounts.issue_internal_key("Avenir AI Solutions", "internal@aveniraisolutions.ca")
    for unusable in ("$2a$10$placeholder", "", "not-a-hash", "$2b$12$" + "?" * 53):
        database.sql("UPDATE clients SET password_hash = :h WHERE is_internal", h=unusable)
        bcrypt_checks.clear()
        assert login(api, "internal@aveniraisolutions.ca", "anything-at-all").status == 401
        assert bcrypt_checks == [COST], unusable


def dotted(email: str) -> str:
    """The email with its first `i` written as U+0130: Python lower-cases it to `i` + U+0307,
    a libc locale's lower() to a plain `i`."""
    return re.sub("[iI]", "\u0130", email, count=1)


def test_no_spelling_of_a_locked_email_signs_in_with_the_right_password(api, owner):
    assert [login(api, owner["email"], f"wrong-{n}").status for n in range(10)] == [401] * 10
    for spelling in (owner["email"], owner["email"].upper(), f"  {owner['email']} ", dotted(owner["email"]),
                     dotted(owner["email"].upper())):
        answer = login(api, spelling, PASSWORD)
        assert answer.status in (401, 429), spelling
    assert login(api, owner["email"].upper(), PASSWORD).status == 429


def test_failures_under_every_spelling_that_opens_the_account_share_its_one_counter(api, database):
    plain = f"owner-{uuid.uuid4().hex[:8]}@toitures-gagnon.ca"
    opening = []
    for spelling in (plain.upper(), f" {plain} ", dotted(plain), dotted(plain.upper())):
        email = plain.replace("owner-", f"owner{len(opening)}{uuid.uuid4().hex[:4]}-")
        accounts.create_client("Toitures Gagnon", email, PASSWORD)
        spelling = spelling.replace(plain, email).replace(plain.upper(), email.upper())
        if login(api, spelling, PASSWORD).status != 200:
            continue  # no way into the account, so no guess at its password
        opening.append(spelling)
        for n in range(5):
            login(api, spelling, f"wrong-{n}")
            login(api, email, f"wrong-{n}")
        assert (login(api, spelling, PASSWORD).status, login(api, email, PASSWORD).status) == (429, 429), spelling
    assert len(opening) >= 2  # at least the upper-case and the padded spellings


def sign_in_in_waves(api, email, signed_in: threading.Event, count=18, every=0.06):
    """`count` sign-ins with the old password, one every `every` seconds, six at a time; `signed_in`
    is set when the first one opens a session. Returns the tokens of those that did."""
    def sign_in(delay):
        time.sleep(delay)
        answer = login(api, email, PASSWORD)
        if answer.status == 200:
            signed_in.set()
        return answer
    with ThreadPoolExecutor(6) as pool:
        answers = list(pool.map(sign_in, [n * every for n in range(count)]))
    return [a.json["token"] for a in answers if a.status == 200]


def test_sign_ins_racing_a_password_change_keep_no_session_opened_with_the_old_password(api, owner):
    changer = {"Authorization": f"Bearer {login(api, owner['email'], PASSWORD).json['token']}"}
    signed_in = threading.Event()
    with ThreadPoolExecutor(1) as racer:
        tokens = racer.submit(sign_in_in_waves, api, owner["email"], signed_in)
        assert signed_in.wait(60)  # the change starts while the others are still checking the old password
        changed = api.post("/api/client/password", {"current_password": PASSWORD, "new_password": "Nouveau-mot-2026"},
                           headers=changer)
        tokens = tokens.result()
    assert changed.status == 204
    alive = [t for t in tokens if api.get("/api/client", headers={"Authorization": f"Bearer {t}"}).status == 200]
    assert alive == []
    assert api.get("/api/client", headers=changer).status == 200


def test_an_operators_password_reset_racing_sign_ins_keeps_no_session_opened_with_the_old_password(api, owner):
    from shared.clients import sessions
    signed_in = threading.Event()
    with ThreadPoolExecutor(1) as racer:
        tokens = racer.submit(sign_in_in_waves, api, owner["email"], signed_in)
        assert signed_in.wait(60)
        assert sessions.set_password(uuid.UUID(owner["client_id"]), "Nouveau-mot-2026")
        tokens = tokens.result()
    alive = [t for t in tokens if api.get("/api/client", headers={"Authorization": f"Bearer {t}"}).status == 200]
    assert tokens and alive == []


def change(api, key, current):
    return api.post("/api/client/password", {"current_password": current, "new_password": "Nouveau-mot-2026"}, key=key)


def test_wrong_current_passwords_on_the_password_route_lock_it_like_failed_sign_ins(api, owner):
    assert [change(api, owner["key"], f"guess-{n}").status for n in range(10)] == [403] * 10
    locked = change(api, owner["key"], PASSWORD)
    assert locked.status == 429 and locked.json["error"]["code"] == "too_many_attempts"
    assert 0 < int(locked.headers["Retry-After"]) <= 15 * 60
    assert login(api, owner["email"], PASSWORD).status == 429
    assert login(api, owner["email"], "Nouveau-mot-2026").status == 429


def test_sign_in_failures_and_password_route_failures_count_together(api, owner, database):
    assert [login(api, owner["email"], f"wrong-{n}").status for n in range(5)] == [401] * 5
    assert [change(api, owner["key"], f"guess-{n}").status for n in range(5)] == [403] * 5
    assert change(api, owner["key"], PASSWORD).status == 429
    assert login(api, owner["email"], PASSWORD).status == 429
    database.sql("UPDATE login_failures SET failed_at = failed_at - interval '16 minutes'")
    assert change(api, owner["key"], PASSWORD).status == 204
    assert login(api, owner["email"], "Nouveau-mot-2026").status == 200


def test_concurrent_wrong_guesses_on_the_password_route_cannot_slip_past_the_lockout(api, owner):
    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(lambda n: change(api, owner["key"], f"guess-{n}").status, range(16)))
    assert statuses.count(403) == 10 and statuses.count(429) == 6
