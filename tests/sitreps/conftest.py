"""A server with the sample registers (areas of responsibility east and west) and seeded reports."""

from datetime import date

import pytest

from server.registers.sample import sample
from tests.server.conftest import API, admin_headers, database_url, harness, verifier_headers  # noqa: F401

SIGNED_ON = date(2026, 10, 1)


@pytest.fixture
def registered(harness, admin_headers):  # noqa: F811
    for register, entries in sample(SIGNED_ON):
        answer = harness.client.put(
            f"{API}/registers/{register}", json={"entries": entries}, headers=admin_headers
        )
        assert answer.status_code == 200, answer.text
    return harness
