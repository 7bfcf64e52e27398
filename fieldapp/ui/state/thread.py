"""The answer thread between a report and the verifier: the open question, the amendment that
answered it, and the state as the observer should read it ("needs info — answered").

The device keeps it in the records' own encrypted histories: finalizing an amendment adds an
"answered" step (or "amended", when no question was open) to the original's history, naming
the amendment (fieldapp.store). The verifier's next decision is a later step, so the thread
reads "answered" only while no decision or new question came after the answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from fieldapp.store.states import AMENDED, ANSWERED, NEEDS_INFO

if TYPE_CHECKING:
    from fieldapp.services import RecordView, Unlocked


@dataclass(frozen=True)
class Thread:
    """One record's place in a question-and-answer thread."""

    state_key: str  # the state chip's translation key
    question: str | None = None  # the verifier's question while the record needs information
    answered_by: str | None = None  # the latest amendment that answered a question on it
    amended_by: str | None = None  # the latest amendment made when no question was open
    answers: str | None = None  # this record answered that one's question
    amends: str | None = None  # this record amends that one (no question was open)

    @property
    def open_question(self) -> bool:
        return self.question is not None and self.state_key == f"state.{NEEDS_INFO}"


def thread_of(device: Unlocked, view: RecordView) -> Thread:
    """The thread as the history says it (one more read when the record amends another)."""
    history = view.history
    last_question = max((i for i, e in enumerate(history) if e.state == NEEDS_INFO), default=None)
    answered_at = max((i for i, e in enumerate(history) if e.state == ANSWERED), default=None)
    state_key = f"state.{view.state}"
    question = None
    if view.state == NEEDS_INFO and last_question is not None:
        question = history[last_question].message
        if answered_at is not None and answered_at > last_question:
            state_key = "state.needs_info_answered"
    answered_by = history[answered_at].by if answered_at is not None else None
    amended_by = next((e.by for e in reversed(history) if e.state == AMENDED), None)
    answers = amends = None
    original_id = view.record.get("amends")
    if original_id and view.finalized:
        original = device.get(original_id).history
        if any(e.state == ANSWERED and e.by == view.id for e in original):
            answers = original_id
        else:
            amends = original_id
    elif original_id:
        amends = original_id
    return Thread(state_key, question, answered_by, amended_by, answers, amends)
