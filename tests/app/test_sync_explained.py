"""Sync that explains itself: the bar says why it is offline or failed in the app's language
(never an exception's text), "Sync now" answers with the outcome, and a finalized report is
said to be "queued" and then "sent" only when the server has it."""

import pytest

from fieldapp.services.syncing import SyncStatus
from fieldapp.ui.i18n import Translator
from fieldapp.ui.state.sync_bar import sync_bar_parts, sync_bar_text
from fieldapp.ui.state.sync_controller import SyncController
from sync.failures import CAUSES
from sync.report import RecordOutcome, SyncReport
from tests.app.test_screen_state import FakeAutoSync

EN, AR = Translator.load("en"), Translator.load("ar")
RAW = "[Errno 111] Connection refused"


def test_offline_says_why_in_the_apps_language():
    value = SyncStatus(state="offline", pending=2, last_error=f"cannot reach the server: {RAW}", last_cause="unreachable")
    text = sync_bar_text(value, EN.t)
    assert text.startswith("Offline (no answer from the server) · 2 pending")
    assert "Errno" not in text and "refused" not in text
    assert "Errno" not in sync_bar_text(value, AR.t) and "غير متصل" in sync_bar_text(value, AR.t)


@pytest.mark.parametrize("cause", CAUSES)
def test_every_cause_has_a_sentence_in_both_languages(cause):
    for tr in (EN, AR):
        assert tr.has(f"sync.why.{cause}"), (tr.language, cause)


def test_a_failure_shows_its_cause_never_the_raw_text():
    value = SyncStatus(state="error", pending=1, last_error="ValueError: database is locked", last_cause="unexpected")
    parts = sync_bar_parts(value)
    assert [part.key for part in parts][-1] == "sync.why.unexpected" and parts[-1].is_error
    assert "database" not in sync_bar_text(value, EN.t)
    tls = SyncStatus(state="offline", last_error="[SSL: WRONG_VERSION_NUMBER]", last_cause="tls")
    assert "secure connection" in sync_bar_text(tls, EN.t) and "SSL" not in sync_bar_text(tls, EN.t)


def controller(device):
    made = SyncController(device, on_change=lambda: None, auto_sync_factory=FakeAutoSync)
    made.start()
    return made


def test_sync_now_answers_with_why_it_could_not_sync(device):
    sync = controller(device)
    sync.sync_now(answer=True)
    sync.auto.on_status(SyncStatus(state="syncing"))
    assert sync.take_notice() is None  # nothing to say while it runs
    sync.auto.on_status(SyncStatus(state="offline", last_cause="wrong_url", last_report=SyncReport(status="offline")))
    notice = sync.take_notice()
    assert notice is not None and notice.key == "sync.notice.failed" and notice.why == "sync.why.wrong_url"
    assert "address" in notice.text(EN.t)
    assert sync.take_notice() is None  # said once


def test_sync_now_that_got_through_says_so(device):
    sync = controller(device)
    sync.sync_now(answer=True)
    sync.auto.on_status(SyncStatus(state="idle", last_report=SyncReport(status="done", updates_pulled=2)))
    notice = sync.take_notice()
    assert notice is not None and notice.key == "sync.notice.done"


def test_a_background_run_says_nothing(device):
    sync = controller(device)
    sync.sync_now()  # a resume, an enrolment: not asked by the observer
    sync.auto.on_status(SyncStatus(state="offline", last_cause="unreachable", last_report=SyncReport(status="offline")))
    assert sync.take_notice() is None


def test_a_finalized_report_is_sent_only_when_the_server_has_it(device):
    sync = controller(device)
    sync.sync_now(watch="r1")
    sync.auto.on_status(SyncStatus(state="offline", last_cause="unreachable", last_report=SyncReport(status="offline")))
    still = sync.take_notice()
    assert still is not None and still.key == "sync.notice.still_queued" and still.why == "sync.why.unreachable"
    assert "queued" in still.text(EN.t).lower()
    # the next run that gets through says "sent", once
    sent = SyncReport(status="done", outcomes=[RecordOutcome("r1", "sent")])
    sync.auto.on_status(SyncStatus(state="idle", last_report=sent))
    notice = sync.take_notice()
    assert notice is not None and notice.key == "sync.notice.sent"
    sync.auto.on_status(SyncStatus(state="idle", last_report=sent))
    assert sync.take_notice() is None


def test_a_refused_report_is_said_refused(device):
    sync = controller(device)
    sync.sync_now(watch="r2")
    refused = SyncReport(status="done", outcomes=[RecordOutcome("r2", "rejected", "bad signature")])
    sync.auto.on_status(SyncStatus(state="idle", last_report=refused))
    notice = sync.take_notice()
    assert notice is not None and notice.key == "sync.notice.rejected"


def test_not_enrolled_says_the_report_waits_for_enrolment(device):
    sync = controller(device)
    sync.sync_now(watch="r3")
    sync.auto.on_status(SyncStatus(state="not_enrolled", last_cause="not_enrolled", last_report=SyncReport(status="failed", not_enrolled=True)))
    notice = sync.take_notice()
    assert notice is not None and notice.why == "sync.why.not_enrolled"
    assert "enrol" in notice.text(EN.t).lower()
