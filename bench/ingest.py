"""Server ingest throughput: records/s over loopback at batch sizes 1, 10, 100, 500, beside
the crypto ceiling measured in the same run.

    python bench/ingest.py [--json] [--quick] [--database-url URL] [--workers N] [--clients C]
                           [--stored N] [--profile]

A real server (`fieldapp serve --workers N`, uvicorn; N defaults to the core count) on
127.0.0.1, a SQLite file in a temporary data dir, and PostgreSQL too when a URL is given (in
a fresh schema, dropped afterwards). C devices (default 2 × N) push at once, as a field team
syncing does, each its own chain in order. Envelopes are built before timing (fresh ids every
run): the figure is the server's cost (HTTP, gzip, validation, unseal, signature check,
idempotent insert, receipt) plus the clients' request overhead.

--stored N: N reports (20 devices, 90 days) already in the database before the first push, to
see that ingest does not slow down as the table grows.

crypto_ceiling_rps: one record's irreducible work (X25519 unseal with HKDF and AES-GCM, then
the Ed25519 verify, on bytes already decoded) in N processes at once for a few seconds: what
N cores can do at most. ratio_to_ceiling = records/s at batch 500 (SQLite) / that ceiling.

--json prints one object: {"sqlite": {"1": rps, "10": ..., "100": ..., "500": ...},
"postgres": {...}, "ratio_vs_batch_1": {...}, "crypto_ceiling_rps": x, "ratio_to_ceiling":
{"sqlite": r, "postgres": r}, "workers": N, "clients": C, "load_average": [...]}.
--profile runs the ingest function in-process under cProfile (batch 500) and prints the top.
"""

import argparse
import contextlib
import gzip
import json
import multiprocessing
import os
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import httpx  # noqa: E402

from tests.support.devices import make_device  # noqa: E402
from tests.support.live_server import create_enrollment_code, live_server  # noqa: E402

BATCH_SIZES = (1, 10, 100, 500)


def records_for(batch: int, quick: bool) -> int:
    if batch == 1:
        return 200 if quick else 600
    return 1000 if quick else 5000


@contextlib.contextmanager
def postgres_schema(url: str):
    import sqlalchemy as sa

    schema = f"fieldapp_bench_{uuid.uuid4().hex[:10]}"
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.begin() as connection:
        connection.exec_driver_sql(f"CREATE SCHEMA {schema}")
    separator = "&" if "?" in url else "?"
    try:
        yield f"{url}{separator}options={quote(f'-csearch_path={schema}')}"
    finally:
        with engine.begin() as connection:
            connection.exec_driver_sql(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        engine.dispose()


def measure(
    data_dir: Path, database_url: str | None, quick: bool, workers: int, clients: int, stored: int = 0
) -> dict[str, float]:
    figures: dict[str, float] = {}
    if stored:
        _store_beforehand(data_dir, database_url, stored)
    with (
        live_server(data_dir, database_url, workers=workers, timeout=120) as base_url,
        httpx.Client(base_url=base_url, timeout=120) as enroller,
    ):
        for batch in BATCH_SIZES:
            total = records_for(batch, quick)
            loads = []
            for _ in range(clients):
                device = make_device()
                device.enroll(enroller, create_enrollment_code(data_dir, database_url))
                envelopes = device.envelopes(total // clients)
                bodies = [
                    gzip.compress(
                        json.dumps({"envelopes": envelopes[i : i + batch]}).encode(), compresslevel=6
                    )
                    for i in range(0, len(envelopes), batch)
                ]
                headers = {**device.auth, "Content-Type": "application/json", "Content-Encoding": "gzip"}
                loads.append((bodies, headers))
            with ThreadPoolExecutor(max_workers=clients) as pool:
                started = time.perf_counter()
                sent = sum(pool.map(lambda load: _push(base_url, *load), loads))
                elapsed = time.perf_counter() - started
            figures[str(batch)] = round(sent / elapsed, 1)
    return figures


def _store_beforehand(data_dir: Path, database_url: str | None, count: int) -> None:
    """`count` reports already stored (tests/support/seeded_reports.py) before the server starts."""
    from server.database import make_engine, upgrade_schema
    from server.settings import sqlite_url
    from tests.support.seeded_reports import seed

    data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(database_url or sqlite_url(data_dir / "server.db"))
    try:
        upgrade_schema(engine)
        seed(engine, count, devices=20, seed=count)
    finally:
        engine.dispose()


def _push(base_url: str, bodies: list[bytes], headers: dict[str, str]) -> int:
    """One device pushing its batches one after another; the records accepted."""
    accepted = 0
    with httpx.Client(base_url=base_url, timeout=120) as client:
        for body in bodies:
            answer = client.post("/api/v1/submissions", content=body, headers=headers)
            answer.raise_for_status()
            statuses = [r["status"] for r in answer.json()["results"]]
            assert set(statuses) == {"accepted"}, set(statuses)
            accepted += len(statuses)
    return accepted


CEILING_SECONDS = 3.0


def crypto_ceiling(workers: int, quick: bool) -> float:
    """Unseal + verify per second summed over `workers` processes running at once."""
    seconds = 1.5 if quick else CEILING_SECONDS
    context = multiprocessing.get_context("spawn")
    with context.Pool(workers) as pool:
        rates = pool.map(_crypto_rate, [seconds] * workers)
    return round(sum(rates), 1)


def _crypto_rate(seconds: float) -> float:
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

    from sync.crypto import b64decode, unseal, verify
    from sync.records import header_bytes

    server = X25519PrivateKey.generate()
    device = make_device(server_seal_key=server.public_key().public_bytes_raw())
    work = []
    for envelope in device.envelopes(200):
        work.append((b64decode(envelope["sealed"]), header_bytes(envelope["header"])))
    public = device.public_key
    done, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        for sealed, associated in work:
            plain = unseal(server, sealed, associated)
            assert verify(public, plain[64:], plain[:64])
        done += len(work)
    return done / (time.perf_counter() - started)


def profile(quick: bool) -> str:
    """cProfile of `ingest_envelopes` on one batch of 500, in-process on SQLite."""
    import cProfile
    import io
    import pstats

    from server import admin
    from server.context import opened
    from server.ingest import ingest_envelopes
    from server.settings import Settings
    from sync.crypto import b64decode
    from sync.wire import SubmissionBatch

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings.resolve(data_dir=Path(tmp), environ={})
        code = admin.create_enrollment_code(settings)
        device = make_device()
        with opened(settings) as ctx:
            from server.enrollment import enroll_device, new_challenge
            from sync.wire import EnrollRequest

            challenge = new_challenge(ctx.keys, clock=ctx.clock).model_dump(mode="json")
            request = EnrollRequest.model_validate(device.enroll_request(code, challenge))
            with ctx.transaction() as session:
                _, device.credential = enroll_device(session, clock=ctx.clock, keys=ctx.keys, request=request)
            device.server_seal_key = b64decode(ctx.keys.seal_public_b64)
            batch = SubmissionBatch.model_validate({"envelopes": device.envelopes(500)})
            profiler = cProfile.Profile()
            profiler.enable()
            ingest_envelopes(
                batch.envelopes,
                session_factory=ctx.session_factory,
                keys=ctx.keys,
                clock=ctx.clock,
                pool=ctx.pool,
            )
            profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats(os.environ.get("PROFILE_SORT", "tottime")).print_stats(30)
    return out.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--database-url", default=None, help="PostgreSQL URL (postgresql+psycopg://...)")
    parser.add_argument("--workers", type=int, default=None, help="server processes (default: the cores)")
    parser.add_argument(
        "--clients", type=int, default=None, help="devices pushing at once (default 2 × workers)"
    )
    parser.add_argument("--stored", type=int, default=0, help="reports stored before the run (e.g. 200000)")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    if args.profile:
        print(profile(args.quick))
        return 0
    workers = args.workers or len(os.sched_getaffinity(0))
    clients = args.clients or 2 * workers
    result: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        result["sqlite"] = measure(Path(tmp) / "sqlite", None, args.quick, workers, clients, args.stored)
        if args.database_url:
            with postgres_schema(args.database_url) as url:
                result["postgres"] = measure(
                    Path(tmp) / "postgres", url, args.quick, workers, clients, args.stored
                )
    ceiling = crypto_ceiling(workers, args.quick)
    out: dict = {
        **result,
        "ratio_vs_batch_1": {
            backend: {size: round(rps / figures["1"], 1) for size, rps in figures.items()}
            for backend, figures in result.items()
        },
        "crypto_ceiling_rps": ceiling,
        "ratio_to_ceiling": {
            backend: round(figures["500"] / ceiling, 3) for backend, figures in result.items()
        },
        "workers": workers,
        "clients": clients,
        "load_average": [round(v, 2) for v in os.getloadavg()],
    }
    if args.json:
        print(json.dumps(out))
        return 0
    print(f"{'backend':<10}" + "".join(f"{'batch ' + str(b):>14}" for b in BATCH_SIZES) + "   (records/s)")
    for backend in ("sqlite", "postgres"):
        if backend in result:
            row = result[backend]
            print(f"{backend:<10}" + "".join(f"{row[str(b)]:>14,.0f}" for b in BATCH_SIZES))
            ratio = out["ratio_vs_batch_1"][backend]
            print(f"{'  × b=1':<10}" + "".join(f"{ratio[str(b)]:>14}" for b in BATCH_SIZES))
    print(
        f"crypto ceiling on {workers} core(s): {ceiling:,.0f} rec/s; at batch 500: "
        + ", ".join(f"{backend} {ratio:.2f}" for backend, ratio in out["ratio_to_ceiling"].items())
        + f" of it ({workers} workers, {clients} clients, load average {out['load_average']})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
