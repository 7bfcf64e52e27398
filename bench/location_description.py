"""µs per call of `describe_location` ("12 km NE of Sirte"), beside one geodesic and beside
`sync.places.describe` (the shared nearest-place code: a flat estimate of every place, then
the geodesic on the closest four, then one more for the bearing), in the same process.

    python bench/location_description.py [--json] [--quick]

Points are drawn uniformly over Libya's bounding box (19-34°N, 9-26°E: many of them are
farther than 100 km from every place, as desert reports are) and, separately, near listed
places (within 30 km: the common case of a report near a town). The figures say what ingest
pays per record and what the migration's backfill pays per stored row.

--ingest also times `ingest_envelopes` on batches of 500 records near listed places, in
process on SQLite, with the description and without it (alternating runs): its share of ingest.

--json prints one object: {"uniform": {"median_us": .., "p95_us": ..}, "near_places": {...},
"geodesic": {...}, "places_describe": {...}, "ratio_vs_places_describe": .. (medians),
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


def ingest_share(batches: int) -> dict[str, float]:
    """ms per batch of 500 through `ingest_envelopes` (in-process, SQLite, records near listed
    places), with the description and with it replaced by a no-op, alternating runs."""
    import tempfile

    from server import admin, ingest
    from server.context import opened
    from server.enrollment import enroll_device, new_challenge
    from server.settings import Settings
    from sync.crypto import b64decode
    from sync.wire import EnrollRequest, SubmissionBatch
    from tests.support.devices import make_device

    rng = random.Random(7)
    listed = places.load_places()
    figures: dict[str, list[float]] = {"with": [], "without": []}
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings.resolve(data_dir=Path(tmp), environ={})
        code = admin.create_enrollment_code(settings)
        device = make_device()
        with opened(settings) as ctx:
            challenge = new_challenge(ctx.keys, clock=ctx.clock).model_dump(mode="json")
            request = EnrollRequest.model_validate(device.enroll_request(code, challenge))
            with ctx.transaction() as session:
                _, device.credential = enroll_device(session, clock=ctx.clock, keys=ctx.keys, request=request)
            device.server_seal_key = b64decode(ctx.keys.seal_public_b64)
            for run in range(batches * 2):
                envelopes = []
                for _ in range(500):
                    place = rng.choice(listed)
                    where = {
                        "lat": place.lat + rng.uniform(-0.2, 0.2),
                        "lon": place.lon + rng.uniform(-0.2, 0.2),
                    }
                    envelopes.append(
                        device.seal(*device.sign_next(device.record(location={**where, "source": "gps"})))
                    )
                batch = SubmissionBatch.model_validate({"envelopes": envelopes})
                which = "with" if run % 2 == 0 else "without"
                ingest.describe_location = describe_location if which == "with" else (lambda lat, lon: None)
                start = time.perf_counter()
                ingest.ingest_envelopes(
                    batch.envelopes,
                    session_factory=ctx.session_factory,
                    keys=ctx.keys,
                    clock=ctx.clock,
                    pool=ctx.pool,
                )
                figures[which].append((time.perf_counter() - start) * 1000)
            ingest.describe_location = describe_location
    with_ms, without_ms = statistics.median(figures["with"]), statistics.median(figures["without"])
    return {"batch_500_ms_with": with_ms, "batch_500_ms_without": without_ms, "ratio": with_ms / without_ms}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--ingest", action="store_true", help="also: its share of ingest (batches of 500)")
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
    result: dict = {
        "uniform": per_call(describe_location, uniform),
        "near_places": per_call(describe_location, near),
        "geodesic": per_call(lambda lat, lon: geo.relative_to("x", 31.2, 16.6, lat, lon), near),
        "places_describe": per_call(lambda lat, lon: places.describe(listed, lat, lon), near),
    }
    ours = result["near_places"]["median_us"]
    result["ratio_vs_places_describe"] = ours / result["places_describe"]["median_us"]
    result["backfill_200k_s"] = statistics.median(timed(describe_location, near, 3)) * 200_000 / 1e6
    if args.ingest:
        result["ingest"] = ingest_share(2 if args.quick else 5)
    result["load_average"] = list(os.getloadavg())
    if args.json:
        print(json.dumps(result))
        return
    print(f"load average {result['load_average']}")
    for name in ("uniform", "near_places", "geodesic", "places_describe"):
        median, p95 = result[name]["median_us"], result[name]["p95_us"]
        print(f"{name:16s} median {median:6.0f} µs, p95 {p95:6.0f} µs")
    ratio = result["ratio_vs_places_describe"]
    print(f"describe_location / sync.places.describe (medians, near places): {ratio:.2f}")
    print(f"200k rows (backfill, mean of passes): {result['backfill_200k_s']:.0f} s")
    if "ingest" in result:
        share = result["ingest"]
        print(
            f"ingest, batch of 500 (median): {share['batch_500_ms_with']:.0f} ms with the description, "
            f"{share['batch_500_ms_without']:.0f} ms without (ratio {share['ratio']:.2f})"
        )


if __name__ == "__main__":
    main()
