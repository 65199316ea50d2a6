"""Exporting people to .xlsx: masked numbers, the template, round trips and bounded queries."""

from __future__ import annotations

import datetime as dt
import io

from openpyxl import load_workbook

from linli.people import excel
from linli.people.excel import export_people, import_people_file, template_workbook
from linli.people.models import PartyRecord, Person, Role, RoleAssignment, WorkerProfile

from .test_excel_support import read_xlsx, resident, xlsx


def test_export_masks_id_and_mobile_and_says_so_in_the_header(tree, make_person):
    person = make_person(tree.g1, birth_date=dt.date(1950, 5, 6))
    data = export_people(Person.objects.all())
    header, row = read_xlsx(data)
    values = dict(zip(header, row, strict=True))
    assert values["身份证号"] == person.masked_id_number != person.id_number
    assert values["手机号"] == person.masked_mobile != person.mobile
    assert person.id_number.encode() not in data and person.mobile.encode() not in data
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    assert "脱敏" in sheet["D1"].comment.text and "脱敏" in sheet["E1"].comment.text
    assert values["系统编号"] == person.pk and values["所属区域编码"] == tree.g1.code
    assert values["年龄"] == person.age and values["出生日期"].date() == dt.date(1950, 5, 6)


def test_export_has_the_import_columns_then_age_roles_and_system_number(tree, make_person, household):
    person = make_person(tree.g1, household=household)
    WorkerProfile.objects.create(person=person, occupation="courier", platform="顺丰", injury_protection=True)
    PartyRecord.objects.create(person=person, stage="member")
    RoleAssignment.objects.create(person=person, role="volunteer", area=tree.g1, starts_on=dt.date(2020, 1, 1))
    RoleAssignment.objects.create(person=person, role="building_head", area=tree.g1, starts_on=dt.date(2020, 1, 1),
                                  ends_on=dt.date(2021, 1, 1))
    header, row = read_xlsx(export_people(Person.objects.all()))
    assert header == excel.COLUMNS + ["年龄", "角色", "系统编号"]
    values = dict(zip(header, row, strict=True))
    assert (values["楼栋"], values["单元"], values["门牌号"]) == ("1栋", "1", "101")
    assert (values["人员类别"], values["平台"], values["职业伤害保障"]) == ("快递员", "顺丰", "是")
    assert values["政治面貌"] == "正式党员"
    assert values["角色"] == str(Role.VOLUNTEER.label)  # the ended term is not listed


def test_text_that_looks_like_a_formula_is_exported_as_text(tree, make_person):
    make_person(tree.g1, name="=HYPERLINK(\"http://x\")", note="<script>alert(1)</script>\x07")
    sheet = load_workbook(io.BytesIO(export_people(Person.objects.all()))).worksheets[0]
    assert sheet["A2"].data_type == "s" and sheet["A2"].value.startswith("=HYPERLINK")
    assert sheet["O2"].value == "<script>alert(1)</script>"


def test_export_then_import_changes_nothing(tree, make_person, make_user, household):
    staff = make_user("staff-a1", "community_staff", tree.comm_a1)
    rows = [resident(1, tree.g1.code, 楼栋="1栋", 单元="2", 门牌号="202", 人员类别="外卖配送员", 平台="美团",
                     职业伤害保障="是", 政治面貌="发展对象", 备注="备注<b>"),
            resident(2, tree.g2.code),
            {"姓名": "无证老人", "出生日期": "1940-02-29", "性别": "女", "所属区域编码": tree.comm_a1.code}]
    assert import_people_file(io.BytesIO(xlsx(rows)), user=staff, dry_run=False).ok
    before = {p.pk: (p.name, p.id_number, p.mobile, p.area_id, p.household_id, p.note, p.birth_date, p.gender)
              for p in Person.objects.all()}
    exported = export_people(Person.objects.filter(area__code__startswith=tree.comm_a1.code))

    report = import_people_file(io.BytesIO(exported), user=staff, dry_run=False)
    assert report.ok, report.errors
    assert (report.created, report.updated, report.unchanged) == (0, 0, 4)
    after = {p.pk: (p.name, p.id_number, p.mobile, p.area_id, p.household_id, p.note, p.birth_date, p.gender)
             for p in Person.objects.all()}
    assert after == before


def test_edited_export_updates_the_person_by_system_number(tree, make_person):
    person = make_person(tree.g1, name="旧名")
    sheet = load_workbook(io.BytesIO(export_people(Person.objects.all())))
    sheet.worksheets[0]["A2"] = "新名"
    buffer = io.BytesIO()
    sheet.save(buffer)
    report = import_people_file(io.BytesIO(buffer.getvalue()), dry_run=False)
    assert report.ok and report.updated == 1
    person.refresh_from_db()
    assert person.name == "新名" and person.mobile  # masked mobile kept the stored number


def test_masked_number_of_someone_else_is_refused(tree, make_person):
    first, second = make_person(tree.g1), make_person(tree.g1)
    data = xlsx([{"姓名": first.name, "身份证号": second.masked_id_number, "系统编号": first.pk}],
                headers=[*excel.COLUMNS, "系统编号"])
    report = import_people_file(io.BytesIO(data), dry_run=True)
    assert [(e.row, e.column) for e in report.errors] == [(2, "身份证号")]


def test_export_runs_a_bounded_number_of_queries(tree, make_person, django_assert_max_num_queries):
    for _ in range(3):
        make_person(tree.g1)
    with django_assert_max_num_queries(3):
        export_people(Person.objects.all())
    for _ in range(60):
        make_person(tree.g1)
    with django_assert_max_num_queries(3):
        export_people(Person.objects.all())


def test_export_of_ten_thousand_people(tree):
    Person.objects.bulk_create(Person(name=f"人{n}", area=tree.g1, mobile=f"137{n:08d}") for n in range(10_000))
    rows = read_xlsx(export_people(Person.objects.all()))
    assert len(rows) == 10_001 and rows[-1][4] == "137****9999"


def test_template_has_the_headers_an_example_and_imports_in_a_dry_run(tree, household):
    data = template_workbook()
    header, example = read_xlsx(data)
    assert header == excel.COLUMNS and example[0] == "张三"
    assert load_workbook(io.BytesIO(data)).worksheets[0]["A1"].comment is not None
    report = import_people_file(io.BytesIO(data), dry_run=True)
    # the example's area code is the fixture's first grid, so the only problem is nothing else
    assert report.ok, report.errors
