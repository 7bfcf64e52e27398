"""Server ingest throughput: records/s over loopback at batch sizes 1, 10, 100, 500.

    python bench/ingest.py [--json] [--quick] [--database-url URL] [--profile]

A real server (`fieldapp serve`, uvicorn) on 127.0.0.1, a SQLite file in a temporary data
dir, and PostgreSQL too when a URL is given (in a fresh schema, dropped afterwards).
Envelopes are built before timing (fresh ids every run): the figure is the server's cost
(HTTP, gzip, validation, unseal, signature check, idempotent insert, receipt) plus the
client's request overhead. Each batch size uses its own device, so every chain is in order.

--json prints one object: {"sqlite": {"1": rps, "10": ..., "100": ..., "500": ...},
"postgres": {...}, "ratio_vs_batch_1": {"sqlite": {...}, ...}}.
--profile runs the ingest function in-process under cProfile (batch 500) and prints the top.
"""

import argparse
import contextlib
import gzip
import json
import sys
import tempfile
import time
import uuid
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


def measure(data_dir: Path, database_url: str | None, quick: bool) -> dict[str, float]:
    figures: dict[str, float] = {}
    with (
        live_server(data_dir, database_url) as base_url,
        httpx.Client(base_url=base_url, timeout=120) as client,
    ):
        for batch in BATCH_SIZES:
            device = make_device()
            device.enroll(client, create_enrollment_code(data_dir, database_url))
            total = records_for(batch, quick)
            envelopes = device.envelopes(total)
            bodies = [
                gzip.compress(json.dumps({"envelopes": envelopes[i : i + batch]}).encode(), compresslevel=6)
                for i in range(0, total, batch)
            ]
            headers = {**device.auth, "Content-Type": "application/json", "Content-Encoding": "gzip"}
            started = time.perf_counter()
            for body in bodies:
                answer = client.post("/api/v1/submissions", content=body, headers=headers)
                answer.raise_for_status()
            elapsed = time.perf_counter() - started
            statuses = {r["status"] for r in answer.json()["results"]}
            assert statuses == {"accepted"}, statuses
            figures[str(batch)] = round(total / elapsed, 1)
    return figures


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
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(18)
    return out.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--database-url", default=None, help="PostgreSQL URL (postgresql+psycopg://...)")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    if args.profile:
        print(profile(args.quick))
        return 0
    result: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        result["sqlite"] = measure(Path(tmp) / "sqlite", None, args.quick)
        if args.database_url:
            with postgres_schema(args.database_url) as url:
                result["postgres"] = measure(Path(tmp) / "postgres", url, args.quick)
    result["ratio_vs_batch_1"] = {
        backend: {size: round(rps / figures["1"], 1) for size, rps in figures.items()}
        for backend, figures in list(result.items())
    }
    if args.json:
        print(json.dumps(result))
        return 0
    print(f"{'backend':<10}" + "".join(f"{'batch ' + str(b):>14}" for b in BATCH_SIZES) + "   (records/s)")
    for backend in ("sqlite", "postgres"):
        if backend in result:
            row = result[backend]
            print(f"{backend:<10}" + "".join(f"{row[str(b)]:>14,.0f}" for b in BATCH_SIZES))
            ratio = result["ratio_vs_batch_1"][backend]
            print(f"{'  × b=1':<10}" + "".join(f"{ratio[str(b)]:>14}" for b in BATCH_SIZES))
    return 0


if __name__ == "__main__":
    sys.exit(main())
