"""The home page and navigation bar give each role the links to what it does, and no others."""

import pytest
from django.urls import reverse

from linli.core.models import User
from linli.places.models import PartnerUnit

PEOPLE, IMPORT, TREE, MAP, ADMIN = "/people/", "/people/import/", "/places/tree/", "/places/map/", "/admin/"
ALL_LINKS = {PEOPLE, IMPORT, TREE, MAP, ADMIN}
INBOX, BOARD = "/cases/inbox/", "/cases/board/"


@pytest.fixture
def shop(tree):
    return PartnerUnit.objects.create(kind="sponsor_shop", name="好邻居超市", area=tree.comm_a1)


def home_links(client, user) -> tuple[set[str], str]:
    client.force_login(user)
    page = client.get(reverse("home"))
    assert page.status_code == 200
    html = page.content.decode()
    return {url for url in ALL_LINKS | {grid_url(c) for c in CODES} if f'href="{url}"' in html}, html


CODES = ["500113001001001", "500113001001002", "500113002001001"]


def grid_url(code):
    return f"/places/grids/{code}/"


def me(user):
    return f"/people/{user.person_id}/"


@pytest.mark.parametrize("role", ["grid_worker", "part_time_grid_member"])
def test_grid_member_sees_their_grid_people_and_map_only(client, tree, make_user, role):
    user = make_user("w", role, tree.g1)
    links, html = home_links(client, user)
    assert links == {PEOPLE, grid_url(tree.g1.code), MAP}
    assert f'href="{me(user)}"' in html
    assert "本网格人员" in html and "一网格" in html  # the grid's tile bears its name


def test_grid_worker_of_two_grids_gets_a_tile_for_each(client, tree, make_user):
    from linli.people.models import RoleAssignment

    user = make_user("w", "grid_worker", tree.g1)
    RoleAssignment.objects.create(person=user.person, role="grid_worker", area=tree.g2, starts_on="2020-01-01")
    links, html = home_links(client, user)
    assert {grid_url(tree.g1.code), grid_url(tree.g2.code)} <= links
    assert "一网格" in html and "二网格" in html


@pytest.mark.parametrize("role, area", [("community_staff", "comm_a1"), ("street_staff", "street_a"),
                                        ("district_admin", "district")])
def test_staff_see_people_import_tree_and_map_but_no_admin(client, tree, make_user, role, area):
    user = make_user("s", role, getattr(tree, area))
    links, html = home_links(client, user)
    assert links == {PEOPLE, IMPORT, TREE, MAP}
    assert "人员" in html and "导入人员" in html and "组织架构" in html and "网格地图" in html


def test_staff_with_admin_access_also_see_the_admin(client, tree, make_user):
    user = make_user("s", "community_staff", tree.comm_a1)
    user.is_staff = True
    user.save()
    links, html = home_links(client, user)
    assert links == {PEOPLE, IMPORT, TREE, MAP, ADMIN}
    assert "管理后台" in html


def test_superuser_sees_everything_including_admin(client, tree):
    user = User.objects.create_superuser("root", password="x-long-password")
    links, html = home_links(client, user)
    assert links == {PEOPLE, IMPORT, TREE, MAP, ADMIN}
    assert "我的台账" not in html  # no person linked, no record


def test_department_handler_sees_the_case_inbox_and_no_people(client, tree, make_user):
    user = make_user("d", "department_handler", department=tree.dept)
    links, html = home_links(client, user)
    assert links == set()
    assert f'href="{INBOX}"' in html and f'href="{BOARD}"' not in html
    assert f'href="{me(user)}"' in html


def test_sponsor_staff_confirm_codes_and_see_no_people_or_case_desk(client, tree, make_user, shop):
    user = make_user("p", "sponsor_staff", partner=shop, home=tree.g1)
    links, html = home_links(client, user)
    assert links == set()
    assert f'href="{reverse("points:shop")}"' in html
    assert f'href="{INBOX}"' not in html and f'href="{BOARD}"' not in html


def test_everyone_signed_in_can_report_and_follow_their_reports(client, tree, make_user):
    user = make_user("r", home=tree.g1)
    _links, html = home_links(client, user)
    assert f'href="{reverse("cases:report")}"' in html and f'href="{reverse("cases:mine")}"' in html
    assert f'href="{reverse("cases:public_list")}"' in html and f'href="{INBOX}"' not in html
    assert f'href="{reverse("points:points")}"' in html
    assert f'href="{reverse("points:shop")}"' not in html


def test_staff_get_the_dispatch_board_and_intake(client, tree, make_user):
    user = make_user("c", "community_staff", tree.comm_a1)
    _links, html = home_links(client, user)
    assert f'href="{BOARD}"' in html and f'href="{reverse("cases:new")}"' in html and f'href="{INBOX}"' in html


@pytest.mark.parametrize("role", [None, "volunteer", "building_head"])
def test_resident_or_rider_sees_only_their_own_record(client, tree, make_user, role):
    user = make_user("r", role, tree.g1)
    links, html = home_links(client, user)
    assert links == set()
    assert f'href="{me(user)}"' in html and "我的台账" in html
    assert f'href="{INBOX}"' not in html


def test_user_without_person_or_role_is_told_to_ask_the_community(client, db):
    user = User.objects.create_user("nobody", password="x-long-password")
    links, html = home_links(client, user)
    assert links == set()
    assert "尚未分配角色" in html


def test_home_shows_role_names_in_chinese(client, tree, make_user):
    user = make_user("w", "grid_worker", tree.g1)
    _links, html = home_links(client, user)
    assert "专职网格员" in html
    assert "Full-time grid worker" not in html


def test_navigation_bar_repeats_the_main_links_and_marks_the_current_page(client, tree, make_user):
    user = make_user("s", "community_staff", tree.comm_a1)
    client.force_login(user)
    html = client.get(reverse("home")).content.decode()
    nav = html[html.index('<nav class="mainnav"'):html.index("</nav>")]
    for url in (PEOPLE, IMPORT, TREE, MAP, me(user)):
        assert f'href="{url}"' in nav
    assert '<a href="/" aria-current="page">首页</a>' in nav


def test_navigation_marks_my_record_not_people_on_my_person_page(rf, tree, make_user):
    from linli.home.context_processors import frame

    user = make_user("s", "community_staff", tree.comm_a1)
    request = rf.get(me(user))
    request.user = user
    links = frame(request)["nav_links"]()
    current = [link["url"] for link in links if link["current"]]
    assert current == [me(user)]


def test_anonymous_visitor_is_sent_to_sign_in(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_home_page_query_count_does_not_grow_with_grids(client, tree, make_user, django_assert_max_num_queries):
    from linli.people.models import RoleAssignment
    from linli.places.models import Area

    user = make_user("w", "grid_worker", tree.g1)
    client.force_login(user)
    with django_assert_max_num_queries(8):  # session, user, roles, grids, hotline duty now, stations to call,
        # unread messages, headroom
        client.get(reverse("home"))
    for n in range(3, 13):
        grid = Area.objects.create(level="grid", code=f"500113001001{n:03d}", name=f"{n}网格", parent=tree.comm_a1)
        RoleAssignment.objects.create(person=user.person, role="grid_worker", area=grid, starts_on="2020-01-01")
    with django_assert_max_num_queries(8):  # session, user, roles, grids, hotline duty now, stations to call,
        # unread messages, headroom
        assert client.get(reverse("home")).status_code == 200


def test_home_page_offers_one_tap_calls_to_the_stations_of_the_users_own_grid_and_community(client, tree, make_user):
    from linli.places.models_stations import ServiceStation

    def station(name, area, phone="023-66220001", **kwargs):
        return ServiceStation.objects.create(name=name, area=area, address="x", lat=29.4, lng=106.5,
                                             contact_phone=phone, **kwargs)

    station("甲一社区党群服务站", tree.comm_a1, "023-66220001")
    station("一网格服务点", tree.g1, "023-66220002")
    station("二网格服务点", tree.g2, "023-66220003")  # the neighbouring grid: not this resident's
    station("乙一社区服务站", tree.comm_b1, "023-66220004")  # another street
    station("无电话服务点", tree.comm_a1, "")
    station("停用服务站", tree.comm_a1, "023-66220005", active=False)
    resident = make_user("resident", home=tree.g1)
    _, html = home_links(client, resident)
    assert html.count('href="tel:') == 2
    assert html.index('href="tel:023-66220002"') < html.index('href="tel:023-66220001"')  # own grid's first
    assert "一网格服务点" in html and "二网格服务点" not in html and "乙一社区服务站" not in html


def test_home_page_has_no_call_section_without_a_station_phone_or_a_person(client, tree, make_user, db):
    _, html = home_links(client, make_user("resident", home=tree.g1))
    assert 'href="tel:' not in html and "hotlines-title" not in html
    _, html = home_links(client, User.objects.create_user("nobody", password="x-9-correct-horse"))
    assert "hotlines-title" not in html
