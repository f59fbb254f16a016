"""With DATABASE_SECRET_ARN (and no DATABASE_URL), a Lambda handler finds the database through
Secrets Manager (moto), reading the secret once per cold start; a missing or malformed secret is a
logged error and a 503 with Retry-After, and the next request tries again. The function's
environment, the secret's region and the policy's scope come from template.yaml and samconfig."""
import json
import logging
import os
import tomllib
from urllib.parse import urlsplit

import boto3
import pytest
from moto import mock_aws

from shared.platform import db, logs, settings
from tests.deploy import stack
from tests.helpers import apigw_event, invoke, load_function

REGION = tomllib.loads((stack.ROOT / "infra" / "samconfig.toml").read_text())["default"]["global"]["parameters"][
    "region"]
FUNCTION = "lead_intake"  # the webhook every client's form calls


@pytest.fixture(scope="module")
def template() -> dict:
    return stack.load()


@pytest.fixture
def secretsmanager(monkeypatch):
    """Secrets Manager in moto, in the region samconfig deploys to; `calls` lists the
    GetSecretValue requests any boto3 client of the default session makes."""
    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                        "AWS_SESSION_TOKEN": "testing", "AWS_REGION": REGION, "AWS_DEFAULT_REGION": REGION}.items():
        monkeypatch.setenv(name, value)
    with mock_aws():
        boto3.setup_default_session(region_name=REGION)
        calls = []
        boto3.DEFAULT_SESSION.events.register("before-parameter-build.secrets-manager.GetSecretValue",
                                              lambda params, **_: calls.append(params["SecretId"]))
        client = boto3.client("secretsmanager")
        client.calls = calls
        yield client
        boto3.DEFAULT_SESSION = None


@pytest.fixture
def cold_start(template):
    """Put the process in the state of a new Lambda sandbox that has the template's environment:
    nothing cached, no open connection, DATABASE_SECRET_ARN set and DATABASE_URL unset."""
    def start(secret_arn: str):
        settings.clear_cache()
        db.discard()
        environment = stack.environment(template, FUNCTION, DatabaseSecretArn=secret_arn)
        assert set(environment) >= {"DATABASE_SECRET_ARN"}
        os.environ.pop("DATABASE_URL", None)
        os.environ.update(environment)
        return load_function(FUNCTION)
    yield start
    settings.clear_cache()
    db.discard()


@pytest.fixture
def logged():
    """The records the avenir loggers emit during the test."""
    records = []

    class Collect(logging.Handler):
        def emit(self, record):
            records.append(record)
    handler = Collect(level=logging.DEBUG)
    logs.configure()  # first, or it would replace this handler with its own
    logging.getLogger("avenir").addHandler(handler)
    yield records
    logging.getLogger("avenir").removeHandler(handler)


def rds_json(url: str) -> str:
    """The JSON that RDS and Supabase store for a database."""
    parts = urlsplit(url)
    return json.dumps({"engine": "postgres", "host": parts.hostname, "port": parts.port,
                       "username": parts.username, "password": parts.password or "",
                       "dbname": parts.path.lstrip("/")})


def submit_lead(module, key, email):
    return invoke(module, apigw_event("POST", "/api/lead", key=key, body={
        "name": "Marie Tremblay", "email": email, "message": "Bonjour, j'aimerais une soumission pour une toiture."}))


@pytest.mark.parametrize("secret_format", ["url", "rds_json"])
def test_the_handler_reaches_the_database_through_the_secret(secretsmanager, cold_start, database, make_client,
                                                             secret_format):
    client = make_client()
    value = database.url if secret_format == "url" else rds_json(database.url)
    arn = secretsmanager.create_secret(Name=f"avenir/database-{secret_format}", SecretString=value)["ARN"]
    module = cold_start(arn)

    response = submit_lead(module, client.api_key, f"marie-{secret_format}@tremblay-toitures.ca")

    assert response.status == 201, response.json
    assert database.scalar("SELECT count(*) FROM lead_memory WHERE id = :id::uuid",
                           id=response.json["lead_id"]) == 1
    assert secretsmanager.calls == [arn]


def test_the_secret_is_read_once_per_cold_start(secretsmanager, cold_start, database, make_client):
    client = make_client()
    arn = secretsmanager.create_secret(Name="avenir/database", SecretString=database.url)["ARN"]
    module = cold_start(arn)
    for n in range(3):
        assert submit_lead(module, client.api_key, f"lead{n}@gagnon-paysagement.ca").status == 201
    assert len(secretsmanager.calls) == 1

    module = cold_start(arn)  # a new sandbox
    assert submit_lead(module, client.api_key, "lead9@gagnon-paysagement.ca").status == 201
    assert len(secretsmanager.calls) == 2


def test_the_function_reads_exactly_the_secret_its_policy_allows(template, secretsmanager, cold_start, database,
                                                                make_client):
    client = make_client()
    arn = secretsmanager.create_secret(Name="avenir/database", SecretString=database.url)["ARN"]
    policies = stack.resolve(stack.function_for(template, FUNCTION).properties["Policies"],
                             stack.parameter_values(template, DatabaseSecretArn=arn))
    allowed = [p["AWSSecretsManagerGetSecretValuePolicy"]["SecretArn"] for p in policies
               if "AWSSecretsManagerGetSecretValuePolicy" in p]
    module = cold_start(arn)
    assert submit_lead(module, client.api_key, "policy@lavoie-plomberie.ca").status == 201
    assert secretsmanager.calls == allowed == [arn]


def test_a_missing_secret_is_a_logged_503_and_the_next_request_tries_again(secretsmanager, cold_start, database,
                                                                          make_client, logged):
    client = make_client()
    arn = f"arn:aws:secretsmanager:{REGION}:123456789012:secret:avenir/database-AbCdEf"
    module = cold_start(arn)

    response = submit_lead(module, client.api_key, "early@bouchard-renos.ca")

    assert response.status == 503
    assert response.json["error"]["code"] == "unavailable"
    assert int(response.headers["Retry-After"]) > 0
    assert arn not in json.dumps(response.json) and "ResourceNotFound" not in json.dumps(response.json)
    (error,) = [r for r in logged if r.levelno >= logging.ERROR]
    assert error.getMessage() == "database secret unusable"
    assert error.fields["secret_arn"] == arn and "ResourceNotFoundException" in error.fields["error"]

    secretsmanager.create_secret(Name="avenir/database", SecretString=database.url)
    real_arn = secretsmanager.describe_secret(SecretId="avenir/database")["ARN"]
    os.environ["DATABASE_SECRET_ARN"] = real_arn  # the operator fixes the stack parameter
    assert submit_lead(module, client.api_key, "later@bouchard-renos.ca").status == 201


@pytest.mark.parametrize("secret_string, cause", [
    ("not a connection string", "neither a postgresql:// URL nor JSON"),
    ('{"host": "db.example.internal", "password": "x"}', "KeyError"),
    ("postgresql://", "must look like postgresql://"),
])
def test_a_malformed_secret_is_a_logged_503_not_a_crash(secretsmanager, cold_start, database, make_client, logged,
                                                         secret_string, cause):
    client = make_client()
    arn = secretsmanager.create_secret(Name="avenir/database", SecretString=secret_string)["ARN"]
    module = cold_start(arn)

    first = submit_lead(module, client.api_key, "one@cote-electrique.ca")
    second = submit_lead(module, client.api_key, "two@cote-electrique.ca")

    for response in (first, second):
        assert response.status == 503 and "Retry-After" in response.headers
        assert "db.example.internal" not in json.dumps(response.json)
    errors = [r for r in logged if r.levelno >= logging.ERROR]
    assert len(errors) == 2 and all(cause in r.fields["error"] for r in errors)
    assert all('"x"' not in r.fields["error"] for r in errors), "the password reached the log"
    assert len(secretsmanager.calls) == 2, "a failed read is not cached: each request tries again"
