"""MGRS in observations: `sync.geo`'s conversions, their problems as errors of the MGRS field."""

from sync import geo

from .errors import FieldError, InvalidObservation

MGRS_FIELD = "location.mgrs"


def _bad(exc: geo.MgrsError) -> InvalidObservation:
    return InvalidObservation([FieldError(MGRS_FIELD, str(exc))])


def to_mgrs(lat: float, lon: float, *, digits: int = 5) -> str:
    """A grid reference like "33R XQ 51482 52856" (`digits` each way: 5 = 1 m squares, 4 = 10 m...)."""
    try:
        return geo.to_mgrs(lat, lon, digits=digits)
    except geo.MgrsError as exc:
        raise _bad(exc) from exc


def from_mgrs(text: str) -> tuple[float, float]:
    """(lat, lon) of the centre of the grid square a reference names."""
    try:
        return geo.from_mgrs(text)
    except geo.MgrsError as exc:
        raise _bad(exc) from exc
