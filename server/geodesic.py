"""A fast exact geodesic distance on WGS 84 for the server's many-candidate paths.

`sync.geo.distance_km` (Karney's algorithm in pure Python, ≈ 0.1 ms) is the reference every
distance the server shows must equal to the metre. Vincenty's inverse method gives the same
distance to well under a millimetre at the ranges corroboration asks about (≤ 500 km; tested
against Karney on random pairs, poles and the antimeridian included) in ≈ 10 µs. So the
server computes Vincenty first and asks Karney only where a millimetre could matter: when the
distance lies within `ERROR_KM` of a decision (the radius) or of a metre's rounding boundary,
and when Vincenty does not converge (nearly antipodal points, far beyond 500 km).
"""

import math

from sync.geo import distance_km as karney_km

_A = 6378137.0  # WGS 84 semi-major axis, metres
_F = 1 / 298.257223563
_B = _A * (1 - _F)
_UU = (_A * _A - _B * _B) / (_B * _B)
ERROR_KM = 1e-6  # 1 mm: the margin around a decision; Vincenty's error here is < 1e-7 km
_ITERATIONS = 60


def vincenty_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float | None:
    """Vincenty's inverse distance in km, or None where it does not converge."""
    big_l = math.radians((lon2 - lon1 + 180.0) % 360.0 - 180.0)
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    u1 = math.atan2((1 - _F) * math.sin(phi1), math.cos(phi1))
    u2 = math.atan2((1 - _F) * math.sin(phi2), math.cos(phi2))
    sin_u1, cos_u1, sin_u2, cos_u2 = math.sin(u1), math.cos(u1), math.sin(u2), math.cos(u2)
    lam = big_l
    for _ in range(_ITERATIONS):
        sin_lam, cos_lam = math.sin(lam), math.cos(lam)
        x = cos_u2 * sin_lam
        y = cos_u1 * sin_u2 - sin_u1 * cos_u2 * cos_lam
        sin_sigma = math.sqrt(x * x + y * y)
        if sin_sigma == 0.0:
            return 0.0  # the same point
        cos_sigma = sin_u1 * sin_u2 + cos_u1 * cos_u2 * cos_lam
        sigma = math.atan2(sin_sigma, cos_sigma)
        sin_alpha = cos_u1 * cos_u2 * sin_lam / sin_sigma
        cos2_alpha = 1 - sin_alpha * sin_alpha
        cos_2sm = cos_sigma - 2 * sin_u1 * sin_u2 / cos2_alpha if cos2_alpha != 0.0 else 0.0
        c = _F / 16 * cos2_alpha * (4 + _F * (4 - 3 * cos2_alpha))
        previous = lam
        lam = big_l + (1 - c) * _F * sin_alpha * (
            sigma + c * sin_sigma * (cos_2sm + c * cos_sigma * (-1 + 2 * cos_2sm * cos_2sm))
        )
        if abs(lam - previous) < 1e-13:
            break
    else:
        return None
    u_sq = cos2_alpha * _UU
    big_a = 1 + u_sq / 16384 * (4096 + u_sq * (-768 + u_sq * (320 - 175 * u_sq)))
    big_b = u_sq / 1024 * (256 + u_sq * (-128 + u_sq * (74 - 47 * u_sq)))
    delta = (
        big_b
        * sin_sigma
        * (
            cos_2sm
            + big_b
            / 4
            * (
                cos_sigma * (-1 + 2 * cos_2sm * cos_2sm)
                - big_b / 6 * cos_2sm * (-3 + 4 * sin_sigma * sin_sigma) * (-3 + 4 * cos_2sm * cos_2sm)
            )
        )
    )
    return _B * big_a * (sigma - delta) / 1000.0


def geodesic_km(lat1: float, lon1: float, lat2: float, lon2: float) -> tuple[float, float, bool]:
    """(distance, the distance rounded to the metre, exact) — the distance within `ERROR_KM` of
    Karney's (exactly Karney's when `exact`), the rounded one always exactly round(Karney's, 3)."""
    fast = vincenty_km(lat1, lon1, lat2, lon2)
    if fast is None or round(fast - ERROR_KM, 3) != round(fast + ERROR_KM, 3):
        exact = karney_km(lat1, lon1, lat2, lon2)
        return exact, round(exact, 3), True
    return fast, round(fast, 3), False


def beyond(lat1: float, lon1: float, lat2: float, lon2: float, distance: float, exact: bool, km: float) -> bool:
    """Whether the geodesic distance is more than `km`, given `distance` from geodesic_km."""
    if exact or abs(distance - km) > ERROR_KM:
        return distance > km
    return karney_km(lat1, lon1, lat2, lon2) > km
