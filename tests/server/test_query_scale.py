"""The queries that must stay right and indexed at 200k reports, on SQLite and PostgreSQL:
corroboration against a brute-force geodesic scan, the tallies against a GROUP BY, and
the plans (EXPLAIN) of the queue and corroboration naming their index."""

import random
from collections.abc import Iterator
from datetime import timedelta

import pytest
import sqlalchemy as sa

from server import corroboration, review, tallies
from server.database import make_engine, session_factory, upgrade_schema
from server.models import Report
from server.report_filters import ReportFilters
from sync.geo import distance_km
from tests.support.seeded_reports import START, Area, seed

START_NAIVE = START.replace(tzinfo=None)


@pytest.fixture
def engine(database_url: str) -> Iterator[sa.Engine]:
    engine = make_engine(database_url)
    upgrade_schema(engine)
    yield engine
    engine.dispose()


def _brute_force(engine: sa.Engine, record_id: str, km: float, hours: float) -> list[tuple[str, float]]:
    with engine.connect() as connection:
        rows = connection.execute(sa.select(Report.__table__)).all()  # type: ignore[attr-defined]
    target = next(r for r in rows if r.record_id == record_id)
    kinds = corroboration.related_kinds(target.kind)
    found = []
    for row in rows:
        apart = abs((row.observed_at - target.observed_at).total_seconds()) / 3600
        if row.device_id == target.device_id or row.kind not in kinds or apart > hours:
            continue
        distance = distance_km(target.lat, target.lon, row.lat, row.lon)
        if distance <= km:
            found.append((round(distance, 3), round(apart, 3), row.record_id))
    return [(rid, d) for d, _, rid in sorted(found)]


def _paged(engine: sa.Engine, record_id: str, km: float, hours: float, limit: int) -> tuple[int, list]:
    got, offset, total = [], 0, None
    with session_factory(engine)() as session:
        while True:
            page = corroboration.candidates(
                session, record_id, km=km, hours=hours, limit=limit, offset=offset
            )
            total = page.total
            got += [(item.record_id, item.distance_km) for item in page.items]
            if len(page.items) < limit:
                return total, got
            offset += limit


@pytest.mark.parametrize(
    ("area", "km"),
    [
        (Area(lat=(33.3, 33.7), lon=(36.1, 36.5), days=3, hotspot_share=0.5), 20.0),
        (Area(lat=(-10.2, 10.2), lon=(-10.0, 10.0), days=2, hotspot=(0.0, 0.0), hotspot_km=300), 400.0),
        # across the antimeridian and near a pole: the box must still hold the whole circle
        (Area(lat=(-17.0, -16.0), lon=(179.4, 180.0), days=2, hotspot=(-16.5, -179.9), hotspot_km=60), 60.0),
        (Area(lat=(88.6, 90.0), lon=(-180.0, 180.0), days=2, hotspot=(89.5, 10.0), hotspot_km=50), 150.0),
    ],
)
def test_corroboration_equals_a_brute_force_geodesic_scan(engine, area, km):
    seed(engine, 1200, devices=4, area=area, seed=7)
    with engine.connect() as connection:
        ids = sorted(connection.execute(sa.text("SELECT record_id FROM reports")).scalars())
    rng = random.Random(3)
    biggest = 0
    for record_id in rng.sample(ids, 3):
        expected = _brute_force(engine, record_id, km, 24.0)
        total, got = _paged(engine, record_id, km, 24.0, limit=37)
        assert total == len(expected)
        assert got == expected
        biggest = max(biggest, total)
    assert biggest > 100  # more candidates than the largest page: paging is exercised


def test_tallies_equal_a_group_by_after_inserts_and_updates(engine):
    seed(engine, 3000, devices=5, seed=4)
    with engine.begin() as connection:
        connection.execute(sa.text("UPDATE reports SET state = 'verified' WHERE seq % 7 = 0"))
        connection.execute(sa.text("UPDATE reports SET chain_status = 'fork' WHERE seq % 11 = 0"))
        connection.execute(sa.text("UPDATE reports SET state = state WHERE seq % 13 = 0"))  # no change
        grouped = connection.execute(
            sa.text(
                "SELECT device_id, state, chain_status, kind, count(*) FROM reports "
                "GROUP BY device_id, state, chain_status, kind"
            )
        ).all()
    with session_factory(engine)() as session:
        for device in {row[0] for row in grouped}:
            for kind in (None, "violation"):
                filters = ReportFilters(device_id=device, kind=kind)
                expected = {}
                for row in grouped:
                    if row[0] == device and kind in (None, row[3]):
                        expected[row[1]] = expected.get(row[1], 0) + row[4]
                assert {s: n for s, n in tallies.counts(session, filters).items() if n} == expected
        devices = {d.device_id: (d.reports, d.gaps, d.forks) for d in review.list_devices(session)}
    for device, (reports, gaps, forks) in devices.items():
        mine = [row for row in grouped if row[0] == device]
        assert reports == sum(row[4] for row in mine)
        assert gaps == sum(row[4] for row in mine if row[2] == "gap")
        assert forks == sum(row[4] for row in mine if row[2] == "fork")


# --- query plans -------------------------------------------------------------------------


def _statements(engine: sa.Engine, run) -> list[tuple[str, object]]:
    seen: list[tuple[str, object]] = []

    def record(_conn, _cursor, statement, parameters, _context, _many):
        seen.append((statement, parameters))

    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        run()
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
    return seen


def _plan(engine: sa.Engine, statement: str, parameters: object) -> str:
    prefix = "EXPLAIN QUERY PLAN " if engine.dialect.name == "sqlite" else "EXPLAIN "
    with engine.connect() as connection:
        cursor = connection.connection.cursor()
        cursor.execute(prefix + statement, parameters)
        return "\n".join(" ".join(str(part) for part in row) for row in cursor.fetchall())


def _plans_of(engine: sa.Engine, run, marker: str) -> list[str]:
    """The plans of the statements `run` makes whose SQL contains `marker`."""
    return [_plan(engine, s, p) for s, p in _statements(engine, run) if marker in s]


def test_the_queue_and_corroboration_use_their_indexes(engine):
    seed(engine, 20_000, devices=20, seed=9)  # enough rows for PostgreSQL to prefer an index
    with engine.begin() as connection:
        target = connection.execute(
            sa.text("SELECT record_id FROM reports WHERE kind = 'violation' ORDER BY record_id LIMIT 1")
        ).scalar_one()
    factory = session_factory(engine)

    def first_page(state: str | None):
        with factory() as session:
            review.queue(session, ReportFilters(state=state), limit=50, offset=0)

    def corroborate():
        with factory() as session:
            corroboration.candidates(session, target, km=10, hours=24)

    unfiltered = _plans_of(engine, lambda: first_page(None), "ORDER BY")
    by_state = _plans_of(engine, lambda: first_page("received"), "ORDER BY")
    nearby = _plans_of(engine, corroborate, "observed_at BETWEEN")
    assert len(unfiltered) == len(by_state) == len(nearby) == 1
    assert "ix_reports_queue" in unfiltered[0], unfiltered[0]
    assert "ix_reports_state_queue" in by_state[0], by_state[0]
    assert "ix_reports_nearby" in nearby[0], nearby[0]
    if engine.dialect.name == "sqlite":  # the page's ids and the prefilter come from the index alone
        assert "COVERING INDEX" in unfiltered[0] and "COVERING INDEX" in by_state[0]
        assert "COVERING INDEX ix_reports_nearby" in nearby[0], nearby[0]
    else:
        assert "Sort" not in unfiltered[0].split("Limit")[-1], unfiltered[0]
    # the counts come from the tallies, not from reports
    counted = _statements(engine, lambda: first_page(None))
    assert not [s for s, _ in counted if "count(" in s.lower() and "reports" in s.lower()]


def test_corroboration_pages_hold_each_candidate_once(engine):
    seed(engine, 600, devices=3, area=Area(lat=(33.4, 33.6), lon=(36.2, 36.4), days=1), seed=5)
    with engine.connect() as connection:
        target = connection.execute(
            sa.text("SELECT record_id FROM reports ORDER BY record_id LIMIT 1")
        ).scalar_one()
    total, got = _paged(engine, target, 30.0, 48.0, limit=50)
    assert total > 100 and len(got) == total == len({rid for rid, _ in got})
    assert [d for _, d in got] == sorted(d for _, d in got)


def test_an_hour_window_is_inclusive(engine):
    seed(engine, 50, devices=2, seed=1)
    with session_factory(engine)() as session:
        target = session.scalars(sa.select(Report).order_by(Report.record_id).limit(1)).one()  # type: ignore[arg-type]
        other = session.scalars(
            sa.select(Report).where(Report.device_id != target.device_id).limit(1)  # type: ignore[arg-type]
        ).one()
        other.observed_at = target.observed_at + timedelta(hours=5)
        other.kind, other.lat, other.lon = "other", target.lat, target.lon
        session.commit()
        found = corroboration.candidates(session, target.record_id, km=1, hours=5)
    assert other.record_id in [item.record_id for item in found.items]


def test_tallies_stay_exact_across_the_compact_tallies_migration(database_url):
    """Migration 0010 rebuilds the SQLite table (the triggers that keep it are set aside and
    put back) and changes the PostgreSQL table's storage: the counts stored before stay exact,
    and the triggers still keep them after inserts, decisions and deletes."""
    engine = make_engine(database_url)
    try:
        upgrade_schema(engine, "0005_query_indexes")
        seed(engine, 800, devices=4, seed=9)
        upgrade_schema(engine)
        with engine.begin() as connection:
            if engine.dialect.name == "sqlite":
                table_sql = connection.exec_driver_sql(
                    "SELECT sql FROM sqlite_master WHERE name = 'report_tallies'"
                ).scalar()
                assert "WITHOUT ROWID" in table_sql
            else:
                options = connection.exec_driver_sql(
                    "SELECT reloptions FROM pg_class WHERE oid = 'report_tallies'::regclass"
                ).scalar()
                assert "fillfactor=50" in options
        with engine.begin() as connection:
            connection.execute(sa.text("UPDATE reports SET state = 'verified' WHERE seq % 5 = 0"))
            connection.execute(sa.text("DELETE FROM reports WHERE seq % 17 = 0"))
        _insert_more(engine, Area(lat=(10.0, 11.0), lon=(10.0, 11.0)))
        with engine.connect() as connection:
            grouped = {
                tuple(row[:4]): row[4]
                for row in connection.execute(
                    sa.text(
                        "SELECT device_id, kind, state, chain_status, count(*) FROM reports "
                        "GROUP BY device_id, kind, state, chain_status"
                    )
                )
            }
            tallied = {
                tuple(row[:4]): row[4]
                for row in connection.execute(
                    sa.text("SELECT device_id, kind, state, chain_status, n FROM report_tallies WHERE n > 0")
                )
            }
        assert tallied == grouped
    finally:
        engine.dispose()


def _insert_more(engine: sa.Engine, area: Area) -> None:
    """Reports of a fifth device after the migration (the insert trigger as put back)."""
    from tests.support.seeded_reports import _insert, _row

    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO devices (id, public_key, enrolled_at, last_seq, credential_hash) "
                "VALUES (:id, :key, :at, 0, :hash)"
            ),
            {"id": "f" * 32, "key": "A" * 43 + "=", "at": START_NAIVE, "hash": "e" * 64},
        )
    rng = random.Random(5)
    seqs = [0] * 5
    rows = [_row(rng, index, 5, seqs, area, True) for index in range(300)]
    for row in rows:
        row["device_id"] = "f" * 32
    _insert(engine, rows)
