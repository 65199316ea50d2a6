"""Business rules of the people app: search and filters, unmasking (logged), the contribution
ledger, role terms, edits of the basic-information ledger, and the merged change history.

Views, the API, commands and tasks all call these functions; each change passes the acting user
to django-simple-history so that the history shows who did it, with or without a request.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, SuspiciousOperation, ValidationError
from django.db import models, transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import get_history_model_for_model

from linli.core import roles
from linli.core.identifiers import mask_id_number, mask_mobile
from linli.core.scope import Scope, can, scope_for, scoped
from linli.places.models import Area, AreaLevel, Building, Department, Household, PartnerUnit

from .filters import PeopleFilterForm
from .models import (
    ContributionEntry,
    PartyRecord,
    PartyStage,
    Person,
    Role,
    RoleAssignment,
    UnmaskLog,
    WorkerProfile,
)

UNMASK_FIELDS = ("id_number", "mobile")
REASON_MIN, REASON_MAX = 2, 200
HISTORY_LIMIT = 100  # newest rows read from each history table; the page shows at most this many

# Role → the kind of unit it is held in (and, for areas, the level).  Roles not listed take any area.
BUILDING_ROLES = {Role.BUILDING_HEAD, Role.RED_BUILDING_HEAD, Role.BUILDING_GUARDIAN}
ROLE_AREA_LEVEL: dict[str, str] = {
    Role.GRID_WORKER: AreaLevel.GRID,
    Role.PART_TIME_GRID_MEMBER: AreaLevel.GRID,
    Role.GUIDING_GRID_MEMBER: AreaLevel.GRID,
    Role.POLICY_PUBLICIST: AreaLevel.GRID,
    Role.DISPUTE_MEDIATOR: AreaLevel.GRID,
    Role.ENVIRONMENT_MANAGER: AreaLevel.GRID,
    Role.OPINION_COLLECTOR: AreaLevel.GRID,
    Role.COMMUNITY_STAFF: AreaLevel.COMMUNITY,
    Role.STREET_STAFF: AreaLevel.STREET,
    Role.DISTRICT_ADMIN: AreaLevel.DISTRICT,
}


# --- search and filters --------------------------------------------------------------------


class InvalidFilter(ValidationError, SuspiciousOperation):
    """A filter value that is not valid; ``message_dict`` holds the form's Chinese messages.

    Also a ``SuspiciousOperation``, so a view that lets it through answers 400, never 500.
    """


def filter_people(qs: QuerySet, params: Mapping) -> QuerySet:
    """``qs`` narrowed by the list's search and filters (see ``linli.people.filters``).

    Invalid values raise ``InvalidFilter`` with the form errors; callers that cannot show them (an
    export) should catch it.  ``after`` (the page marker) is not applied here.
    """
    form = PeopleFilterForm(params)
    if not form.is_valid():
        raise InvalidFilter(form.errors.as_data())
    return form.apply(qs)


def areas_in_scope(scope: Scope, *, levels: tuple[str, ...] | None = None, limit: int = 2000) -> list[Area]:
    """The areas a user acts in, ordered by code (one query), for the selects of the forms."""
    qs = Area.objects.only("id", "code", "name", "level", "parent_id").order_by("code")
    if not scope.everything:
        qs = qs.filter(Area.scope_q(scope))
    if levels:
        qs = qs.filter(level__in=levels)
    return list(qs[:limit])


# --- who may do what -------------------------------------------------------------------------


def can_edit(scope: Scope) -> bool:
    """Edit the basic-information ledger and role terms: community, street and district staff."""
    return scope.is_staff


def can_add_contribution(scope: Scope) -> bool:
    """Add to the contribution ledger: staff and grid workers."""
    return scope.is_staff or scope.has_role(*roles.GRID_ROLES)


def _save_as(obj: models.Model, user: Any, **save: Any) -> None:
    """Save ``obj``; its history row names ``user`` if given (django-simple-history reads ``_history_user``)."""
    if user is not None:
        obj._history_user = user  # type: ignore[attr-defined]
    obj.save(**save)


def _require_in_scope(user, person: Person) -> None:
    if not scoped(Person.objects.filter(pk=person.pk), user).exists():
        raise Http404


# --- unmasking ----------------------------------------------------------------------------------


def unmask(user, person: Person, field: str, reason: str, ip: str | None) -> str:
    """The full ID-card or mobile number, written to the access log with who, whom, what, why and when.

    Raises ``PermissionDenied`` if the user's roles do not allow unmasking, ``Http404`` if the person
    is outside their scope, ``ValidationError`` for a missing or too long reason or an empty number.
    """
    if not can(scope_for(user), "unmask"):
        raise PermissionDenied
    _require_in_scope(user, person)
    if field not in UNMASK_FIELDS:
        raise Http404
    reason = (reason or "").strip()
    if len(reason) < REASON_MIN:
        raise ValidationError(_("Please give the reason (at least %(n)d characters).") % {"n": REASON_MIN},
                              code="reason_required")
    if len(reason) > REASON_MAX:
        raise ValidationError(_("The reason may have at most %(n)d characters.") % {"n": REASON_MAX},
                              code="reason_too_long")
    value = getattr(person, field) or ""
    if not value:
        raise ValidationError(_("No number is on file."), code="empty")
    UnmaskLog.objects.create(user=user, person=person, field=field, reason=reason, ip=ip or None)
    return value


# --- the contribution ledger --------------------------------------------------------------------


EARLIEST_ENTRY = dt.date(2000, 1, 1)  # a ledger line before this is a typing error (year 1, 0202 …)


def add_contribution(user, person: Person, date: dt.date, what: str, place: str = "",
                     area: Area | None = None) -> ContributionEntry:
    """A manual line of the contribution ledger (发挥作用台账), verified by ``user``."""
    if not can_add_contribution(scope_for(user)):
        raise PermissionDenied
    _require_in_scope(user, person)
    if area is not None and not scope_for(user).covers_code(area.code):
        raise ValidationError({"area": _("Choose an area within your scope.")})
    if date > dt.date.today() + dt.timedelta(days=1):
        raise ValidationError({"date": _("The date cannot be in the future.")})
    if date < EARLIEST_ENTRY:
        raise ValidationError({"date": _("The date cannot be before %(year)s.") % {"year": EARLIEST_ENTRY.year}})
    entry = ContributionEntry(person=person, date=date, what=(what or "").strip(), place=(place or "").strip(),
                              area=area, verified_by=user, source=ContributionEntry.Source.MANUAL)
    entry.full_clean()
    entry.save()
    return entry


# --- roles ------------------------------------------------------------------------------------


def check_role_unit(role: str, *, area: Area | None = None, building: Building | None = None,
                    department: Department | None = None, partner: PartnerUnit | None = None) -> None:
    """The unit must match the role: a department for a handler, a shop for its staff, a building
    for building roles, an area of the right level otherwise.  Raises ``ValidationError``."""
    units = {"area": area, "building": building, "department": department, "partner": partner}
    if role == Role.DEPARTMENT_HANDLER:
        needed = "department"
        message = _("A department handler needs a department.")
    elif role == Role.SPONSOR_STAFF:
        needed = "partner"
        message = _("Sponsor-shop staff need a partner unit (the shop).")
    elif role in BUILDING_ROLES:
        needed = "building"
        message = _("This role is held in a building; choose the building.")
    else:
        needed = "area"
        message = _("This role is held in an area; choose the area.")
    errors: dict[str, list[str]] = {}
    if units[needed] is None:
        errors[needed] = [message]
    extra = [k for k, v in units.items() if v is not None and k != needed]
    if extra:
        errors.setdefault("__all__", []).append(_("Choose only the unit this role is held in."))
    level = ROLE_AREA_LEVEL.get(role)
    if needed == "area" and area is not None and level and area.level != level:
        errors.setdefault("area", []).append(
            _("This role is held in a %(level)s.") % {"level": AreaLevel(level).label})
    if errors:
        raise ValidationError(errors)


def _unit_code(area, building, department, partner) -> str:
    if area is not None:
        return area.code
    if building is not None:
        return building.grid.code
    if department is not None:
        return department.area.code
    return partner.area.code if partner is not None else ""


@transaction.atomic
def assign_role(user, person: Person, role: str, *, starts_on: dt.date, ends_on: dt.date | None = None,
                area: Area | None = None, building: Building | None = None, department: Department | None = None,
                partner: PartnerUnit | None = None, note: str = "") -> RoleAssignment:
    """Give ``person`` a role for a term, in a unit within ``user``'s scope (staff only)."""
    scope = scope_for(user)
    if not can_edit(scope):
        raise PermissionDenied
    _require_in_scope(user, person)
    if role not in Role.values:
        raise ValidationError({"role": _("Choose a role from the list.")})
    check_role_unit(role, area=area, building=building, department=department, partner=partner)
    if not scope.covers_code(_unit_code(area, building, department, partner)):
        raise ValidationError(_("The unit is outside your scope."))
    if ends_on is not None and ends_on < starts_on:
        raise ValidationError({"ends_on": _("The term cannot end before it starts.")})
    assignment = RoleAssignment(person=person, role=role, area=area, building=building, department=department,
                                partner=partner, starts_on=starts_on, ends_on=ends_on, note=(note or "").strip())
    assignment.full_clean()
    _save_as(assignment, user)
    return assignment


def end_role(assignment: RoleAssignment, ends_on: dt.date, user=None) -> RoleAssignment:
    """End a term on ``ends_on`` (not before it started); the history records who ended it."""
    if user is not None:
        if not can_edit(scope_for(user)):
            raise PermissionDenied
        _require_in_scope(user, assignment.person)
    if ends_on < assignment.starts_on:
        raise ValidationError({"ends_on": _("The term cannot end before it starts.")})
    if assignment.ends_on is not None and assignment.ends_on < dt.date.today():
        raise ValidationError({"ends_on": _("This term has already ended.")})
    assignment.ends_on = ends_on
    _save_as(assignment, user, update_fields=["ends_on"])
    return assignment


# --- the party pipeline -------------------------------------------------------------------------

# The pipeline in order, with the field that holds the date each stage was reached.
PARTY_STEPS: tuple[tuple[str, str], ...] = (
    (PartyStage.APPLICANT, "applied_on"),
    (PartyStage.ACTIVIST, "activist_on"),
    (PartyStage.TARGET, "target_on"),
    (PartyStage.PROBATIONARY, "probationary_on"),
    (PartyStage.MEMBER, "member_on"),
)


def next_party_stage(record: PartyRecord | None) -> str | None:
    """The stage a person can be advanced to: applicant without a record, none once a full member."""
    stages = [stage for stage, _f in PARTY_STEPS]
    if record is None:
        return stages[0]
    index = stages.index(record.stage) if record.stage in stages else len(stages)
    return stages[index + 1] if index + 1 < len(stages) else None


def advance_party_stage(user, person: Person, stage: str, on: dt.date) -> PartyRecord:
    """Move ``person`` one step along the party pipeline, reached on ``on`` (staff only; kept in history).

    Only the next stage is accepted; its date may not be in the future nor before the previous step's.
    """
    if not can_edit(scope_for(user)):
        raise PermissionDenied
    _require_in_scope(user, person)
    record = PartyRecord.objects.filter(person=person).first()
    expected = next_party_stage(record)
    if expected is None:
        raise ValidationError({"stage": _("This person is already a full party member.")})
    if stage != expected:
        raise ValidationError({"stage": _("The next stage is %(stage)s.") % {"stage": PartyStage(expected).label}})
    if on > dt.date.today():
        raise ValidationError({"on": _("The date cannot be in the future.")})
    dates = [getattr(record, f) for _s, f in PARTY_STEPS if record is not None and getattr(record, f)]
    earliest = max(dates) if dates else person.birth_date
    if earliest is not None and on < earliest:
        raise ValidationError({"on": _("The date cannot be before %(date)s.") % {"date": earliest.isoformat()}})
    record = record or PartyRecord(person=person)
    record.stage = stage
    setattr(record, dict(PARTY_STEPS)[stage], on)
    record.full_clean()
    _save_as(record, user)
    return record


# --- the basic-information ledger ---------------------------------------------------------------

EDITABLE_FIELDS = ("name", "gender", "birth_date", "id_number", "mobile", "area", "household", "note")


def update_person(user, person: Person, data: Mapping) -> Person:
    """Change the basic information of a person in ``user``'s scope (staff only); validated, kept in history.

    ``data`` maps field names of ``EDITABLE_FIELDS`` to new values; others are ignored.
    """
    scope = scope_for(user)
    if not can_edit(scope):
        raise PermissionDenied
    _require_in_scope(user, person)
    for name in EDITABLE_FIELDS:
        if name in data:
            setattr(person, name, data[name])
    if "area" in data and data["area"] is not None and not scope.covers_code(person.area.code):
        raise ValidationError({"area": _("Choose an area within your scope.")})
    if person.id_number == "":
        person.id_number = None
    person.full_clean()
    _save_as(person, user)
    return person


# --- change history ----------------------------------------------------------------------------

_MASKERS = {"id_number": mask_id_number, "mobile": mask_mobile}
_SECTION = {
    Person: gettext_lazy("Basic information"),
    RoleAssignment: gettext_lazy("Role"),
    WorkerProfile: gettext_lazy("Worker profile"),
    PartyRecord: gettext_lazy("Party record"),
}
_ACTION = {"+": gettext_lazy("created"), "~": gettext_lazy("changed"), "-": gettext_lazy("deleted")}
_SKIP = {"id", "person", "created_at", "updated_at"}
# Labels the shared catalogues would translate for another meaning ("name" is 名称 for places).
_LABELS = {"name": gettext_lazy("Full name"), "area": gettext_lazy("Area")}
# What the __str__ of these models reads.
_NAME_JOINS: dict[type[models.Model], tuple[str, ...]] = {Household: ("unit__building",), Building: ("grid",)}


@dataclass
class Change:
    label: str
    old: str
    new: str


@dataclass
class HistoryRow:
    when: dt.datetime
    who: str
    section: str
    action: str
    subject: str = ""
    changes: list[Change] = field(default_factory=list)


def _tracked_fields(model: type[models.Model]) -> list[models.Field]:
    history_model = get_history_model_for_model(model)
    names = {f.name for f in history_model._meta.fields}
    return [f for f in model._meta.concrete_fields if f.name in names and f.name not in _SKIP]


def _display(f: models.Field, value, names: dict) -> str:
    if value in (None, ""):
        return "—"
    if f.name in _MASKERS:
        return _MASKERS[f.name](str(value))
    if f.is_relation:
        return str(names.get((f.related_model, value), f"#{value}"))
    if f.choices:
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def person_history(person: Person, limit: int = HISTORY_LIMIT) -> list[HistoryRow]:
    """Every recorded change to the person, their roles, worker profile and party record, newest first.

    One query per history table (the newest ``limit`` rows each) and one per kind of related object
    named in them, whatever the length of the history.
    """
    sources = [
        (Person, Person.history.filter(id=person.pk)),
        (RoleAssignment, RoleAssignment.history.filter(person_id=person.pk)),
        (WorkerProfile, WorkerProfile.history.filter(person_id=person.pk)),
        (PartyRecord, PartyRecord.history.filter(person_id=person.pk)),
    ]
    fetched = []
    related: dict[Any, set[Any]] = defaultdict(set)
    for model, qs in sources:
        records = list(qs.select_related("history_user__person").order_by("-history_date", "-history_id")[:limit])
        fields = _tracked_fields(model)
        for rec in records:
            for f in fields:
                if f.is_relation and (value := getattr(rec, f.attname)) is not None:
                    related[f.related_model].add(value)
        fetched.append((model, fields, records))
    names = {(m, pk): obj for m, ids in related.items()
             for pk, obj in m._default_manager.select_related(*_NAME_JOINS.get(m, ())).in_bulk(ids).items()}

    rows: list[HistoryRow] = []
    for model, fields, records in fetched:
        by_object: dict[int, list] = defaultdict(list)
        for rec in reversed(records):  # oldest first within the window
            by_object[rec.id].append(rec)
        for versions in by_object.values():
            previous = None
            for rec in versions:
                changes = []
                for f in fields:
                    new = getattr(rec, f.attname)
                    if rec.history_type == "~" and previous is not None and getattr(previous, f.attname) == new:
                        continue
                    if rec.history_type == "+" and new in (None, "", False):
                        continue
                    if rec.history_type == "-":
                        continue
                    old: Any = getattr(previous, f.attname) if previous is not None else None
                    label = str(_LABELS.get(f.name, f.verbose_name))
                    changes.append(Change(label, _display(f, old, names), _display(f, new, names)))
                previous = rec
                if rec.history_type == "~" and not changes:
                    continue
                subject = ""
                if model is RoleAssignment:
                    subject = str(Role(rec.role).label) if rec.role in Role.values else rec.role
                user = rec.history_user
                who = (user.person.name if user is not None and user.person_id else
                       user.get_username() if user is not None else _("system"))
                rows.append(HistoryRow(when=rec.history_date, who=who, section=str(_SECTION[model]),
                                       action=str(_ACTION.get(rec.history_type, "")), subject=subject,
                                       changes=changes))
    rows.sort(key=lambda r: r.when, reverse=True)
    return rows[:limit]
