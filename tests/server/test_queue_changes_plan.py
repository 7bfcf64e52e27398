"""The live queue's poll stays cheap at scale: every statement it makes is an index range (the
plans, EXPLAIN, on SQLite and PostgreSQL), never a scan of `reports` or `review_events`."""

from datetime import datetime, timedelta

import sqlalchemy as sa

from server import queue_changes
from server.database import session_factory
from server.report_filters import ReportFilters
from tests.server.test_query_scale import _plan, _statements, engine  # noqa: F401  (the fixture)
from tests.support.seeded_reports import seed


def test_the_poll_reads_only_index_ranges(engine):  # noqa: F811
    seed(engine, 20_000, devices=20, seed=11)
    with engine.begin() as connection:
        newest = connection.execute(sa.text("SELECT max(received_at) FROM reports")).scalar_one()
        # decisions, so the events' table is not trivially small and its range has rows
        connection.execute(
            sa.text(
                "INSERT INTO review_events (record_id, actor, at, from_state, to_state, reason) "
                "SELECT record_id, 'vera', :at, 'received', 'verified', NULL FROM reports"
            ),
            {"at": newest},
        )
        last_event = connection.execute(sa.text("SELECT max(id) FROM review_events")).scalar_one()
        if engine.dialect.name == "postgresql":
            connection.execute(sa.text("ANALYZE review_events"))
    if isinstance(newest, str):  # SQLite hands the naive timestamp back as text
        newest = datetime.fromisoformat(newest)
    since = newest - timedelta(minutes=5)
    factory = session_factory(engine)

    for filters in (ReportFilters(), ReportFilters(state="received"), ReportFilters(kind="violation")):

        def poll(filters=filters):
            with factory() as session:
                queue_changes.changes(session, filters, since=since, since_event=last_event - 50)

        statements = [(s, p) for s, p in _statements(engine, poll) if s.lstrip().upper().startswith("SELECT")]
        plans = {s: _plan(engine, s, p) for s, p in statements}
        on_reports = [s for s in plans if "FROM reports" in s and "report_tallies" not in s]
        on_events = [s for s in plans if "FROM review_events" in s]
        assert on_reports and on_events, list(plans)
        for statement in on_reports + on_events:
            plan = plans[statement]
            if engine.dialect.name == "sqlite":
                # SEARCH (a range or a key), not SCAN (the whole table or index)
                assert "SCAN reports" not in plan and "SCAN review_events" not in plan, (statement, plan)
            else:
                assert "Seq Scan" not in plan, (statement, plan)
        arrived = next(s for s in on_reports if "received_at >" in s)
        # the queue's own order index, as a range on received_at (under a state filter SQLite
        # takes ix_reports_state_queue; PostgreSQL may take ix_reports_queue and filter the few rows)
        assert "ix_reports_queue" in plans[arrived] or "ix_reports_state_queue" in plans[arrived], (
            filters,
            plans[arrived],
        )
        # the counts come from the tallies, never a count over reports
        assert not [s for s in plans if "count(" in s.lower() and "GROUP BY" in s and "FROM reports" in s]
