"""The probe: one disclosed, non-promotional inquiry posted through a prospect's static contact form,
with a reply address of its own; then, once its window has passed, the judgement of what answered,
scored by the same formula as POST /api/prospects/score. Also the prospect's page of evidence
(GET /api/prospects/{id}) and its opt-out (/p/{token})."""
import datetime
import functools
import json
import re
import secrets
import uuid
from typing import Literal

import pydantic

from shared.mail import render
from shared.platform import db, fields, settings, sql
from shared.platform.exceptions import Conflict, NotFound, TooManyAttempts
from shared.prospects import scoring

Q = sql.load(__file__)
PROBE_LOCK = 7_236_501_207  # any constant: "a probe is being requested"
SENDER_NAME = "Camille Roy"  # the person who signs when the internal client names no contact
FIRST_NAMES = re.compile(r"first|prenom|given", re.I)
LAST_NAMES = re.compile(r"last|famille|surname|family", re.I)
SUBJECTS = re.compile(r"subject|sujet|objet", re.I)


class ProbeRequest(fields.RequestModel):
    dry_run: pydantic.StrictBool = False


class ProbeQueued(pydantic.BaseModel):
    probe_id: uuid.UUID
    status: Literal["queued", "skipped"]


class ProbePreview(pydantic.BaseModel):
    form_url: str = pydantic.Field(description="where the fields would be posted (the form's action)")
    fields: dict[str, str] = pydantic.Field(description="exactly what would be posted")


def request_probe(client_id: uuid.UUID, prospect_id: str, request: ProbeRequest) -> ProbeQueued | ProbePreview:
    """Queue one probe of the prospect's static form (the worker posts it), or with dry_run answer what
    would be posted and write nothing. A captcha or JavaScript-only form is never submitted: its probe
    is recorded `skipped`. 404 for an unknown prospect; 409 when it opted out, has no form found, or was
    probed in the last 90 days; 429 once AVENIR_PROBE_DAILY_CAP probes were made today (UTC)."""
    prospect_id = _uuid(prospect_id)
    with db.admin_transaction() as conn:
        conn.run(Q.lock_probes, key=PROBE_LOCK)
        found = db.query_one(conn, Q.probe_context, prospect_id=prospect_id, client_id=client_id)
        _check(found)
        token = secrets.token_hex(16)
        words = _words(found)
        submitted = found["form_kind"] == "static"
        posted = fill(found["form"], words, token) if submitted else {}
        if request.dry_run:
            if not submitted:
                raise Conflict(f"The prospect's form is {found['form_kind']}: it would not be submitted.")
            return ProbePreview(form_url=found["form"]["action"], fields=posted)
        if submitted and found["probes_today"] >= settings.probe_daily_cap():
            raise TooManyAttempts(f"{settings.probe_daily_cap()} probes were made today (AVENIR_PROBE_DAILY_CAP).",
                                  retry_after_seconds=_seconds_to_midnight())
        probe_id = uuid.uuid4()
        conn.run(Q.insert_probe, id=probe_id, prospect_id=prospect_id, token=token,
                 status="queued" if submitted else "skipped", form_url=found["form_url"],
                 form_action=found["form"]["action"] if submitted else None, fields=json.dumps(posted),
                 language=words["language"], asked_name=words["sender_name"], asked_service=words["service"],
                 error=None if submitted else f"a {found['form_kind']} form is never submitted")
    return ProbeQueued(probe_id=probe_id, status="queued" if submitted else "skipped")


def _check(found: dict | None) -> None:
    if found is None:
        raise NotFound("No such prospect.")
    if found["opted_out_at"] is not None:
        raise Conflict("This prospect asked never to be probed or contacted again.")
    if found["form_kind"] in (None, "none"):
        raise Conflict("No contact form is known for this prospect: discover it first (POST /api/prospects/discover)."
                       if found["form_kind"] is None else "The crawl found no contact form on this prospect's site.")
    if found["probed_at"] is not None:
        raise Conflict(f"This prospect was probed on {found['probed_at']:%Y-%m-%d}: at most once in 90 days.")


def _words(found: dict) -> dict:
    """What the probe says, in the prospect's language: the signer, the service asked about, the text."""
    language = "fr" if found["language"] == "fr" else "en"
    sender_name = render.plausible_name(found["sender_person"]) or SENDER_NAME
    service = _service(found["industry"], language)
    return {"language": language, "sender_name": sender_name, "service": service,
            "business_name": render.one_line(found["business_name"]),
            "sender_business": render.one_line(found["sender_business"] or "Avenir")}


def fill(form: dict, words: dict, token: str) -> dict[str, str]:
    """The fields to post: hidden fields copied as the page gave them (a CSRF nonce among them), the
    site's honeypots left empty, the email field our reply address, the text area the disclosed
    message; check boxes (consents, newsletters) never ticked."""
    values = {**words, "optout_url": f"{settings.public_url()}/p/{token}"}
    message = _ini(words["language"])["message"]
    text, subject = render.fill(message["text"], values), render.fill(message["subject"], values)
    first, _, last = words["sender_name"].partition(" ")
    posted = {}
    for field in form["fields"]:
        name, role = field["name"], field["role"]
        if field["type"] in ("checkbox", "radio") or name in posted:
            continue
        posted[name] = {"hidden": field["value"], "honeypot": "", "email": reply_address(token), "message": text,
                        "phone": ""}.get(role, field["value"])
        if role == "name":
            posted[name] = first if FIRST_NAMES.search(name) else last if LAST_NAMES.search(name) \
                else words["sender_name"]
        elif role == "other" and SUBJECTS.search(name):
            posted[name] = subject
    return posted


def reply_address(token: str) -> str:
    return f"p-{token}@{settings.probe_domain()}"


def _service(industry: str | None, language: str) -> str:
    words, found = _ini(language), (industry or "").lower()
    for section in words.sections():
        keywords = [k.strip() for k in words[section].get("keywords", "").split(",") if k.strip()]
        if section.startswith("service.") and any(k in found for k in keywords):
            return words[section]["text"]
    return words["service.default"]["text"]


@functools.cache
def _ini(language: str):
    return render.ini(f"{language}/probe.ini")


def _seconds_to_midnight() -> int:
    now = datetime.datetime.now(datetime.UTC)
    return int((datetime.datetime.combine(now.date() + datetime.timedelta(days=1), datetime.time(),
                                          datetime.UTC) - now).total_seconds()) + 1


def _uuid(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise NotFound(f"No prospect with id {value!r}.") from None


# --- the worker: submit, then judge -------------------------------------------------------------

def submit_due() -> int:
    """Post every queued probe's form once (Q.claim_submission), at the host's politeness slot; how many."""
    from shared.prospects import crawl, fetch  # the worker's alone: httpx and lxml stay out of the API's cold start

    posted = 0
    while True:
        with db.admin_transaction() as conn:
            probe = db.query_one(conn, Q.claim_submission)
        if probe is None:
            return posted
        sent_at, status, error = datetime.datetime.now(datetime.UTC), None, None
        host = crawl.origin_of(probe["form_action"])
        crawl.take_turn(host, settings.crawl_min_delay_s())
        try:
            with fetch.new_client() as client:
                sent_at = datetime.datetime.now(datetime.UTC)
                status = fetch.post_form(client, probe["form_action"], probe["fields"])
        except fetch.FetchFailed as e:
            error = str(e)
        finally:
            crawl.request_done(host, settings.crawl_min_delay_s())
        with db.admin_transaction() as conn:
            conn.run(Q.record_submission, probe_id=probe["id"], submitted_at=sent_at, submit_status=status,
                     status="failed" if error or status >= 400 else "submitted",
                     error=error or (f"the form answered {status}" if status >= 400 else None))
        posted += error is None


def judge_due() -> int:
    """Close every submitted probe whose AVENIR_PROBE_WINDOW_S has passed and score its prospect from
    what it measured (judge), through scoring.record_measured_step; how many. The writes of all of
    them travel in one round trip."""
    with db.admin_transaction() as conn:
        due = db.query(conn, Q.due_for_judgement, window_s=settings.probe_window_s())
        steps = []
        for probe in due:
            measured, first = judge(probe)
            steps += [(Q.close_probe, {"probe_id": probe["id"], "first_reply_at": first and first["received_at"],
                                       "reply_excerpt": first and first["excerpt"], **measured.model_dump()}),
                      scoring.record_measured_step(probe["prospect_id"], measured)]
        if steps:
            db.pipeline(conn, *steps)
    return len(due)


def judge(probe: dict) -> tuple[scoring.ResponseTest, dict | None]:
    """What the answers (bounces aside, first first) measured:
        has_autoresponder  an automatic reply came;
        response_time_ms   the first answer's arrival minus the submission (null: none came);
        is_personalized    the first answer repeats the name the probe gave or the service it asked about;
        is_generic         an automatic reply that does not."""
    answers = probe["answers"] if isinstance(probe["answers"], list) else json.loads(probe["answers"])
    first = answers[0] if answers else None
    automatic = any(answer["kind"] == "auto" for answer in answers)
    if first is None:
        return scoring.ResponseTest(has_autoresponder=False, response_time_ms=None, is_personalized=False,
                                    is_generic=False), None
    first = {**first, "received_at": _time(first["received_at"])}
    elapsed = max(0, round((first["received_at"] - probe["submitted_at"]).total_seconds() * 1000))
    said = _plain(f"{first['subject'] or ''} {first['excerpt'] or ''}")
    personal = any(_plain(words) in said for words in (probe["asked_name"], probe["asked_service"]) if words)
    return scoring.ResponseTest(has_autoresponder=automatic, response_time_ms=elapsed, is_personalized=personal,
                                is_generic=automatic and not personal), first


def _time(value) -> datetime.datetime:
    return value if isinstance(value, datetime.datetime) else datetime.datetime.fromisoformat(value)


def _plain(text: str) -> str:
    return " ".join(text.lower().split())


# --- GET /api/prospects/{prospect_id} -------------------------------------------------------------

class ProbeRow(pydantic.BaseModel):
    probe_id: uuid.UUID
    status: str
    submitted_at: datetime.datetime | None
    first_reply_at: datetime.datetime | None
    response_time_ms: int | None
    has_autoresponder: bool | None
    is_personalized: bool | None
    is_generic: bool | None
    reply_excerpt: str | None
    form_url: str | None
    error: str | None


class ProspectDetail(scoring.ProspectRow):
    form_kind: str | None
    contact_email_source_url: str | None
    crawl_status: str | None
    crawled_at: datetime.datetime | None
    crawl_pages: list | None
    test_source: str | None = pydantic.Field(description="probe: measured by our own probe; supplied: a caller's test")
    has_autoresponder: bool | None
    response_time_ms: int | None
    is_personalized: bool | None
    is_generic: bool | None
    opted_out_at: datetime.datetime | None
    probes: list[ProbeRow]


def prospect_detail(prospect_id: str) -> ProspectDetail:
    prospect_id = _uuid(prospect_id)
    with db.admin_transaction() as conn:
        row = db.query_one(conn, Q.prospect, prospect_id=prospect_id)
        probes = db.query(conn, Q.probes_of, prospect_id=prospect_id) if row else []
    if row is None:
        raise NotFound(f"No prospect with id {prospect_id}.")
    return ProspectDetail.model_validate({**row, "probes": probes})


# --- /p/{token}: never probe or contact again ------------------------------------------------------

def find_token(token: str) -> dict | None:
    if not re.fullmatch(r"[a-z0-9]{16,64}", token):
        return None
    with db.admin_transaction() as conn:
        return db.query_one(conn, Q.find_by_token, token=token)


def opt_out(token: str) -> dict | None:
    """The prospect is never probed nor contacted again (its queued probes dropped); None: unknown."""
    if not re.fullmatch(r"[a-z0-9]{16,64}", token):
        return None
    with db.admin_transaction() as conn:
        return db.query_one(conn, Q.opt_out, token=token)
