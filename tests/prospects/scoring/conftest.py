"""Fixtures of the prospect routes' tests: the internal (admin) client's key."""
import pytest

from shared.clients import accounts


@pytest.fixture(scope="module")
def admin(database) -> str:
    """The internal client's key, issued once for the module (its password's bcrypt is deliberately slow)."""
    return accounts.issue_internal_key("Avenir", "ops@avenir-leads.ca", "S3cret-pass!")[1]
