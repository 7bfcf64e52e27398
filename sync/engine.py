"""The device's push/pull engine: one sync run over an Outbox and a SyncClient.

Delivery guarantee (argued in docs/sync.md): a record leaves the outbox only
when a server-signed receipt says `accepted` or `duplicate` for it, and the
results of a batch are stored in one local transaction. The server keys records
by id and body hash, so resending after any crash or cut is harmless.
"""

import contextlib
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial

from .batching import DEFAULT_MAX_BYTES, Batch, Batcher, BatchSource, split_batch
from .canonical import canonical_bytes
from .crypto import b64decode, verify
from .errors import ProtocolError, SyncError
from .failures import BatchTooLargeError, ReceiptError, ServerRefusedError, Stopped, cause_of
from .log_audit import LogAuditor
from .outbox import Outbox
from .pipeline import StoreBehind
from .registers import FEED_MAX_LIMIT, RegisterEntry, RegisterItem, RegisterSink, open_item
from .report import RecordOutcome, SyncProgress, SyncReport, status_of
from .retry import RetryPolicy, with_retries
from .transport import SyncClient
from .wire import MAX_BATCH_ITEMS, ItemResult, SubmissionResponse, UpdatesResponse

ProgressCallback = Callable[[SyncProgress], None]


@dataclass(frozen=True)
class SyncOptions:
    """Knobs of a sync run; the defaults suit a phone on a poor network."""

    max_batch_bytes: int = DEFAULT_MAX_BYTES
    max_batch_items: int = MAX_BATCH_ITEMS
    updates_page: int = 1000  # the server caps a page at 1000
    max_update_pages: int = 10_000  # a bound, so a broken server cannot keep us paging forever
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    pipeline: bool = True  # store batch k while batch k+1 is on the wire (sync.pipeline)


def verify_receipt(response: SubmissionResponse, record_ids: list[str], server_sign_key: bytes) -> None:
    """The answer must hold one result per sent record, in order, signed by the server."""
    if [r.record_id for r in response.results] != record_ids:
        raise ReceiptError("the server's receipt does not list the records sent; nothing was marked")
    try:
        signature = b64decode(response.receipt_signature)
    except ProtocolError as exc:
        raise ReceiptError() from exc
    signed = canonical_bytes([r.model_dump() for r in response.results])
    if not verify(server_sign_key, signed, signature):
        raise ReceiptError()


class SyncEngine:
    """Runs push then pull for one device. All I/O and time come in as parameters."""

    def __init__(
        self,
        outbox: Outbox,
        client: SyncClient,
        *,
        server_sign_key: bytes,
        options: SyncOptions | None = None,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        on_progress: ProgressCallback | None = None,
        stop_requested: Callable[[], bool] = lambda: False,
        auditor: LogAuditor | None = None,
        registers: RegisterSink | None = None,
    ) -> None:
        self.outbox = outbox
        self.registers = registers
        self.auditor = auditor
        self.client = client
        self.server_sign_key = server_sign_key
        self.options = options or SyncOptions()
        self.sleep = sleep
        self.rng = rng or random.SystemRandom()
        self.clock = clock
        self.on_progress = on_progress
        self.stop_requested = stop_requested

    # -- the whole run -------------------------------------------------------

    def run(self, *, probe: bool = True) -> SyncReport:
        """Probe, push every queued record, pull review updates, audit the server's log (with an
        auditor); never raises SyncError."""
        report = SyncReport(started_at=self.clock())
        try:
            if probe:
                self._emit("probe", 0, 0, report)
                self.client.health()
            self.push(report)
            if report.status == "done":
                self.pull(report)
                self.pull_registers(report)
            if report.status == "done" and self.auditor is not None:
                report.log_audit = self.auditor.audit()
        except SyncError as exc:
            report.status, report.error = status_of(exc)
            report.cause = cause_of(exc)
        report.still_queued = self.outbox.count_queued()
        if self.auditor is not None:  # shown after every run, whatever else happened
            report.log_alarm = self.auditor.standing_alarm()
        report.finished_at = self.clock()
        return report

    # -- push ------------------------------------------------------------------

    def push(self, report: SyncReport) -> None:
        """Send every queued record in batches; each batch's results are stored in one transaction.

        With `options.pipeline` (the default) batch k+1 is prepared and batch k-1's results
        are stored while batch k is on the wire (sync.batching.BatchSource,
        sync.pipeline.StoreBehind). On a failure, whatever was answered is stored first,
        then every record still queued is listed as `deferred`, and the error propagates.
        """
        opts = self.options
        total = self.outbox.count_queued()
        batcher = Batcher(max_bytes=opts.max_batch_bytes, max_items=opts.max_batch_items)
        source = BatchSource(self.outbox, batcher, threaded=opts.pipeline)
        worker = StoreBehind(threaded=opts.pipeline)
        done = [0]
        wire_start = self.client.wire.sent
        self._emit("push", 0, total, report)

        def store(results: list[ItemResult]) -> None:
            self.outbox.mark_results(results)
            if self.auditor is not None:
                self.auditor.note_receipts(results)
            for result in results:
                outcome = "sent" if result.status == "accepted" else result.status
                report.outcomes.append(RecordOutcome(result.record_id, outcome, result.reason))
            done[0] += len(results)
            self._emit("push", done[0], total, report)

        def defer(record_id: str, reason: str) -> None:
            report.outcomes.append(RecordOutcome(record_id, "deferred", reason))
            done[0] += 1

        try:
            for batch in source:
                if self.stop_requested():
                    raise Stopped()
                for part, response, refusal in self._send_splitting(batch, batcher):
                    report.bytes_sent = self.client.wire.sent - wire_start
                    if response is not None:
                        worker.submit(partial(store, response.results))
                    else:
                        worker.submit(partial(defer, part.record_ids[0], refusal))
            worker.drain()
        except BaseException:
            source.close()
            with contextlib.suppress(Exception):
                worker.drain()  # keep what was answered; the error that stopped us is the one to report
            report.bytes_sent = self.client.wire.sent - wire_start
            self._defer_rest(report)
            raise
        finally:
            source.close()
        report.bytes_sent = self.client.wire.sent - wire_start

    def _send_splitting(
        self, batch: Batch, batcher: Batcher
    ) -> Iterator[tuple[Batch, SubmissionResponse | None, str]]:
        """Send a batch; on 413 halve it (and the batches still to come) until the server takes it."""
        try:
            yield batch, self._send(batch), ""
        except BatchTooLargeError as exc:
            if len(batch.items) == 1:
                yield batch, None, str(exc)  # one record the server will not take: skip it this run
                return
            batcher.max_bytes = max(1024, len(batch.body) // 2)
            for half in split_batch(batch):
                yield from self._send_splitting(half, batcher)

    def _send(self, batch: Batch) -> SubmissionResponse:
        def attempt() -> SubmissionResponse:
            response = self.client.submit(batch.body)
            verify_receipt(response, batch.record_ids, self.server_sign_key)
            return response

        return with_retries(attempt, policy=self.options.retry, sleep=self._sleep, rng=self.rng)

    def _defer_rest(self, report: SyncReport) -> None:
        """List every record still queued and not answered in this run as deferred (a result per record)."""
        answered = {o.record_id for o in report.outcomes}
        ids: list[str] = []
        after: str | None = None
        # Listing is a courtesy: the records stay queued whatever happens here, and the
        # error that stopped the run is the one worth reporting.
        with contextlib.suppress(Exception):
            while True:
                page = self.outbox.queued(after=after, limit=1000)
                ids.extend(item.record_id for item in page)
                if len(page) < 1000:
                    break
                after = page[-1].record_id
        report.outcomes.extend(RecordOutcome(i, "deferred") for i in ids if i not in answered)

    # -- pull ------------------------------------------------------------------

    def pull(self, report: SyncReport) -> None:
        """Fetch review updates page by page; each page is stored with its cursor in one transaction.

        Page k is stored while page k+1 is fetched (in order, on one thread). A crash
        between the two leaves the cursor of the last stored page: the next run asks
        again from there, and applying an update twice changes nothing.
        """
        cursor = self.outbox.update_cursor()
        worker = StoreBehind(threaded=self.options.pipeline)

        def store(page: UpdatesResponse, previous: int) -> None:
            if page.updates or page.cursor != previous:
                self.outbox.apply_updates(page.updates, page.cursor)
            report.updates_pulled += len(page.updates)
            self._emit("pull", report.updates_pulled, report.updates_pulled, report)

        try:
            for _ in range(self.options.max_update_pages):
                if self.stop_requested():
                    raise Stopped()
                since = cursor
                page = with_retries(
                    partial(self.client.updates, since=since, limit=self.options.updates_page),
                    policy=self.options.retry,
                    sleep=self._sleep,
                    rng=self.rng,
                )
                worker.submit(partial(store, page, since))
                if not page.more:
                    break
                if page.cursor <= cursor:
                    raise ProtocolError("the server's update cursor did not advance")
                cursor = page.cursor
        finally:
            worker.drain()

    def pull_registers(self, report: SyncReport) -> None:
        """Fetch the register versions published since the last run, page by page (a device
        offline for weeks catches up in one run). Every item's signature is checked before a
        page is stored; a page with one bad item is refused whole (RegisterSignatureError) and
        what the device holds stays as it was."""
        if self.registers is None:
            return
        cursor = self.registers.register_cursor()
        for _ in range(self.options.max_update_pages):
            if self.stop_requested():
                raise Stopped()
            try:
                page = with_retries(
                    partial(self.client.registers, since=cursor, limit=FEED_MAX_LIMIT),
                    policy=self.options.retry,
                    sleep=self._sleep,
                    rng=self.rng,
                )
            except ServerRefusedError as exc:
                if exc.status_code == 404:
                    return  # a server from before the registers: nothing to pull, the rest of the run stands
                raise
            verified: list[tuple[RegisterEntry, RegisterItem]] = [
                (open_item(item, self.server_sign_key), item) for item in page.items
            ]
            if verified or page.cursor != cursor:
                self.registers.apply_register_items(verified, page.cursor)
            report.registers_pulled += len(verified)
            if not page.more:
                return
            if page.cursor <= cursor:
                raise ProtocolError("the server's register cursor did not advance")
            cursor = page.cursor

    # -- helpers -----------------------------------------------------------------

    def _sleep(self, seconds: float) -> None:
        if self.stop_requested():
            raise Stopped()
        self.sleep(seconds)
        if self.stop_requested():
            raise Stopped()

    def _emit(self, phase: str, done: int, total: int, report: SyncReport) -> None:
        if self.on_progress is not None:
            self.on_progress(SyncProgress(phase, done, total, self.client.wire.sent))  # type: ignore[arg-type]
