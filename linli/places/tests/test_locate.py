"""locate(lat, lng): the grid containing a point, the 200 m fallback, borders, bad input, rebuilds."""

from __future__ import annotations

import math

import pytest
from django.utils import timezone

from linli.conftest import square
from linli.places import geo
from linli.places.geo import InvalidCoordinates, distance_m, locate, locate_many
from linli.places.models import Area, AreaLevel

from .conftest import METRE_LAT

# The tree fixture: G1 = [106.500, 106.502] x [29.400, 29.402], G2 east of it sharing the line
# lng 106.502, H1 = [106.600, 106.602] x [29.400, 29.402] in the other street.


def test_point_inside_a_grid_is_located_in_that_grid(tree):
    assert locate(29.401, 106.501) == tree.g1
    assert locate(29.401, 106.503) == tree.g2
    assert locate(29.4005, 106.6015) == tree.h1


def test_located_grid_is_a_full_area_with_its_boundary(tree):
    grid = locate(29.401, 106.501)
    assert grid.level == AreaLevel.GRID and grid.code == tree.g1.code and grid.name == "一网格"
    assert grid.boundary == tree.g1.boundary
    assert grid.parent == tree.comm_a1


def test_point_on_a_shared_border_goes_to_the_lowest_code(tree):
    assert locate(29.401, 106.502) == tree.g1  # the line between G1 and G2
    assert locate(29.402, 106.502) == tree.g1  # the shared corner


def test_point_far_from_every_grid_is_in_no_grid(tree):
    assert locate(29.5, 106.8) is None
    assert locate(-33.9, 151.2) is None


def test_point_near_a_grid_falls_back_to_it_within_200_metres(tree):
    assert locate(29.402 + 150 * METRE_LAT, 106.501) == tree.g1
    assert locate(29.400 - 190 * METRE_LAT, 106.6015) == tree.h1


def test_point_beyond_200_metres_of_every_grid_is_in_no_grid(tree):
    assert locate(29.402 + 210 * METRE_LAT, 106.501) is None


def test_fallback_picks_the_nearest_grid(tree):
    # 50 m south of G2 and about 150 m from G1's corner: G2 wins.
    assert locate(29.400 - 50 * METRE_LAT, 106.5035) == tree.g2


def test_fallback_distance_follows_the_setting(tree, settings):
    settings.LINLI_LOCATE_FALLBACK_METRES = 0
    assert locate(29.402 + 50 * METRE_LAT, 106.501) is None
    settings.LINLI_LOCATE_FALLBACK_METRES = 500
    assert locate(29.402 + 400 * METRE_LAT, 106.501) == tree.g1


BAD_POINTS = [
    (math.nan, 106.5), (29.4, math.nan), (math.inf, 106.5), (29.4, -math.inf),
    ("29.4", 106.5), (None, 106.5), (29.4, [106.5]), (True, 106.5),
    (90.0001, 106.5), (-91, 106.5), (29.4, 180.5), (29.4, -181),
]


@pytest.mark.parametrize("lat, lng", BAD_POINTS)
def test_invalid_coordinates_raise_a_value_error_in_chinese(tree, lat, lng):
    with pytest.raises(ValueError) as info:
        locate(lat, lng)
    assert isinstance(info.value, InvalidCoordinates)
    assert "纬度" in str(info.value) or "经度" in str(info.value)


@pytest.mark.parametrize("lat, lng", BAD_POINTS)
def test_one_invalid_point_in_a_batch_raises_the_same_error(tree, lat, lng):
    with pytest.raises(InvalidCoordinates) as batch:
        locate_many([(29.401, 106.501), (lat, lng), (29.401, 106.503)])
    with pytest.raises(InvalidCoordinates) as single:
        locate(lat, lng)
    assert str(batch.value) == str(single.value)


def test_extreme_but_valid_coordinates_are_accepted(tree):
    assert locate(90, 180) is None
    assert locate(-90, -180) is None
    assert locate(0, 0) is None


def test_moved_grid_is_found_at_its_new_place(tree):
    assert locate(29.401, 106.6015) == tree.h1
    tree.h1.boundary = square(106.700, 29.400)
    tree.h1.save()
    assert locate(29.401, 106.6015) is None
    assert locate(29.401, 106.701) == tree.h1


def test_new_and_deleted_grids_are_seen_at_once(tree):
    assert locate(29.401, 106.801) is None
    new = Area.objects.create(level=AreaLevel.GRID, code="500113002001002", name="四网格", parent=tree.comm_b1,
                              boundary=square(106.800, 29.400))
    assert locate(29.401, 106.801) == new
    new.delete()
    assert locate(29.401, 106.801) is None


def test_change_made_by_another_process_is_seen_through_the_version_stamp(tree):
    assert locate(29.401, 106.501) == tree.g1
    # queryset.update() sends no signal, like a change made by another worker process.
    Area.objects.filter(pk=tree.g1.pk).update(boundary=square(106.900, 29.400), updated_at=timezone.now())
    assert geo._index is not None
    assert locate(29.401, 106.901) == tree.g1


def test_index_is_built_once_and_each_call_then_costs_one_query(tree, django_assert_num_queries):
    locate(29.401, 106.501)
    index = geo._index
    with django_assert_num_queries(20):
        for _ in range(20):
            locate(29.401, 106.501)
    assert geo._index is index


def test_no_grids_means_no_grid(db):
    assert locate(29.401, 106.501) is None


def test_grids_without_boundary_are_skipped(tree):
    Area.objects.filter(pk=tree.h1.pk).update(boundary=None, updated_at=timezone.now())
    assert locate(29.401, 106.601) is None
    assert locate(29.401, 106.503) == tree.g2


def test_multipolygon_grid_is_found_in_each_part(tree):
    a, b = square(106.700, 29.400), square(106.710, 29.400)
    tree.h1.boundary = {"type": "MultiPolygon", "coordinates": [a["coordinates"], b["coordinates"]]}
    tree.h1.save()
    assert locate(29.401, 106.701) == tree.h1
    assert locate(29.401, 106.711) == tree.h1
    assert locate(29.401, 106.706) is None  # between the parts, > 200 m from both


def test_point_in_a_hole_is_not_in_the_grid(tree):
    outer = [[106.70, 29.40], [106.71, 29.40], [106.71, 29.41], [106.70, 29.41], [106.70, 29.40]]
    hole = [[106.702, 29.402], [106.708, 29.402], [106.708, 29.408], [106.702, 29.408], [106.702, 29.402]]
    tree.h1.boundary = {"type": "Polygon", "coordinates": [outer, hole]}
    tree.h1.save()
    assert locate(29.405, 106.705) is None  # the hole's centre is > 200 m from the ring
    assert locate(29.401, 106.701) == tree.h1


def test_saving_or_deleting_an_area_drops_the_index_of_this_process(tree):
    locate(29.401, 106.501)
    assert geo._index is not None
    tree.g2.save()
    assert geo._index is None
    locate(29.401, 106.501)
    tree.comm_b1.name = "乙一社区（改）"
    tree.comm_b1.save()
    assert geo._index is None


def test_within_the_recheck_interval_calls_cost_no_query_and_another_process_change_waits(
        tree, settings, monkeypatch, django_assert_num_queries):
    settings.LINLI_LOCATE_RECHECK_SECONDS = 2.0
    clock = [1000.0]
    monkeypatch.setattr(geo.time, "monotonic", lambda: clock[0])
    geo.invalidate()
    assert locate(29.401, 106.501) == tree.g1
    Area.objects.filter(pk=tree.g1.pk).update(boundary=square(106.900, 29.400), updated_at=timezone.now())
    clock[0] += 1.0
    with django_assert_num_queries(0):
        for _ in range(20):
            assert locate(29.401, 106.501) == tree.g1  # not yet seen: within 2 s of the last check
    clock[0] += 1.5
    assert locate(29.401, 106.901) == tree.g1  # the stamp is compared again and the index rebuilt
    assert locate(29.401, 106.501) != tree.g1


def test_own_change_is_seen_at_once_even_within_the_recheck_interval(tree, settings):
    settings.LINLI_LOCATE_RECHECK_SECONDS = 3600.0
    assert locate(29.401, 106.6015) == tree.h1
    tree.h1.boundary = square(106.700, 29.400)
    tree.h1.save()
    assert locate(29.401, 106.701) == tree.h1


def test_locate_many_gives_the_same_answers_as_locate_point_by_point(tree):
    points = [(29.401, 106.501), (29.401, 106.503), (29.4005, 106.6015), (29.401, 106.502), (29.402, 106.502),
              (29.5, 106.8), (29.402 + 150 * METRE_LAT, 106.501), (29.402 + 210 * METRE_LAT, 106.501),
              (29.400 - 50 * METRE_LAT, 106.5035), (0, 0), (90, 180)]
    assert locate_many(points) == [locate(lat, lng) for lat, lng in points]
    assert locate_many([]) == []


def test_a_batch_costs_one_query_and_its_grids_come_with_their_parents(tree, django_assert_num_queries):
    locate(29.401, 106.501)  # build the index
    points = [(29.4005 + k * 0.00001, 106.5005 + (k % 3) * 0.001) for k in range(300)] + [(29.5, 106.8)] * 50
    with django_assert_num_queries(1):  # the version stamp (compared on every call under the test settings)
        found = locate_many(points)
        assert {g.code for g in found if g} == {tree.g1.code, tree.g2.code}
        assert found[0].parent == tree.comm_a1 and found[0].ancestor(AreaLevel.STREET) == tree.street_a
    assert found[-1] is None
    assert found[0] == found[3] and found[0].boundary == tree.g1.boundary


def test_locate_many_without_grids_and_with_a_bad_point(db):
    assert locate_many([(29.401, 106.501)]) == [None]
    with pytest.raises(InvalidCoordinates):
        locate_many([(29.401, 106.501), (91, 0)])


def test_distance_is_the_great_circle_in_metres():
    # One thousandth of a degree of latitude is about 111 m anywhere; of longitude, less away from the equator.
    assert distance_m(29.4, 106.5, 29.401, 106.5) == pytest.approx(111.2, abs=0.1)
    assert distance_m(29.4, 106.5, 29.4, 106.501) == pytest.approx(96.8, abs=0.1)
    assert distance_m(29.4, 106.5, 29.401, 106.501) == distance_m(29.401, 106.501, 29.4, 106.5)
    assert distance_m(29.4, 106.5, 29.4, 106.5) == 0
    assert distance_m(0, 0, 0, 180) == pytest.approx(math.pi * 6_371_008.8)  # antipodes: no domain error
