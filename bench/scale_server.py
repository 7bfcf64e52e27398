"""The server group of bench/scale.py: queue, corroboration, devices list and exports at
1k / 10k / 200k reports, over HTTP against a real `fieldapp serve` (one worker)."""

import contextlib
import random
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa

from bench.ingest import postgres_schema
from server.database import make_engine, upgrade_schema
from server.settings import sqlite_url
from tests.support.live_server import create_user, live_server
from tests.support.seeded_reports import Area, seed

PASSWORD = "bench password, not secret"
CALLS = 30
HOTSPOT_PICKS = 20


def server_figures(options: Any, figure: Callable[..., Any]) -> list[Any]:
    queue = figure("queue_first_page_ms", "ms", 20.0)
    queue_pg = figure("queue_first_page_ms_postgres", "ms", 20.0)
    nearby = figure("corroboration_ms", "ms", 20.0)
    nearby_pg = figure("corroboration_ms_postgres", "ms", 20.0)
    devices = figure("devices_list_ms", "ms", 20.0)
    geojson = figure("export_geojson_s", "s", 5.0)
    first_byte = figure("export_geojson_first_byte_s", "s", 1.0)
    peak = figure("export_geojson_peak_mb", "MB", 250.0)
    csv_time = figure("export_csv_s", "s", float("inf"))
    zip_time = figure("export_zip_s", "s", 20.0)
    for size in options.server_sizes:
        base = options.workdir / f"server-{size}"
        options.say(f"server with {size:,} reports: seeding ...")
        started = time.perf_counter()
        with _seeded(base, None, size) as (url, token, hotspot_ids, pid):
            options.say(f"  seeded and started in {time.perf_counter() - started:.0f} s; measuring")
            headers = {"Authorization": f"Bearer {token}"}
            with httpx.Client(base_url=f"{url}/api/v1", headers=headers, timeout=600) as client:
                queue.samples[size] = _timed_gets(client, "/reports", {"limit": 50})
                devices.samples[size] = _timed_gets(client, "/devices", {})
                nearby.samples[size] = _corroboration(client, hotspot_ids)
                seconds, first = _download(client, "/exports/geojson")
                geojson.samples[size], first_byte.samples[size] = [seconds], [first]
                peak.samples[size] = [_peak_rss_mb(pid)]
                csv_time.samples[size] = [_download(client, "/exports/csv")[0]]
                zip_time.samples[size] = [_download(client, "/exports/zip")[0]]
        if options.database_url:
            with (
                postgres_schema(options.database_url) as pg_url,
                _seeded(base / "pg", pg_url, size) as (url, token, hotspot_ids, _pid),
                httpx.Client(
                    base_url=f"{url}/api/v1", headers={"Authorization": f"Bearer {token}"}, timeout=600
                ) as client,
            ):
                queue_pg.samples[size] = _timed_gets(client, "/reports", {"limit": 50})
                nearby_pg.samples[size] = _corroboration(client, hotspot_ids)
    found = [queue, nearby, devices, geojson, first_byte, peak, csv_time, zip_time]
    return found + ([queue_pg, nearby_pg] if options.database_url else [])


@contextlib.contextmanager
def _seeded(data_dir: Path, database_url: str | None, size: int) -> Iterator[tuple[str, str, list[str], int]]:
    """Seeded reports, a verifier, a running server: (url, token, hotspot record ids, pid)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(database_url or sqlite_url(data_dir / "server.db"))
    try:
        upgrade_schema(engine)
        area = Area()
        seed(engine, size, devices=20, area=area, seed=size)
        with engine.connect() as connection:
            hotspot = connection.execute(
                sa.text(
                    "SELECT record_id FROM reports WHERE abs(lat - :lat) < 0.05 AND abs(lon - :lon) < 0.05"
                ),
                {"lat": area.hotspot[0], "lon": area.hotspot[1]},
            ).scalars()
            ids = sorted(hotspot)
    finally:
        engine.dispose()
    create_user(data_dir, "bench", PASSWORD, "verifier", database_url)
    with live_server(data_dir, database_url, workers=1, timeout=120) as url:
        token = httpx.post(
            f"{url}/api/v1/auth/login", json={"username": "bench", "password": PASSWORD}
        ).json()
        yield (
            url,
            token["token"],
            random.Random(size).sample(ids, min(HOTSPOT_PICKS, len(ids))),
            _server_pid(data_dir),
        )


def _timed_gets(client: httpx.Client, path: str, params: dict[str, Any]) -> list[float]:
    client.get(path, params=params).raise_for_status()  # warm
    times = []
    for _ in range(CALLS):
        start = time.perf_counter()
        client.get(path, params=params).raise_for_status()
        times.append((time.perf_counter() - start) * 1000)
    return times


def _corroboration(client: httpx.Client, ids: list[str]) -> list[float]:
    times = []
    for record_id in ids:
        start = time.perf_counter()
        client.get(f"/reports/{record_id}/corroboration", params={"km": 10, "hours": 24}).raise_for_status()
        times.append((time.perf_counter() - start) * 1000)
    return times


def _download(client: httpx.Client, path: str) -> tuple[float, float]:
    """Total seconds and seconds to the first byte of a streamed download (bytes thrown away)."""
    start = time.perf_counter()
    first = None
    with client.stream("GET", path) as answer:
        answer.raise_for_status()
        for piece in answer.iter_raw():
            if first is None and piece:
                first = time.perf_counter() - start
    return time.perf_counter() - start, first or 0.0


def _server_pid(data_dir: Path) -> int:
    """The `fieldapp serve` process of this data dir (read from /proc)."""
    wanted = str(data_dir).encode()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                command = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if b"serve" in command and wanted in command:
                return int(entry.name)
    raise SystemExit(f"no server process found for {data_dir}")


def _peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0
