"""The detail screen's record: what it shows and what can be done with it (amend, edit, delete)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from fieldapp.store.states import NEEDS_INFO
from fieldapp.ui.state.observation_form import ObservationForm
from fieldapp.ui.state.photos import PhotoCard, UploadSummary, record_photos, upload_summary
from fieldapp.ui.state.thread import Thread, thread_of

if TYPE_CHECKING:
    from fieldapp.services import RecordView, Unlocked

# The common fields the detail lists after the location, in this order.
COMMON_LINES = ("place", "observed_by", "certainty", "description", "controlling_side")


@dataclass
class RecordDetail:
    """One stored record, read when made (`reload` reads it again)."""

    device: Unlocked
    record_id: str
    clock: Callable[[], datetime]
    view: RecordView = field(init=False)

    def __post_init__(self) -> None:
        self.reload()

    def reload(self) -> None:
        self.view = self.device.get(self.record_id)

    # -- what it shows ------------------------------------------------------------

    @property
    def location(self) -> dict[str, Any]:
        return self.view.record.get("location") or {}

    def mgrs(self) -> str | None:
        """The location's MGRS grid reference (None outside MGRS's range or without a point)."""
        from fieldapp.model import to_mgrs

        where = self.location
        if "lat" not in where:
            return None
        with contextlib.suppress(Exception):  # outside MGRS's range: the coordinates say enough
            return to_mgrs(where["lat"], where["lon"])
        return None

    def common_fields(self) -> list[tuple[str, Any]]:
        """(name, value) of the filled common fields, in the detail's order."""
        record = self.view.record
        return [(name, record[name]) for name in COMMON_LINES if record.get(name) not in (None, "")]

    def details(self) -> list[tuple[str, Any]]:
        """(name, value) of the filled details: the kind's order first, then any others."""
        from fieldapp.model import describe_kind

        record = self.view.record
        details = record.get("details") or {}
        order = [spec.name for spec in describe_kind(record["kind"])] if record.get("kind") else []
        names = order + [name for name in details if name not in order]
        return [(name, details[name]) for name in names if details.get(name) not in (None, "", {})]

    def photos(self) -> list[PhotoCard]:
        return record_photos(self.device, self.record_id)

    def upload_summary(self) -> UploadSummary | None:
        """For a finalized record: how many of its photos are still to go."""
        return upload_summary(self.device, self.record_id, finalized=self.view.finalized)

    # -- what can be done ---------------------------------------------------------

    def thread(self) -> Thread:
        """The question, the answer and the state as the observer should read them."""
        return thread_of(self.device, self.view)

    def amend(self) -> ObservationForm:
        """A new report prefilled from this finalized one (`amends` set; not saved yet)."""
        prefill = self.device.start_amendment(self.record_id)
        return ObservationForm.from_record(prefill, clock=self.clock)

    def can_answer(self) -> bool:
        """A verifier asked for more information (answered already or not: one may add more)."""
        return self.view.state == NEEDS_INFO

    def answer(self) -> ObservationForm:
        """An amendment answering the verifier's question, the question kept on the form."""
        form = self.amend()
        form.question = self.thread().question or self.view.message
        return form

    def edit(self) -> ObservationForm:
        """The draft on the form, to change and save again (an answer's draft shows its question again)."""
        form = ObservationForm.from_record(self.view.record, clock=self.clock, record_id=self.record_id)
        original = self.view.record.get("amends")
        if original:
            with contextlib.suppress(Exception):  # the original is gone or unreadable: no question to show
                form.question = thread_of(self.device, self.device.get(original)).question
        return form

    def delete(self) -> None:
        """Drafts only (the store refuses a finalized record)."""
        self.device.delete_draft(self.record_id)
