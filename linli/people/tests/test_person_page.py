"""The person page: both ledgers, roles with terms, the party pipeline, history, and the forms on it."""

import datetime as dt

import pytest

from linli.conftest import make_id_number
from linli.people import services
from linli.people.models import ContributionEntry, Person, RoleAssignment, Training
from linli.places.models import Building, BuildingUnit, Household

VALID_ID = "11010519491231002X"


def test_grid_worker_cannot_open_person_of_other_grid(tree, staff, login, make_person):
    other = make_person(tree.g2, name="二网格居民")
    assert login(staff.grid).get(f"/people/{other.pk}/").status_code == 404


def test_street_staff_cannot_open_person_of_other_street(tree, staff, login, make_person):
    other = make_person(tree.h1, name="乙街道居民")
    client = login(staff.street)
    assert client.get(f"/people/{other.pk}/").status_code == 404
    assert client.get(f"/people/{other.pk}/edit/").status_code == 404
    assert client.post(f"/people/{other.pk}/contributions/add/", {"date": "2024-01-01", "what": "x"}).status_code == 404
    assert not ContributionEntry.objects.exists()


def test_unknown_person_is_404(tree, staff, login):
    assert login(staff.district).get("/people/999999/").status_code == 404


def test_person_page_shows_ledger_roles_worker_and_party(tree, staff, login, rider, household):
    rider.household = household
    rider.save()
    Training.objects.create(person=rider, kind="certification", title="电工证", completed_on=dt.date(2024, 3, 1))
    RoleAssignment.objects.create(person=rider, role="building_head", area=tree.g1, starts_on=dt.date(2020, 1, 1),
                                  ends_on=dt.date(2021, 1, 1))
    html = login(staff.community).get(f"/people/{rider.pk}/").content.decode()
    for text in ["基础信息台账", "骑手小王", "1995-05-01", "1栋", "101", "一网格",
                 "志愿者", "在任", "楼栋长", "已卸任", "2020-01-01",
                 "外卖配送员", "美团", "电工证", "入党积极分子", "2023-07-01", "发挥作用台账", "变更记录"]:
        assert text in html, text


def test_volunteer_opens_own_record_without_forms(tree, staff, login):
    html = login(staff.volunteer).get(f"/people/{staff.volunteer.person_id}/").content.decode()
    assert "基础信息台账" in html
    assert "编辑基础信息" not in html and "添加角色" not in html and "登记发挥作用台账" not in html


def test_grid_worker_adds_a_contribution_verified_by_them(tree, staff, login, rider):
    client = login(staff.grid)
    response = client.post(f"/people/{rider.pk}/contributions/add/",
                           {"date": "2024-05-01", "what": "协助排查独居老人", "place": "1栋", "area": tree.g1.pk})
    assert response.status_code == 302
    entry = ContributionEntry.objects.get()
    assert (entry.person, entry.verified_by, entry.area, entry.source) == (rider, staff.grid, tree.g1, "manual")
    html = client.get(f"/people/{rider.pk}/").content.decode()
    assert "协助排查独居老人" in html and "grid-g1" in html


@pytest.mark.parametrize(("data", "message"), [
    ({"date": "2099-01-01", "what": "未来"}, "日期不能晚于今天"),
    ({"date": "2024-01-01", "what": ""}, "这个字段是必填项"),
    ({"date": "not-a-date", "what": "x"}, "有效的日期"),
    ({"date": "2024-01-01", "what": "x" * 201}, "200"),
])
def test_bad_contribution_shows_chinese_error_and_saves_nothing(tree, staff, login, rider, data, message):
    response = login(staff.grid).post(f"/people/{rider.pk}/contributions/add/", data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ContributionEntry.objects.exists()


def test_contribution_area_outside_scope_is_refused(tree, staff, login, rider):
    response = login(staff.grid).post(f"/people/{rider.pk}/contributions/add/",
                                      {"date": "2024-01-01", "what": "x", "area": tree.h1.pk})
    assert response.status_code == 200 and not ContributionEntry.objects.exists()


def test_volunteer_cannot_add_contributions(tree, staff, login):
    own = staff.volunteer.person
    response = login(staff.volunteer).post(f"/people/{own.pk}/contributions/add/", {"date": "2024-01-01", "what": "x"})
    assert response.status_code == 404 and not ContributionEntry.objects.exists()


def test_history_shows_a_role_change_with_who(tree, staff, login, rider):
    client = login(staff.community)
    response = client.post(f"/people/{rider.pk}/roles/add/", {"role": "grid_worker", "area": tree.g1.pk,
                                                              "starts_on": "2024-01-01"})
    assert response.status_code == 302
    assignment = RoleAssignment.objects.get(person=rider, role="grid_worker")
    client.post(f"/people/{rider.pk}/roles/{assignment.pk}/end/", {"ends_on": "2024-06-30"})
    assignment.refresh_from_db()
    assert assignment.ends_on == dt.date(2024, 6, 30)
    rows = services.person_history(rider)
    role_rows = [r for r in rows if r.subject == "专职网格员"]
    assert [r.action for r in role_rows] == ["修改", "新建"]
    assert all(r.who == "community-a1" for r in role_rows)
    assert any(c.label == "任期结束" and c.old == "—" and c.new == "2024-06-30" for c in role_rows[0].changes)
    html = client.get(f"/people/{rider.pk}/").content.decode()
    assert "角色: 专职网格员 · 修改" in html and "community-a1" in html


def test_history_masks_id_and_mobile_changes(tree, staff, login, make_person):
    person = make_person(tree.g1, name="改号", mobile="13800001111")
    services.update_person(staff.community, person, {"mobile": "13922223333"})
    html = login(staff.community).get(f"/people/{person.pk}/").content.decode()
    assert "138****1111 → 139****3333" in html
    assert "13922223333" not in html and "13800001111" not in html


def test_edit_basic_information_keeps_history(tree, staff, login, make_person):
    person = make_person(tree.g1, name="旧名字", id_number=VALID_ID)
    client = login(staff.community)
    form_html = client.get(f"/people/{person.pk}/edit/").content.decode()
    assert VALID_ID not in form_html and "1101**********002X" in form_html  # never pre-filled in full
    response = client.post(f"/people/{person.pk}/edit/", {"name": "新名字", "gender": "", "birth_date": "",
                                                          "id_number": "", "mobile": "", "area": tree.g2.pk})
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.name, person.area, person.id_number) == ("新名字", tree.g2, VALID_ID)
    assert person.birth_date == dt.date(1949, 12, 31)  # read from the ID-card number
    rows = services.person_history(person)
    assert rows[0].who == "community-a1"
    assert any(c.old == "旧名字" and c.new == "新名字" for c in rows[0].changes)
    html = client.get(f"/people/{person.pk}/").content.decode()
    assert "基础信息 · 修改" in html and "姓名: 旧名字 → 新名字" in html and "区域: 一网格 → 二网格" in html


@pytest.mark.parametrize(("field", "value", "message"), [
    ("id_number", VALID_ID[:17] + "1", "校验位不正确"),
    ("id_number", "123", "身份证号为 18 位"),
    ("id_number", "11010519490231002X", "不是有效日期"),
    ("mobile", "12345678901", "手机号码为 11 位数字"),
    ("birth_date", "1950-01-01", "出生日期与身份证号不一致"),
    ("name", "", "这个字段是必填项"),
])
def test_edit_form_errors_are_in_chinese_and_change_nothing(tree, staff, login, make_person, field, value, message):
    person = make_person(tree.g1, name="原样", id_number=VALID_ID, mobile="13800001111")
    data = {"name": "原样", "gender": "", "birth_date": "", "id_number": "", "mobile": "", "area": tree.g1.pk}
    data[field] = value
    response = login(staff.community).post(f"/people/{person.pk}/edit/", data)
    assert response.status_code == 200
    assert message in response.content.decode()
    person.refresh_from_db()
    assert (person.name, person.id_number, person.mobile) == ("原样", VALID_ID, "13800001111")


def test_duplicate_id_number_is_refused(tree, staff, login, make_person):
    make_person(tree.h1, name="别人", id_number=VALID_ID)
    person = make_person(tree.g1, name="本人")
    response = login(staff.community).post(f"/people/{person.pk}/edit/", {
        "name": "本人", "id_number": VALID_ID.lower(), "area": tree.g1.pk})
    assert "该身份证号已登记在另一人名下" in response.content.decode()
    person.refresh_from_db()
    assert person.id_number != VALID_ID


def test_edit_area_outside_scope_is_refused(tree, staff, login, make_person):
    person = make_person(tree.g1)
    response = login(staff.community).post(f"/people/{person.pk}/edit/", {"name": "x", "area": tree.h1.pk})
    assert response.status_code == 200
    person.refresh_from_db()
    assert person.area == tree.g1


def test_grid_worker_cannot_edit(tree, staff, login, make_person):
    person = make_person(tree.g1)
    assert login(staff.grid).post(f"/people/{person.pk}/edit/", {"name": "改", "area": tree.g1.pk}).status_code == 404


@pytest.mark.parametrize(("data", "message"), [
    ({"role": "grid_worker", "area": "g1", "starts_on": "2024-02-01", "ends_on": "2024-01-01"}, "不能早于开始日期"),
    ({"role": "department_handler", "area": "g1", "starts_on": "2024-01-01"}, "部门处理人须选择所属部门"),
    ({"role": "grid_worker", "area": "comm_a1", "starts_on": "2024-01-01"}, "该角色须在网格一级任职"),
    ({"role": "community_staff", "area": "g1", "starts_on": "2024-01-01"}, "该角色须在社区一级任职"),
    ({"role": "building_head", "area": "g1", "starts_on": "2024-01-01"}, "该角色按楼栋任职"),
    ({"role": "grid_worker", "area": "h1", "starts_on": "2024-01-01"}, "选择一个有效的选项"),
    ({"role": "king", "area": "g1", "starts_on": "2024-01-01"}, "选择一个有效的选项"),
])
def test_role_form_validation(tree, staff, login, rider, data, message):
    data = {**data, "area": getattr(tree, data["area"]).pk}
    before = RoleAssignment.objects.count()
    response = login(staff.community).post(f"/people/{rider.pk}/roles/add/", data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert RoleAssignment.objects.count() == before


def test_building_head_is_assigned_to_a_building_in_the_persons_grid(tree, staff, login, rider, household):
    building = household.unit.building
    response = login(staff.community).post(f"/people/{rider.pk}/roles/add/", {
        "role": "building_head", "building": building.pk, "starts_on": "2024-01-01"})
    assert response.status_code == 302
    assert RoleAssignment.objects.get(person=rider, role="building_head").building == building


def test_ending_a_term_before_it_started_is_refused(tree, staff, login, rider):
    assignment = rider.roles.get()
    client = login(staff.community)
    response = client.post(f"/people/{rider.pk}/roles/{assignment.pk}/end/", {"ends_on": "2000-01-01"}, follow=True)
    assert "任期结束日期不能早于开始日期" in response.content.decode()
    assignment.refresh_from_db()
    assert assignment.ends_on is None


def test_name_with_script_is_escaped_on_the_person_page(tree, staff, login, make_person):
    person = make_person(tree.g1, name="<script>alert(1)</script>", note="<b>x</b>")
    html = login(staff.community).get(f"/people/{person.pk}/").content.decode()
    assert "<script>alert(1)</script>" not in html and "<b>x</b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def _grow(person, tree, staff, n):
    for i in range(n):
        RoleAssignment.objects.create(person=person, role="volunteer", area=tree.g1,
                                      starts_on=dt.date(2020, 1, 1 + i % 28))
        ContributionEntry.objects.create(person=person, what=f"服务{i}", area=tree.g1, verified_by=staff.grid)
        Training.objects.create(person=person, kind="training", title=f"培训{i}")
        services.update_person(staff.community, person, {"note": f"备注{i}"})
    building = Building.objects.create(grid=tree.g1, name=f"楼{person.roles.count()}")
    unit = BuildingUnit.objects.create(building=building, number="1")
    person.household = Household.objects.create(unit=unit, door=f"{n}01")
    person.save()


def test_person_page_query_count_does_not_grow_with_history_and_ledgers(
        tree, staff, login, rider, django_assert_max_num_queries):
    client = login(staff.community)
    _grow(rider, tree, staff, 3)
    client.get(f"/people/{rider.pk}/")
    with django_assert_max_num_queries(30) as small:
        assert client.get(f"/people/{rider.pk}/").status_code == 200
    _grow(rider, tree, staff, 40)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(f"/people/{rider.pk}/").status_code == 200


def test_history_service_reads_each_table_once(tree, staff, rider, django_assert_max_num_queries):
    for i in range(30):
        services.update_person(staff.community, rider, {"note": f"{i}", "id_number": make_id_number(i + 50)})
    with django_assert_max_num_queries(4 + 4):  # four history tables + related names (area, household, org, …)
        rows = services.person_history(rider)
    assert len(rows) >= 30
    assert Person.history.filter(id=rider.pk).count() == 31
