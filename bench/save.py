"""Benchmark: saving one finalized observation, and the list's first page over 10,000 records.

    python bench/save.py [--json] [--quick]

save: validate (the model), encrypt, sign, commit — `Unlocked.record(data, finalize=True)`,
one transaction per save, on a real SQLite file with the store's pragmas (WAL,
synchronous=NORMAL; FULL is measured too). The baseline is a raw sqlite3 insert of the same
number of bytes, one transaction each, same pragmas, same process, so a noisy machine shows
in both. first page: the newest 50 of 10,000 stored observations,
decrypted (median of repeated reads). RSS: the process's peak resident memory.
kdf: one passphrase guess with the vault's default KDF (what unlocking costs, and what each
guess costs an attacker holding vault.json; target >= 100 ms), beside the first wave's
parameters (Argon2id m=46 MiB t=1, or scrypt n=2^15) measured in the same run.
"""

import argparse
import json
import os
import resource
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fieldapp.services import Unlocked, create_device
from fieldapp.store import ObservationStore, open_database
from fieldapp.vault import FAST_KDF_FOR_TESTS, Argon2idParams, ScryptParams, default_kdf

TARGET_SAVE_P95_MS = 5.0
TARGET_FIRST_PAGE_MS = 100.0
TARGET_KDF_MS = 100.0
FIRST_WAVE_KDF = {"argon2id": Argon2idParams(46 * 1024, 1, 1), "scrypt": ScryptParams(2**15, 8, 1)}
STORED = 10_000
PAGE = 50


def observation(i: int) -> dict:
    return {
        "kind": "violation",
        "observed_at": "2025-05-01T10:00:00+02:00",
        "location": {"lat": 31.2 + i * 1e-5, "lon": 16.6, "accuracy_m": 12, "source": "gps"},
        "place": "Sirte",
        "observed_by": "heard",
        "certainty": "probable",
        "description": f"Shelling from the south-east, impacts near the ring road (#{i}). " * 4,
        "controlling_side": "LNA",
        "details": {
            "type": "shelling",
            "count": i % 20,
            "direction": "SE",
            "range_band": "3-5km",
            "weapon": "122 mm rocket",
            "casualties": {"killed": 0, "injured": 2},
            "damage": "Two houses hit at the eastern edge of the town.",
        },
    }


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def time_saves(device: Unlocked, count: int, offset: int = 0) -> list[float]:
    times = []
    for i in range(count):
        data = observation(offset + i)
        start = time.perf_counter()
        device.record(data, finalize=True)
        times.append((time.perf_counter() - start) * 1000)
    return times


def time_raw_inserts(directory: Path, count: int, size: int, synchronous: str = "NORMAL") -> list[float]:
    connection = sqlite3.connect(directory / f"raw-{synchronous}.db", isolation_level=None)
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute(f"PRAGMA synchronous = {synchronous}")
    connection.execute("CREATE TABLE t (id TEXT PRIMARY KEY, state TEXT, created_at TEXT, content BLOB)")
    times = []
    for _ in range(count):
        payload = os.urandom(size)
        start = time.perf_counter()
        connection.execute("BEGIN IMMEDIATE")
        connection.execute(
            "INSERT INTO t VALUES (?, 'queued', ?, ?)",
            (str(uuid.uuid4()), datetime.now(UTC).isoformat(), payload),
        )
        connection.execute("COMMIT")
        times.append((time.perf_counter() - start) * 1000)
    connection.close()
    return times


def fill(device: Unlocked, total: int) -> float:
    """Top the store up to `total` drafts-and-finalized rows in one transaction; returns seconds."""
    from fieldapp.model import parse_observation

    missing = total - sum(device.counts().values())
    now = datetime.now(UTC) - timedelta(days=1)  # older than the saves, as a long field trip would be
    records = [parse_observation(observation(i), now=now).to_record() for i in range(missing)]
    store = ObservationStore(device._engine, device._keys, clock=lambda: now)
    start = time.perf_counter()
    store.add(records)
    return time.perf_counter() - start


def time_first_page(device: Unlocked, states, repeats: int = 15) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        page = device.list_page(states, limit=PAGE)
        times.append((time.perf_counter() - start) * 1000)
        assert len(page.items) == PAGE
    return statistics.median(times)


def time_kdf(params, repeats: int) -> list[float]:
    times = []
    for _ in range(repeats):
        salt = os.urandom(16)
        start = time.perf_counter()
        params.derive("a passphrase of some length", salt)
        times.append((time.perf_counter() - start) * 1000)
    return times


def run(quick: bool) -> dict:
    saves = 200 if quick else 1000
    with tempfile.TemporaryDirectory(prefix="fieldapp-bench-") as tmp:
        directory = Path(tmp)
        device = create_device(directory / "device", "bench", kdf=FAST_KDF_FOR_TESTS)
        time_saves(device, 20, offset=10**6)  # warm-up: imports, caches, first pages of the file
        save_times = time_saves(device, saves)
        content_size = 1200  # about one encrypted finalized record (measured below)
        with device._engine.connect() as connection:
            content_size = connection.exec_driver_sql(
                "SELECT CAST(AVG(LENGTH(content)) AS INTEGER) FROM observation"
            ).scalar_one()
        raw_times = time_raw_inserts(directory, saves, content_size)

        # the same saves with synchronous=FULL (an fsync per commit)
        full_dir = directory / "full-sync"
        create_device(full_dir, "bench", kdf=FAST_KDF_FOR_TESTS).lock()
        from fieldapp.vault import unlock_vault

        keys = unlock_vault(full_dir, "bench", kdf=FAST_KDF_FOR_TESTS)
        full = Unlocked(
            full_dir, keys, open_database(full_dir, keys, synchronous="FULL"), clock=lambda: datetime.now(UTC)
        )
        time_saves(full, 20, offset=10**6)
        full_times = time_saves(full, max(200, saves // 5))
        full.lock()
        raw_full_times = time_raw_inserts(directory, max(200, saves // 5), content_size, "FULL")

        fill_seconds = fill(device, STORED)
        stored = sum(device.counts().values())
        first_page_ms = time_first_page(device, None)
        drafts_page_ms = time_first_page(device, ["draft"])
        pending_page_ms = time_first_page(device, ["queued"])
        rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        device.lock()

    kdf = default_kdf()
    kdf_repeats = 5 if quick else 11
    kdf_times = time_kdf(kdf, kdf_repeats)
    first_wave_times = time_kdf(FIRST_WAVE_KDF[kdf.name], kdf_repeats)
    kdf_ms, first_wave_ms = statistics.median(kdf_times), statistics.median(first_wave_times)
    save_p50 = statistics.median(save_times)
    raw_p50 = statistics.median(raw_times)
    return {
        "save_p50_ms": round(save_p50, 3),
        "save_p95_ms": round(percentile(save_times, 0.95), 3),
        "first_page_ms": round(first_page_ms, 3),
        "rss_mb": round(rss_mb, 1),
        "saves": saves,
        "stored": stored,
        "drafts_page_ms": round(drafts_page_ms, 3),
        "pending_page_ms": round(pending_page_ms, 3),
        "fill_rows_per_s": round((STORED - saves - 20) / fill_seconds),
        "save_full_sync_p50_ms": round(statistics.median(full_times), 3),
        "save_full_sync_p95_ms": round(percentile(full_times, 0.95), 3),
        "baseline_raw_full_sync_p50_ms": round(statistics.median(raw_full_times), 3),
        "baseline_raw_insert_p50_ms": round(raw_p50, 3),
        "baseline_raw_insert_p95_ms": round(percentile(raw_times, 0.95), 3),
        "save_to_baseline_ratio": round(save_p50 / raw_p50, 2),
        "content_bytes": content_size,
        "kdf_ms": round(kdf_ms, 1),
        "kdf_p95_ms": round(percentile(kdf_times, 0.95), 1),
        "kdf": dict(vars(kdf)),
        "baseline_kdf_first_wave_ms": round(first_wave_ms, 1),
        "kdf_to_first_wave_ratio": round(kdf_ms / first_wave_ms, 2),
        "targets": {
            "save_p95_ms": TARGET_SAVE_P95_MS,
            "first_page_ms": TARGET_FIRST_PAGE_MS,
            "kdf_ms": TARGET_KDF_MS,
        },
    }


def table(figures: dict) -> str:
    rows = [
        ("save one finalized observation, p50", f"{figures['save_p50_ms']:.2f} ms", ""),
        (
            "save one finalized observation, p95",
            f"{figures['save_p95_ms']:.2f} ms",
            f"target ≤ {TARGET_SAVE_P95_MS:g} ms",
        ),
        (
            "  same with synchronous=FULL, p50 / p95",
            f"{figures['save_full_sync_p50_ms']:.2f} / {figures['save_full_sync_p95_ms']:.2f} ms",
            f"raw FULL insert p50 {figures['baseline_raw_full_sync_p50_ms']:.2f} ms",
        ),
        (
            "  baseline: raw sqlite3 insert, p50 / p95",
            f"{figures['baseline_raw_insert_p50_ms']:.2f} / {figures['baseline_raw_insert_p95_ms']:.2f} ms",
            f"save is {figures['save_to_baseline_ratio']}× raw",
        ),
        (
            f"first page ({PAGE} newest of {figures['stored']:,})",
            f"{figures['first_page_ms']:.2f} ms",
            f"target ≤ {TARGET_FIRST_PAGE_MS:g} ms",
        ),
        (
            "  drafts tab / pending tab first page",
            f"{figures['drafts_page_ms']:.2f} / {figures['pending_page_ms']:.2f} ms",
            "",
        ),
        ("bulk fill, one transaction", f"{figures['fill_rows_per_s']:,} rows/s", ""),
        ("peak RSS", f"{figures['rss_mb']:.0f} MB", "target ≤ 200 MB"),
        (
            f"one passphrase guess ({figures['kdf']['name']}), p50 / p95",
            f"{figures['kdf_ms']:.0f} / {figures['kdf_p95_ms']:.0f} ms",
            f"target ≥ {TARGET_KDF_MS:g} ms; first wave's "
            f"{figures['baseline_kdf_first_wave_ms']:.0f} ms ({figures['kdf_to_first_wave_ratio']}×)",
        ),
    ]
    width = max(len(row[0]) for row in rows)
    return "\n".join(f"{name:<{width}}  {value:>16}  {note}" for name, value, note in rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object of the figures")
    parser.add_argument("--quick", action="store_true", help="200 saves instead of 1,000")
    args = parser.parse_args()
    figures = run(args.quick)
    print(json.dumps(figures) if args.json else table(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
