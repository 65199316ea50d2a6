"""Admin: every places model listed, one page per level, boundaries checked as GeoJSON."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from linli.core.models import User
from linli.places.models import Area, AreaLevel, Building, BuildingUnit, PartnerUnit, PartyOrg


@pytest.fixture
def admin_client(client, tree, household):
    user = User.objects.create_superuser("root", password="x-very-secret-1")
    client.force_login(user)
    PartyOrg.objects.create(kind="grid_branch", name="一网格党支部", area=tree.g1)
    PartnerUnit.objects.create(kind="property", name="甲物业", area=tree.comm_a1)
    return client


@pytest.mark.parametrize("model", ["area", "district", "street", "community", "grid", "building", "buildingunit",
                                   "household", "partyorg", "department", "partnerunit"])
def test_every_places_model_has_a_chinese_admin_list_with_search(admin_client, model):
    url = reverse(f"admin:places_{model}_changelist")
    response = admin_client.get(url, {"q": "一"})
    assert response.status_code == 200
    assert response.context["cl"].model._meta.verbose_name_plural != ""
    assert admin_client.get(reverse(f"admin:places_{model}_add")).status_code == 200


def test_level_pages_list_only_their_level(admin_client, tree):
    grids = admin_client.get(reverse("admin:places_grid_changelist")).context["cl"].result_list
    assert {a.code for a in grids} == {tree.g1.code, tree.g2.code, tree.h1.code}
    streets = admin_client.get(reverse("admin:places_street_changelist")).context["cl"].result_list
    assert {a.code for a in streets} == {tree.street_a.code, tree.street_b.code}
    page = admin_client.get(reverse("admin:places_grid_changelist")).content.decode()
    assert "网格" in page


def test_area_filters_by_level_and_searches_by_code(admin_client, tree):
    result = admin_client.get(reverse("admin:places_area_changelist"),
                              {"level__exact": "community"}).context["cl"].result_list
    assert {a.code for a in result} == {tree.comm_a1.code, tree.comm_b1.code}
    result = admin_client.get(reverse("admin:places_area_changelist"), {"q": tree.h1.code}).context["cl"].result_list
    assert [a.code for a in result] == [tree.h1.code]


def grid_form(tree, boundary, code="500113001001009"):
    return {"code": code, "name": "新网格", "parent": tree.comm_a1.pk, "boundary": json.dumps(boundary),
            "description": ""}


def test_adding_a_grid_with_a_bow_tie_boundary_is_refused_in_chinese(admin_client, tree):
    bow_tie = {"type": "Polygon", "coordinates": [[[106.51, 29.40], [106.512, 29.402], [106.512, 29.40],
                                                   [106.51, 29.402], [106.51, 29.40]]]}
    response = admin_client.post(reverse("admin:places_grid_add"), grid_form(tree, bow_tie))
    assert response.status_code == 200
    assert "多边形自相交" in response.content.decode()
    assert not Area.objects.filter(code="500113001001009").exists()


def test_adding_a_grid_with_a_wrong_code_is_refused(admin_client, tree):
    from linli.conftest import square

    response = admin_client.post(reverse("admin:places_grid_add"),
                                 grid_form(tree, square(106.51, 29.40), code="500113002001009"))
    assert response.status_code == 200 and "编码必须以上级区划的编码开头" in response.content.decode()


def test_adding_a_grid_sets_its_level_and_centre(admin_client, tree):
    from linli.conftest import square

    response = admin_client.post(reverse("admin:places_grid_add"), grid_form(tree, square(106.51, 29.40)))
    assert response.status_code == 302, response.content.decode()[:3000]
    grid = Area.objects.get(code="500113001001009")
    assert grid.level == AreaLevel.GRID and 29.40 < grid.centre_lat < 29.402 and 106.51 < grid.centre_lng < 106.512


def test_boundary_on_a_community_is_refused(admin_client, tree):
    from linli.conftest import square

    data = {"level": "community", "code": "500113001005", "name": "新社区", "parent": tree.street_a.pk,
            "boundary": json.dumps(square(106.5, 29.4)), "description": ""}
    response = admin_client.post(reverse("admin:places_area_add"), data)
    assert response.status_code == 200 and "只有网格才有边界" in response.content.decode()


def test_building_list_counts_units(admin_client, household):
    BuildingUnit.objects.create(building=household.unit.building, number="2")
    result = admin_client.get(reverse("admin:places_building_changelist")).context["cl"].result_list
    assert [b._units for b in result] == [2]
    assert Building.objects.count() == 1
