"""The answer thread: a verifier's question is counted and badged, "Answer" opens an amendment
with the question above the form, finalizing it marks the original "answered by" it and the
amendment "answers" the original, and the original reads "needs info — answered" until the
verifier decides again."""

from datetime import UTC, datetime

from fieldapp.ui.state.detail import RecordDetail
from fieldapp.ui.state.home import HomeState
from fieldapp.ui.state.thread import thread_of
from sync.wire import ReviewUpdate
from tests.app.test_screen_state import report


def review(device, record_id, state, message=None, cursor=1):
    device.outbox.apply_updates(
        [
            ReviewUpdate(
                cursor=cursor,
                record_id=record_id,
                state=state,
                message=message,
                changed_at=datetime(2026, 3, 14, 10, cursor, tzinfo=UTC),
            )
        ],
        cursor=cursor,
    )


def questioned(device):
    record_id = device.record(report(), finalize=True)
    review(device, record_id, "needs_info", "Which unit, and how many vehicles?")
    return record_id


def test_a_question_is_counted_and_badged_on_home(device):
    original = questioned(device)
    home = HomeState(device)
    home.refresh()
    assert home.open_questions == 1
    home.select("reviewed")
    assert home.badge(home.items[0]) == "question"
    assert home.state_key(home.items[0]) == "state.needs_info"


def test_answer_opens_an_amendment_with_the_question_above(device, clock):
    original = questioned(device)
    detail = RecordDetail(device, original, clock=clock)
    assert detail.can_answer()
    form = detail.answer()
    assert form.amends == original and form.purpose == "answer"
    assert form.question == "Which unit, and how many vehicles?"
    assert form.kind == "unit_movement" and form.record_id is None


def test_a_finalized_answer_marks_both_ends_and_the_state_stays_truthful(device, clock):
    original = questioned(device)
    form = RecordDetail(device, original, clock=clock).answer()
    form.description = "Brigade 166, 12 technicals, heading east"
    assert form.save(device).ok
    draft_thread = thread_of(device, device.get(original))
    assert draft_thread.answered_by is None  # a draft answers nothing yet
    answer = form.finalize(device)

    thread = thread_of(device, device.get(original))
    assert thread.answered_by == answer
    assert thread.state_key == "state.needs_info_answered"
    assert thread.question == "Which unit, and how many vehicles?"
    assert thread_of(device, device.get(answer)).answers == original
    home = HomeState(device)
    home.refresh()
    assert home.open_questions == 0
    home.select("reviewed")
    row = next(item for item in home.items if item.id == original)
    assert home.badge(row) == "answered" and home.state_key(row) == "state.needs_info_answered"
    assert RecordDetail(device, original, clock=clock).can_answer()  # a second answer stays possible

    # The verifier decides again: the state is theirs once more.
    review(device, original, "verified", cursor=2)
    after = thread_of(device, device.get(original))
    assert after.state_key == "state.verified" and after.answered_by == answer

    # ... or asks again: an open question again.
    review(device, original, "needs_info", "And the time?", cursor=3)
    again = thread_of(device, device.get(original))
    assert again.state_key == "state.needs_info" and again.question == "And the time?"
    home.refresh()
    assert home.open_questions == 1


def test_an_amendment_of_a_report_without_a_question_is_an_amendment(device, clock):
    original = device.record(report(), finalize=True)
    form = RecordDetail(device, original, clock=clock).amend()
    assert form.question is None and form.purpose == "amend"
    form.description = "corrected"
    assert form.save(device).ok
    amendment = form.finalize(device)
    thread = thread_of(device, device.get(original))
    assert thread.answered_by is None and thread.amended_by == amendment
    assert thread_of(device, device.get(amendment)).amends == original


def test_records_made_and_finalized_at_once_mark_the_original_too(device):
    original = questioned(device)
    answer = device.record(report(amends=original, description="answer from the CLI"), finalize=True)
    assert thread_of(device, device.get(original)).answered_by == answer
