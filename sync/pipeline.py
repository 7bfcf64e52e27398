"""Storing one batch's results while the next batch is on the wire.

The server's work (unseal, verify, insert) and the device's (mark results in its
store) then overlap instead of adding up. Jobs run one at a time, in order, on one
thread, so results are stored in the order they were answered; the queue is short,
so sending never runs far ahead of storing. A job's error is raised in the caller at
its next `submit` or at `drain`, and no later job runs.

With `threaded=False` every job runs at once in the caller (deterministic tests,
or platforms where a thread is unwelcome).
"""

import queue
import threading
from collections.abc import Callable

_STOP = object()


class InOrderWorker:
    def __init__(self, *, threaded: bool = True, depth: int = 1) -> None:
        self._threaded = threaded
        self._error: BaseException | None = None
        self._jobs: queue.Queue = queue.Queue(maxsize=max(1, depth))
        self._thread: threading.Thread | None = None

    def submit(self, job: Callable[[], None]) -> None:
        """Run `job` after the ones before it; raises an earlier job's error instead."""
        self._raise_pending()
        if not self._threaded:
            job()
            return
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="fieldapp-sync-store", daemon=True)
            self._thread.start()
        self._jobs.put(job)

    def drain(self) -> None:
        """Wait until every submitted job has run; raise the first error if one failed."""
        if self._thread is not None:
            self._jobs.put(_STOP)
            self._thread.join()
            self._thread = None
        self._raise_pending()

    def _run(self) -> None:
        while True:
            job = self._jobs.get()
            if job is _STOP:
                return
            if self._error is not None:
                continue  # after a failure nothing more is stored; the records stay queued
            try:
                job()
            except BaseException as exc:
                self._error = exc

    def _raise_pending(self) -> None:
        if self._error is not None:
            error, self._error = self._error, None
            raise error
