"""Importing people from .xlsx: every kind of bad cell, all-or-nothing, dry runs, matching, scope, limits."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest

from linli.conftest import make_id_number
from linli.people import excel
from linli.people.excel import import_people_file
from linli.people.models import PartyRecord, PartyStage, Person, WorkerProfile
from linli.places.models import Building, BuildingUnit, Household

from .test_excel_support import resident, xlsx


def run(data: bytes, **kw):
    kw.setdefault("dry_run", False)
    return import_people_file(io.BytesIO(data), **kw)


def only_error(report):
    assert not report.ok
    assert len(report.errors) == 1, report.errors
    return report.errors[0]


# --- a good file --------------------------------------------------------------------------------
def test_valid_file_creates_residents_and_workers_with_their_details(tree):
    building = Building.objects.create(grid=tree.g1, name="3栋")
    rows = [
        resident(1, tree.g1.code, 楼栋="3栋", 单元="2", 门牌号="301", 备注="独居老人"),
        resident(2, tree.g1.code, 人员类别="外卖配送员", 平台="美团", 用工单位="巴南站", 职业伤害保障="是",
                 党员发展阶段="积极分子"),
        {"姓名": "无证人员", "性别": "女", "出生日期": "1950-02-03", "所属区域编码": tree.comm_a1.code},
    ]
    report = run(xlsx(rows, headers=[*excel.COLUMNS[:13], "党员发展阶段", "备注"]))
    assert report.ok, report.errors
    assert (report.total, report.created, report.updated) == (3, 3, 0)

    first = Person.objects.get(name="导入1")
    assert first.birth_date == dt.date(1980, 1, 1)  # from the ID-card number
    assert first.gender == "M"
    assert first.household.unit.building == building
    assert (first.household.unit.number, first.household.door) == ("2", "301")
    assert first.area == tree.g1 and first.note == "独居老人"
    assert first.id_suffix == first.id_number[-4:]
    rider = Person.objects.get(name="导入2")
    assert rider.worker.occupation == "food_delivery" and rider.worker.platform == "美团"
    assert rider.worker.injury_protection is True
    assert rider.party.stage == PartyStage.ACTIVIST
    plain = Person.objects.get(name="无证人员")
    assert plain.id_number is None and plain.birth_date == dt.date(1950, 2, 3) and plain.area == tree.comm_a1
    assert first.history.first().history_change_reason == excel.CHANGE_REASON


def test_dates_may_be_real_date_cells_and_numbers_may_be_numeric_cells(tree):
    row = {"姓名": "甲", "出生日期": dt.datetime(1980, 1, 1), "手机号": 13900001111, "所属区域编码": int(tree.g1.code)}
    report = run(xlsx([row]))
    assert report.ok, report.errors
    person = Person.objects.get(name="甲")
    assert (person.mobile, person.area, person.birth_date) == ("13900001111", tree.g1, dt.date(1980, 1, 1))


def test_headers_may_come_in_any_order_and_optional_ones_may_be_left_out(tree):
    data = xlsx([[tree.g1.code, "乙"]], headers=["所属区域编码", "姓名"])
    assert run(data).ok


def test_units_and_households_are_created_once_and_reused(tree, household):
    rows = [resident(1, tree.g1.code, 楼栋="1栋", 单元="1", 门牌号="101"),
            resident(2, tree.g1.code, 楼栋="1栋", 单元="2", 门牌号="201"),
            resident(3, tree.g1.code, 楼栋="1栋", 单元="2", 门牌号="201")]
    assert run(xlsx(rows)).ok
    assert Person.objects.get(name="导入1").household == household
    assert BuildingUnit.objects.count() == 2 and Household.objects.count() == 2
    assert Person.objects.get(name="导入2").household == Person.objects.get(name="导入3").household


# --- every kind of bad cell ---------------------------------------------------------------------
@pytest.mark.parametrize(("column", "value", "message"), [
    ("身份证号", "990101198001010011", "校验位"),
    ("身份证号", "12345", "17 位数字"),
    ("身份证号", 990101198001010010, "文本格式"),
    ("手机号", "12345678901", "11 位"),
    ("出生日期", "1980-13-01", "不是有效的日期"),
    ("出生日期", "去年", "YYYY-MM-DD"),
    ("出生日期", "2999-01-01", "1900-01-01"),
    ("性别", "未知", "男、女"),
    ("人员类别", "厨师", "居民、外卖配送员"),
    ("职业伤害保障", "有", "是、否"),
    ("政治面貌", "党员", "入党申请人"),
    ("姓名", "长" * 51, "最多 50 个字符"),
    ("备注", "长" * 1001, "最多 1000 个字符"),
    ("楼栋", dt.date(2020, 1, 1), "应为文本"),
    ("系统编号", "abc", "整数"),
])
def test_each_bad_cell_is_reported_with_row_column_and_chinese_message(tree, column, value, message):
    rows = [resident(1, tree.g1.code), resident(2, tree.g1.code, **{column: value})]
    report = run(xlsx(rows, headers=[*excel.COLUMNS, "系统编号"]))
    error = report.errors[0]
    assert (error.row, error.column) == (3, column)
    assert message in error.message
    assert Person.objects.count() == 0


def test_missing_name_is_an_error(tree):
    error = only_error(run(xlsx([resident(1, tree.g1.code, 姓名=None)])))
    assert (error.row, error.column, error.message) == (2, "姓名", "姓名为必填项。")


def test_birth_date_and_gender_must_agree_with_the_id_number(tree):
    report = run(xlsx([resident(1, tree.g1.code, 出生日期="1981-01-01", 性别="女")]))
    assert [(e.row, e.column) for e in report.errors] == [(2, "性别"), (2, "出生日期")]
    assert "1980-01-01" in report.errors[1].message


def test_unknown_area_code_and_district_code_are_errors(tree):
    report = run(xlsx([resident(1, "500113009009"), resident(2, tree.district.code)]))
    assert [(e.row, e.column) for e in report.errors] == [(2, "所属区域编码"), (3, "所属区域编码")]
    assert "500113009009" in report.errors[0].message and "没有编码为" in report.errors[0].message
    assert "街道、社区或网格" in report.errors[1].message


def test_new_person_needs_an_area_code(tree):
    error = only_error(run(xlsx([{"姓名": "无区域"}])))
    assert (error.column, error.message) == ("所属区域编码", "新建人员必须填写所属区域编码。")


def test_building_must_exist_in_the_grid(tree, household):
    report = run(xlsx([resident(1, tree.g2.code, 楼栋="1栋", 单元="1", 门牌号="101"),
                       resident(2, tree.comm_a1.code, 楼栋="1栋", 单元="1", 门牌号="101"),
                       resident(3, tree.g1.code, 楼栋="1栋", 门牌号="101")]))
    assert [(e.row, e.column) for e in report.errors] == [(2, "楼栋"), (3, "所属区域编码"), (4, "单元")]
    assert "二网格没有名为“1栋”的楼栋" in report.errors[0].message


def test_worker_columns_need_a_worker_category(tree):
    error = only_error(run(xlsx([resident(1, tree.g1.code, 人员类别="居民", 平台="美团")])))
    assert error.column == "平台" and "新就业群体" in error.message


def test_script_in_text_is_stored_as_plain_text(tree):
    assert run(xlsx([resident(1, tree.g1.code, 备注="<script>alert(1)</script>")])).ok
    assert Person.objects.get().note == "<script>alert(1)</script>"


def test_errors_of_all_rows_are_listed_together_and_nothing_is_written(tree):
    rows = [resident(1, tree.g1.code), resident(2, tree.g1.code, 手机号="123"),
            resident(3, tree.g1.code), resident(4, "999999", 出生日期="x")]
    report = run(xlsx(rows))
    assert not report.ok
    assert [(e.row, e.column) for e in report.errors] == [(3, "手机号"), (5, "出生日期"), (5, "所属区域编码")]
    assert (report.created, report.updated) == (0, 0)
    assert Person.objects.count() == 0


def test_one_bad_row_among_many_writes_nothing(tree, household):
    rows = [resident(n, tree.g1.code, 楼栋="1栋", 单元="9", 门牌号=str(n), 人员类别="快递员") for n in range(1, 120)]
    rows.append(resident(200, tree.g1.code, 身份证号="990101198001010011"))
    report = run(xlsx(rows))
    assert not report.ok and report.errors[0].row == 121
    assert Person.objects.count() == 0 and WorkerProfile.objects.count() == 0
    assert BuildingUnit.objects.count() == 1 and Household.objects.count() == 1


# --- headers ------------------------------------------------------------------------------------
def test_unknown_header_is_one_error(tree):
    error = only_error(run(xlsx([["甲", "x"]], headers=["姓名", "爱好"])))
    assert (error.row, error.column) == (1, "爱好")
    assert "未知的列" in error.message


def test_missing_required_header_is_one_error(tree):
    error = only_error(run(xlsx([[tree.g1.code]], headers=["所属区域编码"])))
    assert (error.row, error.column, error.message) == (1, "姓名", "缺少必填列“姓名”。")


def test_empty_file_and_header_only_file_are_errors(tree):
    assert "没有人员数据" in only_error(run(xlsx([]))).message
    assert "第一行" in only_error(run(xlsx([], headers=[None]))).message


# --- dry run ------------------------------------------------------------------------------------
def test_dry_run_reports_what_would_happen_and_writes_nothing(tree, make_person, household):
    existing = make_person(tree.g1)
    rows = [resident(1, tree.g1.code, 楼栋="1栋", 单元="5", 门牌号="501", 人员类别="快递员", 政治面貌="预备党员"),
            {"姓名": "新名字", "身份证号": existing.id_number}]
    report = run(xlsx(rows), dry_run=True)
    assert report.ok and report.dry_run
    assert (report.total, report.created, report.updated) == (2, 1, 1)
    assert Person.objects.count() == 1 and Person.objects.get().name == existing.name
    assert BuildingUnit.objects.count() == 1 and PartyRecord.objects.count() == 0


# --- matching existing people -------------------------------------------------------------------
def test_birth_date_and_gender_are_filled_from_the_id_number_of_an_existing_person(tree, make_person):
    person = make_person(tree.g1, id_number=make_id_number(43))
    report = run(xlsx([{"姓名": person.name, "身份证号": person.id_number}]))
    assert report.updated == 1
    person.refresh_from_db()
    assert (person.birth_date, person.gender) == (dt.date(1980, 1, 1), "M")


def test_existing_person_is_matched_on_id_number_first(tree, make_person):
    by_id = make_person(tree.g1, name="旧名")
    by_phone = make_person(tree.g1, mobile="13911112222", id_number=None)
    report = run(xlsx([{"姓名": "新名", "身份证号": by_id.id_number, "手机号": "13911112222"}]))
    assert (report.created, report.updated) == (0, 1)
    by_id.refresh_from_db()
    by_phone.refresh_from_db()
    assert by_id.name == "新名" and by_id.mobile == "13911112222"
    assert by_phone.name != "新名"
    assert by_id.history.count() == 2


def test_existing_person_is_matched_on_mobile_when_no_id_number_matches(tree, make_person):
    person = make_person(tree.g1, id_number=None, mobile="13922223333")
    new_id = make_id_number(777)
    report = run(xlsx([{"姓名": person.name, "手机号": "13922223333", "身份证号": new_id, "人员类别": "网约车司机"}]))
    assert (report.created, report.updated) == (0, 1)
    person.refresh_from_db()
    assert person.id_number == new_id and person.worker.occupation == "ride_hailing"


def test_same_phone_with_a_different_id_number_is_a_new_person(tree, make_person):
    parent = make_person(tree.g1, mobile="13922223333")
    report = run(xlsx([resident(1, tree.g1.code, 手机号="13922223333")]))
    assert (report.created, report.updated) == (1, 0)
    assert Person.objects.filter(mobile="13922223333").count() == 2
    parent.refresh_from_db()
    assert parent.name != "导入1"


def test_unchanged_rows_are_counted_as_unchanged(tree, make_person):
    id_number = make_id_number(42)
    person = make_person(tree.g1, id_number=id_number, birth_date=dt.date(1980, 1, 1), gender="F")
    report = run(xlsx([{"姓名": person.name, "身份证号": person.id_number}]))
    assert (report.created, report.updated, report.unchanged) == (0, 0, 1)
    assert person.history.count() == 1


def test_empty_cells_do_not_clear_stored_values(tree, make_person):
    person = make_person(tree.g1, note="保留")
    assert run(xlsx([{"姓名": person.name, "身份证号": person.id_number, "手机号": None, "备注": ""}])).ok
    person.refresh_from_db()
    assert person.note == "保留" and person.mobile


def test_same_id_number_twice_in_the_file_is_an_error_on_the_second_row(tree):
    rows = [resident(1, tree.g1.code), resident(2, tree.g1.code, 身份证号=make_id_number(501))]
    error = only_error(run(xlsx(rows)))
    assert (error.row, error.column, error.message) == (3, "身份证号", "该身份证号与第 2 行重复。")


def test_same_mobile_twice_in_the_file_is_an_error_on_the_second_row(tree):
    rows = [resident(1, tree.g1.code), resident(2, tree.g1.code, 手机号="13900000001")]
    error = only_error(run(xlsx(rows)))
    assert (error.row, error.column, error.message) == (3, "手机号", "该手机号与第 2 行重复。")


def test_two_rows_matching_the_same_person_is_an_error(tree, make_person):
    person = make_person(tree.g1, mobile="13933334444")
    rows = [{"姓名": "甲", "身份证号": person.id_number}, {"姓名": "乙", "手机号": "13933334444"}]
    error = only_error(run(xlsx(rows)))
    assert (error.row, error.column) == (3, "手机号") and "第 2 行" in error.message


def test_masked_number_without_system_number_is_an_error(tree):
    error = only_error(run(xlsx([resident(1, tree.g1.code, 身份证号="9901**********0010")])))
    assert error.column == "身份证号" and "脱敏" in error.message


# --- scope --------------------------------------------------------------------------------------
def test_community_staff_cannot_import_into_another_community(tree, make_user):
    staff = make_user("staff-a1", "community_staff", tree.comm_a1)
    report = run(xlsx([resident(1, tree.g2.code), resident(2, tree.h1.code)]), user=staff)
    error = only_error(report)
    assert (error.row, error.column) == (3, "所属区域编码") and "超出您的管辖范围" in error.message
    assert Person.objects.filter(name__startswith="导入").count() == 0


def test_community_staff_cannot_update_a_person_of_another_community(tree, make_user, make_person):
    staff = make_user("staff-a1", "community_staff", tree.comm_a1)
    outsider = make_person(tree.h1, name="外人")
    error = only_error(run(xlsx([{"姓名": "改名", "身份证号": outsider.id_number}]), user=staff))
    assert error.column == "身份证号" and "管辖范围以外" in error.message
    outsider.refresh_from_db()
    assert outsider.name == "外人"


def test_street_staff_imports_into_any_grid_of_the_street(tree, make_user):
    staff = make_user("staff-a", "street_staff", tree.street_a)
    report = run(xlsx([resident(1, tree.g1.code), resident(2, tree.g2.code)]), user=staff)
    assert report.ok and report.created == 2
    assert Person.objects.get(name="导入1").history.first().history_user == staff


# --- files that are not what they claim ---------------------------------------------------------
def test_text_file_renamed_to_xlsx_is_rejected_with_a_clear_message(tree, tmp_path):
    path = tmp_path / "people.xlsx"
    path.write_text("姓名,手机号\n张三,13800000000\n")
    error = only_error(import_people_file(path, dry_run=True))
    assert error.row == 0 and "不是有效的 Excel (.xlsx) 文件" in error.message


def test_zip_that_is_not_a_workbook_is_rejected(tree):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hi")
    assert "不是有效的 Excel" in only_error(run(buffer.getvalue())).message


def test_broken_workbook_is_rejected_not_crashed(tree):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<bad")
        archive.writestr("xl/workbook.xml", "<bad")
    assert "不是有效的 Excel" in only_error(run(buffer.getvalue())).message


def test_old_xls_file_is_rejected_with_advice(tree):
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100
    assert ".xls" in only_error(run(data)).message


def test_file_over_the_size_limit_is_rejected(tree, monkeypatch):
    monkeypatch.setattr(excel, "MAX_FILE_BYTES", 1000)
    error = only_error(run(b"x" * 1001))
    assert error.row == 0 and "拆分" in error.message


def test_file_with_too_many_rows_is_rejected(tree, monkeypatch):
    monkeypatch.setattr(excel, "MAX_ROWS", 5)
    error = only_error(run(xlsx([resident(n, tree.g1.code) for n in range(1, 7)])))
    assert error.row == 0 and "超过 5 行" in error.message
    assert Person.objects.count() == 0


def test_progress_is_reported_every_fifty_rows_and_at_the_end(tree):
    calls = []
    report = run(xlsx([resident(n, tree.g1.code) for n in range(1, 121)]),
                 progress=lambda done, total: calls.append((done, total)))
    assert report.ok
    assert calls == [(50, 120), (100, 120), (120, 120)]


def test_lookups_are_bulk_not_one_query_per_row(tree, household, django_assert_max_num_queries):
    small = xlsx([resident(n, tree.g1.code, 楼栋="1栋", 单元="1", 门牌号=str(n)) for n in range(1, 4)])
    big = xlsx([resident(n, tree.g1.code, 楼栋="1栋", 单元="1", 门牌号=str(n)) for n in range(1, 301)])
    with django_assert_max_num_queries(12):
        assert run(small, dry_run=True).ok
    with django_assert_max_num_queries(12):
        assert run(big, dry_run=True).ok


def test_row_numbers_are_those_of_the_sheet_even_after_empty_rows(tree):
    rows = [resident(1, tree.g1.code), [None] * len(excel.COLUMNS), [None] * len(excel.COLUMNS),
            resident(2, tree.g1.code, 手机号="1")]
    report = run(xlsx(rows))
    assert [(e.row, e.column) for e in report.errors] == [(5, "手机号")] and report.total == 2


def test_headers_are_matched_without_surrounding_spaces(tree):
    assert run(xlsx([["丙", tree.g1.code]], headers=[" 姓名 ", "所属区域编码\n"])).ok


def test_formatted_empty_rows_at_the_end_are_not_read(tree, monkeypatch):
    monkeypatch.setattr(excel, "MAX_BLANK_RUN", 3)
    blank = [None] * len(excel.COLUMNS)
    report = run(xlsx([resident(1, tree.g1.code), *[blank] * 5, resident(2, tree.g1.code, 手机号="1")]))
    assert report.ok and report.total == 1


# --- non-ASCII digits (issue 14, hole 5) ----------------------------------------------------------
def test_full_width_id_and_mobile_match_the_person_already_on_file(tree, make_person):
    person = make_person(tree.g1, name="旧名", mobile="15400007705")
    full_width = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")
    report = run(xlsx([{"姓名": "新名", "身份证号": person.id_number.translate(full_width),
                        "手机号": "15４00007705"}]))
    assert report.ok, report.errors
    assert (report.created, report.updated) == (0, 1) and Person.objects.count() == 1
    person.refresh_from_db()
    assert person.name == "新名" and person.id_number.isascii() and person.mobile == "15400007705"


def test_arabic_indic_digits_are_a_clear_error_and_write_nothing(tree):
    report = run(xlsx([resident(1, tree.g1.code, 手机号="15٤00001111")]))
    assert not report.ok and Person.objects.count() == 0
    assert "手机号" in str(only_error(report))
