"""The report page reads like a report (issue 14, point 1): the kind's fields in the form's
order with the form's labels and choice names, times local with their offset and in UTC, the
audit trail in words — checked on the text the console draws, for a record signed by a device
and ingested by the real server (ASGI), read back through the console's client."""

import asyncio

import flet as ft

from fieldapp.model.details import DETAIL_FIELDS
from server.console.state import ReportState
from server.console.state.record_text import (
    KIND_FIELDS,
    catalogue,
    detail_lines,
    observation_lines,
    transition_text,
    when_text,
)
from server.console.views.integrity import integrity_card
from server.console.views.observation import observation_card
from tests.console.conftest import report_at


def texts(control) -> dict[str, str]:
    """identifier -> the text drawn inside it (its texts joined by " | ")."""
    found: dict[str, str] = {}

    def words(node) -> list[str]:
        out = [node.value] if isinstance(node, ft.Text) and isinstance(node.value, str) else []
        for child in children(node):
            out += words(child)
        return out

    def walk(node):
        if isinstance(node, ft.Semantics) and node.identifier:
            found[node.identifier] = " | ".join(words(node))
        for child in children(node):
            walk(child)

    walk(control)
    return found


def children(node) -> list:
    found = []
    for name in ("content", "controls", "title", "subtitle"):
        child = getattr(node, name, None)
        for item in child if isinstance(child, list) else [child]:
            if isinstance(item, ft.Control):
                found.append(item)
    return found


def test_the_console_lists_each_kinds_fields_in_the_forms_order():
    assert {kind: tuple(spec.name for spec in specs) for kind, specs in DETAIL_FIELDS.items()} == KIND_FIELDS


def test_every_choice_the_form_offers_has_the_label_the_console_shows():
    strings = catalogue()
    for specs in DETAIL_FIELDS.values():
        for spec in specs:
            assert f"field.{spec.name}" in strings
            for value in spec.choices or ():
                assert f"choice.{spec.name}.{value}" in strings


def test_a_violation_reads_in_the_forms_order_with_human_values():
    record = {
        "kind": "violation",
        "observed_by": "heard",
        "certainty": "probable",
        "description": "Rounds landing south of the road",
        "details": {  # as the signed canonical JSON holds them: keys sorted
            "casualties": {"injured": 2, "killed": None},
            "count": 4,
            "damage": None,
            "direction": "SSW",
            "range_band": "3-5km",
            "type": "shelling",
            "weapon": "122 mm",
            "later_field": "from a newer app",
        },
    }
    lines = [(line.label, line.text) for line in detail_lines(record)]
    assert lines == [
        ("Type", "Shelling"),
        ("Count", "4"),
        ("Direction from observer", "SSW"),
        ("Range", "3–5 km"),
        ("Weapon / calibre", "122 mm"),
        ("Casualties", "Injured 2"),
        ("Damage", "—"),
        ("Later field", "from a newer app"),  # unknown to this console: shown last, not hidden
    ]
    assert [(line.label, line.text) for line in observation_lines(record)] == [
        ("How observed", "Heard it"),
        ("Certainty", "Probable"),
        ("Description", "Rounds landing south of the road"),
    ]


def test_times_are_local_with_their_offset_and_utc():
    assert when_text("2026-03-02T11:05:00+02:00") == ("2026-03-02 11:05 (UTC+02:00)", "2026-03-02 09:05 UTC")
    assert when_text("2026-03-02T01:30:00-03:30") == ("2026-03-02 01:30 (UTC-03:30)", "2026-03-02 05:00 UTC")
    assert when_text("not a time") == ("not a time", None)
    assert when_text(None) == ("—", None)


def test_the_audit_trail_says_the_change_in_words():
    assert (
        transition_text({"from_state": "received", "to_state": "needs_info"}) == "needs info (was received)"
    )


def test_the_report_card_of_an_ingested_record(world):
    world.make_user("vera")
    device = world.device(7)
    record = report_at(device, kind="violation")
    record["observed_at"] = "2026-03-02T11:05:00+02:00"
    record["location"] = {"lat": 31.2813, "lon": 16.6793, "accuracy_m": 12, "source": "gps"}  # ~12 km NE
    record["place_ref"], record["place"] = {"id": "sirte", "en": "Sirte", "ar": "سرت"}, "Sirte"
    record["observed_by"] = "heard"
    record["details"] = {"type": "shelling", "range_band": "3-5km", "direction": "S", "count": 3}
    world.send(device, [record])

    async def detail():
        api = await world.console("vera")
        state = ReportState(record["id"])
        await state.load(api)
        return state.detail

    shown = asyncio.run(detail())
    drawn = texts(observation_card(shown))
    assert drawn["observation-kind"].endswith("Ceasefire violation")
    assert "2026-03-02 11:05 (UTC+02:00)" in drawn["observation-when"]
    assert "2026-03-02 09:05 UTC" in drawn["observation-when"]
    assert drawn["location-description"].endswith("12 km NE of Sirte")
    assert drawn["field-place"].endswith("Sirte (سرت)")
    assert drawn["observation-mgrs"].startswith("MGRS | 33R")
    assert drawn["field-observed_by"] == "How observed | Heard it"
    order = [key for key in drawn if key.startswith("detail-")]
    assert order == ["detail-type", "detail-count", "detail-direction", "detail-range_band"]
    assert drawn["detail-range_band"] == "Range | 3–5 km"

    async def nothing(_event):
        return None

    integrity = integrity_card(shown, on_evidence=nothing, open_report=lambda _rid: nothing)
    tile = next(node for node in walk_all(integrity) if isinstance(node, ft.ExpansionTile))
    assert tile.expanded is False  # signature and chain check out: folded away
    assert texts(integrity)["signature-status"] == "Signature valid"
    broken = {**shown, "signature": {"valid": False, "body_hash_matches": True}}
    opened = integrity_card(broken, on_evidence=nothing, open_report=lambda _rid: nothing)
    assert next(n for n in walk_all(opened) if isinstance(n, ft.ExpansionTile)).expanded is True


def walk_all(node) -> list:
    found = [node]
    for child in children(node):
        found += walk_all(child)
    return found
