"""`make run`: with DATABASE_URL unset, an embedded PostgreSQL 15 whose data lives in .avenir/
(kept between runs); then migrate, make sure a demo client exists (with weeks of demo leads the
first time), print its key and a curl, the internal (admin) key, the dashboard's two sign-ins and the
embedded DATABASE_URL, start a local mail sink for the replies, and serve every route on port 8080
until Ctrl-C, then stop the database cleanly. A second `make run` on the same .avenir/ (or with a port
it needs taken) refuses and touches nothing."""
import json
import os
import shlex
import sys
from pathlib import Path

from shared.platform import sql

Q = sql.load(__file__)

ROOT = Path(__file__).resolve().parent.parent
STATE = Path(os.environ.get("AVENIR_STATE_DIR", ROOT / ".avenir"))
DEMO_BUSINESS_NAME = "Demo Roofing Québec"
DEMO_EMAIL = "owner@demo-roofing.ca"

# The local dashboard's sign-ins, printed by make run: the demo owner's, and on the embedded database the
# internal client's (the only one that sees Prospects and outreach).
DEMO_PASSWORD = "demo-roofing-2026"
INTERNAL_PASSWORD = "avenir-internal-2026"
DEMO_ADDRESS = "123 rue Saint-Paul, Québec QC G1K 3W1"


def secret_key() -> str:
    """The key SMTP passwords are encrypted with (AVENIR_SECRET_KEY): made once, kept in .avenir/."""
    from shared.platform import cipher

    path = STATE / "secret.key"
    if not path.exists():
        path.write_text(cipher.new_key())
        path.chmod(0o600)
    return path.read_text().strip()


def demo_dashboard() -> None:
    """The demo owner signs in with DEMO_PASSWORD and finds weeks of leads the first time."""
    from infra import demo
    from shared.clients import sessions
    from shared.platform import db

    client_id = db.admin_read(Q.demo_client, email=DEMO_EMAIL)[0]["client_id"]
    sessions.set_password(client_id, DEMO_PASSWORD)
    with db.admin_transaction() as conn:  # the postal address a reply must carry, until the owner sets theirs
        db.query(conn, Q.demo_address, address=DEMO_ADDRESS, c=client_id)
    seeded = demo.seed(client_id, saved_key("demo"))
    if seeded:
        print(f"Seeded the demo client with {seeded} leads over the last weeks, and ran the intelligence job.")


def internal_dashboard() -> str | None:
    """The internal client signs in with INTERNAL_PASSWORD, on the embedded database only (a database you
    gave keeps its own); its email, or None."""
    from shared.clients import sessions
    from shared.platform import db

    try:
        client_id = json.loads((STATE / "internal.json").read_text())["client_id"]
    except (OSError, ValueError, KeyError):
        return None
    sessions.set_password(client_id, INTERNAL_PASSWORD)
    return db.admin_read(Q.client_email, c=client_id)[0]["email"]


def print_sign_ins(port: int, internal_email: str | None) -> None:
    internal = (f"{internal_email} / {INTERNAL_PASSWORD}" if internal_email else
                "not set for the DATABASE_URL you gave (`avenir client set-password --client UUID`)")
    print(f"\nDashboard: http://127.0.0.1:{port}/ — sign in as\n"
          f"  the demo owner:      {DEMO_EMAIL} / {DEMO_PASSWORD}\n"
          f"  the internal client: {internal}  (it alone sees Prospects and outreach)\n", flush=True)


def saved_key(name: str) -> str | None:
    """A key saved in .avenir/<name>.json by an earlier run (keys are stored hashed in the database)."""
    try:
        return json.loads((STATE / f"{name}.json").read_text())["api_key"]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def save_key(name: str, client_id, key: str) -> None:
    saved = STATE / f"{name}.json"
    saved.write_text(json.dumps({"client_id": str(client_id), "api_key": key}))
    saved.chmod(0o600)


def demo_key() -> str:
    """The demo client's key: the saved one while it authenticates. Once it no longer does (rotated
    through the API, say) the demo client, kept with all its leads, is issued a fresh key by
    rotation; it is created only when absent. Nothing is ever deleted."""
    from shared.clients import accounts
    from shared.platform import db

    key = saved_key("demo")
    if key and accounts.authenticate(key):
        return key
    existing = db.admin_read(Q.demo_client, email=DEMO_EMAIL)
    if existing:
        client_id = existing[0]["client_id"]
        key = accounts.rotate_key(client_id, rotated_by="make run").api_key
    else:
        client_id, key = accounts.create_client(DEMO_BUSINESS_NAME, DEMO_EMAIL)
    save_key("demo", client_id, key)
    return key


def internal_key(may_issue: bool) -> str | None:
    """The internal (admin) client's key, kept in .avenir/internal.json like the demo key and reused
    while it authenticates; else a fresh one, issued as `avenir client create --internal` issues it
    (which retires the previous one) when `may_issue`, i.e. on the embedded database only."""
    from infra import cli
    from shared.clients import accounts

    key = saved_key("internal")
    if key and (client := accounts.authenticate(key)) and client.is_internal:
        return key
    if not may_issue:
        return None
    client_id, key = cli.issue_internal_key()
    save_key("internal", client_id, key)
    return key


def refusal(cluster, port: int) -> str | None:
    """Why this run must not start, found without touching anything: another `make run` already
    runs on this .avenir/ (pg_ctl status: a postmaster.pid left by a crash whose server is gone
    does not count), or a port it needs is taken."""
    from infra.pgcluster import port_is_free

    if cluster is not None:
        pid = cluster.running_pid()
        if pid is not None:
            return (f"another `make run` is already running on {STATE} (its PostgreSQL, pid {pid}, on "
                    f"{cluster.data}); stop it first with Ctrl-C where it runs. If no `make run` is running, "
                    f"stop the leftover server: {shlex.join(cluster.stop_command())}")
        if not port_is_free(cluster.port):
            return (f"port {cluster.port} for the embedded PostgreSQL is already in use; "
                    f"choose another with AVENIR_PG_PORT=...")
    if not port_is_free(port):
        return (f"port {port} is already in use (another `make run` or server?); stop it or choose another "
                f"with PORT=...")
    return None


def main(port: int = 8080) -> int:
    from infra import mailsink, serve
    from infra.pgcluster import LocalPostgres
    from shared.platform import migrate

    cluster, started, owner_pid, stop_mail = None, False, os.getpid(), None
    if not os.environ.get("DATABASE_URL"):
        cluster = LocalPostgres(STATE / "pg", port=int(os.environ.get("AVENIR_PG_PORT", "54329")))
    reason = refusal(cluster, port)
    if reason:
        print(f"make run: error: {reason}", file=sys.stderr)
        return 1
    try:
        if cluster is not None:
            STATE.mkdir(parents=True, exist_ok=True)
            print(f"Starting the embedded PostgreSQL in {cluster.root} (port {cluster.port})...", flush=True)
            try:
                cluster.start()
            except RuntimeError as e:
                print(f"make run: error: {e}", file=sys.stderr)
                return 1
            started = True
            os.environ["DATABASE_URL"] = cluster.create_database("avenir")
        applied = migrate.migrate()
        print(f"Migrations applied: {applied or 'none (up to date)'}")
        STATE.mkdir(parents=True, exist_ok=True)
        os.environ.setdefault("AVENIR_SECRET_KEY", secret_key())
        key = demo_key()
        print(f"\nDemo client API key: {key}\n\nTry it:\n"
              f"curl -s -X POST http://127.0.0.1:{port}/api/lead -H 'Content-Type: application/json' "
              f"-H 'x-api-key: {key}' -d '{{\"name\": \"Olivia Park\", \"email\": \"olivia@parkhomes.ca\", "
              f"\"message\": \"Our roof is leaking since this morning, can someone come today?\"}}'\n", flush=True)
        admin_key = internal_key(may_issue=cluster is not None)
        if admin_key:
            print(f"Internal (admin) client API key: {admin_key}\n(the prospect and intelligence routes), e.g.:\n"
                  f"curl -s http://127.0.0.1:{port}/api/prospects -H 'x-api-key: {admin_key}'\n", flush=True)
        else:  # a database you gave may have an admin key in use: replacing it is your decision
            print("Internal (admin) client API key: not issued for the DATABASE_URL you gave (a new one retires "
                  "the current one); `avenir client create --internal` issues one.\n", flush=True)
        if cluster is not None:
            print(f"For `avenir` commands in another terminal (.venv/bin/avenir ...):\n"
                  f"export DATABASE_URL={shlex.quote(os.environ['DATABASE_URL'])}\n", flush=True)
        demo_dashboard()
        print_sign_ins(port, internal_dashboard() if cluster is not None and admin_key else None)
        os.environ.setdefault("AVENIR_PUBLIC_URL", f"http://127.0.0.1:{port}")  # the links in replies
        # a client may point its own smtp_host at the local sink (127.0.0.1): private addresses are
        # refused everywhere else (shared/mail/smtp_hosts.py)
        os.environ.setdefault("AVENIR_SMTP_ALLOW_PRIVATE", "1")
        os.environ.setdefault("AVENIR_SMS_DIR", str(STATE / "sms"))  # the owner's alert texts, instead of SNS
        stop_mail = mailsink.start_local_mail(STATE / "mail")  # sets AVENIR_SMTP_URL; sends every minute
        print(f"Follow-up replies and owner alerts are sent every minute to a local mail sink: each one lands "
              f"in {STATE / 'mail'} as an .eml file; alerts by text message in {os.environ['AVENIR_SMS_DIR']} "
              f"as .txt files.\n", flush=True)
        print(f"Serving every route on http://127.0.0.1:{port} (Ctrl-C to stop)", flush=True)
        serve.run(port)
    except KeyboardInterrupt:
        pass
    finally:
        if stop_mail is not None and os.getpid() == owner_pid:
            stop_mail()
        # Only the server this run started, and not from gunicorn's forked workers.
        if started and os.getpid() == owner_pid:
            print("Stopping the embedded PostgreSQL...", flush=True)
            cluster.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(int(os.environ.get("PORT", "8080"))))
