from collections.abc import Iterator
from pathlib import Path

import pytest

from fieldapp.services import create_device
from fieldapp.vault import FAST_KDF_FOR_TESTS

PASSPHRASE = "correct horse battery staple"

VIOLATION = {
    "kind": "violation",
    "observed_at": "2025-05-01T10:00:00+02:00",
    "location": {"lat": 31.2, "lon": 16.6, "accuracy_m": 12, "source": "gps"},
    "place": None,
    "observed_by": "saw",
    "certainty": "probable",
    "description": "Shelling from the south-east; photo of the crater.",
    "controlling_side": None,
    "details": {"type": "shelling", "count": 4, "direction": "SE", "range_band": "3-5km"},
}


def observation(**changes) -> dict:
    return {**VIOLATION, **changes}


@pytest.fixture
def device_dir(tmp_path: Path) -> Path:
    return tmp_path / "device"


@pytest.fixture
def device(device_dir: Path) -> Iterator:
    with create_device(device_dir, PASSPHRASE, kdf=FAST_KDF_FOR_TESTS) as unlocked:
        yield unlocked


def all_file_bytes(root: Path) -> list[tuple[Path, bytes]]:
    """Every file under root, with its bytes (database, WAL, vault, sealed photos...)."""
    return [(path, path.read_bytes()) for path in sorted(root.rglob("*")) if path.is_file()]
