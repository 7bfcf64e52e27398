"""The server's fast geodesic (server/geodesic.py) against Karney's (sync.geo.distance_km), the
reference every distance the server shows must equal to the metre."""

import math
import random

import pytest

from server.geodesic import ERROR_KM, beyond, geodesic_km, vincenty_km
from sync.geo import distance_km


def _pairs(count: int, seed: int) -> list[tuple[float, float, float, float]]:
    """Random pairs up to ~600 km apart: anywhere, near the poles, on the equator, across the
    antimeridian, the same point and the same latitude."""
    rng = random.Random(seed)
    found = []
    for index in range(count):
        region = index % 5
        lat1 = (
            rng.uniform(-90, 90),
            rng.choice((1, -1)) * rng.uniform(85, 90),
            rng.uniform(-2, 2),
            rng.uniform(-60, 60),
            rng.uniform(-89, 89),
        )[region]
        lon1 = rng.choice((179.95, -179.95)) if region == 3 else rng.uniform(-180, 180)
        reach = rng.choice((0.0005, 0.05, 5, 50, 500, 600)) * rng.random()
        bearing = rng.uniform(0, 2 * math.pi)
        lat2 = max(-90.0, min(90.0, lat1 + reach / 111 * math.cos(bearing)))
        spread = reach / (111 * max(0.01, math.cos(math.radians(lat1))))
        lon2 = (lon1 + spread * math.sin(bearing) + 180) % 360 - 180
        if index % 97 == 0:
            lat2, lon2 = lat1, lon1
        elif index % 89 == 0:
            lat2 = lat1
        found.append((lat1, lon1, lat2, lon2))
    return found


def test_vincenty_is_within_a_tenth_of_a_millimetre_of_karney():
    worst = 0.0
    for pair in _pairs(3000, seed=1):
        exact = distance_km(*pair)
        fast = vincenty_km(*pair)
        assert fast is not None, pair
        worst = max(worst, abs(fast - exact))
    assert worst < ERROR_KM / 10  # the margin server/geodesic.py relies on, with room


def test_the_rounded_distance_and_the_radius_decision_equal_karneys():
    pairs = _pairs(2000, seed=2)
    for pair in pairs:
        exact = distance_km(*pair)
        distance, rounded, is_exact = geodesic_km(*pair)
        assert rounded == round(exact, 3), pair
        assert abs(distance - exact) <= (0.0 if is_exact else ERROR_KM)
        # radii right at the distance (within a micrometre) and around it
        for km in (exact, exact - 1e-9, exact + 1e-9, exact * 1.01 + 0.001, max(1e-6, exact * 0.99)):
            if km > 0:
                assert beyond(*pair, distance, is_exact, km) == (exact > km), (pair, km)


@pytest.mark.parametrize("metres", [0.4995, 0.5, 0.5005, 1234.5, 9999.4999])
def test_a_distance_on_a_rounding_boundary_is_rounded_as_karneys(metres):
    # along the equator the distance is a simple function of the longitude: find a point at
    # (nearly) exactly `metres` and check the metre shown is Karney's
    lon = metres / 111319.49079327357
    for step in range(-3, 4):
        pair = (0.0, 0.0, 0.0, lon + step * 1e-12)
        assert geodesic_km(*pair)[1] == round(distance_km(*pair), 3)
