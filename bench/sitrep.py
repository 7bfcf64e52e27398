"""A year's situation report at scale: time and peak memory of the signed JSON and the PDF over
200,000 reports (--quick: 20,000), beside the plain CSV export of the same reports as the
baseline, each in a fresh child process so its peak RSS is its own.

    python bench/sitrep.py [--quick] [--json] [--reports N] [--runs K]

Figures: median and p95 seconds over K runs, peak RSS (MB) of each child, and the ratio to the
baseline. The machine is shared: print `uptime` beside them.
"""

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def child(database_url: str, data_dir: str, what: str) -> None:
    """One measured run: write the file to /dev/null; print seconds and peak RSS."""
    from server.context import opened
    from server.database import read_session
    from server.exports import csv_pieces
    from server.report_filters import ReportFilters
    from server.settings import Settings
    from server.sitreps.definition import make_definition
    from server.sitreps.service import Request, pieces

    settings = Settings.resolve(data_dir=Path(data_dir), database_url=database_url, environ={})
    started = time.perf_counter()
    written = 0
    with opened(settings) as ctx, read_session(ctx.engine) as session, open("/dev/null", "wb") as out:
        if what == "baseline-csv":
            for piece in csv_pieces(session, ReportFilters()):
                written += out.write(piece.encode())
        else:
            fmt = what.removeprefix("sitrep-")
            definition = make_definition(date_from=date(2026, 1, 1), date_to=date(2026, 12, 31),
                                         include_pending=True, today=date(2026, 12, 31))
            for chunk in pieces(session, Request(definition, fmt=fmt), keys=ctx.keys, now=datetime.now(UTC)):
                written += out.write(chunk)
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "peak_mb": peak_mb, "bytes": written}))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="20,000 reports, one run")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--reports", type=int, default=None)
    parser.add_argument("--runs", type=int, default=None)
    parser.add_argument("--child", nargs=3, metavar=("URL", "DIR", "WHAT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return 0
    from server.database import make_engine, upgrade_schema
    from server.settings import sqlite_url
    from tests.support.seeded_reports import Area, seed

    count = args.reports or (20_000 if args.quick else 200_000)
    runs = args.runs or (1 if args.quick else 3)
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "server"
        data_dir.mkdir()
        url = sqlite_url(data_dir / "server.db")
        engine = make_engine(url)
        upgrade_schema(engine)
        # A year of reports over Libya (no registers: the gazetteer's towns are the areas), all
        # still to verify, counted with include_pending: every one is in the report.
        seed(engine, count, area=Area(lat=(26.0, 33.0), lon=(10.0, 25.0), days=365, hotspot=(31.2, 16.6)),
             states=False)
        engine.dispose()
        figures = {}
        for what in ("baseline-csv", "sitrep-json", "sitrep-csv", "sitrep-pdf"):
            found = []
            for _ in range(runs):
                done = subprocess.run([sys.executable, __file__, "--child", url, str(data_dir), what],
                                      capture_output=True, text=True, check=True)
                found.append(json.loads(done.stdout.strip().splitlines()[-1]))
            times = sorted(f["seconds"] for f in found)
            figures[what] = {
                "median_s": round(statistics.median(times), 2),
                "p95_s": round(times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))], 2),
                "peak_mb": round(max(f["peak_mb"] for f in found), 1),
                "bytes": found[-1]["bytes"],
            }
        base = figures["baseline-csv"]
        for what, row in figures.items():
            row["time_ratio"] = round(row["median_s"] / base["median_s"], 2)
            row["memory_ratio"] = round(row["peak_mb"] / base["peak_mb"], 2)
    load = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    if args.json:
        print(json.dumps({"reports": count, "runs": runs, "load": load, "figures": figures}, indent=2))
        return 0
    print(f"{count:,} reports over a year, {runs} run(s); {load}")
    for what, row in figures.items():
        print(f"  {what:<13} median {row['median_s']:>7.2f} s  p95 {row['p95_s']:>7.2f} s  peak {row['peak_mb']:>7.1f} MB"
              f"  ({row['time_ratio']}x time, {row['memory_ratio']}x memory of the CSV export; {row['bytes']:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
