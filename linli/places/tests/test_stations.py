"""The 15-minute service circle: opening hours (weekdays, past midnight, 24 h, closures), the nearest
station with a service, coverage per grid on a layout computed by hand, and the pages and JSON."""

from __future__ import annotations

import datetime as dt
import math
from zoneinfo import ZoneInfo

import pytest
from django.test import override_settings
from django.urls import reverse

from linli.conftest import PASSWORD
from linli.places.models import Amenity, Area, AreaLevel, OpeningHours, PartnerUnit, ServiceStation, StationClosure
from linli.places.stations import coverage, is_open, nearest, open_label, seed_amenities, stations_qs

TZ = ZoneInfo("Asia/Shanghai")
K = math.pi / 180 * 6_371_008.8  # metres per degree of latitude (the projection's constant)
MONDAY = dt.date(2024, 1, 1)  # a Monday
FRIDAY, SATURDAY, SUNDAY = MONDAY + dt.timedelta(4), MONDAY + dt.timedelta(5), MONDAY + dt.timedelta(6)


def at(day: dt.date, hh: int, mm: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hh, mm, tzinfo=TZ)


def offset(lat: float, lng: float, east_m: float = 0, north_m: float = 0) -> tuple[float, float]:
    return lat + north_m / K, lng + east_m / (K * math.cos(math.radians(lat)))


@pytest.fixture
def amenities(db):
    seed_amenities()
    return {a.code: a for a in Amenity.objects.all()}


@pytest.fixture
def station(tree, amenities):
    def make(name: str, lat: float = 29.401, lng: float = 106.501, hours=(), closures=(), services=("charging",),
             **kwargs) -> ServiceStation:
        s = ServiceStation.objects.create(name=name, area=tree.comm_a1, address=f"{name}地址", lat=lat, lng=lng,
                                          **kwargs)
        for weekday, opens, closes in hours:
            if opens is None:
                OpeningHours.objects.create(station=s, weekday=weekday, all_day=True)
            else:
                OpeningHours.objects.create(station=s, weekday=weekday, opens=dt.time(*opens), closes=dt.time(*closes))
        for starts, ends in closures:
            StationClosure.objects.create(station=s, starts_on=starts, ends_on=ends, reason="春节")
        s.amenities.set([amenities[c] for c in services])
        return stations_qs(at(MONDAY, 0)).get(pk=s.pk)

    return make


# --- Opening hours -------------------------------------------------------------------------------------------

def test_day_interval_is_open_only_on_its_weekday_and_hours(station):
    s = station("驿站", hours=[(0, (9, 0), (18, 0))])
    assert is_open(s, at(MONDAY, 9)) and is_open(s, at(MONDAY, 17, 59))
    assert not is_open(s, at(MONDAY, 8, 59)) and not is_open(s, at(MONDAY, 18))
    assert not is_open(s, at(MONDAY + dt.timedelta(1), 12))  # Tuesday has no hours
    assert open_label(s, at(MONDAY, 12)) == "营业至 18:00"


def test_interval_across_midnight_belongs_to_the_evening_it_starts(station):
    s = station("夜间驿站", hours=[(4, (22, 0), (2, 0))])  # Friday 22:00 – Saturday 02:00
    assert not is_open(s, at(FRIDAY, 21, 59))
    assert is_open(s, at(FRIDAY, 23, 30))
    assert is_open(s, at(SATURDAY, 1, 59))
    assert not is_open(s, at(SATURDAY, 2))
    assert not is_open(s, at(SATURDAY, 23))  # Saturday evening has no interval
    assert not is_open(s, at(FRIDAY, 1))  # the morning after Thursday: no Thursday interval


def test_sunday_night_runs_into_monday(station):
    s = station("周日夜", hours=[(6, (20, 0), (6, 0))])
    assert is_open(s, at(MONDAY + dt.timedelta(7), 5))  # the Monday after
    assert not is_open(s, at(MONDAY + dt.timedelta(7), 6))


def test_open_24_hours(station):
    s = station("全天", hours=[(d, None, None) for d in range(7)])
    for hour in (0, 3, 12, 23):
        assert is_open(s, at(SUNDAY, hour, 59))
    assert open_label(s, at(SUNDAY, 3)) == "24小时营业"


def test_holiday_closure_cancels_the_intervals_starting_that_day(station):
    s = station("节假日", hours=[(4, (22, 0), (2, 0)), (5, (9, 0), (12, 0))], closures=[(FRIDAY, FRIDAY)])
    assert not is_open(s, at(FRIDAY, 23))
    assert not is_open(s, at(SATURDAY, 1))  # Friday's night was cancelled
    assert is_open(s, at(SATURDAY, 10))


def test_closure_on_the_next_day_leaves_the_night_before_open(station):
    s = station("节前夜", hours=[(4, (22, 0), (2, 0)), (5, (9, 0), (12, 0))], closures=[(SATURDAY, SUNDAY)])
    assert is_open(s, at(SATURDAY, 1))
    assert not is_open(s, at(SATURDAY, 10))
    assert open_label(s, at(SATURDAY, 10)) == "当前休息"


def test_hours_need_two_different_times_or_all_day(station):
    from django.core.exceptions import ValidationError

    s = station("校验")
    with pytest.raises(ValidationError):
        OpeningHours(station=s, weekday=0, opens=dt.time(9), closes=dt.time(9)).full_clean()
    with pytest.raises(ValidationError):
        OpeningHours(station=s, weekday=0, opens=dt.time(9)).full_clean()
    with pytest.raises(ValidationError):
        OpeningHours(station=s, weekday=7, all_day=True).full_clean()


# --- Nearest -------------------------------------------------------------------------------------------------

def test_nearest_open_station_with_the_service(station, amenities):
    lat, lng = 29.401, 106.501
    always = [(d, None, None) for d in range(7)]
    near_closed = station("近但关门", *offset(lat, lng, 100), hours=[(0, (9, 0), (10, 0))])
    no_charging = station("近但无充电", *offset(lat, lng, 200), hours=always, services=("drinking-water",))
    second = station("一公里", *offset(lat, lng, 0, 1000), hours=always)
    first = station("五百米", *offset(lat, lng, -500), hours=always)
    station("太远", *offset(lat, lng, 20_000), hours=always)
    hits = nearest(lat, lng, amenity=amenities["charging"], at=at(SUNDAY, 12))
    assert [h.station.name for h in hits] == ["五百米", "一公里"]
    assert abs(hits[0].distance_m - 500) <= 2 and abs(hits[1].distance_m - 1000) <= 2
    # 500 m walking at 5 km/h: 6 minutes; riding at 15 km/h: 2 minutes (rounded up).
    assert (hits[0].walk_minutes, hits[0].ride_minutes) == (6, 2)
    everything = nearest(lat, lng, open_only=False, at=at(SUNDAY, 12))
    assert [h.station.pk for h in everything] == [near_closed.pk, no_charging.pk, first.pk, second.pk]
    assert not everything[0].open


# --- Coverage ------------------------------------------------------------------------------------------------

def _square_grid(tree, lat: float, lng: float, side_m: float, code: str = "500113001001009") -> Area:
    north, east = offset(lat, lng, side_m, side_m)
    ring = [[lng, lat], [east, lat], [east, north], [lng, north], [lng, lat]]
    return Area.objects.create(level=AreaLevel.GRID, code=code, name="方格", parent=tree.comm_a1,
                               boundary={"type": "Polygon", "coordinates": [ring]})


def test_coverage_of_a_square_with_a_station_in_its_middle(tree, station, amenities):
    """A 1,000 m square with one open station at its centre; 15 min at 1.2 km/h reach 300 m, so the covered
    disc is π·300² = 282,743 m² of 1,000,000 m²: 71.7 % lies beyond it."""
    lat, lng = 29.0, 106.0
    grid = _square_grid(tree, lat, lng, 1000)
    station("中心", *offset(lat, lng, 500, 500), hours=[(d, None, None) for d in range(7)])
    [row] = coverage([grid], amenity=amenities["charging"], kmh=1.2, at=at(MONDAY, 12))
    assert row.uncovered_share == pytest.approx(1 - math.pi * 0.09, abs=0.002)
    assert row.area_m2 == pytest.approx(1_000_000, rel=1e-4)  # the projection centre is mid-square
    assert row.uncovered_m2 == pytest.approx(1_000_000 - math.pi * 300**2, rel=0.005)
    assert row.uncovered["type"] in ("Polygon", "MultiPolygon")
    # At 3 km/h the 750 m circle holds the whole square (half-diagonal 707 m).
    [row] = coverage([grid], amenity=amenities["charging"], kmh=3, at=at(MONDAY, 12))
    assert row.uncovered_share == pytest.approx(0, abs=1e-9) and row.uncovered is None


def test_community_share_weighs_grids_by_surface(tree, station, amenities):
    """Two grids of one community: a 1,000 m square fully covered and a 500 m square not covered at all:
    250,000 of 1,250,000 m² are uncovered, 20 %."""
    from linli.places.stations import by_community

    lat, lng = 29.0, 106.0
    big = _square_grid(tree, lat, lng, 1000)
    small = _square_grid(tree, *offset(lat, lng, 5000), 500, code="500113001001010")
    station("中心", *offset(lat, lng, 500, 500), hours=[(d, None, None) for d in range(7)])
    rows = coverage([big, small], amenity=None, kmh=3, at=at(MONDAY, 12))
    [(community, percent)] = by_community(rows)
    assert community == tree.comm_a1 and percent == 20.0


def test_coverage_counts_only_open_stations_with_the_service(tree, station, amenities):
    lat, lng = 29.0, 106.0
    grid = _square_grid(tree, lat, lng, 1000)
    station("白天", *offset(lat, lng, 500, 500), hours=[(0, (9, 0), (18, 0))])
    assert coverage([grid], amenity=amenities["charging"], kmh=3, at=at(MONDAY, 20))[0].uncovered_share == 1
    assert coverage([grid], amenity=amenities["toilet"], kmh=3, at=at(MONDAY, 12))[0].uncovered_share == 1
    assert coverage([grid], amenity=None, kmh=3, at=at(MONDAY, 12))[0].uncovered_share == pytest.approx(0)


def test_coverage_of_a_station_on_the_corner_covers_a_quarter_disc(tree, station, amenities):
    """A station on the south-west corner, 400 m reach (1.6 km/h): a quarter disc π·400²/4 = 125,664 m²."""
    lat, lng = 29.0, 106.0
    grid = _square_grid(tree, lat, lng, 1000)
    station("角上", lat, lng, hours=[(d, None, None) for d in range(7)], services=())
    [row] = coverage([grid], amenity=None, kmh=1.6, at=at(MONDAY, 12))
    assert row.uncovered_share == pytest.approx(1 - math.pi * 0.16 / 4, abs=0.002)


# --- Pages and JSON ------------------------------------------------------------------------------------------

@pytest.fixture
def served(tree, station):
    tree.comm_a1.centre_lat, tree.comm_a1.centre_lng = 29.401, 106.501
    tree.comm_a1.save()
    partner = PartnerUnit.objects.create(kind="company", name="渝工港湾", area=tree.comm_a1)
    s = station("渝工港湾服务点", *offset(29.401, 106.501, 300), hours=[(d, None, None) for d in range(7)],
                services=("charging", "rest"), operator=partner, contact_phone="023-66221234")
    station("夜班驿站", *offset(29.401, 106.501, 600), hours=[], services=("charging",))
    return s


def test_finder_without_location_by_community(client, served, tree, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        response = client.get(reverse("places:stations"), {"community": tree.comm_a1.code, "amenity": "charging"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "渝工港湾服务点" in html and "夜班驿站" not in html
    assert "300 米" in html and "步行 4 分钟" in html and "骑行 2 分钟" in html


def test_finder_opening_page_lists_open_stations_for_anyone(client, served):
    html = client.get(reverse("places:stations")).content.decode()
    assert "渝工港湾服务点" in html and "夜班驿站" not in html and "15分钟服务圈" in html


def test_finder_empty_state(client, served):
    html = client.get(reverse("places:stations"), {"amenity": "legal-aid", "community": ""}).content.decode()
    assert "没有符合条件的服务站" in html


@pytest.mark.parametrize("params, message", [
    ({"lat": "abc", "lng": "106.5"}, "输入一个数字"),
    ({"lat": "91", "lng": "106.5"}, "90"),
    ({"lat": "29.4"}, "经度和纬度"),
    ({"community": "999999999999"}, "请从列表中选择社区"),
    ({"amenity": "<script>x</script>"}, "选择一个有效的选项"),
])
def test_finder_bad_input_gets_a_chinese_error(client, served, params, message):
    response = client.get(reverse("places:stations"), params)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html and "渝工港湾服务点" not in html and "<script>x" not in html
    api = client.get(reverse("places:stations_json"), params)
    assert api.status_code == 400 and any(message in e for e in api.json()["errors"])


def test_finder_json_with_position(client, served, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        data = client.get(reverse("places:stations_json"),
                          {"lat": "29.401", "lng": "106.501", "amenity": "charging", "all": "1"}).json()
    names = [s["name"] for s in data["stations"]]
    assert names == ["渝工港湾服务点", "夜班驿站"]
    first = data["stations"][0]
    assert first["open_now"] is True and first["operator"] == "渝工港湾" and first["distance_m"] == 300
    assert {a["code"] for a in first["amenities"]} == {"charging", "rest"}
    assert data["stations"][1]["open_now"] is False and data["origin"]["lat"] == 29.401


def test_station_page(client, served, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        html = client.get(reverse("places:station", args=[served.pk])).content.decode()
    assert "渝工港湾服务点" in html and "24小时" in html and "023-66221234" in html and "渝工港湾" in html
    assert client.get(reverse("places:station", args=[987654])).status_code == 404


def test_inactive_station_is_not_found(client, served):
    ServiceStation.objects.filter(pk=served.pk).update(active=False)
    assert client.get(reverse("places:station", args=[served.pk])).status_code == 404


@override_settings(LINLI_WALK_KMH=2.4)
def test_coverage_page_for_staff_in_scope_only(client, make_user, tree, served, django_assert_max_num_queries):
    make_user("staff-a", "community_staff", tree.comm_a1)
    client.login(username="staff-a", password=PASSWORD)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("places:coverage"), {"amenity": "charging", "mode": "walk"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "一网格" in html and "二网格" in html and "三网格" not in html  # 三网格 is in another street
    assert "600 米" in html  # 15 minutes at 2.4 km/h
    geo = client.get(reverse("places:coverage_geojson"), {"amenity": "charging"}).json()
    kinds = {f["properties"]["kind"] for f in geo["features"]}
    assert {"grid", "station"} <= kinds
    assert {f["properties"]["code"] for f in geo["features"] if f["properties"]["kind"] == "grid"} == {
        tree.g1.code, tree.g2.code}


def test_coverage_bad_speed_is_refused(client, make_user, tree, served):
    make_user("staff-a", "community_staff", tree.comm_a1)
    client.login(username="staff-a", password=PASSWORD)
    html = client.get(reverse("places:coverage"), {"kmh": "400"}).content.decode()
    assert "40" in html and "一网格" not in html
    assert client.get(reverse("places:coverage_geojson"), {"kmh": "x"}).status_code == 400


def test_coverage_needs_a_scope(client, make_user, tree, served):
    assert client.get(reverse("places:coverage")).status_code == 302  # to the sign-in page
    make_user("plain", home=tree.g1)
    client.login(username="plain", password=PASSWORD)
    assert client.get(reverse("places:coverage")).status_code == 404
