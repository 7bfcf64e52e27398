"""The app going to the background and coming back (Flet's app lifecycle events).

On a phone Flet has no background execution (flet-dev/flet#4669): while the app is in the
background its Python may not run at all, so neither the idle timer nor the sync thread can
be relied on there. So the decision is taken when the app comes back: idle (which includes
the time away) for the auto-lock time or longer → lock, before anything else (the keys must not
be used after that); still unlocked and something waiting to go → one sync run now. Never
network work while locked: locking stops the background sync first (`FieldApp.lock`), and a
locked app asks for none. Coming back counts as activity.

The clock counts the time the phone sleeps: CLOCK_MONOTONIC stops in deep sleep on Linux
and Android, CLOCK_BOOTTIME does not (and, like it, never jumps with the wall clock).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from fieldapp.services import Unlocked

# Flet's AppLifecycleState values: hidden (no frames) vs shown again. `inactive` (a system
# dialog, a call, focus lost) is neither: the app is still in front.
AWAY_STATES = frozenset({"hide", "pause"})
BACK_STATES = frozenset({"show", "resume"})

# "back": came back, unlocked, nothing to send (the app only counts it as activity).
Action = Literal["lock", "sync", "back"] | None


def elapsed_clock() -> float:
    """Seconds on a clock that keeps counting while the phone sleeps (where there is one)."""
    boottime = getattr(time, "CLOCK_BOOTTIME", None)
    return time.clock_gettime(boottime) if boottime is not None else time.monotonic()


@dataclass
class AppLifecycle:
    clock: Callable[[], float] = field(default=elapsed_clock)
    away_since: float | None = None
    away_seconds: float = 0.0  # the last time away, for the log

    def changed(
        self, state: str, *, idle_due: Callable[[], bool], unlocked: bool, work_waiting: Callable[[], bool]
    ) -> Action:
        """What to do for this lifecycle state. Going away only notes the time; coming back is
        acted on once (`show` then `resume` arrive one after the other): "lock" when the idle
        time (time away included) reached the auto-lock time, else "sync" when something
        waits to be sent, else "back". Nothing for a locked app."""
        if state in AWAY_STATES:
            if self.away_since is None:
                self.away_since = self.clock()
            return None
        if state not in BACK_STATES or self.away_since is None:
            return None
        self.away_seconds, self.away_since = self.clock() - self.away_since, None
        if not unlocked:
            return None
        if idle_due():
            return "lock"
        return "sync" if work_waiting() else "back"


def work_waiting(device: Unlocked) -> bool:
    """Something for a sync run: a queued record, or a photo of a finalized record not yet sent."""
    if device.counts()["queued"]:
        return True
    return any(device.get(record_id).finalized for record_id in device.photos_pending_counts())
