"""The form's actions as state methods, against a real encrypted store (no browser):
`ObservationForm.save` (the one save path) and `finalize`, `FormPhotos.take` (the picker's
files, "save first"), `discard`, and the GPS / place / photo-hint fillers."""

import asyncio
import builtins
import hashlib
from dataclasses import dataclass

import pytest

from fieldapp.ui.state.form_record import FormError
from fieldapp.ui.state.gps import GpsFix
from fieldapp.ui.state.observation_form import ObservationForm
from fieldapp.ui.state.photos import Notice
from sync.places import load_places
from tests.app.forms import complete
from tests.photos.photo_files import make_jpeg, make_png


@dataclass
class Picked:
    """What the page's file picker hands over (flet.FilePickerFile): bytes in the web client."""

    name: str
    bytes: builtins.bytes | None = None
    path: str | None = None


def take(photos, files, **options):
    return asyncio.run(photos.take(files, **options))


def test_save_makes_a_draft_then_edits_the_same_one(device, clock):
    form = complete(ObservationForm(clock=clock))
    first = form.save(device)
    assert first.ok and first.record_id == form.record_id
    assert form.errors == {}
    form.description = "shelling, then silence"
    again = form.save(device)
    assert again.record_id == first.record_id
    [draft] = device.list_page(("draft",)).items
    assert draft.record["description"] == "shelling, then silence"


def test_save_keeps_a_draft_the_model_would_refuse_and_check_says_why(device, clock):
    form = complete(ObservationForm(clock=clock))
    form.lat = "95"
    form.details = {"type": "shelling", "count": "three"}
    outcome = form.save(device)
    assert outcome.ok and form.errors == {}  # typed work is kept; Finalize is where it is judged
    [draft] = device.list_page(("draft",)).items
    assert draft.record["location"]["lat"] == 95.0 and draft.record["details"]["count"] == "three"
    assert not form.check()
    assert form.errors == {
        "details.count": FormError(key="form.error.whole_number"),
        "location.lat": FormError(text="must be between -90 and 90"),
    }


def test_a_draft_needs_only_its_kind_and_reopens_as_typed(device, clock):
    form = ObservationForm(clock=clock)
    assert not form.save(device).ok and form.errors == {"kind": FormError(key="form.error.choose_kind")}
    form.choose_kind("violation")
    form.description = "smoke to the east"
    form.set_mode("mgrs")
    form.mgrs = "33R VQ 123 678"
    assert form.save(device).ok
    reopened = ObservationForm.from_record(
        device.get(form.record_id).record, clock=clock, record_id=form.record_id
    )
    assert (reopened.location_mode, reopened.mgrs, reopened.description) == (
        "mgrs",
        "33R VQ 123 678",
        "smoke to the east",
    )
    assert not reopened.unsaved


def test_check_reports_every_problem_at_once_with_required_for_empty_fields(clock):
    form = ObservationForm(clock=clock)
    form.choose_kind("violation")
    form.observed_at = ""
    assert not form.check()
    assert form.errors == {
        "observed_at": FormError(key="form.error.required"),
        "location.lat": FormError(key="form.error.required"),
        "observed_by": FormError(key="form.error.required"),
        "certainty": FormError(key="form.error.required"),
        "details.type": FormError(key="form.error.required"),
    }
    complete(form)
    form.set_time_now()
    assert form.check() and form.errors == {}


def test_a_quiet_save_keeps_the_messages_shown(device, clock):
    form = ObservationForm(clock=clock)
    form.choose_kind("violation")
    form.check()
    shown = dict(form.errors)
    assert shown
    assert form.save(device, quiet=True).ok
    assert form.errors == shown


def test_unsaved_changes_are_known_until_saved(device, clock):
    form = ObservationForm(clock=clock)
    assert not form.unsaved  # the prefilled time is not work
    form.choose_kind("other")
    assert not form.unsaved  # nor is one tap on a kind
    form.description = "a convoy"
    assert form.unsaved
    form.save(device)
    assert not form.unsaved
    form.lat = "31.2"
    assert form.unsaved


def test_save_waits_while_a_photo_is_read(device, clock):
    form = complete(ObservationForm(clock=clock))
    form.photos_on(device).busy = True
    assert form.save(device).busy
    assert form.record_id is None and device.list_page(("draft",)).items == []


def test_finalize_signs_the_saved_draft_and_needs_one(device, clock):
    form = complete(ObservationForm(clock=clock))
    with pytest.raises(ValueError, match="save"):
        form.finalize(device)
    assert form.save(device).ok
    record_id = form.finalize(device)
    view = device.get(record_id)
    assert view.state == "queued" and view.signature and view.seq == 1


def test_a_photo_on_a_form_that_cannot_be_saved_waits_then_save_seals_it(device, clock):
    form = ObservationForm(clock=clock)
    photos = form.photos_on(device)  # no kind yet: the one thing a draft needs
    jpeg = make_jpeg()
    seen = []
    notice = take(photos, [Picked("crater.jpg", jpeg)], progress=lambda: seen.append(photos.notice))
    assert notice == Notice(key="photo.held") and photos.notice == notice
    assert seen == [Notice(key="photo.adding")]
    assert form.errors == {}  # the failed "save first" said nothing beside fields
    assert device.list_page(("draft",)).items == []
    assert form.unsaved  # a waiting photo is work to keep

    complete(form)
    outcome = form.save(device)
    assert outcome.ok and photos.held == []
    assert photos.notice == Notice(key="photo.added")
    assert [p.sha256 for p in device.photos(outcome.record_id)] == [hashlib.sha256(jpeg).hexdigest()]


def test_a_photo_on_a_form_with_only_its_kind_saves_an_incomplete_draft(device, clock):
    form = ObservationForm(clock=clock)
    form.choose_kind("violation")
    assert take(form.photos_on(device), [Picked("crater.jpg", make_jpeg())]) == Notice(
        key="photo.saved_draft_first"
    )
    assert [p.name for p in device.photos(form.record_id)] == ["crater.jpg"]


def test_a_photo_on_a_form_that_can_be_saved_saves_the_draft_first(device, clock):
    form = complete(ObservationForm(clock=clock))
    photos = form.photos_on(device)
    notice = take(photos, [Picked("map.png", make_png())])
    assert notice == Notice(key="photo.saved_draft_first")
    assert form.record_id is not None and photos.record_id == form.record_id
    assert [p.name for p in device.photos(form.record_id)] == ["map.png"]
    # the next photo goes straight into the saved draft
    assert take(photos, [Picked("crater.jpg", make_jpeg())]) == Notice(key="photo.added")
    assert [c.stored for c in photos.cards] == [True, True]


def test_the_first_refusal_stops_the_batch_and_a_busy_picker_changes_nothing(device, clock):
    form = ObservationForm(clock=clock)
    form.choose_kind("other")
    photos = form.photos_on(device)
    files = [Picked("notes.jpg", b"not a photo at all"), Picked("crater.jpg", make_jpeg())]
    notice = take(photos, files)
    assert notice.is_error and notice.key == "photo.error.not_a_photo"
    assert notice.values["name"] == "notes.jpg"
    assert photos.cards == []  # the second file was not read

    assert take(photos, [Picked("nothing.jpg")]).key == "photo.error.unreadable"
    assert take(photos, []) is None  # cancelled
    photos.busy = True
    assert take(photos, [Picked("crater.jpg", make_jpeg())]) == Notice(key="photo.busy")
    assert photos.cards == [] and photos.notice.key == "photo.error.unreadable"


def test_a_held_photo_the_store_refuses_keeps_the_draft_saved_and_stops_a_finalize(device, clock):
    form = ObservationForm(clock=clock)
    photos = form.photos_on(device)
    take(photos, [Picked("crater.jpg", make_jpeg())])
    photos.held[0].data = b"changed in memory"  # no longer a JPEG when it is sealed
    outcome = complete(form).save(device)
    assert outcome.record_id is not None and not outcome.ok
    assert [n.key for n in outcome.photo_refusals] == ["photo.error.not_a_photo"]
    assert photos.notice == outcome.photo_refusals[0]
    assert [c.name for c in photos.held] == ["crater.jpg"]
    assert device.photos(outcome.record_id) == []


def test_discard_says_what_happened(device, clock):
    form = complete(ObservationForm(clock=clock))
    photos = form.photos_on(device)
    take(photos, [Picked("crater.jpg", make_jpeg(seed=3)), Picked("map.png", make_png())])
    crater, map_png = photos.cards
    assert photos.discard(map_png.sha256) == Notice(key="photo.removed")
    assert [p.name for p in device.photos(form.record_id)] == ["crater.jpg"]
    form.finalize(device)
    refused = photos.discard(crater.sha256)
    assert refused.is_error and refused.key == "photo.error.not_editable"
    assert [p.name for p in device.photos(form.record_id)] == ["crater.jpg"]


def test_the_photo_hints_fill_the_form_once(device, clock):
    form = ObservationForm(clock=clock)
    form.choose_kind("other")
    form.errors = {"location.lat": FormError(key="form.error.required")}
    photos = form.photos_on(device)
    take(photos, [Picked("crater.jpg", make_jpeg())])  # EXIF: 31.21 N 16.59 E
    form.use_photo_hints()
    assert (form.lat, form.lon, form.location_source) == ("31.21000", "16.59000", "gps")
    assert "location.lat" not in form.errors
    assert photos.notice == Notice(key="photo.used_hints") and photos.suggestion == {}


def test_gps_fix_place_and_the_points_mgrs(clock):
    form = ObservationForm(clock=clock)
    form.errors = {"location.lat": FormError(key="form.error.no_fix")}
    assert form.point_mgrs() is None
    form.use_fix(GpsFix(31.2089, 16.5887, 15.0))
    assert (form.location_mode, form.accuracy_m) == ("gps", "15") and form.errors == {}
    assert form.point_mgrs().startswith("33R XQ")
    sirte = next(place for place in load_places() if place.id == "sirte")
    form.errors = {"location.lat": FormError(key="form.error.pick_place")}
    form.pick_place(sirte, "ar")
    assert form.place == sirte.label("ar") and form.location_source == "place"
    assert form.errors == {}


def test_the_forms_purpose_names_its_title(clock):
    assert ObservationForm(clock=clock).purpose == "new"
    assert ObservationForm(clock=clock, amends="r0").purpose == "amend"
    assert ObservationForm(clock=clock, record_id="r1").purpose == "edit"


def test_switching_location_mode_carries_the_point_over(clock):
    form = ObservationForm(clock=clock)
    form.set_manual(lat="31.2089", lon="16.5887")
    assert form.point_mgrs().startswith("33R XQ")  # the line under the coordinates, as typed
    form.set_mode("mgrs")
    assert form.mgrs == form.point_mgrs() and form.point_text() == "31.20890, 16.58870"
    form.mgrs = "33R XQ 5000 5000"
    form.set_mode("manual")
    assert (form.lat, form.lon) != ("31.2089", "16.5887") and form.point_mgrs().startswith("33R XQ 500")
    form.set_mode("mgrs")
    form.mgrs = "33R XQ 123"  # odd digits, incomplete: the coordinates stay
    before = (form.lat, form.lon)
    form.set_mode("manual")
    assert (form.lat, form.lon) == before
