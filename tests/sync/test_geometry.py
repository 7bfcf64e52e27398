"""Register geometry as both ends check it (sync.geometry.check_geometry): the reason for each refusal."""

import pytest

from sync.geometry import GeometryError, check_geometry


@pytest.mark.parametrize(
    "geometry, words",
    [
        ({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1]]]}, "last equal to the first"),
        ({"type": "LineString", "coordinates": [[0, 0]]}, "at least 2"),
        ({"type": "Point", "coordinates": [0, 91]}, "lat within"),
        ({"type": "Point", "coordinates": [0, float("nan")]}, "lat within"),
        ({"type": "Point", "coordinates": ["0", 1]}, "numbers"),
        ({"type": "Circle", "coordinates": [0, 0]}, "type must be"),
        ({"type": "Point", "coordinates": [0, 0], "crs": {}}, "GeoJSON geometry object"),
        ({"type": "Polygon", "coordinates": [[[[0, 0]]]]}, "numbers"),
    ],
)
def test_bad_geometry_is_refused_with_the_reason(geometry, words):
    with pytest.raises(GeometryError, match=words):
        check_geometry(geometry)
