"""Test data, decided in one place (shared/clients/accounts.py): a client is a test client when its
email contains "test" or "example.com" (the schema reference); a lead is test data when its client
is a test client or its email contains "test" or ends with "example.com" (API.md, POST /api/lead)."""
import uuid

import pytest

from shared.clients import accounts

REAL = accounts.Client(uuid.uuid4(), "Toitures Laval", is_internal=False, is_test=False, key_prefix="avk_00000000")
TEST = accounts.Client(uuid.uuid4(), "QA Laval", is_internal=False, is_test=True, key_prefix="avk_00000001")


@pytest.mark.parametrize("email, test_client, test_lead", [
    ("olivia.park@gmail.com", False, False),
    ("QA.Tester@gmail.com", True, True),
    ("owner@attestation.ca", True, True),  # "test" anywhere, even inside a word
    ("olivia@EXAMPLE.COM", True, True),
    ("olivia@mail.example.com", True, True),
    ("olivia@notexample.com", True, True),
    ("olivia@example.com.au", True, False),  # the two contracts part here: "contains" against "ends with"
    ("example.com@gmail.com", True, False),
    ("olivia@example.org", False, False),
])
def test_an_email_marks_test_clients_and_test_leads(email, test_client, test_lead):
    assert accounts.is_test_email(email) is test_client
    assert accounts.is_test_lead(REAL, email) is test_lead


def test_every_lead_of_a_test_client_is_test_data():
    assert accounts.is_test_lead(TEST, "olivia.park@gmail.com") is True
