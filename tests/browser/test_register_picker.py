"""The register picker on a phone (Chromium, 360x640): type to search, nearest first, tap an
entry; the saved draft carries the entry's id and the name shown, free text where it lacks."""

import pytest

from fieldapp.services import create_device, unlock_device
from fieldapp.vault import FAST_KDF_FOR_TESTS
from tests.support.registers import give_registers

pytestmark = pytest.mark.browser

PASSPHRASE = "tinned peaches at dawn"


@pytest.fixture(scope="module")
def app_data_dir(tmp_path_factory):
    """A device that already pulled the registers (as a sync would have stored them)."""
    path = tmp_path_factory.mktemp("device")
    with create_device(path, PASSPHRASE, kdf=FAST_KDF_FOR_TESTS) as device:
        give_registers(device)
    return path


def _top(phone, identifier: str) -> float:
    return phone.box(identifier)["y"]


def test_pick_a_unit_and_the_nearest_camp_from_the_register(phone, app_data_dir):
    phone.wait("unlock-passphrase", timeout=60_000)
    phone.type("unlock-passphrase", PASSPHRASE)
    phone.tap("unlock-submit")
    phone.tap("new-observation")
    phone.tap("kind-withdrawal")
    phone.wait("form-save")
    phone.tap("loc-place")
    phone.type("place-search", "sirt")
    phone.tap("place-sirte")  # the form's position: Sirte

    phone.reveal("detail-unit")
    phone.type("detail-unit", "east")
    phone.wait("detail-unit-choice-unit-e7")
    phone.gone("detail-unit-choice-unit-w1")
    phone.screenshot("app-20-register-unit")
    phone.tap("detail-unit-choice-unit-e7")
    phone.wait_text("detail-unit-picked", "unit-e7")

    phone.reveal("detail-camp")
    phone.tap("detail-camp")  # focus: every camp, nearest first from Sirte
    phone.wait("detail-camp-choice-camp-jufra")
    # Ghardabiya ~17 km, Misrata ~190 km (1.12 deg N, 1.53 deg W), Jufra ~230 km (2.01 deg S)
    assert _top(phone, "detail-camp-choice-camp-ghardabiya") < _top(phone, "detail-camp-choice-camp-misrata")
    assert _top(phone, "detail-camp-choice-camp-misrata") < _top(phone, "detail-camp-choice-camp-jufra")
    phone.gone("detail-camp-choice-camp-old")  # retired: not offered
    phone.screenshot("app-21-register-camp-nearest")
    phone.type("detail-camp", "a camp not in the list")
    phone.gone("detail-camp-choice-camp-ghardabiya")

    phone.reveal("form-observed-by")
    phone.choose("form-observed-by", "Saw it")
    phone.choose("form-certainty", "Confirmed")
    phone.reveal("form-save")
    phone.tap("form-save")
    phone.wait("new-observation")

    with unlock_device(app_data_dir, PASSPHRASE) as device:
        [draft] = device.list_page(("draft",)).items
        details = device.get(draft.id).record["details"]
    assert details["unit"] == {"id": "unit-e7", "name": "East 7th Brigade"}
    assert details["camp"] == "a camp not in the list"
