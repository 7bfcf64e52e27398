"""The live queue's state against the real server app: the poll brings decisions into the rows
in place and counts the reports arrived since; the URL's filters round-trip."""

from __future__ import annotations

import asyncio

import pytest

from server.console.errors import InvalidInput
from server.console.state import QueueFilters, QueueState
from tests.console.conftest import report_at


def test_a_poll_updates_decided_rows_in_place_and_counts_new_reports(world):
    world.make_user("vera")
    device = world.device(1)
    first = [report_at(device, minutes=m) for m in (0, 5)]
    world.send(device, first)

    async def run():
        api = await world.console("vera")
        queue = QueueState()
        await queue.load(api)
        assert [i["record_id"] for i in queue.items] == [r["id"] for r in first]
        quiet = await queue.poll(api)
        assert not quiet.anything and queue.new == 0

        world.send(device, [report_at(device, minutes=10), report_at(device, minutes=11)])
        other = await world.console("vera")
        await other.decide(first[0]["id"], "verified", None)
        poll = await queue.poll(api)
        assert poll.updated == [first[0]["id"]] and poll.counts_changed and poll.new_changed
        assert queue.items[0]["state"] == "verified"  # in place: the row stays where it was
        assert [i["record_id"] for i in queue.items] == [r["id"] for r in first]
        assert queue.new == 2 and queue.new_text == "2 new reports"
        assert queue.counts["received"] == 3 and queue.counts["verified"] == 1

        await queue.show_new(api)  # the banner's click: the page with the new ones, counted afresh
        assert len(queue.items) == 3 and queue.new == 0
        assert not (await queue.poll(api)).anything

    asyncio.run(run())


def test_filters_round_trip_through_the_url():
    filters = QueueFilters.from_form(
        state="needs_info", kind="violation", device_id="ABCDEF01", since="2026-03-01", until="2026-03-02"
    )
    query = filters.to_query()
    assert query == {
        "state": "needs_info",
        "kind": "violation",
        "device": "abcdef01",
        "from": "2026-03-01T00:00",
        "to": "2026-03-03T00:00",  # a bare end date includes that whole day
    }
    assert QueueFilters.from_query(query) == filters
    assert QueueFilters.from_query({}) == QueueFilters()  # the default view: still to review
    assert QueueFilters.from_query({"state": "any"}).state is None
    for bad in ({"state": "nope"}, {"kind": "x"}, {"device": "zz"}, {"from": "soon"}):
        with pytest.raises(InvalidInput):
            QueueFilters.from_query(bad)
