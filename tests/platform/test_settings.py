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
