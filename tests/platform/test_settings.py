"""Connection settings from DATABASE_URL, as libpq users write them."""
import ssl

import pytest

from shared.platform import settings
from shared.platform.exceptions import ConfigError


def test_a_url_gives_host_port_user_password_and_database():
    params = settings.params_from_url("postgresql://avenir:p%40ss@db.example.ca:6543/leads")
    assert {k: params[k] for k in ("host", "port", "user", "password", "database")} == \
        {"host": "db.example.ca", "port": 6543, "user": "avenir", "password": "p@ss", "database": "leads"}


@pytest.mark.parametrize("query,expected", [("", None), ("?sslmode=prefer", None), ("?sslmode=disable", False)])
def test_sslmode_disable_never_tries_tls_and_the_default_leaves_it_to_the_driver(query, expected):
    assert settings.params_from_url(f"postgresql://u@h:5432/d{query}").get("ssl_context") is expected


def test_sslmode_require_encrypts_without_verifying_and_verify_full_verifies():
    required = settings.params_from_url("postgresql://u@h/d?sslmode=require")["ssl_context"]
    verified = settings.params_from_url("postgresql://u@h/d?sslmode=verify-full")["ssl_context"]
    assert required.verify_mode == ssl.CERT_NONE and not required.check_hostname
    assert verified.verify_mode == ssl.CERT_REQUIRED and verified.check_hostname


def test_settings_are_computed_once_per_url_not_per_request(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@h/d?sslmode=require")
    assert settings.connection_params() is settings.connection_params()


@pytest.mark.parametrize("secret", ['{"host": "h"}', "not json", "[1, 2]"])
def test_a_malformed_secret_is_a_config_error(secret):
    with pytest.raises(ConfigError):
        settings.params_from_secret_string(secret)


def test_rds_json_secret_gives_the_same_settings_as_its_url():
    secret = '{"host": "db.example.ca", "port": 5432, "username": "avenir", "password": "pw", "dbname": "leads"}'
    assert settings.params_from_secret_string(secret) == {"host": "db.example.ca", "port": 5432, "user": "avenir",
                                                          "password": "pw", "database": "leads"}


# --- Secrets Manager: one reader for every secret -------------------------------------------------
import ast  # noqa: E402
import logging  # noqa: E402
from pathlib import Path  # noqa: E402

import boto3  # noqa: E402
from moto import mock_aws  # noqa: E402


def test_settings_is_read_by_the_log_module_and_does_not_import_it():
    """No import circle: logs reads its level from settings, so settings never imports logs."""
    tree = ast.parse(Path(settings.__file__).read_text())
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
                and node.module == "shared.platform" for alias in node.names}
    imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert "logs" not in imported and "shared.platform.logs" not in imported


@pytest.fixture
def secretsmanager(monkeypatch):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.setenv(name, "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "ca-central-1")
    with mock_aws():
        boto3.setup_default_session(region_name="ca-central-1")
        yield boto3.client("secretsmanager")
        boto3.DEFAULT_SESSION = None


@pytest.fixture
def logged():
    records = []

    class Collect(logging.Handler):
        def emit(self, record):
            records.append(record)
    handler = Collect(level=logging.DEBUG)
    logging.getLogger("avenir").addHandler(handler)
    yield records
    logging.getLogger("avenir").removeHandler(handler)


def test_the_encryption_key_is_read_from_its_secret_once(secretsmanager, monkeypatch):
    arn = secretsmanager.create_secret(Name="avenir/key", SecretString=" the-key \n")["ARN"]
    monkeypatch.delenv("AVENIR_SECRET_KEY", raising=False)
    monkeypatch.setenv("AVENIR_SECRET_KEY_ARN", arn)
    assert settings.secret_key() == "the-key"
    secretsmanager.put_secret_value(SecretId=arn, SecretString="another-key")
    assert settings.secret_key() == "the-key"


def test_an_unreadable_encryption_key_secret_is_logged_and_answered_without_naming_it(secretsmanager, monkeypatch,
                                                                                      logged):
    """As the database secret: the cause in the log, a 503 (ConfigError) that names neither."""
    arn = "arn:aws:secretsmanager:ca-central-1:123456789012:secret:avenir/key-AbCdEf"
    monkeypatch.delenv("AVENIR_SECRET_KEY", raising=False)
    monkeypatch.setenv("AVENIR_SECRET_KEY_ARN", arn)
    with pytest.raises(ConfigError) as raised:
        settings.secret_key()
    assert raised.value.status == 503 and arn not in raised.value.message
    assert "ResourceNotFound" not in raised.value.message
    (error,) = [r for r in logged if r.levelno >= logging.ERROR]
    assert error.getMessage() == "encryption key secret unusable"
    assert error.fields["secret_arn"] == arn and "ResourceNotFoundException" in error.fields["error"]
