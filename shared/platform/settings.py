"""Configuration, read from the environment in this one module: where the database is,
how long a statement may run, how much to log."""
import functools
import json
import logging
import os
import ssl
from collections.abc import Callable
from urllib.parse import parse_qs, unquote, urlsplit

from shared.platform.exceptions import ConfigError


def log_level() -> str:
    return os.environ.get("AVENIR_LOG_LEVEL", "INFO").upper()


def statement_timeout_ms() -> int:
    """AVENIR_STATEMENT_TIMEOUT_MS, the one setting every database time bound derives from: a
    statement running longer is cancelled by the server (503)."""
    return int(os.environ.get("AVENIR_STATEMENT_TIMEOUT_MS", "5000"))


def socket_timeout_s() -> float:
    """How long the driver waits for the database to answer before giving the request up as a 503:
    one statement timeout plus a second for the server to report the cancellation. A frozen
    database thus ends a request after this long (6 s by default), well inside the functions' 15 s."""
    return statement_timeout_ms() / 1000 + 1


def key_wait_ms() -> int:
    """How long a delivery waits for the first delivery with its Idempotency-Key to finish before
    answering 409 idempotency_key_in_flight: half a statement timeout."""
    return statement_timeout_ms() // 2


def prepared_statements() -> bool:
    """Whether connections prepare their parametrised statements (see shared/platform/db.Connection)."""
    return os.environ.get("AVENIR_PREPARED_STATEMENTS", "1").strip().lower() not in ("0", "false", "no", "off")


def public_url() -> str:
    """AVENIR_PUBLIC_URL: the base of links in emails (the unsubscribe page), without a trailing slash."""
    return os.environ.get("AVENIR_PUBLIC_URL", "http://127.0.0.1:8080").rstrip("/")


def smtp_url() -> str | None:
    """AVENIR_SMTP_URL (smtp://host:port, smtps://...): the platform's SMTP server for replies, locally."""
    return os.environ.get("AVENIR_SMTP_URL") or None


def ses_from() -> str | None:
    """AVENIR_SES_FROM: the platform sender's address (an SES verified identity in AWS)."""
    return os.environ.get("AVENIR_SES_FROM") or None


def smtp_timeout_s() -> float:
    """AVENIR_SMTP_TIMEOUT_S: how long a mail server may take to answer one command."""
    return float(os.environ.get("AVENIR_SMTP_TIMEOUT_S", "10"))


def smtp_deadline_s() -> float:
    """AVENIR_SMTP_DEADLINE_S: how long one message's whole exchange with a mail server may take,
    connecting included (a server trickling its answer a line at a time never trips the per-command
    timeout). 8 s: a reply started at the end of the sender's 20 s budget still ends in its 29 s."""
    return float(os.environ.get("AVENIR_SMTP_DEADLINE_S", "8"))


def wake_queue_url() -> str | None:
    """AVENIR_WAKE_QUEUE_URL: the SQS queue that wakes the deployed follow-up sender when a lead's reply
    or alert is due now (template.yaml sets it); unset, the sender runs every minute (and, locally,
    LISTENs)."""
    return os.environ.get("AVENIR_WAKE_QUEUE_URL") or None


def sms_dir() -> str | None:
    """AVENIR_SMS_DIR: where owner alerts' text messages are written instead of sent (`make run` sets
    it beside its mail folder); unset, they go through Amazon SNS."""
    return os.environ.get("AVENIR_SMS_DIR") or None


def smtp_allow_private() -> bool:
    """AVENIR_SMTP_ALLOW_PRIVATE=1 lets a client's smtp_host be a loopback or private address: for
    tests and `make run`'s local mail sink only; off by default (shared/mail/smtp_hosts.py)."""
    return os.environ.get("AVENIR_SMTP_ALLOW_PRIVATE", "0").strip().lower() in ("1", "true", "yes", "on")


def sns_verify() -> bool:
    """AVENIR_SNS_VERIFY=0 accepts SNS messages to mail_events without checking their signature: for
    tests and local replays only; on by default (shared/mail/sns.py)."""
    return os.environ.get("AVENIR_SNS_VERIFY", "1").strip().lower() not in ("0", "false", "no", "off")


def sns_topic_arns() -> frozenset[str]:
    """AVENIR_SNS_TOPIC_ARN: the SNS topic(s) (comma-separated ARNs) whose messages mail_events takes;
    a message from any other topic is refused, even signed (anyone can make a topic and point it at
    the route). Unset: any topic (locally). template.yaml sets it to the stack's own topic."""
    return frozenset(arn.strip() for arn in os.environ.get("AVENIR_SNS_TOPIC_ARN", "").split(",") if arn.strip())


def ses_configuration_set() -> str | None:
    """AVENIR_SES_CONFIGURATION_SET: the SES configuration set the platform sender names, whose
    bounces and complaints reach mail_events through SNS (template.yaml sets it)."""
    return os.environ.get("AVENIR_SES_CONFIGURATION_SET") or None


def outreach_daily_cap() -> int:
    """How many outreach emails may be queued a day (UTC), all batches together."""
    return max(0, int(os.environ.get("AVENIR_OUTREACH_DAILY_CAP", "200")))


def database_source() -> tuple[str | None, str | None]:
    """Where the connection settings come from: (DATABASE_URL, DATABASE_SECRET_ARN)."""
    return os.environ.get("DATABASE_URL"), os.environ.get("DATABASE_SECRET_ARN")


def connection_params() -> dict:
    """pg8000 keyword arguments from DATABASE_URL, else from the DATABASE_SECRET_ARN secret."""
    url = os.environ.get("DATABASE_URL")
    if url:
        return params_from_url(url)
    arn = os.environ.get("DATABASE_SECRET_ARN")
    if arn:
        return _params_from_secret(arn)
    raise ConfigError("No database configured: set DATABASE_URL or DATABASE_SECRET_ARN.")


@functools.lru_cache(maxsize=8)
def params_from_url(url: str) -> dict:
    """pg8000 keyword arguments for a postgresql:// URL, computed once per URL (an SSL context costs
    tens of milliseconds to build). sslmode as libpq reads it: absent means pg8000's own default
    (TLS when the server offers it), `disable` never tries TLS, `require`/`verify-*` insist on it.
    The dict is shared: copy it before changing it."""
    parts = urlsplit(url)
    if parts.scheme not in ("postgresql", "postgres") or not parts.hostname:
        raise ConfigError("DATABASE_URL must look like postgresql://user:pass@host:port/db "
                          f"(got scheme {parts.scheme or 'none'!r}, host {parts.hostname or 'none'!r}).")
    try:
        port = parts.port or 5432
    except ValueError as e:
        raise ConfigError(f"DATABASE_URL has an invalid port: {e}.") from None
    params = {"host": parts.hostname, "port": port, "user": unquote(parts.username or "postgres"),
              "password": unquote(parts.password) if parts.password else None,
              "database": unquote(parts.path.lstrip("/")) or None}
    sslmode = parse_qs(parts.query).get("sslmode", ["prefer"])[0]
    if sslmode == "disable":
        params["ssl_context"] = False
    elif sslmode in ("require", "verify-ca", "verify-full"):
        context = ssl.create_default_context()
        if sslmode == "require":
            context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
        params["ssl_context"] = context
    return params


def params_from_secret_string(secret: str) -> dict:
    """A secret holds either the URL or the JSON that RDS and Supabase store
    (host, port, username, password, dbname)."""
    text = secret.strip()
    if text.startswith("postgres"):
        return params_from_url(text)
    try:
        data = json.loads(text)
        return {"host": data["host"], "port": int(data.get("port", 5432)), "user": data["username"],
                "password": data.get("password"), "database": data.get("dbname") or data.get("database")}
    except (ValueError, KeyError, TypeError) as e:
        raise ConfigError("The database secret is neither a postgresql:// URL nor JSON with "
                          f"host/port/username/password/dbname ({type(e).__name__}: {e}).") from None


@functools.lru_cache(maxsize=4)
def _params_from_secret(arn: str) -> dict:
    return _from_secret(arn, "database secret", params_from_secret_string,
                        unusable="The database settings cannot be read; retry later.")


def _from_secret(arn: str, name: str, parse: Callable[[str], object], unusable: str, secrets_client=None):
    """`parse` of the Secrets Manager secret `arn`: the one reader of secrets, its callers caching
    the result once per cold start; boto3 is imported only on this path. A failure is not cached:
    it is logged with its cause, raised as a 503 (`unusable`) that names neither the secret nor the
    cause, and the next call reads the secret again. It is logged through the standard logger, not
    shared.platform.logs, which reads its level from this module."""
    try:
        if secrets_client is None:
            import boto3

            secrets_client = boto3.client("secretsmanager")
        try:
            secret = secrets_client.get_secret_value(SecretId=arn)["SecretString"]
        except Exception as e:  # any AWS failure: missing secret, denied, throttled, no network
            raise ConfigError(f"Cannot read the {name} {arn}: {type(e).__name__}: {e}") from None
        return parse(secret)
    except ConfigError as e:
        logging.getLogger("avenir.settings").error(f"{name} unusable",
                                                   extra={"fields": {"secret_arn": arn, "error": e.message}})
        raise ConfigError(unusable) from None


def secret_key() -> str:
    """The key SMTP passwords are encrypted with (cipher.py): AVENIR_SECRET_KEY, or the Secrets Manager
    secret AVENIR_SECRET_KEY_ARN names (in AWS)."""
    key = os.environ.get("AVENIR_SECRET_KEY")
    if key:
        return key
    arn = os.environ.get("AVENIR_SECRET_KEY_ARN")
    if arn:
        return _secret_key_from(arn)
    raise ConfigError("No encryption key: set AVENIR_SECRET_KEY (or AVENIR_SECRET_KEY_ARN in AWS).")


@functools.lru_cache(maxsize=2)
def _secret_key_from(arn: str) -> str:
    return _from_secret(arn, "encryption key secret", str.strip,
                        unusable="The encryption key cannot be read; retry later.")


def clear_cache() -> None:
    _params_from_secret.cache_clear()
    _secret_key_from.cache_clear()


def bcrypt_rounds() -> int:
    """AVENIR_BCRYPT_ROUNDS: bcrypt's cost for the password hashes made (2^rounds iterations), 12 by
    default; 4 to 31 (bcrypt's range). The test session sets 4: its hashes are not what it checks."""
    rounds = int(os.environ.get("AVENIR_BCRYPT_ROUNDS", "12"))
    if not 4 <= rounds <= 31:
        raise ConfigError(f"AVENIR_BCRYPT_ROUNDS must be 4 to 31, not {rounds}.")
    return rounds
