import pytest

from fieldapp.services import STATES, TABS
from fieldapp.ui.state.home import HomeState, tab_for_state


def test_tabs_cover_every_state_once():
    covered = [state for states in TABS.values() for state in states]
    assert sorted(covered) == sorted(STATES)


@pytest.mark.parametrize(
    ("state", "tab"),
    [("draft", "drafts"), ("queued", "pending"), ("received", "sent"), ("needs_info", "reviewed")],
)
def test_tab_for_state(state, tab):
    assert tab_for_state(state) == tab


def record(kind, description):
    return {
        "kind": kind,
        "observed_at": "2026-03-14T10:00:00+02:00",
        "location": {"lat": 31.2, "lon": 16.58, "source": "manual"},
        "observed_by": "saw",
        "certainty": "probable",
        "description": description,
        "details": {"type": "shelling"} if kind == "violation" else {},
    }


def test_home_lists_newest_first_pages_and_counts(device):
    ids = [device.save_draft(record("other", f"note {n}")) for n in range(5)]
    device.finalize(ids[0])
    home = HomeState(device, page_size=2)
    home.refresh()
    assert home.counts == {"drafts": 4, "pending": 1, "sent": 0, "reviewed": 0}
    assert [item.record["description"] for item in home.items] == ["note 4", "note 3"]
    assert home.has_more
    home.load_more()
    home.load_more()
    assert [item.record["description"] for item in home.items] == ["note 4", "note 3", "note 2", "note 1"]
    assert not home.has_more
    home.select("pending")
    assert [item.id for item in home.items] == [ids[0]]
    with pytest.raises(ValueError, match="unknown tab"):
        home.select("archive")
