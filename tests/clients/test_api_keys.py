"""API keys are never stored readable: new keys as `sha256:` digests, a legacy plaintext key
upgraded on first use, a stored digest useless as a key, the reference's placeholder refused."""
import hashlib
import uuid

import pytest

from shared.clients import accounts

pytestmark = pytest.mark.pooled

PLACEHOLDER = "internal-api-key-placeholder"


def stored_key(database, client_id) -> str:
    return database.scalar("SELECT api_key FROM clients WHERE client_id = :c", c=client_id)


def insert_legacy_client(database, api_key: str) -> uuid.UUID:
    """A client imported from an older deployment, its key still in clear in the column."""
    client_id = uuid.uuid4()
    database.sql("INSERT INTO clients (client_id, business_name, email, password_hash, api_key) "
                 "VALUES (:c, 'Rénovations Gatineau', :e, 'x', :k)", c=client_id, e=f"{client_id.hex}@gatineau.ca",
                 k=api_key)
    return client_id


def test_a_new_key_is_stored_only_as_its_sha256_digest(database, make_client):
    client = make_client()
    assert stored_key(database, client.client_id) == "sha256:" + hashlib.sha256(client.api_key.encode()).hexdigest()
    whole_row = database.scalar("SELECT row_to_json(c)::text FROM clients c WHERE client_id = :c", c=client.client_id)
    assert client.api_key not in whole_row


def test_a_key_carries_a_short_public_prefix_that_tells_keys_apart(make_client):
    first, second = make_client().api_key, make_client().api_key
    assert first.startswith("avk_") and first[12] == "_"
    assert accounts.key_prefix(first) == first[:12] != accounts.key_prefix(second)


def test_a_legacy_plaintext_key_authenticates_and_the_column_then_holds_its_digest(database):
    legacy = "legacy-" + uuid.uuid4().hex
    client_id = insert_legacy_client(database, legacy)

    client = accounts.authenticate(legacy)

    assert client is not None and client.client_id == client_id
    assert stored_key(database, client_id) == accounts.key_digest(legacy)
    assert accounts.authenticate(legacy).client_id == client_id  # now through its digest
    assert client.key_prefix == "legacy"


def test_a_stored_digest_presented_as_a_key_does_not_authenticate(database, make_client, api):
    client = make_client()
    digest = stored_key(database, client.client_id)
    for presented in (digest, digest.removeprefix("sha256:")):
        assert accounts.authenticate(presented) is None
        assert api.post("/api/clients/rotate-key", key=presented).status == 401
    assert stored_key(database, client.client_id) == digest


@pytest.mark.parametrize("header", ["x-api-key", "authorization"])
def test_the_reference_placeholder_key_never_authenticates(database, api, header):
    assert stored_key(database, accounts.INTERNAL_CLIENT_ID) == PLACEHOLDER
    assert accounts.authenticate(PLACEHOLDER) is None
    value = PLACEHOLDER if header == "x-api-key" else f"Bearer {PLACEHOLDER}"
    response = api.post("/api/clients/rotate-key", headers={header: value})
    assert response.status == 401 and response.json["error"]["code"] == "unauthorized"
    assert stored_key(database, accounts.INTERNAL_CLIENT_ID) == PLACEHOLDER
