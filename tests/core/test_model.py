"""Validation of observations: every kind's valid example passes; every rule fails with the
field's path and a short human reason."""

import copy
import json
import uuid
from typing import Any

import pytest
from model_examples import FULL_DETAILS, NOW, OTHER_ID, RECORD_ID, errors_of, record

from fieldapp.errors import FieldAppError
from fieldapp.model import (
    HEADINGS,
    KINDS,
    RANGE_BANDS,
    FieldError,
    InvalidObservation,
    describe_kind,
    parse_observation,
)
from sync.canonical import canonical_bytes

RECORD_KEYS = [
    "id",
    "kind",
    "observed_at",
    "location",
    "place",
    "place_ref",
    "observed_by",
    "certainty",
    "description",
    "controlling_side",
    "amends",
    "details",
    "attachments",
]


def set_path(data: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    data = copy.deepcopy(data)
    *parents, last = path.split(".")
    target = data
    for key in parents:
        target = target[int(key)] if isinstance(target, list) else target[key]
    if value is DELETE:
        del target[last]
    else:
        target[last] = value
    return data


DELETE = object()


@pytest.mark.parametrize("kind", KINDS)
def test_full_example_of_each_kind_is_valid_and_written_out_whole(kind: str) -> None:
    observation = parse_observation(record(kind), now=NOW)
    out = observation.to_record()
    assert list(out) == RECORD_KEYS
    assert out["kind"] == kind
    assert out["id"] == RECORD_ID
    assert out["observed_at"] == "2024-05-01T13:30:00+02:00"
    assert out["details"] == FULL_DETAILS[kind]
    assert [spec.name for spec in describe_kind(kind)] == list(out["details"])
    json.dumps(out)  # JSON-compatible
    canonical_bytes(out)  # and canonically encodable


@pytest.mark.parametrize("kind", [k for k in KINDS if k != "violation"])
def test_details_are_optional_except_for_violation_type(kind: str) -> None:
    out = parse_observation(record(kind, details={}), now=NOW).to_record()
    assert set(out["details"]) == {spec.name for spec in describe_kind(kind)}
    assert all(value is None for value in out["details"].values())


def test_violation_needs_its_type() -> None:
    assert errors_of(record("violation", details={"count": 3})) == [FieldError("details.type", "is required")]


def test_minimal_record_gets_defaults() -> None:
    data = {
        "kind": "other",
        "observed_at": "2024-05-01T10:00:00Z",
        "location": {"lat": 31, "lon": 16},
        "observed_by": "heard",
        "certainty": "unconfirmed",
        "description": "A column of smoke to the south.",
    }
    out = parse_observation(data, now=NOW, record_id=OTHER_ID).to_record()
    assert out["id"] == OTHER_ID
    assert out["location"] == {"lat": 31.0, "lon": 16.0, "accuracy_m": None, "source": "manual"}
    assert out["observed_at"] == "2024-05-01T10:00:00+00:00"
    assert out["place"] is None and out["controlling_side"] is None and out["amends"] is None
    assert out["details"] == {} and out["attachments"] == []


def test_id_comes_from_data_then_record_id_then_a_new_uuid() -> None:
    assert parse_observation(record(), now=NOW, record_id=OTHER_ID).id == RECORD_ID
    data = record()
    del data["id"]
    assert parse_observation(data, now=NOW, record_id=OTHER_ID).id == OTHER_ID
    made = parse_observation(data, now=NOW).id
    assert str(uuid.UUID(made)) == made


def test_output_only_keys_are_ignored_so_list_output_can_be_fed_back() -> None:
    listed = parse_observation(record(), now=NOW).to_record() | {
        "state": "queued",
        "recorded_at": "2024-05-01T11:31:00+00:00",
        "seq": 4,
        "prev_hash": "b" * 64,
        "signature": "c2ln",
    }
    assert parse_observation(listed, now=NOW) == parse_observation(record(), now=NOW)


def test_tabs_and_newlines_are_fine_in_text() -> None:
    out = parse_observation(record(description="line one\n\tline two\r\nthree"), now=NOW).to_record()
    assert out["description"] == "line one\n\tline two\r\nthree"
    canonical_bytes(out)


def test_text_is_trimmed_and_blank_names_mean_unknown() -> None:
    out = parse_observation(
        record(description="  boom  \n", place="   ", controlling_side=" LNA "), now=NOW
    ).to_record()
    assert out["description"] == "boom"
    assert out["place"] is None
    assert out["controlling_side"] == "LNA"


def test_empty_count_objects_are_stored_as_null() -> None:
    details = FULL_DETAILS["unit_movement"] | {"vehicles": {"tank": None}}
    out = parse_observation(record("unit_movement", details=details), now=NOW).to_record()
    assert out["details"]["vehicles"] is None
    details = FULL_DETAILS["unit_movement"] | {"vehicles": {"tank": 2}}
    out = parse_observation(record("unit_movement", details=details), now=NOW).to_record()
    assert out["details"]["vehicles"] == {
        "technical": None,
        "apc": None,
        "tank": 2,
        "artillery": None,
        "mlrs": None,
        "truck": None,
    }


def test_coordinates_are_rounded_for_stable_encoding() -> None:
    data = record(location={"lat": 31.123456789, "lon": 16.987654321, "accuracy_m": 3.14159, "source": "gps"})
    out = parse_observation(data, now=NOW).to_record()
    assert out["location"] == {"lat": 31.123457, "lon": 16.987654, "accuracy_m": 3.1, "source": "gps"}


# (path to change, new value, expected field, expected message)
RULES = [
    ("location.lat", 91, "location.lat", "must be between -90 and 90"),
    ("location.lat", -90.5, "location.lat", "must be between -90 and 90"),
    ("location.lon", 180.01, "location.lon", "must be between -180 and 180"),
    ("location.lon", float("nan"), "location.lon", "must be between -180 and 180"),
    ("location.lat", True, "location.lat", "must be a number"),
    ("location.lat", "31.2", "location.lat", "must be a number"),
    ("location.accuracy_m", -1, "location.accuracy_m", "must be 0 or more"),
    ("location.source", "satellite", "location.source", "must be one of: gps, manual, place"),
    ("location.alt", 12, "location.alt", "is not a known field"),
    ("location.lat", DELETE, "location.lat", "is required"),
    ("location", DELETE, "location", "is required"),
    ("location", [31.2, 16.59], "location", "must be an object"),
    ("kind", "ceasefire", "kind", "must be one of: " + ", ".join(KINDS)),
    ("kind", DELETE, "kind", "is required"),
    ("observed_by", "smelled", "observed_by", "must be one of: saw, heard, camera, uav, eyewitness, imagery"),
    ("certainty", "sure", "certainty", "must be one of: confirmed, probable, unconfirmed"),
    ("certainty", DELETE, "certainty", "is required"),
    ("description", "x" * 4001, "description", "must be at most 4000 characters"),
    ("description", DELETE, "description", "is required"),
    ("description", 12, "description", "must be text"),
    (
        "description",
        "bad \ud800 half",
        "description",
        "must not contain control characters or broken Unicode",
    ),
    ("description", "nul \x00 byte", "description", "must not contain control characters or broken Unicode"),
    ("place", "Sirte\x1b[31m", "place", "must not contain control characters or broken Unicode"),
    ("attachments.0.name", "a\udc80.jpg", "attachments.0.name", "must not contain control characters"),
    ("place", "x" * 201, "place", "must be at most 200 characters"),
    ("controlling_side", "x" * 201, "controlling_side", "must be at most 200 characters"),
    ("amends", "not-a-uuid", "amends", "must be a UUID"),
    ("amends", RECORD_ID, "amends", "must name an earlier record, not this one"),
    ("id", RECORD_ID.upper(), "id", "must be a UUID"),
    ("id", 12, "id", "must be text"),
    ("observed_at", "2024-05-01T13:30:00", "observed_at", "must include a UTC offset, like +02:00 or Z"),
    ("observed_at", "yesterday", "observed_at", "must be a date and time like 2024-05-01T14:30:00+02:00"),
    ("observed_at", 1714567890, "observed_at", "must be a date and time"),
    ("observed_at", "1999-12-31T23:59:59Z", "observed_at", "must not be before the year 2000"),
    (
        "observed_at",
        "2024-05-01T10:00:00+23:00",
        "observed_at",
        "must have a UTC offset between -12:00 and +14:00",
    ),
    ("weather", "hot", "weather", "is not a known field"),
    ("details", [], "details", "must be an object"),
    ("details.colour", "green", "details.colour", "is not a known field"),
    ("details.count", -1, "details.count", "must be 0 or more"),
    ("details.count", 1_000_001, "details.count", "must be at most 1000000"),
    ("details.count", True, "details.count", "must be a whole number"),
    ("details.count", 2.5, "details.count", "must be a whole number"),
    ("details.count", "3", "details.count", "must be a whole number"),
    ("details.type", "nuclear", "details.type", "must be one of: " + ", ".join(["explosion", "shelling"])),
    ("details.direction", "north", "details.direction", "must be one of: " + ", ".join(HEADINGS)),
    ("details.direction", "nne", "details.direction", "must be one of: N, NNE"),
    ("details.range_band", "2km", "details.range_band", "must be one of: " + ", ".join(RANGE_BANDS)),
    ("details.casualties.killed", -2, "details.casualties.killed", "must be 0 or more"),
    ("details.casualties.missing", 1, "details.casualties.missing", "is not a known field"),
    ("details.casualties", 3, "details.casualties", "must be an object"),
    ("details.damage", "x" * 1001, "details.damage", "must be at most 1000 characters"),
    ("details.weapon", "x" * 201, "details.weapon", "must be at most 200 characters"),
    ("attachments.0.sha256", "A" * 64, "attachments.0.sha256", "must be 64 lower-case hex digits"),
    ("attachments.0.sha256", "ab", "attachments.0.sha256", "must be 64 lower-case hex digits"),
    ("attachments.0.mime", "image/gif", "attachments.0.mime", "must be one of: image/jpeg, image/png"),
    ("attachments.0.size", -1, "attachments.0.size", "must be 0 or more"),
    ("attachments.0.name", "../etc/passwd", "attachments.0.name", "must be a plain file name"),
    ("attachments.0.name", "x" * 201, "attachments.0.name", "must be at most 200 characters"),
    ("attachments.0.mime", DELETE, "attachments.0.mime", "is required"),
    ("attachments", "photo.jpg", "attachments", "must be a list"),
]


@pytest.mark.parametrize(
    ("path", "value", "field", "message"), RULES, ids=[f"{r[0]}={r[1]!r:.20}" for r in RULES]
)
def test_each_rule_names_the_field_and_the_reason(path: str, value: Any, field: str, message: str) -> None:
    errors = errors_of(set_path(record("violation"), path, value))
    assert [e.field for e in errors] == [field], errors
    assert errors[0].message.startswith(message), errors[0].message


KIND_RULES = [
    ("unit_movement", "personnel", -1, "details.personnel", "must be 0 or more"),
    ("unit_movement", "personnel", False, "details.personnel", "must be a whole number"),
    ("unit_movement", "vehicles", {"tank": -1}, "details.vehicles.tank", "must be 0 or more"),
    ("unit_movement", "vehicles", {"jet": 1}, "details.vehicles.jet", "is not a known field"),
    ("unit_movement", "vehicles", {"truck": True}, "details.vehicles.truck", "must be a whole number"),
    ("unit_movement", "heading", "NORTH", "details.heading", "must be one of: N, NNE"),
    ("unit_movement", "unit", 7, "details.unit", "must be text"),
    ("withdrawal", "completeness", "most", "details.completeness", "must be one of: full, partial"),
    ("foreign_fighters", "activity", "arrival", "details.activity", "must be one of: presence, departure"),
    ("foreign_fighters", "means", "rail", "details.means", "must be one of: air, land, sea"),
    ("foreign_fighters", "estimated_number", "many", "details.estimated_number", "must be a whole number"),
    ("heavy_weapons", "firing_position", "yes", "details.firing_position", "must be true or false"),
    ("heavy_weapons", "firing_position", 1, "details.firing_position", "must be true or false"),
    ("heavy_weapons", "calibre_mm", 0, "details.calibre_mm", "must be more than 0"),
    ("heavy_weapons", "calibre_mm", 5000, "details.calibre_mm", "must be more than 0 and at most 1000"),
    ("heavy_weapons", "count", -4, "details.count", "must be 0 or more"),
    ("heavy_weapons", "relation", "inside", "details.relation", "must be one of: beyond_withdrawal_line"),
    (
        "movement_restriction",
        "restriction",
        "blocked",
        "details.restriction",
        "must be one of: denial, delay",
    ),
    ("movement_restriction", "reason_given", "x" * 1001, "details.reason_given", "must be at most 1000"),
    ("other", "note", "x", "details.note", "is not a known field"),
]


@pytest.mark.parametrize(("kind", "key", "value", "field", "message"), KIND_RULES)
def test_each_kind_checks_its_own_fields(kind: str, key: str, value: Any, field: str, message: str) -> None:
    data = record(kind)
    data["details"][key] = value
    errors = errors_of(data)
    assert [e.field for e in errors] == [field], errors
    assert errors[0].message.startswith(message), errors[0].message


def test_details_of_another_kind_are_rejected() -> None:
    errors = errors_of(record("withdrawal", details=FULL_DETAILS["violation"]))
    assert {e.field for e in errors} >= {"details.type", "details.count"}
    assert all(e.message == "is not a known field" for e in errors)


def test_all_errors_are_reported_at_once_in_record_order() -> None:
    data = record("violation")
    data["details"]["count"] = -1
    data["location"]["lat"] = 100
    with pytest.raises(InvalidObservation) as caught:
        parse_observation(data, now=NOW)
    assert str(caught.value) == "location.lat: must be between -90 and 90; details.count: must be 0 or more"
    assert caught.value.for_field("details.count") == ["must be 0 or more"]
    assert isinstance(caught.value, FieldAppError)


def test_messages_never_leak_pydantic_text() -> None:
    messy = {
        "id": None,
        "kind": "violation",
        "observed_at": [],
        "location": {"lat": {}, "lon": None, "source": 3, "x": 1},
        "observed_by": None,
        "certainty": 1.5,
        "description": None,
        "details": {"type": 5, "count": {}, "casualties": [], "direction": 1},
        "attachments": [1, {"sha256": None, "name": None, "size": "1", "mime": None}] * 11,
    }
    errors = errors_of(messy)
    assert len(errors) > 10
    for error in errors:
        assert "Input should" not in error.message and "pydantic" not in error.message, error
        assert error.message and error.message[0].islower(), error


def test_too_many_attachments_and_duplicates() -> None:
    photos = [{"sha256": f"{i:064x}", "name": f"{i}.jpg", "size": 1, "mime": "image/jpeg"} for i in range(21)]
    assert errors_of(record(attachments=photos)) == [FieldError("attachments", "must have at most 20 items")]
    assert (
        parse_observation(record(attachments=photos[:20]), now=NOW).to_record()["attachments"] == photos[:20]
    )
    twice = [photos[0], photos[0]]
    assert errors_of(record(attachments=twice)) == [
        FieldError("attachments", "must not list the same photo twice")
    ]


def test_not_an_object_is_one_clear_error() -> None:
    assert [str(e) for e in errors_of(["a", "list"])] == ["an observation must be a JSON object"]


def test_picking_from_the_place_list_needs_the_place_name() -> None:
    data = record(place=None, location={"lat": 31.2, "lon": 16.59, "source": "place"})
    assert errors_of(data) == [
        FieldError("place", "is required when the location was picked from the place list")
    ]


class TestDescribeKind:
    def test_specs_match_the_design(self) -> None:
        specs = {spec.name: spec for spec in describe_kind("violation")}
        assert specs["type"].required and specs["type"].type == "choice"
        assert specs["direction"].choices == HEADINGS
        assert specs["range_band"].choices == RANGE_BANDS
        assert specs["casualties"].type == "counts" and specs["casualties"].subfields == ("killed", "injured")
        assert specs["weapon"].type == "text" and specs["weapon"].max_length == 200
        assert specs["count"].type == "int" and not specs["count"].required
        vehicles = {spec.name: spec for spec in describe_kind("unit_movement")}["vehicles"]
        assert vehicles.subfields == ("technical", "apc", "tank", "artillery", "mlrs", "truck")
        heavy = {spec.name: spec for spec in describe_kind("heavy_weapons")}
        assert heavy["firing_position"].type == "bool" and heavy["calibre_mm"].type == "float"
        assert describe_kind("other") == []

    def test_only_violation_has_a_required_field(self) -> None:
        required = {(kind, s.name) for kind in KINDS for s in describe_kind(kind) if s.required}
        assert required == {("violation", "type")}

    def test_unknown_kind_is_a_field_error(self) -> None:
        with pytest.raises(InvalidObservation) as caught:
            describe_kind("picnic")
        assert caught.value.errors[0].field == "kind"


def test_calibre_keeps_two_decimals_and_tiny_values_fail_before_rounding_hides_them() -> None:
    data = record("heavy_weapons")
    data["details"]["calibre_mm"] = 7.62
    assert parse_observation(data, now=NOW).to_record()["details"]["calibre_mm"] == 7.62
    data["details"]["calibre_mm"] = 0.004  # would round to 0 and fail when read back
    assert errors_of(data) == [FieldError("details.calibre_mm", "must be more than 0 and at most 1000")]


@pytest.mark.parametrize(
    "value, message",
    [
        ({"id": "bad id", "name": "X"}, "id is letters"),
        ({"id": "unit-1"}, "exactly an id and a name"),
        ({"id": "unit-1", "name": "X", "side": "west"}, "exactly an id and a name"),
        ({"id": "unit-1", "name": " "}, "needs the name shown"),
        ({"id": "unit-1", "name": "x" * 201}, "at most 200 characters"),
        ([1], "must be text or a register entry"),
    ],
)
def test_a_register_reference_needs_an_id_and_the_name_shown(value, message):
    with pytest.raises(InvalidObservation) as caught:
        parse_observation(record("withdrawal", details={"unit": value}), now=NOW)
    assert [(e.field, message in e.message) for e in caught.value.errors] == [("details.unit", True)], caught.value.errors


def test_a_register_field_takes_the_picked_entry_or_free_text():
    picked = {"id": "unit-w1", "name": "اللواء الأول غرب"}
    out = parse_observation(record("withdrawal", details={"unit": picked}), now=NOW).to_record()
    assert out["details"]["unit"] == picked
    typed = parse_observation(record("withdrawal", details={"unit": "  unknown unit "}), now=NOW).to_record()
    assert typed["details"]["unit"] == "unknown unit"
