"""Transparency log: append rate, and proof time at 10k vs 100k leaves (does it stay O(log n)?).

    python bench/log.py [--json] [--quick] [--database-url URL]

In process, through the server's own storage (`server/transparency/log_store.py`) on a real
SQLite file in a temporary data dir (schema made by the migrations), and on PostgreSQL too
when a URL is given (a fresh schema, dropped afterwards).

- **append**: transactions of 100 record leaves (an ingest batch) and of 1 leaf (a
  decision); per transaction, median and p95. Baseline, same run, same database: the same
  rows inserted into a plain table with the same columns and no Merkle work (`bench_rows`),
  so the ratio is what the log adds (head lock, hashing, frontier, stored subtrees).
- **proofs**: inclusion proofs for random leaves and consistency proofs between random
  sizes, each read from the database in its own transaction, on a log of 10,000 leaves and
  on another of 100,000 (same database kind, own data dir or schema), the two taking turns
  question by question so the machine's load falls on both alike; median and p95.
  Baseline: reading one leaf row by its primary key in its own transaction (the cheapest
  question the database answers), so the ratio is how many such reads one proof costs; the
  100k/10k ratio should stay near 1.
  --quick: 2,000 and 20,000 leaves, fewer samples.
"""

import argparse
import contextlib
import hashlib
import json
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import sqlalchemy as sa  # noqa: E402

from bench.ingest import postgres_schema  # noqa: E402
from server.context import ServerContext, opened  # noqa: E402
from server.settings import Settings  # noqa: E402
from server.transparency import log_store  # noqa: E402
from server.transparency.log_store import NewLeaf  # noqa: E402
from sync.log_protocol import RecordLeaf  # noqa: E402

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
FILL_BATCH = 1000
WARM_UP = 20


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def summary(times_s: list[float]) -> dict[str, float]:
    return {
        "median_ms": round(statistics.median(times_s) * 1000, 3),
        "p95_ms": round(percentile(times_s, 0.95) * 1000, 3),
        "n": len(times_s),
    }


def leaves(count: int, rng: random.Random) -> list[NewLeaf]:
    made = []
    for _ in range(count):
        record_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        leaf = RecordLeaf(
            record_id=record_id,
            device_id=f"{rng.getrandbits(128):032x}",
            seq=rng.randrange(1, 10_000),
            prev_hash=f"{rng.getrandbits(256):064x}",
            body_hash=f"{rng.getrandbits(256):064x}",
            received_at="2026-03-02T12:00:00.000000Z",
        )
        made.append(NewLeaf("record", record_id, leaf.encode()))
    return made


@contextlib.contextmanager
def context_on(data_dir: Path, database_url: str | None) -> Iterator[ServerContext]:
    settings = Settings.resolve(data_dir=data_dir, database_url=database_url, environ={})
    with opened(settings) as ctx:
        with ctx.engine.begin() as connection:
            connection.exec_driver_sql(
                "CREATE TABLE bench_rows (leaf_index BIGINT PRIMARY KEY, leaf_type VARCHAR(16), "
                "record_id VARCHAR(36), event_id BIGINT, leaf_hash BYTEA, leaf BYTEA)"
                if not ctx.settings.is_sqlite
                else "CREATE TABLE bench_rows (leaf_index INTEGER PRIMARY KEY, leaf_type TEXT, "
                "record_id TEXT, event_id INTEGER, leaf_hash BLOB, leaf BLOB)"
            )
        yield ctx


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def measure_append(ctx: ServerContext, rng: random.Random, *, batch: int, rounds: int) -> dict:
    columns = ("leaf_index", "leaf_type", "record_id", "event_id", "leaf_hash", "leaf")
    plain = sa.table("bench_rows", *(sa.column(c) for c in columns))
    with ctx.transaction() as session:
        next_plain = session.execute(
            sa.text("SELECT COALESCE(MAX(leaf_index) + 1, 0) FROM bench_rows")
        ).scalar_one()
    log_times, base_times = [], []
    for _ in range(rounds):  # interleaved, so both see the same machine load
        items = leaves(batch, rng)
        rows = [
            {"leaf_index": next_plain + i, "leaf_type": "record", "record_id": item.record_id,
             "event_id": None, "leaf_hash": hashlib.sha256(item.leaf).digest(), "leaf": item.leaf}
            for i, item in enumerate(items)
        ]  # fmt: skip
        next_plain += batch
        log_times.append(timed(lambda items=items: _append(ctx, items)))
        base_times.append(timed(lambda rows=rows: _insert(ctx, plain, rows)))
    log, base = summary(log_times), summary(base_times)
    return {
        "batch": batch,
        "log": log,
        "baseline_plain_insert": base,
        "leaves_per_s": round(batch / statistics.median(log_times)),
        "ratio_median": round(log["median_ms"] / base["median_ms"], 2),
        "ratio_p95": round(log["p95_ms"] / base["p95_ms"], 2),
    }


def _append(ctx: ServerContext, items: list[NewLeaf]) -> None:
    with ctx.transaction() as session:
        log_store.append(session, items, now=NOW)


def _insert(ctx: ServerContext, plain: sa.TableClause, rows: list[dict]) -> None:
    with ctx.transaction() as session:
        session.execute(sa.insert(plain), rows)


def grow_to(ctx: ServerContext, size: int, rng: random.Random) -> None:
    with ctx.transaction() as session:
        have = log_store.current(session).size
    while have < size:
        step = min(FILL_BATCH, size - have)
        with ctx.transaction() as session:
            _, have = log_store.append(session, leaves(step, rng), now=NOW)


def measure_proofs(logs: list[ServerContext], rng: random.Random, *, samples: int) -> list[dict]:
    """Proof and baseline times for each log, the logs taking turns question by question, so a
    change in the machine's load (2 shared cores) falls on all of them alike."""
    sizes = []
    for ctx in logs:
        with ctx.transaction() as session:
            sizes.append(log_store.current(session).size)
    times: list[dict[str, list[float]]] = [{"inclusion": [], "consistency": [], "lookup": []} for _ in logs]
    for turn in range(samples + WARM_UP):
        for ctx, size, kept in zip(logs, sizes, times, strict=True):
            index, old = rng.randrange(size), rng.randrange(1, size)
            figures = {
                "inclusion": timed(partial(_inclusion, ctx, index, size)),
                "consistency": timed(partial(_consistency, ctx, old, size)),
                "lookup": timed(partial(_read_one, ctx, index)),
            }
            if turn >= WARM_UP:  # the first questions also fill caches and compile statements
                for name, seconds in figures.items():
                    kept[name].append(seconds)
    results = []
    for size, kept in zip(sizes, times, strict=True):
        base = summary(kept["lookup"])
        result: dict = {"tree_size": size, "baseline_leaf_lookup": base}
        for name in ("inclusion", "consistency"):
            figures = summary(kept[name])
            figures["ratio_median_vs_lookup"] = round(figures["median_ms"] / base["median_ms"], 1)
            figures["ratio_p95_vs_lookup"] = round(figures["p95_ms"] / base["p95_ms"], 1)
            result[name] = figures
        results.append(result)
    return results


def _inclusion(ctx: ServerContext, index: int, size: int) -> None:
    with ctx.transaction() as session:
        log_store.prove_inclusion(session, index, size)


def _consistency(ctx: ServerContext, old: int, size: int) -> None:
    with ctx.transaction() as session:
        log_store.prove_consistency(session, old, size)


def _read_one(ctx: ServerContext, index: int) -> None:
    with ctx.transaction() as session:
        session.execute(sa.text("SELECT leaf FROM log_leaves WHERE leaf_index = :i"), {"i": index}).one()


Place = tuple[Path, str | None]  # a data dir, and a PostgreSQL URL (None: SQLite in the data dir)


def measure(small_log: Place, large_log: Place, quick: bool) -> dict:
    """Appends on the first log, then proofs on both: one grown to the small size, the other
    (its own data dir or schema) to the large one."""
    rng = random.Random(17)
    small, large = (2_000, 20_000) if quick else (10_000, 100_000)
    samples = 60 if quick else 300
    with context_on(*small_log) as first, context_on(*large_log) as second:
        appends = [
            measure_append(first, rng, batch=100, rounds=20 if quick else 60),
            measure_append(first, rng, batch=1, rounds=60 if quick else 300),
        ]
        grow_to(first, small, rng)
        started = time.perf_counter()
        grow_to(second, large, rng)
        fill_s = time.perf_counter() - started
        at_small, at_large = measure_proofs([first, second], rng, samples=samples)
    growth = {
        name: {
            "median": round(at_large[name]["median_ms"] / at_small[name]["median_ms"], 2),
            "p95": round(at_large[name]["p95_ms"] / at_small[name]["p95_ms"], 2),
        }
        for name in ("inclusion", "consistency")
    }
    return {
        "append": appends,
        "fill_leaves_per_s": round(large / fill_s),
        "proofs": [at_small, at_large],
        f"proof_ratio_{large}_vs_{small}": growth,
    }


def table(backend: str, figures: dict) -> str:
    lines = [f"== {backend}"]
    for a in figures["append"]:
        log, base = a["log"], a["baseline_plain_insert"]
        lines.append(
            f"append {a['batch']:>3} leaf/tx  median {log['median_ms']:8.3f} ms  p95 {log['p95_ms']:8.3f} ms"
            f"  ({a['leaves_per_s']:,} leaves/s)  plain insert {base['median_ms']:.3f} / {base['p95_ms']:.3f}"
            f" ms  ratio {a['ratio_median']} / {a['ratio_p95']}"
        )
    lines.append(f"fill, 1000 leaves/tx     {figures['fill_leaves_per_s']:,} leaves/s")
    for p in figures["proofs"]:
        base = p["baseline_leaf_lookup"]
        for name in ("inclusion", "consistency"):
            f = p[name]
            lines.append(
                f"{name:<11} at {p['tree_size']:>7,}  median {f['median_ms']:7.3f} ms"
                f"  p95 {f['p95_ms']:7.3f} ms"
                f"   ({f['ratio_median_vs_lookup']}x / {f['ratio_p95_vs_lookup']}x a one-row read:"
                f" {base['median_ms']:.3f} / {base['p95_ms']:.3f} ms)"
            )
    key = next(k for k in figures if k.startswith("proof_ratio_"))
    sizes = key.removeprefix("proof_ratio_").replace("_vs_", " vs ")
    for name, ratio in figures[key].items():
        lines.append(f"{name} time at {sizes} leaves: median x{ratio['median']}, p95 x{ratio['p95']}")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--database-url", default=None, help="PostgreSQL URL (postgresql+psycopg://...)")
    args = parser.parse_args()
    result: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as tmp:
        result["sqlite"] = measure((Path(tmp) / "small", None), (Path(tmp) / "large", None), args.quick)
        if args.database_url:
            with postgres_schema(args.database_url) as one, postgres_schema(args.database_url) as two:
                result["postgres"] = measure((Path(tmp) / "pg-1", one), (Path(tmp) / "pg-2", two), args.quick)
    if args.json:
        print(json.dumps(result))
    else:
        print("\n\n".join(table(backend, figures) for backend, figures in result.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
