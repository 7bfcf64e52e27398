"""µs per call of `describe_location` ("12 km NE of Sirte"), beside one geodesic and beside
`sync.places.describe` (the shared nearest-place code: a flat estimate of every place, then
the geodesic on the closest four, then one more for the bearing), in the same process.

    python bench/location_description.py [--json] [--quick]

Points are drawn uniformly over Libya's bounding box (19-34°N, 9-26°E: many of them are
farther than 100 km from every place, as desert reports are) and, separately, near listed
places (within 30 km: the common case of a report near a town). The figures say what ingest
pays per record and what the migration's backfill pays per stored row.

--json prints one object: {"uniform": {"median_us": .., "p95_us": ..}, "near_places": {...},
"geodesic_us": .., "places_describe_us": .., "ratio_vs_places_describe": ..,
"backfill_200k_s": .., "load_average": [...]}.
"""

import argparse
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from server.location_description import describe_location  # noqa: E402
from sync import geo, places  # noqa: E402


def timed(function, points, repeats: int) -> list[float]:
    """Per-call µs, one figure per pass over `points` (the median of passes is robust to load)."""
    figures = []
    for _ in range(repeats):
        start = time.perf_counter()
        for lat, lon in points:
            function(lat, lon)
        figures.append((time.perf_counter() - start) / len(points) * 1e6)
    return figures


def per_call(function, points) -> dict[str, float]:
    samples = []
    for lat, lon in points:
        start = time.perf_counter()
        function(lat, lon)
        samples.append((time.perf_counter() - start) * 1e6)
    samples.sort()
    return {"median_us": statistics.median(samples), "p95_us": samples[int(len(samples) * 0.95)]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    count = 500 if args.quick else 5000
    rng = random.Random(14)
    listed = places.load_places()
    uniform = [(rng.uniform(19.0, 34.0), rng.uniform(9.0, 26.0)) for _ in range(count)]
    near = []
    for _ in range(count):
        place = rng.choice(listed)
        near.append((place.lat + rng.uniform(-0.25, 0.25), place.lon + rng.uniform(-0.25, 0.25)))
    describe_location(*uniform[0])  # the gazetteer is read once per process
    result = {
        "uniform": per_call(describe_location, uniform),
        "near_places": per_call(describe_location, near),
        "geodesic_us": statistics.median(
            timed(lambda lat, lon: geo.relative_to("x", 31.2, 16.6, lat, lon), near, 3)
        ),
        "places_describe_us": statistics.median(
            timed(lambda lat, lon: places.describe(listed, lat, lon), near, 3)
        ),
    }
    ours = statistics.median(timed(describe_location, near, 3))
    result["describe_location_us"] = ours
    result["ratio_vs_places_describe"] = ours / result["places_describe_us"]
    result["backfill_200k_s"] = ours * 200_000 / 1e6
    result["load_average"] = list(os.getloadavg())
    if args.json:
        print(json.dumps(result))
        return
    print(f"load average {result['load_average']}")
    for name in ("uniform", "near_places"):
        figures = result[name]
        median, p95 = figures["median_us"], figures["p95_us"]
        print(f"describe_location {name:12s} median {median:.0f} µs, p95 {p95:.0f} µs")
    print(f"one geodesic (geo.relative_to)      {result['geodesic_us']:.0f} µs")
    print(f"sync.places.describe near places    {result['places_describe_us']:.0f} µs")
    print(
        f"describe_location near places       {ours:.0f} µs  (ratio {result['ratio_vs_places_describe']:.2f})"
    )
    print(f"200k rows (backfill)                {result['backfill_200k_s']:.0f} s")


if __name__ == "__main__":
    main()
