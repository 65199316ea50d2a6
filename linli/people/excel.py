"""Excel (.xlsx) import and export of people: residents and new-employment workers.

The file format is a sheet whose first row holds Chinese column headers (see ``COLUMNS``), in any
order.  An import is checked in full first (every bad cell is reported with its row, column and a
Chinese message); nothing is written unless every row passes, and then everything is written in one
transaction.  A dry run stops after the check and reports what would be created and updated.

Existing people are matched on the system number (``系统编号``, written by the export), then on the
ID-card number, then on the mobile number.  An export masks ID-card and mobile numbers; a masked value
in a re-imported file means "unchanged" when the row also carries the person's system number.
Empty cells never clear stored values.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from linli.core.identifiers import (
    birth_date_from_id,
    mask_id_number,
    mask_mobile,
    normalise_id_number,
    normalise_mobile,
    validate_id_number,
    validate_mobile,
)
from linli.core.scope import Scope, scope_for
from linli.places.models import Area, AreaLevel, Building, BuildingUnit, Household

from .models import Gender, Occupation, PartyRecord, PartyStage, Person, RoleAssignment, WorkerProfile

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024  # a 5 MB file that inflates beyond this is a zip bomb
MAX_BLANK_RUN = 10_000  # this many empty rows in a row end the sheet
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
GENDER_LABELS = {v: k for k, v in GENDERS.items()}
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


# --- Reading the file -------------------------------------------------------------------------
def _read_bytes(source: str | Path | BinaryIO) -> bytes:
    if isinstance(source, str | Path):
        path = Path(source)
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                raise FileRejected([_file_error(_too_large_message())])
            return path.read_bytes()
        except OSError:
            raise FileRejected([_file_error(_("The file cannot be opened."))]) from None
    size = getattr(source, "size", None)
    if size is not None and size > MAX_FILE_BYTES:
        raise FileRejected([_file_error(_too_large_message())])
    if hasattr(source, "seek"):
        source.seek(0)
    data = source.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise FileRejected([_file_error(_too_large_message())])
    return data


def _too_large_message() -> str:
    return _("The file is larger than %(mb)d MB; please split it into smaller files.") % {
        "mb": MAX_FILE_BYTES // (1024 * 1024)}


def _file_error(message: str) -> RowError:
    return RowError(0, "", message)


def _not_xlsx() -> FileRejected:
    return FileRejected([_file_error(_(
        "This is not a valid Excel (.xlsx) file. Please open it in Excel or WPS and save it as "
        "“Excel workbook (*.xlsx)”."))])


def _check_container(data: bytes) -> None:
    """A real .xlsx is a zip archive holding a workbook; refuse anything else before openpyxl sees it."""
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise FileRejected([_file_error(_(
            "This is an old-style Excel (.xls) file. Please save it as “Excel workbook (*.xlsx)” and upload again."))])
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _not_xlsx() from None
    names = {info.filename for info in infos}
    if "xl/workbook.xml" not in names or "[Content_Types].xml" not in names:
        raise _not_xlsx()
    if sum(info.file_size for info in infos) > MAX_UNZIPPED_BYTES:
        raise FileRejected([_file_error(_too_large_message())])


def _rows(data: bytes) -> tuple[list[str | None], Iterator[tuple[int, tuple]]]:
    """The header row and an iterator of (Excel row number, values) for the non-empty rows."""
    _check_container(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        iterator = sheet.iter_rows(values_only=True)
        header = next(iterator, None)
    except Exception:  # openpyxl raises many kinds (KeyError, ValueError, XML errors …) on broken files
        raise _not_xlsx() from None
    if not header or not any(_is_filled(v) for v in header):
        raise FileRejected([RowError(1, "", _("The first row must hold the column headers; it is empty."))])
    headers = [str(v).strip() if _is_filled(v) else None for v in header]

    def body() -> Iterator[tuple[int, tuple]]:
        blank_run = 0
        try:
            for number, values in enumerate(iterator, start=2):
                if values and any(_is_filled(v) for v in values):
                    blank_run = 0
                    yield number, values
                else:
                    blank_run += 1
                    if blank_run > MAX_BLANK_RUN:  # formatted but empty rows to the end of the sheet
                        break
        except Exception:
            raise _not_xlsx() from None
        finally:
            workbook.close()

    return headers, body()


def _is_filled(value: Any) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def _map_headers(headers: list[str | None]) -> dict[str, int]:
    """Column name → index; raise with one error per unknown, duplicate or missing header."""
    known = set(COLUMNS) | set(EXPORT_EXTRA)
    positions: dict[str, int] = {}
    errors: list[RowError] = []
    for index, raw in enumerate(headers):
        if raw is None:
            continue
        name = HEADER_ALIASES.get(raw, raw)
        if name not in known:
            errors.append(RowError(1, raw, _("Unknown column “%(name)s”. Allowed columns: %(allowed)s.") % {
                "name": raw, "allowed": "、".join(COLUMNS)}))
        elif name in positions:
            errors.append(RowError(1, raw, _("The column “%(name)s” appears twice.") % {"name": raw}))
        else:
            positions[name] = index
    for name in COLUMNS:
        if name in REQUIRED and name not in positions:
            errors.append(RowError(1, name, _("The required column “%(name)s” is missing.") % {"name": name}))
    if errors:
        raise FileRejected(errors)
    return positions


# --- Checking one row -------------------------------------------------------------------------
class CellError(Exception):
    pass


def _text(value: Any, column: str) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        raise CellError(_("Expected text, not a true/false value."))
    if isinstance(value, int):
        text = str(value)
    elif isinstance(value, float):
        text = str(int(value)) if value.is_integer() else str(value)
    elif isinstance(value, dt.datetime | dt.date | dt.time):
        raise CellError(_("Expected text, not a date."))
    else:
        text = ILLEGAL_CHARACTERS_RE.sub("", str(value)).strip()
    limit = MAX_LENGTH.get(column)
    if limit and len(text) > limit:
        raise CellError(_("Too long: at most %(limit)d characters, this has %(n)d.") % {"limit": limit, "n": len(text)})
    return text


def _date(value: Any) -> dt.date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        result = value.date()
    elif isinstance(value, dt.date):
        result = value
    elif isinstance(value, str):
        match = _DATE_RE.match(value.strip())
        if not match:
            raise CellError(_("Not a date: write it as YYYY-MM-DD, e.g. 1980-01-31."))
        try:
            result = dt.date(*(int(g) for g in match.groups()))
        except ValueError:
            raise CellError(_("Not a real date: %(value)s.") % {"value": value.strip()}) from None
    else:
        raise CellError(_("Not a date: write it as YYYY-MM-DD, e.g. 1980-01-31."))
    if result < dt.date(1900, 1, 1) or result > timezone.localdate():
        raise CellError(_("The birth date must lie between 1900-01-01 and today."))
    return result


def _id_number(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise CellError(_("The ID-card number was stored as a number, which loses its last digits; "
                          "format the column as text and type it again."))
    text = normalise_id_number(str(value))
    if not text or "*" in text:
        return text
    try:
        validate_id_number(text)
    except ValidationError as exc:
        raise CellError(" ".join(exc.messages)) from None
    return text


def _mobile(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = normalise_mobile(str(value))
    if not text or "*" in text:
        return text
    try:
        validate_mobile(text)
    except ValidationError as exc:
        raise CellError(" ".join(exc.messages)) from None
    return text


def _choice(value: Any, choices: dict[str, Any], column: str) -> str:
    text = _text(value, column)
    if text and text not in choices:
        raise CellError(_("“%(value)s” is not allowed here; use one of: %(allowed)s.") % {
            "value": text, "allowed": "、".join(choices)})
    return text


@dataclass
class _Row:
    number: int
    values: dict[str, Any]
    person: Person | None = None
    area: Area | None = None
    household_key: tuple[int, str, str] | None = None


@dataclass
class _Plan:
    """What the import would write."""

    new_people: list[Person] = field(default_factory=list)
    changed_people: dict[int, Person] = field(default_factory=dict)
    changed_fields: set[str] = field(default_factory=set)
    new_units: dict[tuple[int, str], BuildingUnit] = field(default_factory=dict)
    new_households: dict[tuple[int, str, str], Household] = field(default_factory=dict)
    existing_households: dict[tuple[int, str, str], Household] = field(default_factory=dict)
    new_workers: list[WorkerProfile] = field(default_factory=list)
    changed_workers: list[WorkerProfile] = field(default_factory=list)
    new_party: list[PartyRecord] = field(default_factory=list)
    changed_party: list[PartyRecord] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def _chunks(items: Iterable, size: int = 500) -> Iterator[list]:
    batch: list = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


class _Lookups:
    """Everything the rows refer to, fetched in a few bulk queries."""

    def __init__(self, rows: list[_Row]):
        person_qs = Person.objects.select_related("area", "worker", "party")
        ids = {r.values[ID_NUMBER] for r in rows if r.values.get(ID_NUMBER) and "*" not in r.values[ID_NUMBER]}
        mobiles = {r.values[MOBILE] for r in rows if r.values.get(MOBILE) and "*" not in r.values[MOBILE]}
        pks = {r.values[SYSTEM_ID] for r in rows if r.values.get(SYSTEM_ID)}
        self.by_pk: dict[int, Person] = {}
        for batch in _chunks(pks):
            self.by_pk.update((p.pk, p) for p in person_qs.filter(pk__in=batch))
        self.by_id: dict[str, Person] = {}
        for batch in _chunks(ids):
            for p in person_qs.filter(id_number__in=batch):
                self.by_id[p.id_number] = self.by_pk.setdefault(p.pk, p)
        self.by_mobile: dict[str, list[Person]] = defaultdict(list)
        for batch in _chunks(mobiles):
            for p in person_qs.filter(mobile__in=batch).order_by("pk"):
                self.by_mobile[p.mobile].append(self.by_pk.setdefault(p.pk, p))
        codes = {r.values[AREA] for r in rows if r.values.get(AREA)}
        self.areas: dict[str, Area] = {}
        for batch in _chunks(codes):
            self.areas.update((a.code, a) for a in Area.objects.filter(code__in=batch))
        grid_ids = {self.areas[r.values[AREA]].pk for r in rows
                    if r.values.get(BUILDING) and r.values.get(AREA) in self.areas}
        names = {r.values[BUILDING] for r in rows if r.values.get(BUILDING)}
        self.buildings: dict[tuple[int, str], Building] = {}
        self.units: dict[tuple[int, str], BuildingUnit] = {}
        self.households: dict[tuple[int, str, str], Household] = {}
        if grid_ids and names:
            buildings = []
            for batch in _chunks(names):
                buildings += Building.objects.filter(grid_id__in=grid_ids, name__in=batch)
            self.buildings = {(b.grid_id, b.name): b for b in buildings}
            for batch in _chunks([b.pk for b in buildings]):
                for unit in BuildingUnit.objects.filter(building_id__in=batch).select_related("building"):
                    self.units[(unit.building_id, unit.number)] = unit
            for batch in _chunks([u.pk for u in self.units.values()]):
                for home in Household.objects.filter(unit_id__in=batch).select_related("unit"):
                    self.households[(home.unit.building_id, home.unit.number, home.door)] = home


class _Checker:
    def __init__(self, columns: dict[str, int], scope: Scope | None):
        self.columns = columns
        self.scope = scope
        self.errors: list[RowError] = []
        self.seen_ids: dict[str, int] = {}
        self.seen_mobiles: dict[str, int] = {}
        self.seen_people: dict[int, int] = {}
        self.failed: set[int] = set()

    def error(self, row: int, column: str, message: str) -> None:
        self.errors.append(RowError(row, column, message))
        self.failed.add(row)

    # Pass 1: each cell on its own.
    def parse(self, number: int, raw: tuple) -> _Row:
        values: dict[str, Any] = {}
        parsers: dict[str, Callable[[Any], Any]] = {
            BIRTH: _date, ID_NUMBER: _id_number, MOBILE: _mobile,
            GENDER: lambda v: _choice(v, GENDERS, GENDER), CATEGORY: lambda v: _choice(v, CATEGORIES, CATEGORY),
            INJURY: lambda v: _choice(v, YES_NO, INJURY), PARTY: lambda v: _choice(v, PARTY_STAGES, PARTY),
            SYSTEM_ID: self._system_id,
        }
        for name, index in self.columns.items():
            if name in IGNORED_ON_IMPORT:
                continue
            value = raw[index] if index < len(raw) else None
            try:
                values[name] = parsers[name](value) if name in parsers else _text(value, name)
            except CellError as exc:
                self.error(number, name, str(exc))
                values[name] = None
        if NAME in values and values[NAME] == "":
            self.error(number, NAME, _("The name is required."))
        return _Row(number, values)

    @staticmethod
    def _system_id(value: Any) -> int | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        try:
            number = int(float(value)) if isinstance(value, float) else int(str(value).strip())
        except ValueError:
            raise CellError(_("The system number must be a whole number (leave it empty for new people).")) from None
        if number <= 0:
            raise CellError(_("The system number must be a whole number (leave it empty for new people)."))
        return number

    # Pass 2: the row against the database and the rows above it.
    def resolve(self, row: _Row, lookups: _Lookups, plan: _Plan) -> None:
        v, n = row.values, row.number
        self._duplicates_in_file(row)
        person = self._match(row, lookups)
        if person is not False:
            row.person = person
            self._masked(row)
        self._area(row, lookups)
        if person is None and v.get(AREA, "") == "":
            self.error(n, AREA, _("The area code is required for a new person."))
        self._household(row, lookups, plan)
        self._identity_consistency(row)
        self._worker_columns(row)
        if n not in self.failed:
            self._plan(row, plan)

    def _duplicates_in_file(self, row: _Row) -> None:
        v, n = row.values, row.number
        id_number, mobile = v.get(ID_NUMBER) or "", v.get(MOBILE) or ""
        if id_number and "*" not in id_number:
            if id_number in self.seen_ids:
                self.error(n, ID_NUMBER, _("The same ID-card number is already on row %(row)d.") % {
                    "row": self.seen_ids[id_number]})
            else:
                self.seen_ids[id_number] = n
        if mobile and "*" not in mobile:
            if mobile in self.seen_mobiles:
                self.error(n, MOBILE, _("The same mobile number is already on row %(row)d.") % {
                    "row": self.seen_mobiles[mobile]})
            else:
                self.seen_mobiles[mobile] = n

    def _masked(self, row: _Row) -> None:
        """A masked number (from an export) is only accepted as "unchanged" for the person it belongs to."""
        person = row.person
        for column, stored, masker in ((ID_NUMBER, person.id_number if person else "", mask_id_number),
                                       (MOBILE, person.mobile if person else "", mask_mobile)):
            value = row.values.get(column) or ""
            if "*" in value and (person is None or not stored or masker(stored) != value):
                self.error(row.number, column, _(
                    "This number is masked (contains *); type the full number, or keep the row's system number "
                    "from the export so that it stays unchanged."))

    def _match(self, row: _Row, lookups: _Lookups) -> Person | None | bool:
        """The existing person this row updates, None for a new person, False after an error."""
        v, n = row.values, row.number
        id_number, mobile, system_id = v.get(ID_NUMBER) or "", v.get(MOBILE) or "", v.get(SYSTEM_ID)
        full_id = id_number if "*" not in id_number else ""
        person: Person | None = None
        column = ID_NUMBER
        if system_id:
            column = SYSTEM_ID
            person = lookups.by_pk.get(system_id)
            if person is None or not self._covers(person):
                self.error(n, SYSTEM_ID, _("No person with system number %(n)d in the area you manage.") % {
                    "n": system_id})
                return False
            other = lookups.by_id.get(full_id) if full_id else None
            if other is not None and other.pk != person.pk:
                self.error(n, ID_NUMBER, _("This ID-card number belongs to another person (system number %(n)d).")
                           % {"n": other.pk})
                return False
        elif full_id and full_id in lookups.by_id:
            person = lookups.by_id[full_id]
        elif mobile and "*" not in mobile:
            column = MOBILE
            # A phone shared by a family is not a match for someone with a different ID-card number.
            candidates = [p for p in lookups.by_mobile.get(mobile, [])
                          if not full_id or not p.id_number or p.id_number == full_id]
            if len(candidates) > 1:
                self.error(n, MOBILE, _("Several people have this mobile number; add the ID-card number to tell "
                                        "them apart."))
                return False
            person = candidates[0] if candidates else None
        if person is None:
            return None
        if not self._covers(person):
            self.error(n, column, _("This person is registered outside the area you manage; ask the staff of "
                                    "their area to update them."))
            return False
        if person.pk in self.seen_people:
            self.error(n, column, _("Row %(row)d already updates the same person.") % {
                "row": self.seen_people[person.pk]})
            return False
        self.seen_people[person.pk] = n
        return person

    def _covers(self, person: Person) -> bool:
        return self.scope is None or self.scope.covers_code(person.area.code)

    def _area(self, row: _Row, lookups: _Lookups) -> None:
        code = row.values.get(AREA)
        if not code:
            return
        area = lookups.areas.get(code)
        if area is None:
            return self.error(row.number, AREA, _("There is no area with the code “%(code)s”.") % {"code": code})
        if area.level not in IMPORT_LEVELS:
            return self.error(row.number, AREA, _("Use the code of a street, community or grid, not of a %(level)s.")
                              % {"level": area.get_level_display()})
        if self.scope is not None and not self.scope.covers_code(code):
            return self.error(row.number, AREA, _("The area “%(code)s” (%(name)s) is outside the area you manage.")
                              % {"code": code, "name": area.name})
        row.area = area

    def _household(self, row: _Row, lookups: _Lookups, plan: _Plan) -> None:
        v, n = row.values, row.number
        building_name, unit, door = v.get(BUILDING) or "", v.get(UNIT) or "", v.get(DOOR) or ""
        if not (building_name or unit or door):
            return
        for column, value in ((BUILDING, building_name), (UNIT, unit), (DOOR, door)):
            if not value:
                return self.error(n, column, _("Building, unit and door number go together; this one is missing."))
        area = row.area or (row.person.area if row.person else None)
        if area is None:
            return
        if area.level != AreaLevel.GRID:
            return self.error(n, AREA, _("With a building, the area code must be the code of the building's grid."))
        building = lookups.buildings.get((area.pk, building_name))
        if building is None:
            return self.error(n, BUILDING, _("Grid %(grid)s has no building called “%(name)s”.") % {
                "grid": area.name, "name": building_name})
        row.area = area
        row.household_key = (building.pk, unit, door)
        if row.household_key in lookups.households or row.household_key in plan.new_households:
            return
        unit_obj = lookups.units.get((building.pk, unit)) or plan.new_units.get((building.pk, unit))
        if unit_obj is None:
            unit_obj = plan.new_units[(building.pk, unit)] = BuildingUnit(building=building, number=unit)
        plan.new_households[row.household_key] = Household(unit=unit_obj, grid_id=building.grid_id, door=door)

    def _identity_consistency(self, row: _Row) -> None:
        v, n = row.values, row.number
        id_number = v.get(ID_NUMBER) or ""
        if not id_number or "*" in id_number:
            return
        born = birth_date_from_id(id_number)
        if v.get(BIRTH) and v[BIRTH] != born:
            self.error(n, BIRTH, _("The birth date does not match the ID-card number (%(date)s).") % {
                "date": born.isoformat()})
        gender = Gender.MALE if int(id_number[16]) % 2 else Gender.FEMALE
        if v.get(GENDER) and GENDERS[v[GENDER]] != gender:
            self.error(n, GENDER, _("The gender does not match the ID-card number."))

    def _worker_columns(self, row: _Row) -> None:
        v, n = row.values, row.number
        category = v.get(CATEGORY) or ""
        is_worker = bool(CATEGORIES.get(category)) or (
            not category and row.person is not None and hasattr(row.person, "worker"))
        if is_worker:
            return
        for column in (PLATFORM, EMPLOYER, INJURY):
            if v.get(column):
                self.error(n, column, _("Only new-employment workers (delivery rider, courier, ride-hailing driver, "
                                        "other) have this; set the person category first."))

    def _plan(self, row: _Row, plan: _Plan) -> None:
        v = row.values
        person = row.person
        creating = person is None
        if creating:
            person = Person()
        changed: set[str] = set()

        def put(attr: str, value: Any) -> None:
            if value in (None, "") or getattr(person, attr) == value:
                return
            setattr(person, attr, value)
            changed.add(attr)

        id_number = v.get(ID_NUMBER) or ""
        id_number = "" if "*" in id_number else id_number
        mobile = v.get(MOBILE) or ""
        mobile = "" if "*" in mobile else mobile
        put("name", v.get(NAME))
        put("id_number", id_number)
        put("mobile", mobile)
        if id_number:
            put("birth_date", birth_date_from_id(id_number))
            put("gender", Gender.MALE if int(id_number[16]) % 2 else Gender.FEMALE)
        put("birth_date", v.get(BIRTH))
        put("gender", GENDERS.get(v.get(GENDER) or ""))
        put("note", v.get(NOTE))
        if row.area is not None and person.area_id != row.area.pk:
            person.area = row.area
            changed.add("area")
        if row.household_key is not None:
            home = plan.new_households.get(row.household_key) or plan.existing_households[row.household_key]
            if home.pk is None or person.household_id != home.pk:
                person.household = home
                changed.add("household")

        worker_changed = self._plan_worker(row, person, creating, plan)
        party_changed = self._plan_party(row, person, creating, plan)
        if creating:
            person.id_suffix = (person.id_number or "")[-4:]
            person.mobile_suffix = (person.mobile or "")[-4:]
            person.id_number = person.id_number or None
            plan.new_people.append(person)
            plan.created += 1
        elif changed:
            person.id_suffix = (person.id_number or "")[-4:]
            person.mobile_suffix = (person.mobile or "")[-4:]
            plan.changed_people[person.pk] = person
            plan.changed_fields |= changed
            plan.updated += 1
        elif worker_changed or party_changed:
            plan.updated += 1
        else:
            plan.unchanged += 1

    def _plan_worker(self, row: _Row, person: Person, creating: bool, plan: _Plan) -> bool:
        v = row.values
        occupation = CATEGORIES.get(v.get(CATEGORY) or "")
        worker = None if creating else getattr(person, "worker", None)
        if worker is None and not occupation:
            return False
        is_new = worker is None
        if is_new:
            worker = WorkerProfile(person=person, occupation=occupation)
        changed = False
        updates = {"occupation": occupation, "platform": v.get(PLATFORM), "employer": v.get(EMPLOYER),
                   "injury_protection": YES_NO.get(v.get(INJURY) or "")}
        for attr, value in updates.items():
            if value not in (None, "") and getattr(worker, attr) != value:
                setattr(worker, attr, value)
                changed = True
        if is_new:
            plan.new_workers.append(worker)
        elif changed:
            plan.changed_workers.append(worker)
        return is_new or changed

    def _plan_party(self, row: _Row, person: Person, creating: bool, plan: _Plan) -> bool:
        stage = PARTY_STAGES.get(row.values.get(PARTY) or "")
        if not stage:
            return False
        record = None if creating else getattr(person, "party", None)
        if record is None:
            plan.new_party.append(PartyRecord(person=person, stage=stage))
            return True
        if record.stage != stage:
            record.stage = stage
            plan.changed_party.append(record)
            return True
        return False


# --- The import -------------------------------------------------------------------------------
def import_people_file(
    source: str | Path | BinaryIO,
    *,
    user=None,
    dry_run: bool,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Check an .xlsx file of people and, unless ``dry_run`` or any row is bad, write it in one transaction.

    With ``user``, every area code and every updated person must lie inside the user's scope.
    ``progress(done, total)`` is called every ``PROGRESS_EVERY`` rows while checking, and once at the end.
    """
    report = ImportReport(dry_run=dry_run)
    scope = scope_for(user) if user is not None else None
    if scope is not None and scope.everything:
        scope = None
    try:
        data = _read_bytes(source)
        headers, body = _rows(data)
        columns = _map_headers(headers)
        checker = _Checker(columns, scope)
        rows: list[_Row] = []
        for number, values in body:
            if len(rows) >= MAX_ROWS:
                raise FileRejected([_file_error(_(
                    "The file has more than %(max)d rows; please split it into smaller files.") % {"max": MAX_ROWS})])
            rows.append(checker.parse(number, values))
    except FileRejected as exc:
        report.errors = exc.errors
        return report
    report.total = total = len(rows)
    if not rows:
        report.errors.append(_file_error(_("The file has headers but no rows of people.")))
        return report

    lookups = _Lookups(rows)
    plan = _Plan()
    plan.existing_households = lookups.households
    for done, row in enumerate(rows, start=1):
        checker.resolve(row, lookups, plan)
        if progress and done % PROGRESS_EVERY == 0:
            progress(done, total)
    report.errors = sorted(checker.errors, key=lambda e: (e.row, COLUMNS.index(e.column)
                                                          if e.column in COLUMNS else len(COLUMNS)))
    report.created, report.updated, report.unchanged = plan.created, plan.updated, plan.unchanged
    if report.errors:
        report.created = report.updated = report.unchanged = 0
        return report
    if not dry_run:
        try:
            _write(plan, user)
        except (IntegrityError, DatabaseError):
            report.errors.append(_file_error(_(
                "The data changed while importing (for example someone added the same person); nothing was "
                "written. Please import the file again.")))
            return report
    if progress:
        progress(total, total)
    report.ok = True
    return report


def _write(plan: _Plan, user) -> None:
    history = {"default_user": user if getattr(user, "pk", None) else None, "default_change_reason": CHANGE_REASON}
    now = timezone.now()
    with transaction.atomic():
        BuildingUnit.objects.bulk_create(plan.new_units.values(), batch_size=500)
        for home in plan.new_households.values():
            home.unit_id = home.unit.pk
        Household.objects.bulk_create(plan.new_households.values(), batch_size=500)
        for person in plan.new_people:
            if person.household is not None:
                person.household_id = person.household.pk
            person.created_at = person.updated_at = now
        bulk_create_with_history(plan.new_people, Person, batch_size=500, **history)
        changed = list(plan.changed_people.values())
        for person in changed:
            if person.household is not None:
                person.household_id = person.household.pk
            person.updated_at = now
        if changed:
            fields = plan.changed_fields | {"id_suffix", "mobile_suffix", "updated_at"}
            bulk_update_with_history(changed, Person, sorted(fields), batch_size=500, **history)
        for worker in plan.new_workers:
            worker.person_id = worker.person.pk
        bulk_create_with_history(plan.new_workers, WorkerProfile, batch_size=500, **history)
        if plan.changed_workers:
            bulk_update_with_history(plan.changed_workers, WorkerProfile,
                                     ["occupation", "platform", "employer", "injury_protection"],
                                     batch_size=500, **history)
        for record in plan.new_party:
            record.person_id = record.person.pk
        bulk_create_with_history(plan.new_party, PartyRecord, batch_size=500, **history)
        if plan.changed_party:
            bulk_update_with_history(plan.changed_party, PartyRecord, ["stage"], batch_size=500, **history)


# --- Writing workbooks ------------------------------------------------------------------------
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="F2DCDB")
MASK_NOTE = "导出文件中的身份证号和手机号已脱敏（部分以 * 显示）。重新导入时保留“系统编号”列即可保持原号码不变。"


def _safe(value: Any) -> Any:
    """Cell value safe for Excel: no control characters, and text is never taken as a formula."""
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def _cell(sheet, value: Any) -> Any:
    value = _safe(value)
    if isinstance(value, str) and value.startswith("="):
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"  # "=cmd|…" stays text: no formula injection
        return cell
    return value


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
    roles = "、".join(sorted({r.get_role_display() for r in person.current_roles}))
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
        sheet.append([_date_cell(sheet, value) if isinstance(value, dt.date) else _cell(sheet, value)
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
    sheet.append([_cell(sheet, example[c]) for c in COLUMNS])
    info = workbook.create_sheet("说明")
    for line in [
        "第一行为列标题，列的顺序可以调整；“姓名”为必填列。",
        "已有人员按系统编号、身份证号、手机号依次匹配并更新，其余新建；留空的单元格不会清除已有信息。",
        "所有行都通过检查后才会导入；任何一行有错误时不写入任何数据。",
        f"文件不超过 {MAX_FILE_BYTES // (1024 * 1024)} MB，不超过 {MAX_ROWS} 行。",
        *[f"{name}：{note}" for name, note in COLUMN_NOTES.items()],
    ]:
        info.append([line])
    return _save(workbook)
