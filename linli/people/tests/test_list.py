"""The people list: search, filters, the reserve pool, pagination by key, scope and query counts."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from linli.people.filters import years_before
from linli.people.models import PartyRecord, Person, RoleAssignment, WorkerProfile
from linli.people.services import InvalidFilter, filter_people

VALID_ID = "11010519491231002X"


def names(response) -> set[str]:
    """Names in the list's table (not the navigation's link to one's own record)."""
    html = response.content.decode().partition('<table class="people-table">')[2]
    return set(re.findall(r'<a href="/people/\d+/">([^<]+)</a>', html))


def test_district_admin_sees_everyone_with_masked_mobile_and_count(tree, staff, login, make_person):
    make_person(tree.g1, name="张三", mobile="13812341234")
    make_person(tree.h1, name="李四")
    response = login(staff.district).get("/people/")
    html = response.content.decode()
    assert {"张三", "李四"} <= names(response)
    assert "138****1234" in html and "13812341234" not in html
    assert "10 人" in html  # 8 staff users' own people + 2


def test_grid_worker_sees_only_people_of_their_grid(tree, staff, login, make_person):
    make_person(tree.g1, name="本网格居民")
    make_person(tree.g2, name="隔壁网格居民")
    make_person(tree.h1, name="外街道居民")
    shown = names(login(staff.grid).get("/people/"))
    assert "本网格居民" in shown
    assert not shown & {"隔壁网格居民", "外街道居民"}


def test_search_by_part_of_the_name(tree, staff, login, make_person):
    make_person(tree.g1, name="王小明")
    make_person(tree.g1, name="李大伟")
    assert names(login(staff.community).get("/people/", {"q": "小明"})) == {"王小明"}


def test_search_by_last_four_of_id_or_mobile(tree, staff, login, make_person):
    make_person(tree.g1, name="身份证尾号", id_number=VALID_ID)
    make_person(tree.g1, name="手机尾号", mobile="13955556789")
    client = login(staff.community)
    assert names(client.get("/people/", {"q": "002x"})) == {"身份证尾号"}
    assert names(client.get("/people/", {"q": "6789"})) == {"手机尾号"}


def test_search_by_masked_phone_as_shown_on_screen(tree, staff, login, make_person):
    make_person(tree.g1, name="对的人", mobile="13812345678")
    make_person(tree.g1, name="同尾号不同号段", mobile="13912345678")
    assert names(login(staff.community).get("/people/", {"q": "138****5678"})) == {"对的人"}


def test_search_by_full_mobile_or_full_id_number(tree, staff, login, make_person):
    make_person(tree.g1, name="甲", mobile="13812345678", id_number=VALID_ID)
    make_person(tree.g1, name="乙", mobile="13812340000")
    client = login(staff.community)
    assert names(client.get("/people/", {"q": "138 1234 5678"})) == {"甲"}
    assert names(client.get("/people/", {"q": VALID_ID.lower()})) == {"甲"}
    assert names(client.get("/people/", {"q": "1101**********002X"})) == {"甲"}


def test_area_filter_includes_everything_under_the_area(tree, staff, login, make_person):
    make_person(tree.g1, name="一网格人")
    make_person(tree.g2, name="二网格人")
    make_person(tree.h1, name="乙街道人")
    shown = names(login(staff.district).get("/people/", {"area": tree.comm_a1.code}))
    assert {"一网格人", "二网格人"} <= shown and "乙街道人" not in shown


def test_area_outside_the_scope_is_refused_with_a_chinese_message(tree, staff, login):
    response = login(staff.street).get("/people/", {"area": tree.street_b.code})
    assert response.status_code == 200
    assert "请在您的管辖范围内选择区域" in response.content.decode()
    assert names(response) == set()


@pytest.mark.parametrize("params", [{"role": "king"}, {"age": "old"}, {"area": "12ab"}, {"after": "x"},
                                    {"party": "x"}, {"occupation": "pilot"}, {"q": "x" * 51}])
def test_invalid_filter_values_give_a_message_not_an_error(tree, staff, login, params):
    response = login(staff.district).get("/people/", params)
    assert response.status_code == 200
    assert "请更正上面的筛选条件" in response.content.decode()


def test_filter_people_service_raises_an_invalid_filter_error():
    with pytest.raises(InvalidFilter) as exc:
        filter_people(Person.objects.all(), {"age": "200"})
    assert "age" in exc.value.message_dict


def test_role_filter_shows_current_role_holders_only(tree, staff, login, make_person):
    now = make_person(tree.g1, name="现任楼栋长")
    before = make_person(tree.g1, name="前任楼栋长")
    RoleAssignment.objects.create(person=now, role="volunteer", area=tree.g1, starts_on=dt.date(2020, 1, 1))
    RoleAssignment.objects.create(person=before, role="volunteer", area=tree.g1, starts_on=dt.date(2020, 1, 1),
                                  ends_on=dt.date(2021, 1, 1))
    assert names(login(staff.community).get("/people/", {"role": "volunteer"})) == {"现任楼栋长", "volunteer"}


def test_occupation_filter(tree, staff, login, make_person):
    rider = make_person(tree.g1, name="外卖骑手")
    courier = make_person(tree.g1, name="快递小哥")
    WorkerProfile.objects.create(person=rider, occupation="food_delivery")
    WorkerProfile.objects.create(person=courier, occupation="courier")
    assert names(login(staff.community).get("/people/", {"occupation": "courier"})) == {"快递小哥"}


@pytest.mark.parametrize(("band", "inside", "outside"), [
    ("0-17", 17, 18), ("18-35", 18, 17), ("18-35", 35, 36), ("36-59", 59, 60),
    ("60-79", 60, 59), ("60-79", 79, 80), ("80+", 80, 79),
])
def test_age_band_edges(tree, staff, login, make_person, band, inside, outside):
    today = timezone.localdate()
    make_person(tree.g1, name="在内", birth_date=years_before(today, inside))
    make_person(tree.g1, name="在外", birth_date=years_before(today, outside))
    make_person(tree.g1, name="无生日", birth_date=None)
    assert names(login(staff.community).get("/people/", {"age": band})) == {"在内"}


def test_party_stage_filter_and_reserve_pool(tree, staff, login, make_person):
    for name, stage in [("申请人", "applicant"), ("积极分子", "activist"), ("发展对象", "target"),
                        ("预备党员", "probationary"), ("正式党员", "member")]:
        PartyRecord.objects.create(person=make_person(tree.g1, name=name), stage=stage)
    make_person(tree.g1, name="群众")
    client = login(staff.community)
    assert names(client.get("/people/", {"party": "member"})) == {"正式党员"}
    reserve = client.get("/people/", {"view": "reserve"})
    assert names(reserve) == {"申请人", "积极分子", "发展对象"}
    assert "<h1>后备力量资源库</h1>" in reserve.content.decode()


def test_pages_by_key_have_no_duplicates_or_gaps(tree, staff, login, make_person):
    Person.objects.bulk_create(Person(name=f"翻页{n:03d}", area=tree.g1) for n in range(120))
    client = login(staff.community)
    seen, url, pages = [], "/people/?q=翻页", 0
    while url:
        response = client.get(url)
        html = response.content.decode()
        seen += re.findall(r'<a href="/people/\d+/">(翻页\d+)</a>', html)
        match = re.search(r'<a href="(\?[^"]+)" rel="next">', html)
        url = "/people/" + match[1].replace("&amp;", "&") if match else None
        pages += 1
    assert pages == 3
    assert len(seen) == len(set(seen)) == 120
    assert seen == sorted(seen)  # stable order by id


def test_next_page_link_keeps_the_filters(tree, staff, login, make_person):
    Person.objects.bulk_create(Person(name=f"人{n}", area=tree.g1) for n in range(60))
    html = login(staff.community).get("/people/", {"area": tree.g1.code}).content.decode()
    assert f"area={tree.g1.code}&amp;after=" in html
    assert "下一页" in html


def test_empty_state_when_nobody_matches(tree, staff, login):
    html = login(staff.community).get("/people/", {"q": "查无此人"}).content.decode()
    assert "没有符合筛选条件的人员" in html


def test_export_link_carries_the_filters(tree, staff, login):
    html = login(staff.community).get("/people/", {"occupation": "courier"}).content.decode()
    assert 'href="/people/export.xlsx?occupation=courier"' in html
    assert "导出 Excel" in html


def test_volunteer_without_export_right_sees_no_export_link(tree, staff, login):
    html = login(staff.volunteer).get("/people/").content.decode()
    assert "export.xlsx" not in html


def test_name_with_script_is_escaped_in_the_list(tree, staff, login, make_person):
    make_person(tree.g1, name="<script>alert(1)</script>")
    html = login(staff.community).get("/people/").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_list_needs_login(client):
    response = client.get("/people/")
    assert response.status_code == 302 and "/login/" in response.url


def _populate(tree, make_person, n):
    for i in range(n):
        person = make_person(tree.g1 if i % 2 else tree.g2, birth_date=dt.date(1960 + i % 40, 1, 1))
        RoleAssignment.objects.create(person=person, role="volunteer", area=person.area, starts_on=dt.date(2020, 1, 1))
        RoleAssignment.objects.create(person=person, role="building_guardian", area=person.area,
                                      starts_on=dt.date(2020, 1, 1))


@pytest.mark.parametrize("params", [{}, {"q": "居民", "age": "60-79", "role": "volunteer"}])
def test_list_query_count_does_not_grow_with_the_number_of_people(
        tree, staff, login, make_person, django_assert_max_num_queries, params):
    client = login(staff.community)
    _populate(tree, make_person, 5)
    client.get("/people/", params)  # warm-up (session, content types)
    with django_assert_max_num_queries(9) as small:  # 8 for the list, 1 for the unread-messages badge
        assert client.get("/people/", params).status_code == 200
    _populate(tree, make_person, 55)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get("/people/", params).status_code == 200


def test_export_with_an_invalid_filter_shows_the_message_not_an_error(tree, staff, login):
    response = login(staff.community).get("/people/export.xlsx", {"age": "old"}, follow=True)
    assert response.status_code == 200
    assert "请更正上面的筛选条件" in response.content.decode()
