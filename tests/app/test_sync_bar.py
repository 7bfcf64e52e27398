from datetime import UTC, datetime, timedelta, timezone

from fieldapp.services.syncing import SyncStatus
from fieldapp.ui.i18n import Translator
from fieldapp.ui.state.sync_bar import sync_bar_parts, sync_bar_text
from sync.report import SyncProgress

EN = Translator.load("en")
UTC2 = timezone(timedelta(hours=2))


def status(**changes):
    base = dict(
        state="idle", pending=0, progress=None, last_synced_at=None, last_report=None, last_error=None
    )
    base.update(changes)
    return SyncStatus(**base)


def text(value):
    return sync_bar_text(value, EN.t, local_time=lambda when: when.astimezone(UTC2))


def test_before_the_first_report():
    assert text(None) == "Starting sync…"


def test_offline_is_plain_not_an_error():
    value = status(state="offline", pending=3, last_error="server unreachable")
    assert text(value) == "Offline · 3 pending · Never synced"
    assert not any(part.is_error for part in sync_bar_parts(value))


def test_syncing_shows_i_of_n():
    value = status(state="syncing", pending=5, progress=SyncProgress("push", 2, 5, 1000))
    assert text(value).startswith("Syncing 2 of 5 · 5 pending")


def test_last_synced_at_in_local_time_and_the_last_error():
    value = status(
        state="error",
        pending=1,
        last_synced_at=datetime(2026, 3, 14, 7, 5, tzinfo=UTC),
        last_error="the server refused this device's credential (401: revoked)",
        last_cause="credential",
    )
    parts = sync_bar_parts(value, local_time=lambda when: when.astimezone(UTC2))
    assert [p.key for p in parts] == ["sync.online", "sync.pending", "sync.last_synced", "sync.why.credential"]
    assert parts[-1].is_error
    assert "Last synced 09:05" in text(value)
    assert text(value).endswith("the server refused this device (enrol again in Settings)")


def test_not_enrolled_says_so_without_an_error():
    value = status(state="not_enrolled", pending=2, last_error="This device is not enrolled")
    assert text(value) == "Not enrolled · 2 pending · Never synced"


def test_arabic_sync_bar():
    ar = Translator.load("ar")
    value = status(state="offline", pending=3)
    assert sync_bar_text(value, ar.t) == "غير متصل · 3 قيد الانتظار · لم تتم المزامنة بعد"


def test_the_stores_own_pending_count_wins_over_the_loops_last_report():
    value = status(state="not_enrolled", pending=0)
    assert sync_bar_text(value, EN.t, pending=3) == "Not enrolled · 3 pending · Never synced"
    assert sync_bar_text(None, EN.t, pending=2) == "Starting sync… · 2 pending"


def test_a_log_alarm_leads_the_bar_whatever_the_state():
    from sync.report import SyncReport

    report = SyncReport(status="offline", log_alarm="the log shrank from 9 to 4 entries since the last check")
    for state in ("offline", "idle", "syncing"):
        parts = sync_bar_parts(status(state=state, pending=1, last_report=report))
        assert parts[0].key == "sync.log_alarm" and parts[0].is_error
    assert text(status(state="offline", pending=1, last_report=report)).startswith(
        "Server log check failed: the log shrank from 9 to 4 entries since the last check · Offline"
    )
    assert Translator.load("ar").t("sync.log_alarm", reason="x").startswith("فشل التحقق")
