"""Benchmark: is each path flat with data? Every figure at the target size beside the same
figure at 1k and 10k, measured in the same run (issue 12).

    python bench/scale.py [--json] [--quick] [--device-records N]

Device figures (a real device data dir, encrypted SQLite store, enrolled with a real
`fieldapp serve` on 127.0.0.1; one fresh device and server per size; every record queued,
signed and sealed):
  device_counts_ms   `Unlocked.counts()` (the home screen's refresh), median and p95
  outbox_page_ms     one page of the outbox as the sync engine reads it (OUTBOX_PAGE records
                     after a random position: index range, decrypting the envelopes), median, p95
  first_sync_rps     `run_sync` of every queued record end to end (push, receipts, results
                     stored, pull), records per second; one run per size
  list_json_rss_mb   peak RSS of `fieldapp list --json` (a child process, output discarded);
                     one run per size, with its wall time as list_json_s
Sizes: 1k, 10k and 100k (`--quick`: 1k and 10k, the figure at 10k). Targets at 100k on the
2-core dev machine: counts <= 3 ms, outbox page <= 5 ms, first sync >= 2,000 rec/s, list
--json <= 150 MB. On a shared machine wall time is whatever CPU is left: the load average is
printed with the figures.

Server figures (bench/scale_server.py: a server data dir seeded with N reports from 20
devices over 90 days with a hotspot, stored directly, then a real `fieldapp serve` on
127.0.0.1 asked over HTTP, as the console asks): queue_first_page_ms (and
queue_first_page_ms_postgres with --database-url), corroboration_ms, devices_list_ms,
export_geojson_s, export_geojson_first_byte_s, export_geojson_peak_mb (the server process's
peak RSS after the export), export_csv_s, export_zip_s. Sizes 1k, 10k and 200k (`--quick`: 1k
and 10k). Targets at 200k: queue and devices list <= 20 ms, corroboration <= 20 ms, GeoJSON
<= 5 s with peak RSS <= 250 MB, zip <= 20 s.

Layout: each group is a function in GROUPS taking the run's Options and returning Figures
(one value per size); `--only device|server` runs one group.
"""

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from fieldapp.services import create_device  # noqa: E402
from fieldapp.services.enrollment import enroll_device  # noqa: E402
from fieldapp.services.syncing import run_sync  # noqa: E402
from fieldapp.vault import FAST_KDF_FOR_TESTS  # noqa: E402
from tests.support.live_server import create_enrollment_code, live_server  # noqa: E402
from tests.sync.live import observations  # noqa: E402

PASSPHRASE = "bench passphrase, not secret"
FILL_CHUNK = 500
OUTBOX_PAGE = 200  # about one 256 KiB batch of envelopes
COUNT_CALLS = 200
PAGE_CALLS = 40


@dataclass
class Figure:
    """One measured quantity at several sizes; `samples` are per size (one for a single run)."""

    name: str
    unit: str
    target: float
    higher_is_better: bool = False
    samples: dict[int, list[float]] = field(default_factory=dict)

    def median(self, size: int) -> float:
        return statistics.median(self.samples[size])

    def p95(self, size: int) -> float:
        ordered = sorted(self.samples[size])
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


@dataclass(frozen=True)
class Options:
    quick: bool
    device_sizes: tuple[int, ...]
    workdir: Path
    say: Callable[[str], None]
    server_sizes: tuple[int, ...] = (1_000, 10_000, 200_000)
    database_url: str | None = None
    only: str | None = None


# --- device --------------------------------------------------------------------------------


def device_figures(options: Options) -> list[Figure]:
    counts = Figure("device_counts_ms", "ms", 3.0)
    page = Figure("outbox_page_ms", "ms", 5.0)
    sync_rate = Figure("first_sync_rps", "rec/s", 2000.0, higher_is_better=True)
    list_rss = Figure("list_json_rss_mb", "MB", 150.0)
    list_time = Figure("list_json_s", "s", float("inf"))
    for size in options.device_sizes:
        base = options.workdir / f"device-{size}"
        with live_server(base / "server") as url:
            options.say(f"device with {size:,} queued records: filling ...")
            started = time.perf_counter()
            device = _filled_device(base / "device", base / "server", url, size)
            options.say(f"  filled in {time.perf_counter() - started:.0f} s; measuring")
            counts.samples[size] = _time_calls(device.counts, COUNT_CALLS)
            page.samples[size] = _time_outbox_pages(device, size)
            rss_mb, seconds = _list_json(base / "device")
            list_rss.samples[size], list_time.samples[size] = [rss_mb], [seconds]
            started = time.perf_counter()
            report = run_sync(device, with_photos=False)
            elapsed = time.perf_counter() - started
            if report.status != "done" or report.sent != size:
                raise SystemExit(
                    f"sync did not complete: {report.status} {report.error} ({report.sent} sent)"
                )
            sync_rate.samples[size] = [size / elapsed]
            device.lock()
    return [counts, page, sync_rate, list_rss, list_time]


def _filled_device(data_dir: Path, server_dir: Path, url: str, count: int):
    device = create_device(data_dir, PASSPHRASE, kdf=FAST_KDF_FOR_TESTS)
    enroll_device(device, url, create_enrollment_code(server_dir))
    for chunk, start in enumerate(range(0, count, FILL_CHUNK)):
        device.record_many(observations(min(FILL_CHUNK, count - start), seed=chunk), finalize=True)
    assert device.outbox.count_queued() == count
    return device


def _time_calls(call: Callable[[], object], repeats: int) -> list[float]:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    return times


def _time_outbox_pages(device, size: int) -> list[float]:
    """Pages after random positions of the queue (the engine's `after=` reads)."""
    ids, after = [], None
    while page := device.outbox.queued(after=after, limit=1000):
        ids += [item.record_id for item in page]
        after = page[-1].record_id
    rng = random.Random(size)
    times = []
    for _ in range(PAGE_CALLS):
        after = ids[rng.randrange(max(1, len(ids) - OUTBOX_PAGE))]
        start = time.perf_counter()
        got = device.outbox.queued(after=after, limit=OUTBOX_PAGE)
        times.append((time.perf_counter() - start) * 1000)
        assert got
    return times


def _list_json(data_dir: Path) -> tuple[float, float]:
    """Peak RSS (MB) and wall time of `fieldapp list --json`, its output thrown away."""
    env = {**os.environ, "FIELDAPP_PASSPHRASE": PASSPHRASE, "PYTHONPATH": str(REPO)}
    command = [sys.executable, "-m", "fieldapp", "list", "--json", "--data-dir", str(data_dir)]
    start = time.perf_counter()
    child = subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - start
    if status != 0:
        raise SystemExit(
            f"fieldapp list --json failed: {child.stderr.read().decode() if child.stderr else ''}"
        )
    return usage.ru_maxrss / 1024, elapsed


# --- the run ---------------------------------------------------------------------------------


def server_figures(options: Options) -> list[Figure]:
    from bench.scale_server import server_figures as measure

    return measure(options, Figure)


GROUPS: dict[str, Callable[[Options], list[Figure]]] = {"device": device_figures, "server": server_figures}


def run(options: Options) -> dict:
    groups = [group for name, group in GROUPS.items() if options.only in (None, name)]
    figures = [figure for group in groups for figure in group(options)]
    out: dict = {"load_average": [round(v, 2) for v in os.getloadavg()], "quick": options.quick}
    for figure in figures:
        sizes = sorted(figure.samples)
        main, baselines = sizes[-1], sizes[:-1]
        out[figure.name] = round(figure.median(main), 3)
        if any(len(figure.samples[size]) > 1 for size in sizes):
            out[f"{figure.name}_p95"] = round(figure.p95(main), 3)
        out[f"{figure.name}_at"] = main
        out[f"{figure.name}_baseline"] = {str(size): round(figure.median(size), 3) for size in baselines}
        if baselines:
            out[f"{figure.name}_ratio"] = round(figure.median(main) / figure.median(baselines[0]), 2)
        if figure.target != float("inf"):
            out.setdefault("targets", {})[figure.name] = figure.target
    return out


def table(out: dict) -> str:
    names = [key for key in out if f"{key}_at" in out]
    rows = [("figure", "baselines", "at target size", "p95", "ratio", "target")]
    for name in names:
        baseline = ", ".join(f"{int(size):,}: {value:g}" for size, value in out[f"{name}_baseline"].items())
        target = out.get("targets", {}).get(name)
        goal = "" if target is None else ("≥ " if name.endswith("_rps") else "≤ ") + f"{target:g}"
        rows.append(
            (
                name,
                baseline,
                f"{out[f'{name}_at']:,}: {out[name]:g}",
                f"{out.get(f'{name}_p95', '')}",
                f"{out.get(f'{name}_ratio', '')}",
                goal,
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)) for row in rows]
    return "\n".join([*lines, f"load average {out['load_average']}"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object of the figures")
    parser.add_argument("--quick", action="store_true", help="1k and 10k only (the figure at 10k)")
    parser.add_argument("--device-records", type=int, metavar="N", help="the device's target size")
    parser.add_argument("--server-records", type=int, metavar="N", help="the server's target size")
    parser.add_argument("--database-url", help="PostgreSQL too (postgresql+psycopg://...): a fresh schema")
    parser.add_argument("--only", choices=tuple(GROUPS), help="one group of figures")
    args = parser.parse_args(argv)
    main_size = args.device_records or (10_000 if args.quick else 100_000)
    sizes = tuple(sorted({size for size in (1_000, 10_000) if size < main_size} | {main_size}))
    server_main = args.server_records or (10_000 if args.quick else 200_000)
    server_sizes = tuple(sorted({size for size in (1_000, 10_000) if size < server_main} | {server_main}))
    say = (lambda _text: None) if args.json else print
    with tempfile.TemporaryDirectory(prefix="fieldapp-bench-scale-") as tmp:
        options = Options(
            quick=args.quick,
            device_sizes=sizes,
            workdir=Path(tmp),
            say=say,
            server_sizes=server_sizes,
            database_url=args.database_url,
            only=args.only,
        )
        out = run(options)
    print(json.dumps(out) if args.json else table(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
