"""Where a position stands against the agreement's lines and areas (server/registers/geometry.py,
shapely), against hand-computed cases."""

import math

import pytest

from server.registers.geometry import distance_to_line, point_in_area

# One hundredth of a degree of latitude on the mean-radius sphere: 0.01 * pi/180 * 6,371,008.8 m.
CENTI_DEGREE_M = 1111.95


def test_distance_and_side_of_a_line_drawn_east_along_the_equator():
    line = {"type": "LineString", "coordinates": [[0.0, 0.0], [1.0, 0.0]]}
    north = distance_to_line(0.01, 0.5, line)
    assert north is not None and north.metres == pytest.approx(CENTI_DEGREE_M, abs=0.01)
    assert north.side == 1 and north.within  # left of an eastward line is north
    south = distance_to_line(-0.02, 0.5, line)
    assert south is not None and south.metres == pytest.approx(2 * CENTI_DEGREE_M, abs=0.02) and south.side == -1
    past = distance_to_line(0.0, 1.5, line)
    assert past is not None and not past.within and past.metres == pytest.approx(50 * CENTI_DEGREE_M, abs=1)


def test_east_west_distance_shrinks_with_the_cosine_of_latitude():
    line = {"type": "LineString", "coordinates": [[10.0, 59.0], [10.0, 61.0]]}  # drawn north at 10 E
    east = distance_to_line(60.0, 10.02, line)
    # 0.02 degree of longitude at 60 N = 2 * CENTI_DEGREE_M * cos(60) = one CENTI_DEGREE_M
    assert east is not None and east.metres == pytest.approx(CENTI_DEGREE_M * 2 * math.cos(math.radians(60)), abs=0.05)
    assert east.side == -1  # east of a northward line is its right


def test_the_nearest_segment_of_a_bent_line_decides():
    line = {"type": "MultiLineString", "coordinates": [[[0.0, 0.0], [1.0, 0.0], [1.0, 1.0]]]}
    inside_bend = distance_to_line(0.5, 0.9, line)  # 0.1 deg from the second segment, 0.5 from the first
    assert inside_bend is not None and inside_bend.metres == pytest.approx(10 * CENTI_DEGREE_M * math.cos(math.radians(0.5)), rel=1e-3)
    assert inside_bend.side == 1  # left of the northward second segment is west


def test_point_in_polygon_with_a_hole_and_in_a_multipolygon():
    outer = [[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0], [0.0, 0.0]]
    hole = [[0.4, 0.4], [0.6, 0.4], [0.6, 0.6], [0.4, 0.6], [0.4, 0.4]]
    polygon = {"type": "Polygon", "coordinates": [outer, hole]}
    assert point_in_area(0.2, 0.2, polygon)
    assert not point_in_area(0.5, 0.5, polygon)  # in the hole
    assert not point_in_area(0.5, 1.5, polygon)
    far = [[10.0, 10.0], [11.0, 10.0], [11.0, 11.0], [10.0, 10.0]]  # a triangle
    multi = {"type": "MultiPolygon", "coordinates": [[outer], [far]]}
    assert point_in_area(10.2, 10.8, multi)  # lat 10.2, lon 10.8: under the triangle's diagonal
    assert not point_in_area(10.8, 10.2, multi)
    assert not point_in_area(0.5, 0.5, {"type": "LineString", "coordinates": [[0, 0], [1, 1]]})
