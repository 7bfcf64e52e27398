"""Storing one batch's results while the next batch is on the wire.

The server's work (unseal, verify, insert) and the device's (mark results in its store)
then overlap instead of adding up. Jobs run one at a time, in order, on one worker thread
(a single-thread `concurrent.futures` executor), and the caller never runs more than one
job ahead: before a job is submitted the previous one must have finished, so results are
stored in the order they were answered, a job's error is raised in the caller at its next
`submit` (or at `drain`), and no later job runs.

With `threaded=False` every job runs at once in the caller (deterministic tests, or
platforms where a thread is unwelcome).
"""

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor


class StoreBehind:
    def __init__(self, *, threaded: bool = True) -> None:
        self._executor = (
            ThreadPoolExecutor(max_workers=1, thread_name_prefix="fieldapp-sync-store") if threaded else None
        )
        self._previous: Future[None] | None = None

    def submit(self, job: Callable[[], None]) -> None:
        """Run `job` after the ones before it; raises an earlier job's error instead."""
        self._wait_for_previous()
        if self._executor is None:
            job()
        else:
            self._previous = self._executor.submit(job)

    def drain(self) -> None:
        """Wait until every submitted job has run, then stop the thread; raise a job's error."""
        try:
            self._wait_for_previous()
        finally:
            if self._executor is not None:
                self._executor.shutdown(wait=True)

    def _wait_for_previous(self) -> None:
        previous, self._previous = self._previous, None
        if previous is not None:
            previous.result()
