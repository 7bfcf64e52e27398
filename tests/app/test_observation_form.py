from datetime import UTC, datetime

import pytest

from fieldapp.model import InvalidObservation, parse_observation
from fieldapp.ui.i18n import Translator
from fieldapp.ui.state.model_messages import translate_model_message
from fieldapp.ui.state.observation_form import FormError, ObservationForm

NOW = datetime(2026, 3, 14, 9, 30, tzinfo=UTC)


def filled(kind="violation", **changes):
    form = ObservationForm(clock=lambda: NOW)
    form.choose_kind(kind)
    form.lat, form.lon = "31.2", "16.58"
    form.observed_by, form.certainty = "heard", "probable"
    form.description = "shelling north of the road"
    for name, value in changes.items():
        setattr(form, name, value)
    return form


def model_errors(form):
    """What the model says about the form's record, placed beside the form's fields."""
    data = form.to_data()
    assert data is not None, form.errors
    with pytest.raises(InvalidObservation) as caught:
        parse_observation(data, now=NOW)
    form.show_model_errors(caught.value.errors)
    return form.errors


def test_observed_time_defaults_to_now_in_the_device_zone():
    form = ObservationForm(clock=lambda: NOW)
    assert form.observed_at == NOW.astimezone().strftime("%Y-%m-%d %H:%M")


def test_a_complete_form_is_a_valid_record():
    form = filled(details={"type": "shelling", "count": "3", "casualties": {"killed": "", "injured": "2"}})
    data = form.to_data()
    assert form.errors == {}
    parsed = parse_observation(data, now=NOW)
    record = parsed.to_record()
    assert record["details"]["count"] == 3
    assert record["details"]["casualties"] == {"killed": None, "injured": 2}
    assert record["location"]["source"] == "manual"


def test_text_that_is_not_a_number_is_caught_beside_its_field():
    form = filled(details={"type": "shelling", "count": "three", "casualties": {"killed": "x"}}, lat="north")
    assert form.to_data() is None
    assert form.errors == {
        "details.count": FormError(key="form.error.whole_number"),
        "details.casualties.killed": FormError(key="form.error.whole_number"),
        "location.lat": FormError(key="form.error.number"),
    }


def test_model_errors_land_beside_their_fields():
    form = filled(lat="95", observed_by=None, details={"count": "-1"})
    errors = model_errors(form)
    assert errors["location.lat"].text == "must be between -90 and 90"
    assert errors["details.type"].text == "is required"  # a violation needs its type
    assert errors["details.count"].text == "must be 0 or more"
    assert "observed_by" in errors
    assert "" not in errors  # nothing left without a place


def test_mgrs_errors_sit_beside_the_mgrs_field():
    form = filled(details={"type": "shelling"}, location_mode="mgrs", mgrs="99Z nonsense")
    errors = model_errors(form)
    assert set(errors) == {"location.mgrs"}


def test_mgrs_input_is_converted_by_the_model():
    form = filled(details={"type": "shelling"}, location_mode="mgrs", mgrs="33R XQ 51482 52856")
    record = parse_observation(form.to_data(), now=NOW).to_record()
    assert record["location"]["lat"] == pytest.approx(31.2, abs=0.5)


def test_choosing_another_kind_keeps_only_its_fields():
    form = filled("unit_movement", details={"unit": "166 Bde", "personnel": "40", "heading": "NE"})
    form.choose_kind("withdrawal")
    assert form.details == {"unit": "166 Bde"}
    assert [spec.name for spec in form.detail_specs()] == ["unit", "camp", "completeness"]


def test_place_and_gps_fill_the_location_with_their_source():
    form = filled(details={"type": "shelling"})
    form.use_place("Sirte", 31.2089, 16.5887)
    assert form.to_data()["location"] == {"lat": 31.2089, "lon": 16.5887, "source": "place"}
    assert form.place == "Sirte"
    form.use_gps_fix(31.1, 16.6, 12.4)
    assert form.to_data()["location"] == {"lat": 31.1, "lon": 16.6, "source": "gps", "accuracy_m": 12.0}
    form.set_manual(lat="31.15")
    assert form.to_data()["location"]["source"] == "manual"


def test_a_stored_record_round_trips_through_the_form():
    form = filled(
        "heavy_weapons",
        details={"system": "D-30", "calibre_mm": "122", "firing_position": True, "relation": "other"},
        place="Abu Qurain",
        controlling_side="side A",
    )
    record = parse_observation(form.to_data(), now=NOW).to_record()
    again = ObservationForm.from_record(record, clock=lambda: NOW, record_id="r1")
    assert again.to_data() == form.to_data()
    assert again.record_id == "r1"


def test_missing_kind_and_bad_time_are_form_errors():
    form = ObservationForm(clock=lambda: NOW, observed_at="yesterday")
    assert form.to_data() is None
    assert form.errors["kind"].key == "form.error.choose_kind"
    assert form.errors["observed_at"].key == "form.error.time_format"
    assert form.errors["location.lat"].key == "form.error.required"


@pytest.mark.parametrize(
    ("message", "arabic"),
    [
        ("must be between -90 and 90", "يجب أن يكون بين -90 و90."),
        ("must be 0 or more", "يجب أن يكون 0 أو أكثر."),
        ("is required", "مطلوب."),
        ("something new the model says", "something new the model says"),
    ],
)
def test_model_messages_are_translated_keeping_their_numbers(message, arabic):
    assert translate_model_message(message, Translator.load("ar")) == arabic


def test_every_english_model_message_shape_has_a_translation():
    en = Translator.load("en")
    assert translate_model_message("must be at most 500 characters", en) == "At most 500 characters."
