import itertools
from datetime import UTC, datetime, timedelta

import pytest

from fieldapp.vault import FAST_KDF_FOR_TESTS

NOW = datetime(2026, 3, 14, 9, 30, tzinfo=UTC)


@pytest.fixture
def clock():
    """Each reading a second later than the one before, so "newest first" has an order."""
    ticks = itertools.count()
    return lambda: NOW + timedelta(seconds=next(ticks))


@pytest.fixture
def session(tmp_path, clock):
    from fieldapp.ui.state.session import DeviceSession

    made = DeviceSession(tmp_path / "device", kdf=FAST_KDF_FOR_TESTS, clock=clock)
    yield made
    made.lock()


@pytest.fixture
def device(session):
    assert session.create("tinned peaches at dawn", "tinned peaches at dawn") is None
    return session.device
