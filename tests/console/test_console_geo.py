"""The offline base map: shipped, small, the right countries, plausible coordinates."""

import json
import math
import re

import pytest

from server.console.geo import OUTLINE_PATH, bounds, load_outline
from sync.geo import distance_km, mgrs_of

NEIGHBOURS = {"Libya", "Tunisia", "Algeria", "Niger", "Chad", "Sudan", "Egypt"}


def test_outline_is_shipped_small_and_names_its_source():
    assert OUTLINE_PATH.stat().st_size < 300_000
    readme = (OUTLINE_PATH.parent / "README.md").read_text()
    assert "Natural Earth" in readme and "public domain" in readme and "ISC" in readme


def test_outline_holds_libya_and_its_neighbours_with_closed_rings_in_the_region():
    countries = load_outline()
    assert {c.name for c in countries} == NEIGHBOURS
    for country in countries:
        assert country.rings
        for ring in country.rings:
            assert len(ring) >= 4 and ring[0] == ring[-1]
            for lat, lon in ring:
                assert -5 < lat < 40 and -10 < lon < 40, (country.name, lat, lon)
    libya = next(c for c in countries if c.name == "Libya")
    lats = [lat for ring in libya.rings for lat, _ in ring]
    lons = [lon for ring in libya.rings for _, lon in ring]
    # Libya spans about 19.5-33.2°N and 9.3-25.2°E.
    assert min(lats) == pytest.approx(19.5, abs=0.3) and max(lats) == pytest.approx(33.2, abs=0.3)
    assert min(lons) == pytest.approx(9.3, abs=0.3) and max(lons) == pytest.approx(25.2, abs=0.3)


def test_geojson_is_lon_lat_as_rfc7946_says():
    data = json.loads(OUTLINE_PATH.read_text())
    lon, lat = data["features"][0]["geometry"]["coordinates"][0][0][0]
    assert 9 < lon < 26 and 19 < lat < 34  # Libya first, [lon, lat]


def test_distance_agrees_with_a_spherical_estimate():
    """Geodesic (ellipsoid) against haversine (sphere): within half a percent."""
    a, b = (32.8872, 13.1913), (32.1167, 20.0667)  # Tripoli, Benghazi
    phi1, phi2 = math.radians(a[0]), math.radians(b[0])
    dphi, dlam = phi2 - phi1, math.radians(b[1] - a[1])
    h = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlam / 2) ** 2
    sphere = 2 * 6371.0088 * math.asin(math.sqrt(h))
    assert distance_km(*a, *b) == pytest.approx(sphere, rel=0.005)
    assert distance_km(*a, *a) == 0


def test_bounds_pad_a_single_point():
    (south, west), (north, east) = bounds([(32.0, 13.0)], pad_deg=0.05)
    assert south < 32.0 < north and west < 13.0 < east


def test_mgrs_for_tripoli():
    assert re.fullmatch(r"33S [A-Z]{2} \d{5} \d{5}", mgrs_of(32.8872, 13.1913))  # 1 m squares
    assert mgrs_of(85.0, 0.0) is None
