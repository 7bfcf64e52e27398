"""Auto-lock: when the observer has not touched the app for the minutes set, lock it."""

import time
from collections.abc import Callable


class IdleTimer:
    """Tracks the last interaction on a monotonic clock (wall-clock jumps don't matter).

    `minutes == 0` means never lock automatically.
    """

    def __init__(self, minutes: int, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self.minutes = minutes
        self._last = clock()

    def touch(self) -> None:
        self._last = self._clock()

    def set_minutes(self, minutes: int) -> None:
        self.minutes = minutes
        self.touch()

    def seconds_left(self) -> float | None:
        if self.minutes <= 0:
            return None
        return max(0.0, self.minutes * 60 - (self._clock() - self._last))

    def due(self) -> bool:
        left = self.seconds_left()
        return left is not None and left <= 0
