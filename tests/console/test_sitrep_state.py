"""The situation report page's state: what a typed period asks the server for, what a bad day
says, and the downloads asking for the same period."""

import pytest

from server.console.errors import ConsoleError
from server.console.sitrep_state import SitrepState


def test_a_day_or_a_period_becomes_the_query_and_a_bad_date_is_said():
    state = SitrepState()
    assert state.params() == {}  # the server picks the newest day whose cut-off has passed
    state.set_period(date_from="2026-11-03", date_to="", include_pending=False)
    assert state.params() == {"date": "2026-11-03"}
    state.set_period(date_from=" 2026-11-01 ", date_to="2026-11-03", include_pending=True)
    assert state.params() == {"from": "2026-11-01", "to": "2026-11-03", "include_pending": "true"}
    assert state.file_params("pdf", language="ar") == {
        "from": "2026-11-01",
        "to": "2026-11-03",
        "include_pending": "true",
        "format": "pdf",
        "lang": "ar",
    }
    assert state.file_params("csv")["table"] == "violations"
    with pytest.raises(ConsoleError, match="Not a date"):
        state.set_period(date_from="3/11/2026", date_to="", include_pending=False)
    assert state.params()["from"] == "2026-11-01"  # the last good period stays


def test_an_empty_report_draws_nothing():
    state = SitrepState()
    assert state.sections() == [] and state.header() == [] and state.title() == "Situation report"
