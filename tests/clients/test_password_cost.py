"""bcrypt's cost for the password hashes the product makes: production's 12 unless
AVENIR_BCRYPT_ROUNDS says otherwise (the test session sets 4; every other test hashes at that)."""
import uuid

import pytest

from shared.clients import accounts, sessions
from shared.platform.exceptions import ConfigError

pytestmark = pytest.mark.pooled


def stored_hash(database, client_id) -> str:
    return database.scalar("SELECT password_hash FROM clients WHERE client_id = :c", c=client_id)


def test_without_the_setting_a_new_clients_password_is_hashed_at_production_cost_12(database, monkeypatch):
    monkeypatch.delenv("AVENIR_BCRYPT_ROUNDS")
    client_id, _ = accounts.create_client("Toitures Nadeau", f"owner-{uuid.uuid4().hex[:8]}@toitures-nadeau.ca",
                                          "Toiture-2026!")

    assert stored_hash(database, client_id).startswith("$2b$12$")


def test_the_setting_is_the_cost_of_a_password_set_later(database, monkeypatch):
    client_id, _ = accounts.create_client("Toitures Nadeau", f"owner-{uuid.uuid4().hex[:8]}@toitures-nadeau.ca")
    monkeypatch.setenv("AVENIR_BCRYPT_ROUNDS", "5")

    assert sessions.set_password(client_id, "Nouveau-mot-2026")
    assert stored_hash(database, client_id).startswith("$2b$05$")


@pytest.mark.parametrize("rounds", ["3", "32"])
def test_a_cost_outside_bcrypts_range_is_a_configuration_error(monkeypatch, rounds):
    monkeypatch.setenv("AVENIR_BCRYPT_ROUNDS", rounds)

    with pytest.raises(ConfigError, match="AVENIR_BCRYPT_ROUNDS"):
        accounts.hash_password("Toiture-2026!")
