"""The `avenir` command: migrate, serve, clients, the nightly intelligence run, follow-up replies,
mail events, the data maintenance, enriching stored messages again. Every error is one line on stderr and one of
the exit statuses below (README, "Command line")."""
import argparse
import datetime
import json
import os
import sys
import uuid
from typing import Annotated

import pydantic

from shared.platform.exceptions import AvenirError, NotFound, Unavailable

DONE = 0
REFUSED = 1         # the database said no (an unknown client, a duplicate), or a client failed in a run
BAD_ARGUMENTS = 2   # the command line is wrong; nothing was done
UNAVAILABLE = 3     # no database configured, or it cannot be reached; nothing was done
INTERRUPTED = 130   # Ctrl-C
PIPE_CLOSED = 141   # standard output closed early (`| head`), as a process ended by SIGPIPE


def cmd_migrate(args) -> int:
    from shared.platform import migrate

    applied = migrate.migrate()
    print(json.dumps({"applied": applied}))
    return 0


def cmd_serve(args) -> int:
    from infra import serve

    serve.run(args.port, workers=args.workers, threads=args.threads, host=args.host)
    return 0


# The internal client as schema/003 creates it: what `--internal` uses when no flag names it.
INTERNAL_BUSINESS_NAME = "Avenir AI Solutions"
INTERNAL_EMAIL = "internal@aveniraisolutions.ca"


class ClientIdentity(pydantic.BaseModel):
    """A new client's name and email, held to the rules the API holds a lead's name and email to."""

    business_name: Annotated[str, pydantic.StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    email: pydantic.EmailStr

    @pydantic.field_validator("business_name")
    @classmethod
    def _storable_text(cls, value: str) -> str:
        if "\x00" in value:
            raise ValueError("must not contain the NUL character (U+0000)")
        return value


class BadArgument(Exception):
    """A command-line value that breaks the rules: one line on stderr, exit status 2 (argparse's)."""


class OneLineParser(argparse.ArgumentParser):
    """argparse whose errors are one line, `avenir: error: ...` with the command's name (its usage
    is --help's), exit status 2; its sub-commands' parsers are of this class too."""

    def error(self, message: str):
        self.exit(BAD_ARGUMENTS, f"avenir: error: {self.prog}: {message} (see {self.prog} --help)\n")


def bounded(low: int, high: int):
    """An argparse type: a whole number from low to high."""
    def whole_number(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be a whole number from {low} to {high}, got {text!r}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"must be from {low} to {high}, got {value}")
        return value
    whole_number.__name__ = "number"
    return whole_number


def client_id(text: str) -> uuid.UUID:
    """An argparse type: a client_id (a UUID)."""
    try:
        return uuid.UUID(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a client_id (a UUID), got {text!r}") from None


def client_identity(business_name: str, email: str) -> ClientIdentity:
    try:
        return ClientIdentity(business_name=business_name, email=email)
    except pydantic.ValidationError as e:
        error = e.errors()[0]
        flag = "--" + str(error["loc"][0]).replace("_", "-")
        message = error["msg"].removeprefix("Value error, ")
        raise BadArgument(f"{flag}: {message} (got {error['input']!r})") from None


def issue_internal_key(business_name: str | None = None, email: str | None = None,
                       password: str | None = None) -> tuple[uuid.UUID, str]:
    """A fresh key for the internal client; the name and email are used only if its row is absent."""
    from shared.clients import accounts

    identity = client_identity(INTERNAL_BUSINESS_NAME if business_name is None else business_name,
                               INTERNAL_EMAIL if email is None else email)
    return accounts.issue_internal_key(identity.business_name, identity.email, password)


def cmd_client_create(args) -> int:
    from shared.clients import accounts

    if args.internal:
        client_id, key = issue_internal_key(args.business_name, args.email, args.password)
    else:
        if args.business_name is None or args.email is None:
            raise BadArgument("--business-name and --email are required (unless --internal).")
        identity = client_identity(args.business_name, args.email)
        client_id, key = accounts.create_client(identity.business_name, identity.email, args.password)
    print(json.dumps({"client_id": str(client_id), "api_key": key}))
    return 0


def cmd_client_rotate_key(args) -> int:
    from shared.clients import accounts

    rotated = accounts.rotate_key(args.client, rotated_by="cli")
    print(json.dumps(rotated.model_dump(mode="json")))
    return 0


def cmd_client_list(args) -> int:
    from shared.clients import accounts

    print(json.dumps({"clients": [row.model_dump(mode="json") for row in accounts.list_clients()]}))
    return 0


def cmd_client_set_password(args) -> int:
    """The new password from standard input (first line), never from the command line."""
    from shared.clients import sessions

    password = sys.stdin.readline().rstrip("\n")
    if not 10 <= len(password.encode()) <= 72 or "\x00" in password:
        raise BadArgument("the new password must be 10 to 72 bytes without a NUL character (read from standard "
                          "input), as POST /api/client/password takes it.")
    if not sessions.set_password(args.client, password):
        raise NotFound(f"No client with id {args.client}.")
    print(json.dumps({"client_id": str(args.client), "password_set": True, "sessions_ended": True}))
    return 0


def cmd_leads_list(args) -> int:
    from shared.clients import accounts
    from shared.leads import inbox

    client = accounts.by_id(args.client)
    if client is None:
        raise NotFound(f"No client with id {args.client}.")
    page = inbox.page(client, inbox.InboxQuery(tag=args.tag, limit=args.limit))
    print(json.dumps(page.model_dump(mode="json")))
    return 0


def cmd_intelligence_run(args) -> int:
    from shared.growth import intelligence

    def progress(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    try:
        run_date = datetime.date.fromisoformat(args.date) if args.date else intelligence.today()
    except ValueError:
        raise BadArgument(f"--date must be YYYY-MM-DD, got {args.date!r}.") from None
    summary = intelligence.run_daily(run_date, args.client, progress=progress)
    print(json.dumps(summary.model_dump(mode="json")))
    return 1 if summary.failed_clients else 0


def cmd_followups_send(args) -> int:
    from shared.mail import sender

    print(json.dumps(sender.send_due().as_dict()))
    return 0


def cmd_followups_retry(args) -> int:
    from shared.mail import outbox

    print(json.dumps({"requeued": outbox.retry_failed(args.client)}))
    return 0


def cmd_mail_events(args) -> int:
    """Each line of the file, one SNS message as SNS posts it to /api/mail/events, received as that
    route receives it (its signature verified unless AVENIR_SNS_VERIFY=0). A line refused is one
    error line naming it; the others are taken; exit 1 if any was refused."""
    from shared.mail import events

    totals = {"messages": 0, "recorded": 0, "suppressed": 0, "confirmed": 0, "refused": 0}
    with open(args.file, encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            totals["messages"] += 1
            try:
                received = events.receive(json.loads(line))
            except (ValueError, AvenirError) as e:  # not JSON, not SNS (pydantic's is a ValueError), refused
                if isinstance(e, Unavailable):
                    raise
                message = e.message if isinstance(e, AvenirError) else f"not an SNS message ({type(e).__name__})"
                print(f"avenir: error: line {number}: {' '.join(message.split())}", file=sys.stderr)
                totals["refused"] += 1
                continue
            totals["recorded"] += received.recorded
            totals["suppressed"] += received.suppressed
            totals["confirmed"] += received.confirmed
    print(json.dumps(totals))
    return REFUSED if totals["refused"] else DONE


# The times a command takes: beyond these, what the command computes from them (a year before, a
# day's end in another zone) leaves what Python and PostgreSQL can hold.
EARLIEST = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
LATEST = datetime.datetime(9000, 1, 1, tzinfo=datetime.UTC)


def within_range(flag: str, moment: datetime.datetime | None) -> datetime.datetime | None:
    if moment is not None and not EARLIEST <= moment <= LATEST:
        raise BadArgument(f"{flag} must be a time from {EARLIEST:%Y-%m-%d} to {LATEST:%Y-%m-%d}, "
                          f"got {moment.isoformat()}.")
    return moment


def cmd_maintenance_run(args) -> int:
    from shared.privacy import maintenance

    try:
        now = maintenance.event_time(args.now)
    except ValueError:
        raise BadArgument(f"--now must be an ISO 8601 time such as 2026-11-25T06:30:00Z, got {args.now!r}.") \
            from None
    summary = maintenance.run(within_range("--now", now))
    print(json.dumps(summary.model_dump(mode="json")))
    return 1 if summary.failed_clients else 0


def cmd_maintenance_cleanup_test_data(args) -> int:
    from shared.privacy import maintenance

    print(json.dumps(maintenance.cleanup_test_data(dry_run=args.dry_run).model_dump(mode="json")))
    return 0


def cmd_enrich_rerun(args) -> int:
    from shared.leads import reenrich

    try:
        since = datetime.datetime.fromisoformat(args.since) if args.since else None
    except ValueError:
        raise BadArgument(f"--since must be a date (2026-11-01) or an ISO 8601 time, got {args.since!r}.") from None
    if since is not None and since.tzinfo is None:
        since = since.replace(tzinfo=datetime.UTC)
    within_range("--since", since)
    batch = reenrich.BATCH if args.batch is None else args.batch
    if not 1 <= batch <= MAX_BATCH:
        raise BadArgument(f"--batch must be at least 1 and at most {MAX_BATCH}, got {batch}.")
    summary = reenrich.rerun(args.client, since, batch,
                             progress=lambda line: print(line, file=sys.stderr, flush=True))
    print(json.dumps(summary.model_dump(mode="json")))
    return 0


MAX_BATCH = 100_000  # messages per transaction: beyond it a batch only holds its locks longer


def cmd_openapi(args) -> int:
    from infra import openapi

    text = json.dumps(openapi.document(), indent=2) + "\n"
    if args.output in (None, "-"):
        emit(text)
    else:
        with open(args.output, "w") as out:
            out.write(text)
    return 0


def emit(text: str) -> None:
    """Write a large output to standard output whole, or raise BrokenPipeError: Python's buffered
    writer may drop the error of a write cut short by a reader that went away, and exit 0."""
    sys.stdout.flush()
    data = memoryview(text.encode())
    while data:
        data = data[os.write(sys.stdout.fileno(), data):]


def parser() -> argparse.ArgumentParser:
    top = OneLineParser(prog="avenir", description="Avenir lead backend: operator commands.")
    sub = top.add_subparsers(dest="command", required=True)

    sub.add_parser("migrate", help="apply schema/ to DATABASE_URL (idempotent)").set_defaults(run=cmd_migrate)

    serve = sub.add_parser("serve", help="serve every route on one local port")
    serve.add_argument("--port", type=bounded(1, 65535), default=8080)
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--workers", type=bounded(1, 64), default=2, help="gunicorn worker processes (1 to 64)")
    serve.add_argument("--threads", type=bounded(1, 256), default=8, help="threads per worker (1 to 256)")
    serve.set_defaults(run=cmd_serve)

    client = sub.add_parser("client", help="manage clients").add_subparsers(dest="client_command", required=True)
    create = client.add_parser("create", help="create a client and print its API key once",
                               epilog="exit status: 0 created; 1 another client has this email (compared "
                                      "ignoring case and surrounding spaces); 2 a value that breaks the rules "
                                      "or no database")
    create.add_argument("--business-name", help="1 to 200 characters (required unless --internal)")
    create.add_argument("--email", help="the owner's email (required unless --internal)")
    create.add_argument("--password", help="the owner's sign-in password (default: a random one); with "
                                           "--internal it replaces the internal client's and ends its sessions")
    create.add_argument("--internal", action="store_true",
                        help="issue a fresh key for the internal (admin) client; --business-name and --email "
                             "are then optional and used only if its row is absent")
    create.set_defaults(run=cmd_client_create)
    rotate = client.add_parser("rotate-key", help="issue a new API key for a client; the old one stops working")
    rotate.add_argument("--client", required=True, type=client_id, help="the client's client_id")
    rotate.set_defaults(run=cmd_client_rotate_key)

    listing = client.add_parser("list", help="every client (id, name, email, flags, dates) as JSON")
    listing.set_defaults(run=cmd_client_list)
    password = client.add_parser("set-password", help="set an owner's password, read from standard input; "
                                                      "ends the client's sessions")
    password.add_argument("--client", required=True, type=client_id, help="the client's client_id")
    password.set_defaults(run=cmd_client_set_password)

    leads = sub.add_parser("leads", help="a client's leads").add_subparsers(dest="leads_command", required=True)
    leads_list = leads.add_parser("list", help="the client's newest leads as JSON, like GET /api/leads")
    leads_list.add_argument("--client", required=True, type=client_id, help="the client's client_id")
    leads_list.add_argument("--tag", choices=["Active", "Follow-Up", "Converted", "Archived", "Deleted"])
    leads_list.add_argument("--limit", type=bounded(1, 100), default=25, help="1 to 100 (default 25)")
    leads_list.set_defaults(run=cmd_leads_list)

    intelligence = sub.add_parser("intelligence", help="the daily intelligence job").add_subparsers(
        dest="intelligence_command", required=True)
    run = intelligence.add_parser("run", help="run it now; prints the summary JSON, exit 1 if any client failed")
    run.add_argument("--date", help="run date YYYY-MM-DD (default: today, UTC)")
    run.add_argument("--client", type=client_id, help="only this client_id")
    run.set_defaults(run=cmd_intelligence_run)

    followups = sub.add_parser("followups", help="follow-up replies to leads").add_subparsers(
        dest="followups_command", required=True)
    send = followups.add_parser("send", help="send the replies that are due now, once (what the every-minute "
                                             "schedule runs); prints the summary JSON")
    send.set_defaults(run=cmd_followups_send)
    retry = followups.add_parser("retry", help="queue failed replies again, due now with fresh attempts; "
                                               "prints {\"requeued\": n}")
    retry.add_argument("--failed", action="store_true", required=True, help="the failed replies (required)")
    retry.add_argument("--client", type=client_id, help="only this client_id's")
    retry.set_defaults(run=cmd_followups_retry)

    mail = sub.add_parser("mail", help="what mail servers said back").add_subparsers(dest="mail_command",
                                                                                     required=True)
    mail_events = mail.add_parser("events", help="receive a file of SNS messages (SES bounces and complaints), "
                                                 "as POST /api/mail/events does; prints the totals JSON, exit 1 "
                                                 "if a line was refused")
    mail_events.add_argument("--file", required=True, help="one SNS message (JSON) per line")
    mail_events.set_defaults(run=cmd_mail_events)

    maintenance = sub.add_parser("maintenance", help="the data maintenance").add_subparsers(
        dest="maintenance_command", required=True)
    nightly = maintenance.add_parser("run", help="archive stale leads, purge what has expired (what the nightly "
                                                 "schedule runs); prints the summary JSON, exit 1 if a client failed")
    nightly.add_argument("--now", help="run as of this time, ISO 8601 (default: now; UTC when no zone is given)")
    nightly.set_defaults(run=cmd_maintenance_run)
    cleanup = maintenance.add_parser("cleanup-test-data", help="delete the test clients and all their data; "
                                                               "prints the counts first")
    cleanup.add_argument("--dry-run", action="store_true", help="count only; delete nothing")
    cleanup.set_defaults(run=cmd_maintenance_cleanup_test_data)

    enrich = sub.add_parser("enrich", help="the stored messages read again by the current enrichment engine "
                                          "(--rerun); progress on stderr, the summary JSON on stdout")
    enrich.add_argument("--rerun", action="store_true", required=True,
                        help="enrich again every message the current engine version has not read (required)")
    enrich.add_argument("--client", type=client_id, help="only this client_id's messages")
    enrich.add_argument("--since", help="only messages received since this date or ISO 8601 time (UTC when no zone)")
    enrich.add_argument("--batch", type=int, help="messages per transaction (default 500)")
    enrich.set_defaults(run=cmd_enrich_rerun)

    spec = sub.add_parser("openapi", help="print (or write) the OpenAPI 3.1 document of the HTTP API")
    spec.add_argument("--output", help="file to write (default: standard output)")
    spec.set_defaults(run=cmd_openapi)
    return top


def main(argv: list[str] | None = None) -> int:
    """Run one command; whatever goes wrong is one `avenir: error:` line on stderr and its status."""
    try:
        args = parser().parse_args(argv)
        status = args.run(args)
        sys.stdout.flush()  # a closed pipe is found here, not at the interpreter's exit
        return status
    except BrokenPipeError:
        # The reader went away (`| head`): say nothing more and leave quietly; standard output is
        # pointed at /dev/null so that the interpreter's own last flush cannot fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return PIPE_CLOSED
    except KeyboardInterrupt:
        return INTERRUPTED
    except Exception as e:  # noqa: BLE001 - the one place a command's failure becomes its line and status
        message, status = failure(e)
        print(f"avenir: error: {' '.join(message.split())}", file=sys.stderr)
        return status


def failure(error: Exception) -> tuple[str, int]:
    """What to say of a command's failure, and its exit status."""
    if isinstance(error, BadArgument):
        return str(error), BAD_ARGUMENTS
    if isinstance(error, pydantic.ValidationError):  # a value a model refused: the flag that gave it
        first = error.errors()[0]
        field = "--" + "-".join(str(part) for part in first["loc"]).replace("_", "-")
        return f"{field}: {first['msg']} (got {first.get('input')!r})", BAD_ARGUMENTS
    if isinstance(error, Unavailable):
        return f"database unavailable: {error.__cause__ or error.message}", UNAVAILABLE
    if isinstance(error, AvenirError):
        details = f" {json.dumps(error.details)}" if error.details else ""
        return f"{error.message}{details}", BAD_ARGUMENTS if error.status in (400, 413, 422) else REFUSED
    if isinstance(error, OSError):
        return f"{error.strerror or error}{f': {error.filename}' if error.filename else ''}", REFUSED
    reason = error.args[0].get("M", error) if error.args and isinstance(error.args[0], dict) else error
    return f"unexpected {type(error).__name__}: {reason}", REFUSED


if __name__ == "__main__":
    sys.exit(main())
