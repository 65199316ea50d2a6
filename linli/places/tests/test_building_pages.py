"""Building and household pages: what they show, who may open them, and how many queries they run."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from linli.people.models import RoleAssignment
from linli.places.models import Building, BuildingUnit, Household, PartyOrg


@pytest.fixture
def login(client):
    def as_(user):
        client.force_login(user)
        return client
    return as_


@pytest.fixture
def block(tree, make_person):
    """Building 5 of grid g1: two units, three households, residents, a building head and party groups."""
    building = Building.objects.create(grid=tree.g1, name="5栋", address="鱼洞街道新华路12号", lat=29.4012,
                                       lng=106.5015, floors=18, built_year=2009)
    u1 = BuildingUnit.objects.create(building=building, number="1")
    u2 = BuildingUnit.objects.create(building=building, number="2")
    h101 = Household.objects.create(unit=u1, door="101")
    h102 = Household.objects.create(unit=u1, door="102")
    h201 = Household.objects.create(unit=u2, door="201")
    make_person(tree.g1, name="张桂兰", household=h101, mobile="13812345678")
    make_person(tree.g1, name="李建国", household=h101)
    make_person(tree.g1, name="王秀英", household=h201)
    head = make_person(tree.g1, name="赵楼长")
    RoleAssignment.objects.create(person=head, role="building_head", building=building, starts_on=dt.date(2022, 3, 1))
    RoleAssignment.objects.create(person=head, role="red_building_head", building=building,
                                  starts_on=dt.date(2020, 1, 1), ends_on=dt.date(2021, 1, 1))  # term over
    PartyOrg.objects.create(kind="building_group", name="5栋党小组", area=tree.g1, building=building)
    PartyOrg.objects.create(kind="central_household", name="张桂兰党员中心户", area=tree.g1, household=h101)
    return building, {"101": h101, "102": h102, "201": h201}


# --- Building page ------------------------------------------------------------------------------

def test_grid_worker_sees_building_facts_units_households_resident_counts_roles_and_party(tree, block, login,
                                                                                      make_user):
    building, homes = block
    page = login(make_user("w", "grid_worker", tree.g1)).get(reverse("places:building", args=[building.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "5栋" in html and "鱼洞街道新华路12号" in html and "18" in html and "2009" in html
    assert reverse("places:grid", args=[tree.g1.code]) in html
    assert 'data-point-lat="29.401200"' in html and "leaflet/leaflet.js" in html
    for door, home in homes.items():
        assert reverse("places:household", args=[home.pk]) in html and door in html
    assert "1单元" in html and "2单元" in html
    assert "楼栋长" in html and "赵楼长" in html
    assert "红色楼栋长" not in html  # the term has ended
    assert "5栋党小组" in html and "张桂兰党员中心户" in html


def test_building_page_counts_residents_per_household(tree, block, login, make_user):
    building, homes = block
    page = login(make_user("w", "grid_worker", tree.g1)).get(reverse("places:building", args=[building.pk]))
    counts = {h.door: h.residents for unit in page.context["page"].units for h in unit.households.all()}
    assert counts == {"101": 2, "102": 0, "201": 1}
    assert page.context["page"].residents == 3 and page.context["page"].households == 3


def test_grid_worker_of_another_grid_gets_404_for_the_building(tree, block, login, make_user):
    building, _ = block
    response = login(make_user("w2", "grid_worker", tree.g2)).get(reverse("places:building", args=[building.pk]))
    assert response.status_code == 404
    assert "5栋" not in response.content.decode()


def test_street_staff_of_another_street_get_404_for_building_and_household(tree, block, login, make_user):
    building, homes = block
    client = login(make_user("sb", "street_staff", tree.street_b))
    assert client.get(reverse("places:building", args=[building.pk])).status_code == 404
    assert client.get(reverse("places:household", args=[homes["101"].pk])).status_code == 404


def test_street_staff_of_the_street_open_the_building(tree, block, login, make_user):
    building, _ = block
    client = login(make_user("sa", "street_staff", tree.street_a))
    assert client.get(reverse("places:building", args=[building.pk])).status_code == 200


def test_unknown_building_and_household_answer_404(tree, login, make_user):
    client = login(make_user("d", "district_admin", tree.district))
    assert client.get(reverse("places:building", args=[999_999])).status_code == 404
    assert client.get(reverse("places:household", args=[999_999])).status_code == 404


def test_building_pages_need_sign_in(tree, block, client):
    building, homes = block
    for url in (reverse("places:building", args=[building.pk]), reverse("places:household", args=[homes["101"].pk])):
        response = client.get(url)
        assert response.status_code == 302 and "login" in response.url


def test_script_in_a_building_name_is_shown_as_text(tree, login, make_user):
    building = Building.objects.create(grid=tree.g1, name="<script>alert(1)</script>", address="<b>x</b>",
                                       lat=29.4, lng=106.5)
    home = Household.objects.create(unit=BuildingUnit.objects.create(building=building, number="1"), door="101")
    client = login(make_user("w", "grid_worker", tree.g1))
    for url in (reverse("places:building", args=[building.pk]), reverse("places:household", args=[home.pk]),
                reverse("places:grid", args=[tree.g1.code])):
        html = client.get(url).content.decode()
        assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert "<b>x</b>" not in html


def test_grid_page_links_each_building_to_its_page(tree, block, login, make_user):
    building, _ = block
    html = login(make_user("w", "grid_worker", tree.g1)).get(reverse("places:grid", args=[tree.g1.code])).content
    assert reverse("places:building", args=[building.pk]) in html.decode()


def test_more_units_and_households_do_not_add_queries_to_the_building_page(tree, block, login, make_user,
                                                                          make_person, django_assert_max_num_queries):
    building, _ = block
    client = login(make_user("w", "grid_worker", tree.g1))
    url = reverse("places:building", args=[building.pk])
    client.get(url)  # warm the session
    with django_assert_max_num_queries(10) as small:
        client.get(url)
    for n in range(3, 8):
        unit = BuildingUnit.objects.create(building=building, number=str(n))
        for door in ("301", "302", "303"):
            make_person(tree.g1, household=Household.objects.create(unit=unit, door=door))
        RoleAssignment.objects.create(person=make_person(tree.g1), role="building_guardian", building=building,
                                      starts_on=dt.date(2023, 1, 1))
        PartyOrg.objects.create(kind="central_household", name=f"中心户{n}", area=tree.g1,
                                household=Household.objects.filter(unit=unit).first())
    with django_assert_max_num_queries(len(small.captured_queries)):
        html = client.get(url).content.decode()
    assert "中心户7" in html


# --- Household page -----------------------------------------------------------------------------

def test_household_page_shows_address_grid_members_with_masked_mobile_and_central_household_badge(
        tree, block, login, make_user):
    building, homes = block
    html = login(make_user("w", "grid_worker", tree.g1)).get(
        reverse("places:household", args=[homes["101"].pk])).content.decode()
    assert "鱼洞街道新华路12号" in html and "5栋-1-101" in html and "一网格" in html
    assert "张桂兰" in html and "李建国" in html and "王秀英" not in html
    assert "13812345678" not in html and "138****5678" in html
    assert "党员中心户" in html and "张桂兰党员中心户" in html
    member = homes["101"].members.get(name="张桂兰")
    assert reverse("people:detail", args=[member.pk]) in html
    assert reverse("places:building", args=[building.pk]) in html


def test_household_without_central_household_shows_no_badge(tree, block, login, make_user):
    _, homes = block
    html = login(make_user("w", "grid_worker", tree.g1)).get(
        reverse("places:household", args=[homes["102"].pk])).content.decode()
    assert "党员中心户" not in html


def test_resident_opens_own_household_but_not_the_neighbours_nor_the_building(tree, block, login, make_user):
    building, homes = block
    resident = make_user("resident", home=tree.g1)
    resident.person.household = homes["102"]
    resident.person.save()
    client = login(resident)
    own = client.get(reverse("places:household", args=[homes["102"].pk]))
    assert own.status_code == 200 and "resident" in own.content.decode()
    assert reverse("people:detail", args=[resident.person.pk]) in own.content.decode()
    assert client.get(reverse("places:household", args=[homes["101"].pk])).status_code == 404
    assert client.get(reverse("places:building", args=[building.pk])).status_code == 404


def test_resident_sees_housemates_without_links_to_their_person_pages(tree, block, login, make_user):
    _, homes = block
    resident = make_user("resident", home=tree.g1)
    resident.person.household = homes["101"]
    resident.person.save()
    html = login(resident).get(reverse("places:household", args=[homes["101"].pk])).content.decode()
    housemate = homes["101"].members.get(name="李建国")
    assert "李建国" in html and reverse("people:detail", args=[housemate.pk]) not in html


def test_grid_worker_of_another_grid_gets_404_for_the_household(tree, block, login, make_user):
    _, homes = block
    response = login(make_user("w2", "grid_worker", tree.g2)).get(reverse("places:household", args=[homes["101"].pk]))
    assert response.status_code == 404 and "张桂兰" not in response.content.decode()


def test_more_members_do_not_add_queries_to_the_household_page(tree, block, login, make_user, make_person,
                                                              django_assert_max_num_queries):
    _, homes = block
    client = login(make_user("w", "grid_worker", tree.g1))
    url = reverse("places:household", args=[homes["102"].pk])
    client.get(url)
    with django_assert_max_num_queries(9) as small:
        client.get(url)
    for _ in range(6):
        make_person(tree.g1, household=homes["102"])
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url)


def test_person_page_links_the_household_address_to_the_household_page(tree, block, login, make_user):
    _, homes = block
    member = homes["101"].members.get(name="张桂兰")
    html = login(make_user("w", "grid_worker", tree.g1)).get(reverse("people:detail", args=[member.pk])).content
    assert reverse("places:household", args=[homes["101"].pk]) in html.decode()


def test_person_page_links_the_household_only_where_its_page_would_open(tree, block, login, make_user):
    """A department colleague may see a person but not their grid: no link to a page that would answer 404."""
    from linli.people.models import RoleAssignment

    _, homes = block
    member = homes["101"].members.get(name="张桂兰")
    RoleAssignment.objects.create(person=member, role="department_handler", department=tree.dept,
                                  starts_on="2020-01-01")
    colleague = make_user("d", "department_handler", department=tree.dept)
    client = login(colleague)
    html = client.get(reverse("people:detail", args=[member.pk])).content.decode()
    assert "张桂兰" in html and reverse("places:household", args=[homes["101"].pk]) not in html
    assert client.get(reverse("places:household", args=[homes["101"].pk])).status_code == 404
