"""Fixtures of the intake tests (tests/leads/test_intake_*.py): the intake Lambda module, a sender
over served HTTP, and the clients other than the module's `client` (tests/conftest.py)."""
import uuid

import pytest

from shared.clients import accounts
from tests.helpers import ClientKey, load_function
from tests.leads.deliveries import Sender


@pytest.fixture(scope="module")
def intake_function():
    """functions/lead_intake/main.py as Lambda imports it."""
    return load_function("lead_intake")


@pytest.fixture
def sender(api) -> Sender:
    """POST /api/lead over served HTTP; tests/leads/test_intake_runtimes.py sends by every runtime."""
    return Sender("http", api=api)


def _client(business_name: str, email: str) -> ClientKey:
    return ClientKey(*accounts.create_client(business_name, email.replace("@", f"+{uuid.uuid4().hex[:6]}@")))


# One client per role for a module: each test writes under its own fresh emails and keys, and reads
# back only those.
@pytest.fixture(scope="module")
def other_client(database) -> ClientKey:
    return _client("Plomberie Gagnon", "owner@plomberie-gagnon.ca")


@pytest.fixture(scope="module")
def a_test_client(database) -> ClientKey:
    """A test client (its email holds "test"): every lead it sends is a test lead."""
    return _client("QA Renovations", "qa-test@renovations-tremblay.ca")
