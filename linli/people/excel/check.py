"""Checking the rows of a people sheet: every cell parsed, every person matched, a plan of what to write."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from linli.core.identifiers import (
    birth_date_from_id,
    mask_id_number,
    mask_mobile,
    normalise_id_number,
    normalise_mobile,
    validate_id_number,
    validate_mobile,
)
from linli.core.scope import Scope
from linli.places.models import Area, AreaLevel, Building, BuildingUnit, Household

from ..models import Gender, PartyRecord, Person, WorkerProfile
from .columns import (
    _DATE_RE,
    AREA,
    BIRTH,
    BUILDING,
    CATEGORIES,
    CATEGORY,
    DOOR,
    EMPLOYER,
    GENDER,
    GENDERS,
    ID_NUMBER,
    IGNORED_ON_IMPORT,
    IMPORT_LEVELS,
    INJURY,
    MAX_LENGTH,
    MOBILE,
    NAME,
    NOTE,
    PARTY,
    PARTY_STAGES,
    PLATFORM,
    SYSTEM_ID,
    UNIT,
    YES_NO,
    RowError,
)


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
    return _validated(normalise_id_number(str(value)), validate_id_number)


def _validated(text: str, validate: Callable[[str], None]) -> str:
    """``text`` checked by ``validate`` (a Django validator); empty and masked values pass as they are."""
    if not text or "*" in text:
        return text
    try:
        validate(text)
    except ValidationError as exc:
        raise CellError(" ".join(exc.messages)) from None
    return text


def _mobile(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return _validated(normalise_mobile(str(value)), validate_mobile)


def _choice(value: Any, choices: dict[str, Any], column: str) -> str:
    text = _text(value, column)
    if text and text not in choices:
        raise CellError(_("“%(value)s” is not allowed here; use one of: %(allowed)s.") % {
            "value": text, "allowed": "、".join(choices)})
    return text


@dataclass
class Row:
    number: int
    values: dict[str, Any]
    person: Person | None = None
    area: Area | None = None
    household_key: tuple[int, str, str] | None = None


@dataclass
class Plan:
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


class Lookups:
    """Everything the rows refer to, fetched in a few bulk queries."""

    def __init__(self, rows: list[Row]):
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
                if p.id_number is not None:
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
            buildings: list[Building] = []
            for batch in _chunks(names):
                buildings += Building.objects.filter(grid_id__in=grid_ids, name__in=batch)
            self.buildings = {(b.grid_id, b.name): b for b in buildings}
            for batch in _chunks([b.pk for b in buildings]):
                for unit in BuildingUnit.objects.filter(building_id__in=batch).select_related("building"):
                    self.units[(unit.building_id, unit.number)] = unit
            for batch in _chunks([u.pk for u in self.units.values()]):
                for home in Household.objects.filter(unit_id__in=batch).select_related("unit"):
                    self.households[(home.unit.building_id, home.unit.number, home.door)] = home


class Checker:
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
    def parse(self, number: int, raw: tuple) -> Row:
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
        return Row(number, values)

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
    def resolve(self, row: Row, lookups: Lookups, plan: Plan) -> None:
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

    def _duplicates_in_file(self, row: Row) -> None:
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

    def _masked(self, row: Row) -> None:
        """A masked number (from an export) is only accepted as "unchanged" for the person it belongs to."""
        person = row.person
        for column, stored, masker in ((ID_NUMBER, person.id_number if person else "", mask_id_number),
                                       (MOBILE, person.mobile if person else "", mask_mobile)):
            value = row.values.get(column) or ""
            if "*" in value and (person is None or not stored or masker(stored) != value):
                self.error(row.number, column, _(
                    "This number is masked (contains *); type the full number, or keep the row's system number "
                    "from the export so that it stays unchanged."))

    def _match(self, row: Row, lookups: Lookups) -> Person | None | Literal[False]:
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

    def _area(self, row: Row, lookups: Lookups) -> None:
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

    def _household(self, row: Row, lookups: Lookups, plan: Plan) -> None:
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

    def _identity_consistency(self, row: Row) -> None:
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

    def _worker_columns(self, row: Row) -> None:
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

    def _plan(self, row: Row, plan: Plan) -> None:
        v = row.values
        creating = row.person is None
        person = row.person if row.person is not None else Person()
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

    def _plan_worker(self, row: Row, person: Person, creating: bool, plan: Plan) -> bool:
        v = row.values
        occupation = CATEGORIES.get(v.get(CATEGORY) or "")
        worker: WorkerProfile | None = None if creating else getattr(person, "worker", None)
        is_new = worker is None
        if worker is None:
            if not occupation:
                return False
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

    def _plan_party(self, row: Row, person: Person, creating: bool, plan: Plan) -> bool:
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
