"""The form's register fields: search in English or Arabic, nearest first, offline; a picked
entry is signed as its id and the name shown, free text stays possible."""

from fieldapp.ui.state.observation_form import ObservationForm
from tests.support.registers import give_registers


def _withdrawal(clock) -> ObservationForm:
    form = ObservationForm(clock=clock)
    form.choose_kind("withdrawal")
    form.observed_by, form.certainty = "saw", "confirmed"
    return form


def test_camps_come_nearest_first_and_retired_ones_are_not_offered(device, clock):
    give_registers(device)
    form = _withdrawal(clock)
    form.lat, form.lon = "29.3", "16.1"  # near Jufra
    near_jufra = form.register_options(device, "camp", "", "en")
    assert [c.entry_id for c in near_jufra] == ["camp-jufra", "camp-ghardabiya", "camp-misrata"]
    assert 10 < near_jufra[0].distance_km < 20  # 0.1 deg N and E of the base: about 14.6 km
    form.lat, form.lon = "32.3", "15.1"  # near Misrata
    assert form.register_options(device, "camp", "", "en")[0].entry_id == "camp-misrata"
    form.lat = form.lon = ""
    by_name = form.register_options(device, "camp", "", "en")
    assert [c.label for c in by_name] == ["Al Jufra air base", "Ghardabiya air base", "Misrata air college camp"]


def test_search_by_english_or_arabic_and_labels_in_the_apps_language(device, clock):
    give_registers(device)
    form = _withdrawal(clock)
    assert [c.entry_id for c in form.register_options(device, "unit", "west", "en")] == ["unit-w1"]
    assert [c.entry_id for c in form.register_options(device, "unit", "السابع", "ar")] == ["unit-e7"]
    arabic = form.register_options(device, "unit", "brigade", "ar")
    assert {c.label for c in arabic} == {"اللواء السابع شرق", "اللواء الأول غرب"}
    assert {c.other for c in arabic} == {"East 7th Brigade", "West 1st Brigade"}
    assert form.register_options(device, "unit", "air base", "en") == []  # only the field's own register
    assert form.register_options(device, "completeness", "", "en") == []  # not a register field


def test_a_picked_unit_is_saved_as_its_id_and_the_name_shown_and_free_text_still_works(device, clock):
    give_registers(device)
    form = _withdrawal(clock)
    form.lat, form.lon = "31.06", "16.76"
    [unit] = form.register_options(device, "unit", "اللواء السابع", "ar")
    form.pick_entry("unit", unit)
    form.type_entry("camp", "a camp the register lacks")
    outcome = form.save(device)
    assert outcome.ok, form.errors
    saved = device.get(outcome.record_id).record["details"]
    assert saved["unit"] == {"id": "unit-e7", "name": "اللواء السابع شرق"}
    assert saved["camp"] == "a camp the register lacks"
    again = ObservationForm.from_record(device.get(outcome.record_id).record, clock=clock, record_id=outcome.record_id)
    assert again.picked("unit") == "unit-e7" and again.entry_text("unit") == "اللواء السابع شرق"
    assert again.picked("camp") is None and again.entry_text("camp") == "a camp the register lacks"
    again.type_entry("unit", "East 7th Bde (as typed)")  # typing over a picked entry makes it free text
    assert again.picked("unit") is None


def test_a_device_without_registers_offers_nothing_and_takes_free_text(device, clock):
    form = _withdrawal(clock)
    assert form.register_options(device, "unit", "", "en") == []
    form.lat, form.lon = "31.0", "16.0"
    form.type_entry("unit", "unknown unit")
    outcome = form.save(device)
    assert outcome.ok and device.get(outcome.record_id).record["details"]["unit"] == "unknown unit"
