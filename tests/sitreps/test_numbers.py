"""The situation report's numbers against a brute-force count over the same seeded reports: by
area, type, kind and period, the cut-off's edges, and which review states count."""

from collections import Counter
from datetime import date, timedelta

from tests.server.conftest import API
from tests.sitreps.seed import KINDS, Seeded, at, random_reports, store

DAY = date(2026, 11, 3)
TABLE_TYPES = (
    "explosion",
    "shelling",
    "projectile",
    "small_arms",
    "heavy_machine_gun",
    "airstrike",
    "drone",
    "unspecified",
)


def _sitrep(harness, headers, **params):
    answer = harness.client.get(f"{API}/sitreps", params={"format": "json", **params}, headers=headers)
    assert answer.status_code == 200, answer.text
    return answer.json()["report"]


def _brute(items: list[Seeded], *, first: date, last: date, since: date, states: tuple[str, ...]):
    """Per (area, kind) and (area, type) the counts of the period, the previous one (as many
    days just before) and, for violations, since `since` — from each report's own local clock."""
    length = (last - first).days + 1
    previous = (first - timedelta(days=length), first - timedelta(days=1))
    superseded = {i.amends for i in items if i.amends and i.state in states}
    kinds, violations = Counter(), Counter()
    for item in items:
        if item.state not in states or item.record_id in superseded:
            continue
        day, area = item.report_day(), item.area()
        current = first <= day <= last
        before = previous[0] <= day <= previous[1]
        if current:
            kinds[area, item.kind, "current"] += 1
        elif before:
            kinds[area, item.kind, "previous"] += 1
        if item.kind == "violation":
            for name, holds in (("current", current), ("previous", before), ("since", since <= day <= last)):
                if holds:
                    violations[area, item.details["type"], name] += item.events()
    return kinds, violations


def _check(report, kinds: Counter, violations: Counter) -> None:
    areas = {a["id"]: a for a in report["areas"]}
    assert set(areas) >= {area for area, _, _ in kinds} | {area for area, _, _ in violations}
    for area_id, area in areas.items():
        for kind in KINDS:
            assert area["kinds"][kind] == {
                "current": kinds[area_id, kind, "current"],
                "previous": kinds[area_id, kind, "previous"],
            }, (area_id, kind)
        by_type = {v["type"]: v for v in area["violations"]}
        assert set(by_type) == set(TABLE_TYPES)
        for kind in TABLE_TYPES:
            row = by_type[kind]
            expected = {name: violations[area_id, kind, name] for name in ("current", "previous", "since")}
            assert {name: row[name] for name in expected} == expected, (area_id, kind)
            assert row["change"] == expected["current"] - expected["previous"]
    assert report["totals"]["reports"] == sum(n for (_, _, which), n in kinds.items() if which == "current")
    assert report["totals"]["violations"] == sum(
        n for (_, _, which), n in violations.items() if which == "current"
    )


def test_numbers_match_a_brute_force_count_by_area_type_and_period(registered, verifier_headers):
    harness = registered
    items = random_reports(7, first_day=DAY - timedelta(days=12), days=16, count=600)
    store(harness.ctx.engine, items)
    for params, first, last in (
        ({"date": DAY.isoformat()}, DAY, DAY),
        (
            {"from": (DAY - timedelta(days=2)).isoformat(), "to": DAY.isoformat()},
            DAY - timedelta(days=2),
            DAY,
        ),
    ):
        since = DAY - timedelta(days=9)
        report = _sitrep(harness, verifier_headers, since=since.isoformat(), **params)
        kinds, violations = _brute(items, first=first, last=last, since=since, states=("verified",))
        assert sum(kinds.values()) > 25 and sum(violations.values()) > 10  # a test that can fail
        _check(report, kinds, violations)
        assert {a["id"] for a in report["areas"]} == {"aor-east", "aor-west", ""}  # the registers' areas
        listed = {r["record_id"] for r in report["reports"]}
        assert listed == {
            i.record_id for i in items if i.state == "verified" and first <= i.report_day() <= last
        }


def test_a_report_at_19_29_and_one_at_19_31_fall_on_different_days(registered, verifier_headers):
    harness = registered
    early = Seeded(
        "00000000-0000-4000-8000-000000001929",
        "violation",
        "verified",
        at(DAY, 19, 29),
        31.2,
        16.5,
        {"type": "shelling", "count": 3},
    )
    late = Seeded(
        "00000000-0000-4000-8000-000000001931",
        "violation",
        "verified",
        at(DAY, 19, 31),
        31.2,
        16.5,
        {"type": "shelling", "count": 5},
    )
    exact = Seeded(
        "00000000-0000-4000-8000-000000001930", "other", "verified", at(DAY, 19, 30), 31.2, 16.5, {}
    )
    store(harness.ctx.engine, [early, late, exact])
    today = _sitrep(harness, verifier_headers, date=DAY.isoformat())
    tomorrow = _sitrep(harness, verifier_headers, date=(DAY + timedelta(days=1)).isoformat())
    assert [r["record_id"] for r in today["reports"]] == [early.record_id]
    assert [r["record_id"] for r in tomorrow["reports"]] == [
        exact.record_id,
        late.record_id,
    ]  # 19:30 is the next day's
    east = lambda report: {a["id"]: a for a in report["areas"]}["aor-east"]  # noqa: E731
    shelling = lambda report: next(v for v in east(report)["violations"] if v["type"] == "shelling")  # noqa: E731
    assert shelling(today)["current"] == 3 and shelling(tomorrow) == {
        "type": "shelling",
        "current": 5,
        "previous": 3,
        "change": 2,
        "since": 8,
    }
    assert today["reports"][0]["local_time"] == f"{DAY} 19:29"  # the mission's clock, not UTC


def test_rejected_and_pending_reports_count_only_when_asked(registered, verifier_headers):
    harness = registered
    items = random_reports(3, first_day=DAY - timedelta(days=1), days=2, count=300)
    store(harness.ctx.engine, items)
    states = {i.record_id: i.state for i in items}
    verified_only = _sitrep(harness, verifier_headers, date=DAY.isoformat())
    assert {states[r["record_id"]] for r in verified_only["reports"]} == {"verified"}
    assert verified_only["definition"]["states"] == ["verified"]
    assert verified_only["totals"]["unverified"] == 0

    pending = _sitrep(harness, verifier_headers, date=DAY.isoformat(), include_pending="true")
    shown = {states[r["record_id"]] for r in pending["reports"]}
    assert shown == {"verified", "received", "needs_info"}  # rejected and unverifiable never count
    assert all(r["unverified"] == (states[r["record_id"]] != "verified") for r in pending["reports"])
    kinds, violations = _brute(
        items, first=DAY, last=DAY, since=date(2026, 1, 1), states=("verified", "received", "needs_info")
    )
    _check(pending, kinds, violations)
    assert pending["totals"]["unverified"] == sum(1 for r in pending["reports"] if r["unverified"]) > 0


def test_an_amended_report_is_counted_once_as_corrected(registered, verifier_headers):
    harness = registered
    original = Seeded(
        "00000000-0000-4000-8000-00000000a001",
        "violation",
        "verified",
        at(DAY, 10, 0),
        31.2,
        16.5,
        {"type": "shelling", "count": 4},
    )
    correction = Seeded(
        "00000000-0000-4000-8000-00000000a002",
        "violation",
        "verified",
        at(DAY, 10, 0),
        31.2,
        16.5,
        {"type": "explosion", "count": 1},
        amends=original.record_id,
    )
    store(harness.ctx.engine, [original, correction])
    report = _sitrep(harness, verifier_headers, date=DAY.isoformat())
    assert [r["record_id"] for r in report["reports"]] == [correction.record_id]
    assert report["totals"]["violations"] == 1


def test_without_areas_of_responsibility_the_gazetteer_towns_are_the_areas(harness, verifier_headers):
    near_sirte = Seeded(
        "00000000-0000-4000-8000-00000000b001",
        "violation",
        "verified",
        at(DAY, 9, 0),
        31.25,
        16.70,
        {"type": "drone"},
    )
    far_away = Seeded(
        "00000000-0000-4000-8000-00000000b002",
        "violation",
        "verified",
        at(DAY, 9, 0),
        23.0,
        24.0,
        {"type": "drone"},
    )
    store(harness.ctx.engine, [near_sirte, far_away])
    report = _sitrep(harness, verifier_headers, date=DAY.isoformat())
    assert report["area_source"] == "gazetteer"
    by_area = {a["id"]: a for a in report["areas"]}
    assert by_area["town:sirte"]["name_en"] == "Sirte" and by_area["town:sirte"]["reports"] == 1
    assert by_area[""]["reports"] == 1  # farther than 100 km from every town
    assert report["reports"][0]["location"]["en"].endswith("of Sirte")
    assert report["reports"][0]["location"]["ar"].endswith("سرت")


def test_bad_definitions_are_refused_with_the_reason(harness, verifier_headers):
    for params, said in (
        ({"from": "2026-11-05", "to": "2026-11-01"}, "before it starts"),
        ({"from": "2026-11-05"}, "needs both"),
        ({"date": "2026-11-05", "to": "2026-11-06"}, "not both"),
        ({"date": "2026-11-05", "tz": "Mars/Olympus"}, "unknown time zone"),
        ({"date": "2026-11-05", "since": "2026-11-06"}, "after the period"),
        ({"from": "2024-01-01", "to": "2026-11-06"}, "at most"),
    ):
        answer = harness.client.get(
            f"{API}/sitreps", params={"format": "json", **params}, headers=verifier_headers
        )
        assert answer.status_code == 422, (params, answer.text)
        assert said in answer.json()["detail"], (params, answer.text)
    assert harness.client.get(f"{API}/sitreps").status_code == 401
