"""ms per live-queue poll (`server.queue_changes.changes`, what GET /reports/changes runs) on
SQLite, at a small table (the baseline) and a large one, in the same process: the poll reads
index ranges over what changed, so the ratio should stay near 1 however many reports there are.

    python bench/queue_poll.py [--json] [--quick]

Each size: seeded reports (tests/support/seeded_reports.py), 1,000 review events, a cursor a
minute before the newest report and 50 events back (a verifier's poll a few seconds after the
last); polls without a filter and under state=received, each in its read-only snapshot.

--json prints {"small": {"reports": n, "median_ms": .., "p95_ms": ..}, "large": {...},
"ratio_large_vs_small": .. (medians), "load_average": [...]}.
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import sqlalchemy as sa  # noqa: E402

from server import queue_changes  # noqa: E402
from server.database import make_engine, read_session, upgrade_schema  # noqa: E402
from server.report_filters import ReportFilters  # noqa: E402
from tests.support.seeded_reports import seed  # noqa: E402


def polls(reports: int, repeats: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{tmp}/bench.db")
        upgrade_schema(engine)
        seed(engine, reports, devices=50, seed=3)
        with engine.begin() as connection:
            connection.execute(
                sa.text(
                    "INSERT INTO review_events (record_id, actor, at, from_state, to_state, reason) "
                    "SELECT record_id, 'vera', received_at, 'received', 'verified', NULL "
                    "FROM reports LIMIT 1000"
                )
            )
            newest = connection.execute(sa.text("SELECT max(received_at) FROM reports")).scalar_one()
            last_event = connection.execute(sa.text("SELECT max(id) FROM review_events")).scalar_one()
        newest = datetime.fromisoformat(newest) if isinstance(newest, str) else newest
        since = newest - timedelta(minutes=1)
        samples = []
        for n in range(repeats):
            filters = ReportFilters(state="received") if n % 2 else ReportFilters()
            start = time.perf_counter()
            with read_session(engine) as session:
                queue_changes.changes(session, filters, since=since, since_event=last_event - 50)
            samples.append((time.perf_counter() - start) * 1000)
        engine.dispose()
    samples.sort()
    return {
        "reports": reports,
        "median_ms": round(statistics.median(samples), 3),
        "p95_ms": round(samples[int(len(samples) * 0.95)], 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--quick", action="store_true", help="20k reports and fewer polls")
    args = parser.parse_args()
    large, repeats = (20_000, 100) if args.quick else (200_000, 400)
    small = polls(2_000, repeats)
    big = polls(large, repeats)
    result = {
        "small": small,
        "large": big,
        "ratio_large_vs_small": round(big["median_ms"] / small["median_ms"], 2),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }
    if args.json:
        print(json.dumps(result))
        return
    for name in ("small", "large"):
        r = result[name]
        print(f"{r['reports']:>8} reports: poll median {r['median_ms']:.2f} ms, p95 {r['p95_ms']:.2f} ms")
    print(f"ratio (large / small, medians): {result['ratio_large_vs_small']}  load {result['load_average']}")


if __name__ == "__main__":
    main()
