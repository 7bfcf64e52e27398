"""The tracker page's figures (server/console/tracker_state.py), without a browser."""

from server.console.tracker_state import TrackerState


def _ob(id_, type_, **more):
    return {"obligation": {"id": id_, "type": type_, **more}, "status": "in_progress", "evidence": []}


def test_chart_rows_put_the_deadline_in_date_order_and_scale_to_what_is_expected():
    state = TrackerState(page={
        "obligations": [
            _ob("u1", "unit_to_camp"), _ob("u2", "unit_to_camp"), _ob("u3", "unit_to_camp"), _ob("u4", "unit_to_camp"),
            _ob("all", "fighters_depart", expected=400), _ob("mitiga", "fighters_depart", expected=150, crossing="mitiga"),
        ],
        "progress": [
            {"date": "2026-03-10", "units_returned": 1, "fighters_departed": 100},
            {"date": "2026-06-02", "units_returned": 3, "fighters_departed": 500},
        ],
        "deadlines": ["2026-05-30"],
    })
    rows = state.chart()
    assert [r.get("date", r.get("deadline")) for r in rows] == ["2026-03-10", "2026-05-30", "2026-06-02"]
    first, _, last = rows
    assert (first["units_share"], first["fighters_share"], first["fighters_of"]) == (0.25, 0.25, 400)
    assert (last["units_share"], last["fighters_share"]) == (0.75, 1.0)  # 500 of 400: a full bar
    assert state.status_counts()["in_progress"] == 6


def test_filters_are_kept_and_an_empty_page_draws_nothing():
    state = TrackerState()
    state.set_filters(side="east", area=None)
    assert (state.side, state.area) == ("east", "")
    assert state.chart() == [] and state.obligations == []
