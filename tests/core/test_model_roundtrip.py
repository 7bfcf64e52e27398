"""Property tests: any valid record survives parse → to_record → parse unchanged (also through
canonical JSON bytes), and no input, however odd, escapes as anything but InvalidObservation."""

import json
from datetime import datetime, timedelta, timezone
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from model_examples import NOW, record

from fieldapp.model import (
    ATTACHMENT_MIME_TYPES,
    CERTAINTIES,
    KINDS,
    LOCATION_SOURCES,
    OBSERVED_BY,
    FieldSpec,
    InvalidObservation,
    describe_kind,
    parse_observation,
)
from sync.canonical import canonical_bytes

offsets = st.integers(-12 * 60, 14 * 60).map(lambda minutes: timezone(timedelta(minutes=minutes)))
observed_times = st.datetimes(
    min_value=datetime(2000, 1, 2), max_value=datetime(2024, 4, 30), timezones=offsets
).map(lambda moment: moment.isoformat())
uuids = st.uuids().map(str)
# Text a person can type: no lone surrogates, no control characters except tab and newlines.
clean_text_characters = st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from("\t\n\r")


def clean_text(max_size: int) -> st.SearchStrategy:
    return st.text(clean_text_characters, max_size=max_size)


def optional(strategy: st.SearchStrategy) -> st.SearchStrategy:
    return st.none() | strategy


def detail_value(spec: FieldSpec) -> st.SearchStrategy:
    if spec.type == "text":
        return optional(clean_text(spec.max_length or 200))
    if spec.type == "ref":  # picked from a register (id + name shown) or typed
        picked = st.fixed_dictionaries(
            {"id": st.from_regex(r"[a-z0-9][a-z0-9-]{0,20}", fullmatch=True), "name": clean_text(200).filter(str.strip)}
        )
        return optional(picked | clean_text(spec.max_length or 200))
    if spec.type == "int":
        return optional(st.integers(0, 1_000_000))
    if spec.type == "float":
        return optional(st.floats(0.01, 1000.0))
    if spec.type == "bool":
        return optional(st.booleans())
    if spec.type == "choice":
        choices = st.sampled_from(spec.choices or ())
        return choices if spec.required else optional(choices)
    assert spec.type == "counts"
    return optional(
        st.fixed_dictionaries(
            {}, optional={sub: optional(st.integers(0, 1_000_000)) for sub in spec.subfields or ()}
        )
    )


def details_for(kind: str) -> st.SearchStrategy:
    specs = describe_kind(kind)
    return st.fixed_dictionaries(
        {s.name: detail_value(s) for s in specs if s.required},
        optional={s.name: detail_value(s) for s in specs if not s.required},
    )


file_names = st.text(
    st.characters(blacklist_characters="/\\", blacklist_categories=("Cs", "Cc")), min_size=1, max_size=200
).filter(lambda name: name.strip() != "")
attachments = st.lists(
    st.fixed_dictionaries(
        {
            "sha256": st.binary(min_size=32, max_size=32).map(bytes.hex),
            "name": file_names,
            "size": st.integers(0, 1 << 30),
            "mime": st.sampled_from(ATTACHMENT_MIME_TYPES),
        }
    ),
    max_size=20,
    unique_by=lambda item: item["sha256"],
)
locations = st.fixed_dictionaries(
    {"lat": st.floats(-90, 90), "lon": st.floats(-180, 180)},
    optional={"accuracy_m": optional(st.floats(0, 100_000)), "source": st.sampled_from(("gps", "manual"))},
)


@st.composite
def valid_records(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from(KINDS))
    record_id = draw(uuids)
    data: dict[str, Any] = {
        "id": record_id,
        "kind": kind,
        "observed_at": draw(observed_times),
        "location": draw(locations),
        "observed_by": draw(st.sampled_from(OBSERVED_BY)),
        "certainty": draw(st.sampled_from(CERTAINTIES)),
        "description": draw(clean_text(300)),
        "details": draw(details_for(kind)),
    }
    optional_keys = {
        "place": optional(clean_text(200)),
        "controlling_side": optional(clean_text(200)),
        "amends": optional(uuids.filter(lambda other: other != record_id)),
        "attachments": attachments,
    }
    for key, strategy in optional_keys.items():
        if draw(st.booleans()):
            data[key] = draw(strategy)
    return data


@settings(max_examples=300, deadline=None)
@given(valid_records())
def test_parse_of_to_record_is_the_same_observation(data: dict[str, Any]) -> None:
    observation = parse_observation(data, now=NOW)
    out = observation.to_record()
    again = parse_observation(out, now=NOW)
    assert again == observation
    assert again.to_record() == out
    # Through the exact bytes that get signed: floats like 31.0 come back as 31 and must still parse the same.
    body = canonical_bytes(out)
    through_bytes = parse_observation(json.loads(body), now=NOW)
    assert through_bytes.to_record() == out
    assert canonical_bytes(through_bytes.to_record()) == body


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=12,
)


def check_only_field_errors(data: Any) -> None:
    try:
        parse_observation(data, now=NOW)
    except InvalidObservation as exc:
        assert exc.errors
        for error in exc.errors:
            assert "Input should" not in error.message and "pydantic" not in error.message.lower(), error
            assert isinstance(error.field, str) and error.message


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_arbitrary_json_only_ever_raises_field_errors(data: Any) -> None:
    check_only_field_errors(data)


@settings(max_examples=300, deadline=None)
@given(
    kind=st.sampled_from(KINDS),
    where=st.sampled_from(("top", "details", "location")),
    key=st.sampled_from(
        (
            "id",
            "kind",
            "observed_at",
            "location",
            "details",
            "attachments",
            "amends",
            "lat",
            "lon",
            "mgrs",
            "source",
            "type",
            "count",
            "vehicles",
            "casualties",
            "heading",
            "calibre_mm",
            "firing_position",
            "x",
        )
    ),
    value=json_values,
)
def test_one_bad_value_anywhere_only_raises_field_errors(kind: str, where: str, key: str, value: Any) -> None:
    data = record(kind)
    target = data if where == "top" else data[where]
    target[key] = value
    check_only_field_errors(data)


def test_location_source_place_survives_round_trip() -> None:
    data = record(location={"lat": 31.205, "lon": 16.588, "source": "place"}, place="Sirte")
    out = parse_observation(data, now=NOW).to_record()
    assert out["location"]["source"] == "place" and out["place"] == "Sirte"
    assert parse_observation(out, now=NOW).to_record() == out
    assert "place" in LOCATION_SOURCES
