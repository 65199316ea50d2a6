"""Org tree, grid page, grid map, GeoJSON of the grids and the locate endpoint: scope, counts, queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from linli.people.models import RoleAssignment
from linli.places.models import Area, Building, BuildingUnit, Department, Household, PartnerUnit, PartyOrg

from .conftest import METRE_LAT


@pytest.fixture
def login(client):
    def as_(user):
        client.force_login(user)
        return client
    return as_


@pytest.fixture
def street_a_staff(tree, make_user):
    return make_user("street-a", "street_staff", tree.street_a)


@pytest.fixture
def admin_user(tree, make_user):
    return make_user("district", "district_admin", tree.district)


# --- Org tree -----------------------------------------------------------------------------------

def test_street_staff_see_their_street_with_the_district_above_but_not_the_other_street(tree, login, street_a_staff):
    page = login(street_a_staff).get(reverse("places:tree")).content.decode()
    assert "甲街道" in page and "甲一社区" in page and "一网格" in page and "二网格" in page
    assert "巴南区" in page  # context above the scope
    assert "乙街道" not in page and "乙一社区" not in page and "三网格" not in page


def test_grid_worker_sees_only_their_grid_in_the_tree(tree, login, make_user):
    worker = make_user("w", "grid_worker", tree.g1)
    page = login(worker).get(reverse("places:tree")).content.decode()
    assert "一网格" in page and "二网格" not in page and "三网格" not in page
    assert reverse("places:grid", args=[tree.g1.code]) in page


def test_tree_shows_counts_of_buildings_households_and_people_rolled_up(tree, household, make_person, login,
                                                                        street_a_staff):
    make_person(tree.g1, household=household)
    make_person(tree.g1, household=household)
    page = login(street_a_staff).get(reverse("places:tree")).content.decode()
    # G1: 1 building, 1 household, 2 people; the street adds its own staff member (registered on the street).
    assert "楼栋 1 · 户 1 · 人 2" in page
    assert "楼栋 1 · 户 1 · 人 3" in page


def test_user_without_a_role_sees_an_empty_tree_in_chinese(tree, login, make_user):
    resident = make_user("r", home=tree.g1)
    page = login(resident).get(reverse("places:tree")).content.decode()
    assert "您的管辖范围内没有街道、社区或网格" in page and "一网格" not in page


def test_tree_shows_party_organisations_departments_and_partners_with_contacts(tree, login, street_a_staff):
    committee = PartyOrg.objects.create(kind="working_committee", name="甲街道党工委", area=tree.street_a)
    PartyOrg.objects.create(kind="grid_branch", name="一网格党支部", area=tree.g1, parent=committee)
    PartyOrg.objects.create(kind="grid_branch", name="三网格党支部", area=tree.h1)
    Department.objects.filter(pk=tree.dept.pk).update(contact_name="李科长", contact_phone="02366000000")
    Department.objects.create(kind="street_post", code="a-post", name="甲街道综治中心", area=tree.street_a)
    Department.objects.create(kind="street_post", code="b-post", name="乙街道综治中心", area=tree.street_b)
    PartnerUnit.objects.create(kind="property", name="甲物业", area=tree.comm_a1, contact_name="王经理")
    PartnerUnit.objects.create(kind="sponsor_shop", name="乙小店", area=tree.h1)
    page = login(street_a_staff).get(reverse("places:tree")).content.decode()
    assert "甲街道党工委" in page and "一网格党支部" in page and "三网格党支部" not in page
    assert "网格党支部" in page and "覆盖 一网格" in page
    assert "城管局" in page and "李科长" in page and "甲街道综治中心" in page and "乙街道综治中心" not in page
    assert "甲物业" in page and "王经理" in page and "乙小店" not in page
    filtered = login(street_a_staff).get(reverse("places:tree"), {"dept_kind": "street_post",
                                                                  "partner_kind": "sponsor_shop"}).content.decode()
    assert "甲街道综治中心" in filtered and "城管局" not in filtered and "甲物业" not in filtered


def test_unknown_filter_values_are_ignored(tree, login, street_a_staff):
    response = login(street_a_staff).get(reverse("places:tree"), {"dept_kind": "<script>", "after": "x"})
    assert response.status_code == 200


def test_tree_query_count_does_not_grow_with_the_data(tree, grow, login, admin_user,
                                                      django_assert_max_num_queries):
    client = login(admin_user)
    grow(1)
    with django_assert_max_num_queries(14) as small:
        client.get(reverse("places:tree"))
    grow(8)
    with django_assert_max_num_queries(len(small.captured_queries)):
        page = client.get(reverse("places:tree")).content.decode()
    assert "网格108" in page and "楼栋 2 · 户 4 · 人 5" in page


def test_names_are_escaped(tree, login, street_a_staff):
    Area.objects.filter(pk=tree.g1.pk).update(name="<script>alert(1)</script>")
    for url in (reverse("places:tree"), reverse("places:grid", args=[tree.g1.code])):
        page = login(street_a_staff).get(url).content.decode()
        assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_pages_need_a_login(tree, client):
    for url in (reverse("places:tree"), reverse("places:map"), reverse("places:grid", args=[tree.g1.code]),
                reverse("places:grids_geojson")):
        response = client.get(url)
        assert response.status_code == 302 and reverse("login") in response.url


# --- Grid page ----------------------------------------------------------------------------------

def test_grid_page_shows_code_community_street_buildings_roles_and_party(tree, household, make_person, login,
                                                                         make_user):
    worker = make_user("w", "grid_worker", tree.g1)
    mediator = make_person(tree.g1, name="赵调解")
    RoleAssignment.objects.create(person=mediator, role="dispute_mediator", area=tree.g1,
                                  starts_on=dt.date(2022, 3, 1))
    head = make_person(tree.g1, name="钱楼长")
    RoleAssignment.objects.create(person=head, role="building_head", building=household.unit.building,
                                  starts_on=dt.date(2022, 3, 1))
    gone = make_person(tree.g1, name="孙离任")
    RoleAssignment.objects.create(person=gone, role="policy_publicist", area=tree.g1,
                                  starts_on=dt.date(2020, 1, 1), ends_on=dt.date(2021, 1, 1))
    BuildingUnit.objects.create(building=household.unit.building, number="2")
    Household.objects.create(unit=household.unit, door="102")
    PartyOrg.objects.create(kind="grid_branch", name="一网格党支部", area=tree.g1)
    PartyOrg.objects.create(kind="grid_branch", name="二网格党支部", area=tree.g2)
    page = login(worker).get(reverse("places:grid", args=[tree.g1.code])).content.decode()
    assert tree.g1.code in page and "甲一社区" in page and "甲街道" in page
    assert "专职网格员" in page or "网格员" in page
    assert "赵调解" in page and "钱楼长" in page and "孙离任" not in page
    assert "<td>1栋</td>" in page and "<td>2</td><td>2</td>" in page  # 2 units, 2 households
    assert "一网格党支部" in page and "二网格党支部" not in page
    assert "data-boundary=" in page and "leaflet/leaflet.js" in page


def test_street_staff_cannot_open_a_grid_of_another_street(tree, login, street_a_staff):
    client = login(street_a_staff)
    assert client.get(reverse("places:grid", args=[tree.g1.code])).status_code == 200
    assert client.get(reverse("places:grid", args=[tree.h1.code])).status_code == 404


def test_grid_worker_cannot_open_the_neighbouring_grid(tree, login, make_user):
    client = login(make_user("w", "grid_worker", tree.g1))
    assert client.get(reverse("places:grid", args=[tree.g2.code])).status_code == 404


def test_grid_page_of_a_community_code_or_garbage_is_404(tree, login, admin_user):
    client = login(admin_user)
    assert client.get(reverse("places:grid", args=[tree.comm_a1.code])).status_code == 404
    assert client.get("/places/grids/%3Cscript%3E/").status_code == 404


def test_grid_page_query_count_does_not_grow_with_buildings_and_roles(tree, grow, login, admin_user,
                                                                      django_assert_max_num_queries):
    client = login(admin_user)
    grow(1)
    grid = Area.objects.get(code="500113001001100")
    with django_assert_max_num_queries(14) as small:
        client.get(reverse("places:grid", args=[grid.code]))
    for n in range(10):
        b = Building.objects.create(grid=grid, name=f"新{n}栋")
        unit = BuildingUnit.objects.create(building=b, number="1")
        Household.objects.create(unit=unit, door="101")
        PartyOrg.objects.create(kind="building_group", name=f"新{n}党小组", area=grid, building=b)
    worker = RoleAssignment.objects.filter(area=grid).first().person
    for role in ("policy_publicist", "dispute_mediator", "environment_manager", "opinion_collector"):
        RoleAssignment.objects.create(person=worker, role=role, area=grid, starts_on=dt.date(2021, 1, 1))
    with django_assert_max_num_queries(len(small.captured_queries)):
        page = client.get(reverse("places:grid", args=[grid.code])).content.decode()
    assert "新9栋" in page and "新9党小组" in page


# --- Map and GeoJSON ----------------------------------------------------------------------------

def test_map_page_loads_leaflet_and_the_scoped_geojson_without_inline_script(tree, login, street_a_staff):
    page = login(street_a_staff).get(reverse("places:map")).content.decode()
    assert 'data-geojson-url="/places/grids.geojson"' in page
    assert "leaflet/leaflet.js" in page and "leaflet/leaflet.css" in page and "places/map.js" in page
    assert "tile.openstreetmap.org" in page
    assert '<label for="locate-lat">' in page and '<label for="locate-lng">' in page
    body = page.split("<main", 1)[1].split("</main>", 1)[0]
    assert "<script" not in body


def test_tile_source_comes_from_the_settings(tree, login, street_a_staff, settings):
    settings.LINLI_TILE_URL = "https://tiles.example.test/{z}/{x}/{y}.png"
    page = login(street_a_staff).get(reverse("places:map")).content.decode()
    assert "https://tiles.example.test/{z}/{x}/{y}.png" in page


def test_geojson_lists_only_the_grids_in_scope(tree, login, make_user):
    worker = make_user("w", "grid_worker", tree.g1)
    data = login(worker).get(reverse("places:grids_geojson")).json()
    assert data["type"] == "FeatureCollection"
    [only] = data["features"]
    assert only["properties"] == {"code": tree.g1.code, "name": "一网格", "community": "甲一社区",
                                  "url": reverse("places:grid", args=[tree.g1.code])}
    assert only["geometry"] == tree.g1.boundary


def test_geojson_of_street_b_staff_holds_only_street_b(tree, login, make_user):
    staff = make_user("sb", "street_staff", tree.street_b)
    data = login(staff).get(reverse("places:grids_geojson")).json()
    assert [f["properties"]["code"] for f in data["features"]] == [tree.h1.code]


def test_geojson_of_a_user_without_scope_is_empty(tree, login, make_user):
    data = login(make_user("r", home=tree.g1)).get(reverse("places:grids_geojson")).json()
    assert data["features"] == []


def test_geojson_query_count_does_not_grow(tree, grow, login, admin_user, django_assert_max_num_queries):
    client = login(admin_user)
    grow(1)
    with django_assert_max_num_queries(8) as small:
        client.get(reverse("places:grids_geojson"))
    grow(8)
    with django_assert_max_num_queries(len(small.captured_queries)):
        data = client.get(reverse("places:grids_geojson")).json()
    assert len(data["features"]) == 12


# --- Locate endpoint ----------------------------------------------------------------------------

def test_locate_endpoint_answers_the_grid_of_a_point(tree, login, street_a_staff):
    client = login(street_a_staff)
    assert client.get(reverse("places:locate"), {"lat": "29.401", "lng": "106.501"}).json() == {
        "grid": {"code": tree.g1.code, "name": "一网格"}}
    near = 29.402 + 100 * METRE_LAT
    assert client.get(reverse("places:locate"), {"lat": near, "lng": 106.501}).json()["grid"]["code"] == tree.g1.code
    assert client.get(reverse("places:locate"), {"lat": "30.5", "lng": "106.5"}).json() == {"grid": None}


@pytest.mark.parametrize("params, expected", [
    ({"lat": "abc", "lng": "106.5"}, "纬度必须是数字"),
    ({"lat": "29.4", "lng": "106,5"}, "经度必须是数字"),
    ({"lat": "nan", "lng": "106.5"}, "纬度必须是有限的数字"),
    ({"lat": "29.4", "lng": "inf"}, "经度必须是有限的数字"),
    ({"lat": "91", "lng": "106.5"}, "纬度必须在 -90 到 90 之间"),
    ({"lat": "29.4", "lng": "-200"}, "经度必须在 -180 到 180 之间"),
    ({"lng": "106.5"}, "请填写纬度"),
    ({"lat": "29.4", "lng": " "}, "请填写经度"),
    ({"lat": "1e999", "lng": "106.5"}, "纬度必须是有限的数字"),
    ({"lat": "<script>", "lng": "1"}, "纬度必须是数字"),
])
def test_locate_endpoint_refuses_malformed_coordinates_with_400(tree, login, street_a_staff, params, expected):
    response = login(street_a_staff).get(reverse("places:locate"), params)
    assert response.status_code == 400
    assert expected in response.json()["error"]


def test_locate_endpoint_needs_a_login(tree, client):
    response = client.get(reverse("places:locate"), {"lat": "29.401", "lng": "106.501"})
    assert response.status_code == 401 and response.json()["error"] == "请先登录。"


def test_locate_form_on_the_map_answers_htmx_with_a_fragment(tree, login, make_user):
    client = login(make_user("w", "grid_worker", tree.g1))
    url = reverse("places:locate")
    own = client.get(url, {"lat": "29.401", "lng": "106.501"}, HTTP_HX_REQUEST="true").content.decode()
    assert reverse("places:grid", args=[tree.g1.code]) in own
    other = client.get(url, {"lat": "29.401", "lng": "106.601"}, HTTP_HX_REQUEST="true").content.decode()
    assert "三网格" in other and reverse("places:grid", args=[tree.h1.code]) not in other
    bad = client.get(url, {"lat": "x", "lng": "1"}, HTTP_HX_REQUEST="true")
    text = bad.content.decode()
    assert bad.status_code == 200 and 'role="alert"' in text and "纬度必须是数字" in text
