"""Drafts may be incomplete (only the kind is required), finalize checks everything; a GPS
fix keeps its time and the mock flag in the signed record (issues 13.1 and 18.5)."""

import json
from datetime import datetime

import pytest
from core_fixtures import FAST, StepClock, observation

from fieldapp.model import InvalidObservation, parse_observation
from fieldapp.services import create_device


@pytest.fixture
def device(tmp_path):
    dev = create_device(tmp_path, "pw", kdf=FAST, clock=StepClock())
    yield dev
    if not dev.locked:
        dev.lock()


def test_an_incomplete_draft_is_kept_and_finalize_lists_every_problem(device):
    record_id = device.save_draft(
        {"kind": "violation", "description": "shots heard", "details": {"count": "three"}}
    )
    draft = device.get(record_id).record
    assert draft["description"] == "shots heard" and draft["details"] == {"count": "three"}
    problems = {error.field for error in device.check_draft(record_id)}
    assert {
        "observed_at",
        "location",
        "observed_by",
        "certainty",
        "details.type",
        "details.count",
    } <= problems
    with pytest.raises(InvalidObservation) as caught:
        device.finalize(record_id)
    assert {error.field for error in caught.value.errors} == problems
    assert device.get(record_id).state == "draft"


def test_a_draft_needs_its_kind(device):
    with pytest.raises(InvalidObservation) as caught:
        device.save_draft({"description": "no kind yet"})
    assert [error.field for error in caught.value.errors] == ["kind"]


def test_a_completed_draft_finalizes_in_record_form(device):
    record_id = device.save_draft({"kind": "violation", "description": "later"})
    device.save_draft(observation(location={"mgrs": "33R VQ 12345 67890"}), record_id=record_id)
    assert device.get(record_id).record["location"]["mgrs"] == "33R VQ 12345 67890"  # reopens as MGRS
    assert device.check_draft(record_id) == []
    view = device.finalize(record_id)
    location = view.record["location"]
    assert "mgrs" not in location and location["source"] == "manual" and isinstance(location["lat"], float)


def test_a_gps_fix_keeps_its_time_and_mock_flag_in_the_signed_record(device):
    fix = {
        "lat": 31.2,
        "lon": 16.58,
        "accuracy_m": 8.0,
        "source": "gps",
        "fix_at": "2024-05-01T14:29:40+02:00",
        "mocked": True,
    }
    record_id = device.record(observation(location=fix), finalize=True)
    view = device.get(record_id)
    assert view.record["location"] == fix
    assert json.loads(view.body)["location"] == fix  # inside the signed bytes


def test_records_without_the_new_keys_stay_as_they_were():
    record = parse_observation(observation(), now=datetime.now().astimezone()).to_record()
    assert set(record["location"]) == {"lat", "lon", "accuracy_m", "source"}


def test_fix_facts_belong_to_gps_fixes_only():
    bad = observation(location={"lat": 31.2, "lon": 16.5, "source": "manual", "mocked": False})
    with pytest.raises(InvalidObservation) as caught:
        parse_observation(bad, now=datetime.now().astimezone())
    assert caught.value.errors[0].field == "location"
    late = observation(location={"lat": 31.2, "lon": 16.5, "source": "gps", "fix_at": "yesterday"})
    with pytest.raises(InvalidObservation) as caught:
        parse_observation(late, now=datetime.now().astimezone())
    assert caught.value.errors[0].field == "location.fix_at"
