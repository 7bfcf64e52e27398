"""End-to-end sync throughput over loopback: batched push + pull vs one record per request.

    python bench/sync.py [--json] [--quick] [--records N] [--one-by-one N] [--profile]

A real server (`fieldapp serve`, uvicorn, SQLite in a fresh temporary data dir) on
127.0.0.1, and a real device data dir (vault, encrypted SQLite store) enrolled with it.
The device is filled in bulk with N queued, signed and sealed records before timing
(default 10,000; --quick 2,000), then `run_sync` is timed end to end: health probe,
batched gzip push (default 256 KiB batches), receipts checked, results stored, and the
pull of the server's `received` updates. In the same run a second device with fresh
records (default 500; --quick 200) is synced one record per request (how OpenRosa
clients submit), through the same engine with batches of one item.

Output keys: batched_rps, one_by_one_rps, ratio, wire_bytes_per_record (request lines,
headers and compressed bodies of the push, per record), plaintext_bytes_per_record (the
record's Record-format JSON, compact), plus push_rps (the push phase alone) and the
counts, and the CPU seconds the server process and this (device) process spent in the batched
run, with the load average: on a shared machine, wall time is whatever CPU is left; the CPU
figures say where the work is. Targets: >= 2,000 records/s, >= 10x one-by-one, <= 1.5x plaintext.
--profile runs the batched sync under cProfile (client side) and prints the top entries.
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from fieldapp.services import create_device  # noqa: E402
from fieldapp.services.enrollment import enroll_device  # noqa: E402
from fieldapp.services.syncing import run_sync  # noqa: E402
from fieldapp.vault import FAST_KDF_FOR_TESTS  # noqa: E402
from sync.engine import SyncOptions  # noqa: E402
from tests.support.live_server import create_enrollment_code, live_server  # noqa: E402
from tests.sync.live import observations  # noqa: E402

PASSPHRASE = "bench passphrase, not secret"
FILL_CHUNK = 500  # record_many is all-or-nothing; moderate chunks keep memory flat


def filled_device(data_dir: Path, server_dir: Path, url: str, count: int, seed: int):
    """A device enrolled with the server holding `count` queued, sealed records."""
    device = create_device(data_dir, PASSPHRASE, kdf=FAST_KDF_FOR_TESTS)
    enroll_device(device, url, create_enrollment_code(server_dir))
    items = observations(count, seed)
    for start in range(0, count, FILL_CHUNK):
        device.record_many(items[start : start + FILL_CHUNK], finalize=True)
    assert device.outbox.count_queued() == count
    return device


def plaintext_bytes(device, sample: int = 200) -> float:
    """Mean size of the records' Record-format JSON (compact), as `fieldapp list --json` gives them."""
    page = device.list_page(["queued"], limit=sample)
    sizes = [len(json.dumps(view.to_json(), separators=(",", ":")).encode()) for view in page.items]
    return statistics.fmean(sizes)


def server_pid(url: str) -> int | None:
    """The `fieldapp serve` process listening on this URL's port (Linux /proc), for its CPU time."""
    port = url.rsplit(":", 1)[1]
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            args = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"serve" in args and port.encode() in args:
            return int(entry.name)
    return None


def cpu_seconds(pid: int | None) -> float:
    """User + system CPU seconds of a process so far (0 when unknown)."""
    if pid is None:
        return 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def timed_sync(device, options: SyncOptions | None, pid: int | None = None):
    phases: dict[str, float] = {}
    server_cpu = cpu_seconds(pid)
    client_cpu = time.process_time()
    start = time.perf_counter()

    def on_progress(progress):
        if progress.phase == "pull" and "push_end" not in phases:
            phases["push_end"] = time.perf_counter()

    report = run_sync(device, options=options, on_progress=on_progress)
    elapsed = time.perf_counter() - start
    phases["server_cpu"] = cpu_seconds(pid) - server_cpu
    phases["client_cpu"] = time.process_time() - client_cpu
    push = phases.get("push_end", start + elapsed) - start
    if report.status != "done" or report.still_queued or report.rejected:
        raise SystemExit(f"sync did not complete: {report.status} {report.error}")
    return report, elapsed, push, phases


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--records", type=int)
    parser.add_argument("--one-by-one", type=int, dest="one_by_one")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args(argv)
    records = args.records or (2000 if args.quick else 10_000)
    single = args.one_by_one or (200 if args.quick else 500)

    with tempfile.TemporaryDirectory(prefix="fieldapp-bench-sync-") as tmp:
        tmp_path = Path(tmp)
        with live_server(tmp_path / "server") as url:
            say = (lambda *a: None) if args.json else print
            say(f"filling a device with {records} queued records ...")
            started = time.perf_counter()
            batched_device = filled_device(tmp_path / "batched", tmp_path / "server", url, records, seed=1)
            single_device = filled_device(tmp_path / "single", tmp_path / "server", url, single, seed=2)
            say(f"  filled in {time.perf_counter() - started:.1f} s")
            plain = plaintext_bytes(batched_device)

            if args.profile:
                import cProfile
                import pstats

                profiler = cProfile.Profile()
                profiler.enable()
            pid = server_pid(url)
            report, elapsed, push, cpu = timed_sync(batched_device, None, pid)
            if args.profile:
                profiler.disable()
                pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(30)
            _, one_elapsed, one_push, _ = timed_sync(single_device, SyncOptions(max_batch_items=1), pid)
            batched_device.lock()
            single_device.lock()

    figures = {
        "batched_rps": round(records / elapsed, 1),
        "one_by_one_rps": round(single / one_elapsed, 1),
        "ratio": round((records / elapsed) / (single / one_elapsed), 2),
        "wire_bytes_per_record": round(report.bytes_sent / records, 1),
        "plaintext_bytes_per_record": round(plain, 1),
        "wire_to_plaintext": round(report.bytes_sent / records / plain, 3),
        "push_rps": round(records / push, 1),
        "one_by_one_push_rps": round(single / one_push, 1),
        "server_cpu_s": round(cpu["server_cpu"], 2),
        "client_cpu_s": round(cpu["client_cpu"], 2),
        "elapsed_s": round(elapsed, 2),
        "load_average_1m": round(os.getloadavg()[0], 2),
        "records": records,
        "one_by_one_records": single,
        "updates_pulled": report.updates_pulled,
    }
    if args.json:
        print(json.dumps(figures))
    else:
        print(f"{'batched (push + pull)':<28}{figures['batched_rps']:>10.1f} records/s   (target >= 2000)")
        print(f"{'  push phase alone':<28}{figures['push_rps']:>10.1f} records/s")
        print(f"{'one record per request':<28}{figures['one_by_one_rps']:>10.1f} records/s")
        print(f"{'ratio':<28}{figures['ratio']:>10.2f} x         (target >= 10)")
        print(f"{'wire bytes per record':<28}{figures['wire_bytes_per_record']:>10.1f}")
        print(f"{'plaintext JSON per record':<28}{figures['plaintext_bytes_per_record']:>10.1f}")
        print(f"{'wire / plaintext':<28}{figures['wire_to_plaintext']:>10.3f}           (target <= 1.5)")
        print(
            f"batched run: {figures['elapsed_s']} s wall, server {figures['server_cpu_s']} s CPU, "
            f"device {figures['client_cpu_s']} s CPU (load average {figures['load_average_1m']})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
