"""The place picker's state: a picked place is stored with its gazetteer id and both names,
a name typed over it drops the reference, and the list offers the places nearest the fix
before anything is typed."""

from fieldapp.ui.state.observation_form import ObservationForm
from fieldapp.ui.state.places import offered_places
from sync.places import load_places
from tests.app.forms import complete


def sirte():
    return next(place for place in load_places() if place.id == "sirte")


def test_a_picked_place_is_saved_with_its_id_and_both_names(device, clock):
    form = complete(ObservationForm(clock=clock))
    form.pick_place(sirte(), "ar")
    outcome = form.save(device)
    assert outcome.ok
    stored = device.get(outcome.record_id).record
    assert stored["place"] == "سرت"
    assert stored["place_ref"] == {"id": "sirte", "en": "Sirte", "ar": "سرت"}
    assert stored["location"]["source"] == "place"
    again = ObservationForm.from_record(stored, clock=clock, record_id=outcome.record_id)
    assert again.place_ref == stored["place_ref"]


def test_a_name_typed_over_the_picked_one_drops_the_reference(device, clock):
    form = complete(ObservationForm(clock=clock))
    form.pick_place(sirte(), "en")
    form.place = "the ridge east of Sirte"
    outcome = form.save(device)
    stored = device.get(outcome.record_id).record
    assert stored["place"] == "the ridge east of Sirte" and stored["place_ref"] is None


def test_coordinates_typed_after_a_pick_drop_the_reference(clock):
    form = complete(ObservationForm(clock=clock))
    form.pick_place(sirte(), "en")
    form.set_manual(lat="31.3")
    assert form.place_ref is None


def test_the_list_offers_the_nearest_places_to_the_fix_before_typing(clock):
    form = ObservationForm(clock=clock)
    assert offered_places(form, "") == []  # no fix, nothing typed: nothing to offer
    form.lat, form.lon = "31.19000", "16.62000"
    offered = offered_places(form, "")
    assert offered[0].id == "sirte" and len(offered) == 5
    assert [place.id for place in offered_places(form, "misr")][0] == "misrata"


def test_unreadable_coordinates_offer_nothing_rather_than_fail(clock):
    form = ObservationForm(clock=clock)
    form.lat, form.lon = "thirty", "16.6"
    assert offered_places(form, "") == []
