"""The people sheet's columns and what an import reports (the size limits are on the package)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from linli.places.models import AreaLevel

from ..models import Gender, Occupation, PartyStage

PROGRESS_EVERY = 50
EXPORT_CHUNK = 1000
CHANGE_REASON = "Excel import"

# --- The columns ------------------------------------------------------------------------------
# Header text is part of the file format (the files are made by Chinese-speaking staff), so it is
# fixed Chinese, not translated.
NAME, GENDER, BIRTH, ID_NUMBER, MOBILE = "姓名", "性别", "出生日期", "身份证号", "手机号"
AREA, BUILDING, UNIT, DOOR = "所属区域编码", "楼栋", "单元", "门牌号"
CATEGORY, PLATFORM, EMPLOYER, INJURY = "人员类别", "平台", "用工单位", "职业伤害保障"
PARTY, NOTE = "政治面貌", "备注"
SYSTEM_ID, AGE, ROLES = "系统编号", "年龄", "角色"

COLUMNS = [NAME, GENDER, BIRTH, ID_NUMBER, MOBILE, AREA, BUILDING, UNIT, DOOR, CATEGORY, PLATFORM, EMPLOYER,
           INJURY, PARTY, NOTE]
REQUIRED = {NAME}
HEADER_ALIASES = {"党员发展阶段": PARTY}
# Written by the export, accepted on import: the system number is used for matching, the rest ignored.
EXPORT_EXTRA = [AGE, ROLES, SYSTEM_ID]
IGNORED_ON_IMPORT = {AGE, ROLES}

MAX_LENGTH = {NAME: 50, PLATFORM: 50, EMPLOYER: 100, BUILDING: 100, UNIT: 20, DOOR: 20, NOTE: 1000}

GENDERS = {"男": Gender.MALE, "女": Gender.FEMALE}
GENDER_LABELS: dict[str, str] = {v: k for k, v in GENDERS.items()}
RESIDENT = "居民"
CATEGORIES: dict[str, str | None] = {
    RESIDENT: None,
    "外卖配送员": Occupation.FOOD_DELIVERY,
    "快递员": Occupation.COURIER,
    "网约车司机": Occupation.RIDE_HAILING,
    "其他": Occupation.OTHER,
}
CATEGORY_LABELS = {v: k for k, v in CATEGORIES.items() if v}
YES_NO = {"是": True, "否": False}
PARTY_STAGES: dict[str, str | None] = {
    "入党申请人": PartyStage.APPLICANT,
    "积极分子": PartyStage.ACTIVIST,
    "入党积极分子": PartyStage.ACTIVIST,
    "发展对象": PartyStage.TARGET,
    "预备党员": PartyStage.PROBATIONARY,
    "中共预备党员": PartyStage.PROBATIONARY,
    "正式党员": PartyStage.MEMBER,
    "中共党员": PartyStage.MEMBER,
    # Not in the party pipeline: accepted, changes nothing.
    "群众": None,
    "共青团员": None,
}
PARTY_LABELS = {PartyStage.APPLICANT: "入党申请人", PartyStage.ACTIVIST: "积极分子", PartyStage.TARGET: "发展对象",
                PartyStage.PROBATIONARY: "预备党员", PartyStage.MEMBER: "正式党员"}
IMPORT_LEVELS = {AreaLevel.STREET, AreaLevel.COMMUNITY, AreaLevel.GRID}
_DATE_RE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")


# --- Results ----------------------------------------------------------------------------------
@dataclass
class RowError:
    """One problem: ``row`` is the Excel row number the user sees (0 = the whole file)."""

    row: int
    column: str
    message: str


@dataclass
class ImportReport:
    ok: bool = False
    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    dry_run: bool = True
    errors: list[RowError] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly form (stored on a background job)."""
        return {"ok": self.ok, "total": self.total, "created": self.created, "updated": self.updated,
                "unchanged": self.unchanged, "dry_run": self.dry_run,
                "errors": [[e.row, e.column, e.message] for e in self.errors]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ImportReport:
        errors = [RowError(*e) for e in data.get("errors", [])]
        return cls(ok=data.get("ok", False), total=data.get("total", 0), created=data.get("created", 0),
                   updated=data.get("updated", 0), unchanged=data.get("unchanged", 0),
                   dry_run=data.get("dry_run", True), errors=errors)


class FileRejected(Exception):
    """The file as a whole cannot be read (too large, not an .xlsx, bad headers …)."""

    def __init__(self, errors: list[RowError]):
        super().__init__(errors[0].message if errors else "")
        self.errors = errors
