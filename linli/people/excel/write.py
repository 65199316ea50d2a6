"""Writing workbooks: the export of people (ID-card and mobile numbers masked) and the empty template."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill

import linli.people.excel as limits
from linli.core.xlsx import safe_cell

from ..models import Person, RoleAssignment
from .columns import (
    AGE,
    AREA,
    BIRTH,
    BUILDING,
    CATEGORY,
    CATEGORY_LABELS,
    COLUMNS,
    DOOR,
    EMPLOYER,
    EXPORT_CHUNK,
    EXPORT_EXTRA,
    GENDER,
    GENDER_LABELS,
    ID_NUMBER,
    INJURY,
    MOBILE,
    NAME,
    NOTE,
    PARTY,
    PARTY_LABELS,
    PLATFORM,
    RESIDENT,
    ROLES,
    SYSTEM_ID,
    UNIT,
)

_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="F2DCDB")
MASK_NOTE = "导出文件中的身份证号和手机号已脱敏（部分以 * 显示）。重新导入时保留“系统编号”列即可保持原号码不变。"


def _header_cells(sheet, headers: list[str], notes: dict[str, str]) -> list[WriteOnlyCell]:
    cells = []
    for name in headers:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
        if name in notes:
            cell.comment = Comment(notes[name], "邻里")
        cells.append(cell)
    return cells


COLUMN_NOTES = {
    NAME: "必填，最多 50 个字。",
    GENDER: "男 或 女；填写身份证号时可留空。",
    BIRTH: "日期格式 YYYY-MM-DD；须与身份证号一致。",
    ID_NUMBER: "18 位，以文本格式填写。",
    MOBILE: "11 位手机号。",
    AREA: "街道（9 位）、社区（12 位）或网格（15 位）编码；新建人员必填。",
    BUILDING: "选填；填写时须为该网格下已有的楼栋，并同时填写单元和门牌号。",
    CATEGORY: "居民、外卖配送员、快递员、网约车司机 或 其他。",
    INJURY: "是 或 否（仅新就业群体）。",
    PARTY: "选填：入党申请人、积极分子、发展对象、预备党员、正式党员。",
}


def _save(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _person_row(person: Person) -> list[Any]:
    home = person.household
    worker = getattr(person, "worker", None)
    party = getattr(person, "party", None)
    roles = "、".join(sorted({r.get_role_display()
                              for r in person.current_roles}))  # type: ignore[attr-defined]  # the prefetch
    return [
        person.name,
        GENDER_LABELS.get(person.gender, ""),
        person.birth_date,
        person.masked_id_number,
        person.masked_mobile,
        person.area.code,
        home.unit.building.name if home else "",
        home.unit.number if home else "",
        home.door if home else "",
        CATEGORY_LABELS.get(worker.occupation, "") if worker else RESIDENT,
        worker.platform if worker else "",
        worker.employer if worker else "",
        ("是" if worker.injury_protection else "否") if worker else "",
        PARTY_LABELS.get(party.stage, "") if party else "",
        person.note,
        person.age,
        roles,
        person.pk,
    ]


def export_queryset(qs: QuerySet) -> QuerySet:
    """``qs`` with everything one export row needs, fetched in a fixed number of queries per chunk."""
    return (qs.select_related("area", "household__unit__building", "worker", "party")
            .prefetch_related(Prefetch("roles", queryset=RoleAssignment.objects.current(), to_attr="current_roles"))
            .order_by("pk"))


def export_people(qs: QuerySet) -> bytes:
    """An .xlsx of the people in ``qs`` (already scoped and filtered), ID-card and mobile numbers masked.

    The columns are the import columns plus 年龄, 角色 and 系统编号, so an export can be edited and imported.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("人员")
    headers = COLUMNS + EXPORT_EXTRA
    notes = {ID_NUMBER: MASK_NOTE, MOBILE: MASK_NOTE,
             SYSTEM_ID: "系统内部编号，用于重新导入时匹配人员；新增人员请留空。",
             AGE: "按出生日期计算，导入时忽略。", ROLES: "当前担任的角色，导入时忽略。"}
    for index, width in enumerate([10, 6, 12, 22, 14, 18, 10, 6, 8, 12, 10, 16, 12, 12, 24, 6, 20, 10]):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.freeze_panes = "A2"
    sheet.append(_header_cells(sheet, headers, notes))
    for person in export_queryset(qs).iterator(chunk_size=EXPORT_CHUNK):
        sheet.append([_date_cell(sheet, value) if isinstance(value, dt.date) else safe_cell(sheet, value)
                      for value in _person_row(person)])
    info = workbook.create_sheet("说明")
    info.append(["说明"])
    info.append([MASK_NOTE])
    info.append([f"导出时间：{timezone.localtime():%Y-%m-%d %H:%M}"])
    return _save(workbook)


def _date_cell(sheet, value: dt.date) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = "yyyy-mm-dd"
    return cell


def template_workbook() -> bytes:
    """An empty import file: the headers (with a note on each) and one example row to overwrite."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("人员")
    for index in range(len(COLUMNS)):
        sheet.column_dimensions[chr(ord("A") + index)].width = 14
    sheet.append(_header_cells(sheet, COLUMNS, COLUMN_NOTES))
    example = {NAME: "张三", GENDER: "男", BIRTH: "1990-03-07", ID_NUMBER: "", MOBILE: "13800000000",
               AREA: "500113001001001", BUILDING: "1栋", UNIT: "1", DOOR: "101", CATEGORY: "外卖配送员",
               PLATFORM: "美团", EMPLOYER: "某配送站", INJURY: "是", PARTY: "积极分子", NOTE: "示例行，导入前请删除"}
    sheet.append([safe_cell(sheet, example[c]) for c in COLUMNS])
    info = workbook.create_sheet("说明")
    for line in [
        "第一行为列标题，列的顺序可以调整；“姓名”为必填列。",
        "已有人员按系统编号、身份证号、手机号依次匹配并更新，其余新建；留空的单元格不会清除已有信息。",
        "所有行都通过检查后才会导入；任何一行有错误时不写入任何数据。",
        f"文件不超过 {limits.MAX_FILE_BYTES // (1024 * 1024)} MB，不超过 {limits.MAX_ROWS} 行。",
        *[f"{name}：{note}" for name, note in COLUMN_NOTES.items()],
    ]:
        info.append([line])
    return _save(workbook)
