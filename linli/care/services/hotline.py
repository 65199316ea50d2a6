"""The filial hotline (微孝热线): the duty roster (weekly pattern and one-off swaps) and the call log.

A call names its caller, a callback number, the person it is for, and a request: an errand (logged at
once), a six-helps booking (booked at once), a problem report (a case of channel "hotline", filed through
``cases.services.file_case``) or anything else (notes only).  One call, one step.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.cases.models import Case, Category, Channel
from linli.cases.services import CaseError, file_case
from linli.core import roles
from linli.core.scope import scope_for, scoped
from linli.people.models import Person, RoleAssignment
from linli.places.models import Area

from ..models import Call, DutySlot, DutySwap, Errand, HelpBooking, HelpService, RequestType
from . import errands as errand_rules
from . import helps
from .access import CareError
from .recipients import clean_phone

DUTY_ROLES = {roles.HOTLINE_DUTY, *roles.GRID_ROLES, *roles.STAFF_ROLES, roles.CARE_WORKER}


def may_plan_roster(user, area: Area) -> bool:
    scope = scope_for(user)
    return scope.everything or (scope.is_staff and scope.covers_code(area.code))


def may_take_calls(user, area: Area) -> bool:
    """Hotline duty of the area's community, its staff, care and grid workers over it, and whoever sits its
    roster now (a grid worker of one of its grids, say)."""
    scope = scope_for(user)
    if scope.everything or (scope.roles & (roles.STAFF_ROLES | roles.CARE_ROLES | roles.GRID_ROLES)
                            and scope.covers_code(area.code)):
        return True
    if errand_rules._hotline_covers(user, area.code):
        return True
    slot = duty_now(user) if scope.roles & DUTY_ROLES else None
    return slot is not None and slot.area_id == area.pk


def hotline_areas(user) -> QuerySet:
    """The communities whose hotline the user may work (one query)."""
    scope = scope_for(user)
    qs = Area.objects.filter(level="community")
    if scope.everything:
        return qs
    codes = list(scope.area_codes)
    if getattr(user, "person_id", None):
        codes += list(RoleAssignment.objects.current().filter(person_id=user.person_id, role=roles.HOTLINE_DUTY,
                                                              area__isnull=False).values_list("area__code", flat=True))
    q = Q(pk__in=[])
    for code in codes:
        q |= Q(code__startswith=code[:12]) if len(code) >= 12 else Q(code__startswith=code)
    return qs.filter(q)


def _can_sit(person: Person, area: Area) -> bool:
    return RoleAssignment.objects.current().filter(person=person, role__in=DUTY_ROLES,
                                                   area__code__startswith=area.code[:12]).exists()


def add_slot(user, area: Area, *, weekday: int, starts: dt.time, ends: dt.time, person: Person,
             valid_from: dt.date | None = None) -> DutySlot:
    if not may_plan_roster(user, area):
        raise CareError(_("Only staff over this community plan its hotline roster."))
    if not 0 <= weekday <= 6:
        raise CareError(_("Choose a weekday."))
    if ends <= starts:
        raise CareError(_("A duty ends after it starts."))
    if not _can_sit(person, area):
        raise CareError(_("%(name)s has no hotline, grid or staff role in this community.") % {"name": person.name})
    return DutySlot.objects.create(area=area, weekday=weekday, starts=starts, ends=ends, person=person,
                                   valid_from=valid_from or timezone.localdate())


@transaction.atomic
def swap(user, slot: DutySlot, *, date: dt.date, replacement: Person, reason: str = "") -> DutySwap:
    """A one-off change: on ``date`` the slot is taken by ``replacement``."""
    if not (may_plan_roster(user, slot.area) or getattr(user, "person_id", None) == slot.person_id):
        raise CareError(_("Only staff, or the person on duty, can swap a duty."))
    if date < timezone.localdate():
        raise CareError(_("A swap is for today or a later day."))
    if date.weekday() != slot.weekday:
        raise CareError(_("That date is not a %(weekday)s.") % {"weekday": WEEKDAYS[slot.weekday]})
    if replacement.pk == slot.person_id:
        raise CareError(_("Choose someone else to take the duty."))
    if not _can_sit(replacement, slot.area):
        raise CareError(_("%(name)s has no hotline, grid or staff role in this community.") % {
            "name": replacement.name})
    if len(reason or "") > 100:
        raise CareError(_("Keep the reason under 100 characters."))
    try:
        with transaction.atomic():
            return DutySwap.objects.create(slot=slot, date=date, replacement=replacement,
                                           reason=(reason or "").strip(), created_by=user)
    except IntegrityError:
        raise CareError(_("This duty is already swapped on that day.")) from None


WEEKDAYS = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"]


@dataclass(frozen=True)
class Shift:
    date: dt.date
    slot: DutySlot
    person: Person
    swapped: bool


def _valid_on(day: dt.date) -> Q:
    return Q(valid_from__lte=day) & (Q(valid_until__isnull=True) | Q(valid_until__gte=day))


def roster(area: Area, first: dt.date, days: int = 7) -> list[Shift]:
    """The shifts of ``days`` days from ``first`` with the swaps applied (two queries)."""
    last = first + dt.timedelta(days=days - 1)
    slots = list(DutySlot.objects.filter(area=area, valid_from__lte=last).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=first)).select_related("person"))
    swaps = {(s.slot_id, s.date): s for s in DutySwap.objects.filter(
        slot__in=slots, date__range=(first, last)).select_related("replacement")}
    shifts = []
    for n in range(days):
        day = first + dt.timedelta(days=n)
        for slot in sorted((s for s in slots if s.weekday == day.weekday()), key=lambda s: (s.starts, s.pk)):
            if slot.valid_from > day or (slot.valid_until and slot.valid_until < day):
                continue
            change = swaps.get((slot.pk, day))
            shifts.append(Shift(day, slot, change.replacement if change else slot.person, change is not None))
    return shifts


def on_duty(area: Area, at: dt.datetime | None = None) -> list[Person]:
    local = timezone.localtime(at or timezone.now())
    return [s.person for s in roster(area, local.date(), 1) if s.slot.starts <= local.time() < s.slot.ends]


def duty_now(user, at: dt.datetime | None = None) -> DutySlot | None:
    """The slot the user sits now (their own or swapped to them), or None (two queries)."""
    return duty_now_of(getattr(user, "person_id", None), at)


def duty_now_of(person_id: int | None, at: dt.datetime | None = None) -> DutySlot | None:
    if not person_id:
        return None
    local = timezone.localtime(at or timezone.now())
    day, now = local.date(), local.time()
    swaps_today = DutySwap.objects.filter(slot=OuterRef("pk"), date=day)
    return (DutySlot.objects.filter(_valid_on(day), weekday=day.weekday(), starts__lte=now, ends__gt=now)
            .filter((Q(person_id=person_id) & ~Exists(swaps_today))
                    | Exists(swaps_today.filter(replacement_id=person_id)))
            .select_related("area").order_by("starts", "pk").first())


def hotline_people(user, area: Area) -> QuerySet:
    """The people a hotline may act for: those of its community, for whoever may take its calls."""
    if not may_take_calls(user, area):
        return Person.objects.none()
    low = area.code[:12]
    high = str(int(low) + 1).zfill(len(low))
    return Person.objects.filter(area__code__gte=low, area__code__lt=high)


def find_person(user, query: str, area: Area | None = None) -> list[Person]:
    """People by exact mobile number or by name (at most 20): the hotline's community, else the user's scope."""
    query = (query or "").strip()
    if not query or len(query) > 50:
        return []
    base = hotline_people(user, area) if area is not None else scoped(Person.objects.all(), user)
    qs = base.select_related("area", "household__unit__building")
    if query.isdigit() and len(query) == 11:
        return list(qs.filter(mobile=query)[:20])
    return list(qs.filter(name__startswith=query).order_by("name", "pk")[:20])


@transaction.atomic
def log_call(user, area: Area, *, caller_name: str, callback_phone: str, person: Person, request_type: str,
             notes: str, errand_kind: str = "", category: Category | None = None,
             service: HelpService | None = None, date: dt.date | None = None,
             at: dt.datetime | None = None) -> tuple[Call, Errand | Case | HelpBooking | None]:
    """Log a call and act on its request in the same step; returns the call and what it made (or None)."""
    if not may_take_calls(user, area):
        raise CareError(_("Only the hotline's duty, staff and grid workers of this community log its calls."))
    if not person.area.code.startswith(area.code[:12]):
        raise CareError(_("The person is not in this community."))
    caller_name = (caller_name or "").strip()
    if not caller_name or len(caller_name) > 50:
        raise CareError(_("Give the caller's name (at most 50 characters)."))
    phone = clean_phone(callback_phone, required=False)
    notes = (notes or "").strip()
    if not notes:
        raise CareError(_("Write what the caller asked for."))
    if len(notes) > 500:
        raise CareError(_("Keep the notes under 500 characters."))
    if request_type not in RequestType.values:
        raise CareError(_("Choose the kind of request."))
    call = Call.objects.create(area=area, taken_by=user, at=at or timezone.now(), caller_name=caller_name,
                               callback_phone=phone, person=person, request_type=request_type, notes=notes)
    made: Errand | Case | HelpBooking | None = None
    if request_type == RequestType.ERRAND:
        made = errand_rules.create_errand(user, person, kind=errand_kind or Errand.Kind.OTHER,
                                          description=notes[:300], call=call)
    elif request_type == RequestType.PROBLEM:
        if category is None:
            raise CareError(_("Choose the category of the problem."))
        household = person.household
        try:
            case = file_case(category=category, channel=Channel.HOTLINE, description=notes, reporter=user,
                             area=person.area, address=str(household) if household else "",
                             caller_name=caller_name, callback_phone=phone, channel_ref=f"care-call:{call.pk}")
        except CaseError as exc:
            raise CareError(exc.messages[0]) from None
        call.case = made = case
        call.save(update_fields=["case"])
    elif request_type == RequestType.SIX_HELPS:
        recipient = getattr(person, "care", None)
        if recipient is None:
            raise CareError(_("Six-helps services are booked for people on the care list."))
        if service is None or date is None:
            raise CareError(_("Choose the service and the date."))
        made = helps.book(user, service, recipient, date=date, note=notes[:200], call=call)
    return call, made


def visible_calls(user) -> QuerySet:
    return scoped(Call.objects.all(), user)
