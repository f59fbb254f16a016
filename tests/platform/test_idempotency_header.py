"""The Idempotency-Key header holds what the OpenAPI document says it may: printable ASCII with no
space at either end, bare or quoted; anything else is a 422 naming the header, and nothing is stored."""
import re
import uuid

import pytest

from infra import openapi
from shared.clients import accounts

LEAD = {"name": "Olivia Park", "email": "olivia@gmail.com", "message": "A quote for our roof, please."}


@pytest.fixture
def key(database):
    return accounts.create_client("Toitures Clé", f"owner-{uuid.uuid4().hex[:6]}@cle.ca")[1]


def documented_pattern() -> re.Pattern:
    parameters = openapi.document()["paths"]["/api/lead"]["post"]["parameters"]
    return re.compile(next(p for p in parameters if p["name"] == "Idempotency-Key")["schema"]["pattern"])


@pytest.mark.parametrize("header", ["abc", '"abc"', "k" * 200, "#tag-1", '"', "a b"])
def test_a_key_the_document_allows_is_taken(api, key, header):
    assert documented_pattern().match(header)
    answer = api.post("/api/lead", dict(LEAD, email=f"{uuid.uuid4().hex[:8]}@gmail.com"), key=key,
                      headers={"Idempotency-Key": header})
    assert answer.status == 201, answer.json


@pytest.mark.parametrize("header", ["ü-key", "k" * 201, "é", "tab\there"])
def test_a_key_the_document_refuses_is_a_422_naming_the_header(api, key, header, database):
    assert not documented_pattern().match(header) or len(header) > 200
    before = database.scalar("SELECT count(*) FROM lead_memory")
    answer = api.post("/api/lead", LEAD, key=key, headers={"Idempotency-Key": header.encode().decode("latin-1")})
    assert answer.status == 422 and answer.json["error"]["details"][0]["field"] == "Idempotency-Key"
    assert database.scalar("SELECT count(*) FROM lead_memory") == before
