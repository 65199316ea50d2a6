"""The rules of meetings: who may run and join them, recurrence, agendas, sign-in, minutes, votes.

Every write goes through a function here (views, commands, tasks and tests alike).  Outcomes that touch a
case go through the one write path into the case loop, ``linli.cases.services`` (``file_case``,
``transition``); a step the loop refuses refuses the whole outcome, and nothing is changed.

Who may do what:

- *run* a series (call, move and cancel meetings, keep the agenda and the minutes, put motions): staff
  (community, street, district) whose scope covers the series' host unit, and the grid's workers for a
  series hosted by their grid;
- *propose* a topic: whoever may run it, its members and invited people, and anyone living under the host
  unit (a resident, a rider, a building head), from a phone;
- *sign in*: anyone, with the code the meeting's screen shows this minute.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.cases.models import OPEN_STATUSES, Case, Category, Channel, HandlerLevel, Status
from linli.cases.permissions import actors_for
from linli.cases.services import CaseError, file_case, transition
from linli.cases.workflow import Actor, AtMeeting
from linli.core import roles
from linli.core.codes import ancestor_codes, code_range
from linli.core.scope import scope_for, scoped
from linli.people.models import Person
from linli.places.models import Area, AreaLevel, Department, PartnerUnit

# The one import of the points rules (moving to ``linli.points.earning``): change this line only.
from linli.points.earning import award_meeting

# The rotating check-in code of volunteering activities (an HMAC of the minute under the object's secret).
from linli.volunteering.activities import code_is_valid, current_code, seconds_left  # noqa: F401

from .models import (
    AgendaItem,
    Attendance,
    CalendarToken,
    ItemEvent,
    ItemSource,
    Meeting,
    MeetingStatus,
    Motion,
    MotionResult,
    Outcome,
    Recurrence,
    Series,
    Vote,
    VoteChoice,
    VoteRule,
)
from .recurrence import occurrences

GENERATE_AHEAD_DAYS = 92
SIGN_IN_MARGIN = dt.timedelta(minutes=30)
MAX_DEADLINE_DAYS = 366
MAX_ITEMS_PER_MEETING = 200
HANDLING = (Status.DISPATCHED, Status.IN_PROGRESS)


T = TypeVar("T")


class MeetingError(ValidationError):
    """A refused action, with a message for the user."""


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise MeetingError(message)


def _given(value: T | None, message: str) -> T:
    """``value``, refused with ``message`` when it is missing."""
    if value is None:
        raise MeetingError(message)
    return value


# --- who may do what ------------------------------------------------------------------------------------

def may_run(user, series: Series) -> bool:
    scope = scope_for(user)
    if scope.everything:
        return True
    if not scope.covers_code(series.area.code):
        return False
    return scope.is_staff or bool(scope.roles & roles.GRID_ROLES)


def may_host(user, area: Area) -> bool:
    """Whether ``user`` may set up a series hosted by ``area``."""
    scope = scope_for(user)
    return scope.everything or (scope.covers_code(area.code) and (scope.is_staff or (
        bool(scope.roles & roles.GRID_ROLES) and area.level == AreaLevel.GRID)))


def host_areas(user) -> QuerySet:
    """The units ``user`` may host a series in (for the forms' choices)."""
    scope = scope_for(user)
    qs = Area.objects.filter(level__in=[AreaLevel.STREET, AreaLevel.COMMUNITY, AreaLevel.GRID])
    if scope.everything:
        return qs.order_by("code")
    if scope.is_staff:
        return qs.filter(Area.scope_q(scope)).order_by("code")
    if scope.roles & roles.GRID_ROLES:
        return qs.filter(Area.scope_q(scope), level=AreaLevel.GRID).order_by("code")
    return qs.none()


def _home_code(user) -> str:
    person = getattr(user, "person", None)
    area = getattr(person, "area", None)
    return area.code if area is not None else ""


def neighbourhood_q(user, code_field: str = "area__code") -> Q:
    """Meetings hosted by a unit the user lives under (their grid, community, street)."""
    code = _home_code(user)
    if not code:
        return Q(pk__in=[])
    return Q(**{f"{code_field}__in": ancestor_codes(code)})


def visible_meetings(user) -> QuerySet:
    """Meetings in the user's scope (hosted there, or taken part in), and those hosted over their home."""
    scope = scope_for(user)
    qs = Meeting.objects.all()
    if scope.everything:
        return qs
    return qs.filter(Meeting.scope_q(scope) | neighbourhood_q(user))


def may_propose(user, meeting: Meeting) -> bool:
    if may_run(user, meeting.series):
        return True
    if not getattr(user, "person_id", None):
        return False
    code = _home_code(user)
    if code and code.startswith(meeting.area.code):
        return True
    return scoped(Meeting.objects.filter(pk=meeting.pk), user).exists()


def _check_run(user, series: Series) -> None:
    if not may_run(user, series):
        raise PermissionDenied(_("Only the staff who run this series can do this."))


def _audit(item: AgendaItem, action: str, user=None, note: str = "", **data) -> ItemEvent:
    return ItemEvent.objects.create(item=item, action=action, actor=user if getattr(user, "pk", None) else None,
                                    note=note, data=data)


# --- notifications (in-site messages, sent by the worker) -----------------------------------------------------

def notify(user_ids: Iterable[int | None], text: str, case: Case | None = None) -> None:
    """Queue an in-site message to these users once the transaction commits."""
    ids = sorted({u for u in user_ids if u})
    if not ids:
        return
    from .tasks import send_messages

    case_id = case.pk if case is not None else None
    transaction.on_commit(lambda: send_messages(ids, text[:300], case_id))


def _users_of(person_ids: Iterable[int]) -> list[int]:
    from django.contrib.auth import get_user_model

    return list(get_user_model().objects.filter(person_id__in=list(person_ids), is_active=True)
                .values_list("pk", flat=True))


def _attendee_users(meeting: Meeting) -> list[int]:
    return _users_of(meeting.attendances.values_list("person_id", flat=True))


# --- series and their meetings ------------------------------------------------------------------------------

def _local(day: dt.date, at: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, at, tzinfo=timezone.get_current_timezone())


def _title(series: Series, day: dt.date) -> str:
    return f"{series.name} {day:%Y-%m-%d}"[:120]


@transaction.atomic
def generate(series: Series, *, today: dt.date | None = None, days: int = GENERATE_AHEAD_DAYS) -> list[Meeting]:
    """Create the series' coming meetings for the next ``days`` days that do not exist yet; invite the members."""
    if series.recurrence == Recurrence.AD_HOC or not series.active:
        return []
    today = today or timezone.localdate()
    dates = occurrences(series.recurrence, today, today + dt.timedelta(days=days),
                        day_of_month=series.day_of_month, weekday=series.weekday)
    existing = set(series.meetings.filter(scheduled_for__in=[n for n, _a in dates])
                   .values_list("scheduled_for", flat=True))
    length = dt.timedelta(minutes=series.duration_minutes)
    created = []
    for nominal, actual in dates:
        if nominal in existing:
            continue
        starts = _local(actual, series.start_time)
        created.append(Meeting(series=series, area=series.area, title=_title(series, actual), scheduled_for=nominal,
                               starts_at=starts, ends_at=starts + length, place=series.place))
    created = Meeting.objects.bulk_create(created)
    member_ids = list(series.members.values_list("pk", flat=True))
    Attendance.objects.bulk_create([Attendance(meeting=m, person_id=p, invited=True)
                                    for m in created for p in member_ids], ignore_conflicts=True)
    return created


def generate_all(*, today: dt.date | None = None) -> int:
    """The worker's daily run: coming meetings of every active recurring series."""
    total = 0
    for series in Series.objects.filter(active=True).exclude(recurrence=Recurrence.AD_HOC).select_related("area"):
        total += len(generate(series, today=today))
    return total


def _check_recurrence(recurrence: str, day_of_month: int | None, weekday: int | None) -> None:
    _require(recurrence in Recurrence.values, _("Choose how often the series meets."))
    if recurrence == Recurrence.MONTHLY:
        _require(day_of_month is not None and 1 <= day_of_month <= 28,
                 _("A monthly series needs a day of the month from 1 to 28."))
    if recurrence == Recurrence.WEEKLY:
        _require(weekday is not None and 0 <= weekday <= 6, _("A weekly series needs a weekday."))


@transaction.atomic
def create_series(user, *, kind, name: str, area: Area, place: str, recurrence: str, start_time: dt.time,
                  duration_minutes: int = 90, day_of_month: int | None = None, weekday: int | None = None,
                  members: Iterable[Person] = (), departments: Iterable[Department] = (),
                  partners: Iterable[PartnerUnit] = (),
                  escalates_to: Series | None = None, quorum: int = 0, today: dt.date | None = None) -> Series:
    if not may_host(user, area):
        raise PermissionDenied(_("You cannot host a series in this unit."))
    _check_recurrence(recurrence, day_of_month, weekday)
    _require(bool((name or "").strip()), _("Give the series a name."))
    partners = list(partners)
    scope = scope_for(user)
    _require(scope.everything or all(scope.covers_code(p.area.code) for p in partners),
             _("A partner unit must be of your area."))
    series = Series.objects.create(
        kind=kind, name=name.strip(), area=area, place=place.strip(), recurrence=recurrence,
        day_of_month=day_of_month if recurrence == Recurrence.MONTHLY else None,
        weekday=weekday if recurrence == Recurrence.WEEKLY else None, start_time=start_time,
        duration_minutes=duration_minutes, escalates_to=escalates_to, quorum=quorum, created_by=user)
    series.members.set(list(members))
    series.departments.set(list(departments))
    series.partners.set(partners)
    generate(series, today=today)
    return series


def call_meeting(user, series: Series, *, starts_at: dt.datetime, place: str = "", title: str = "",
                 now: dt.datetime | None = None) -> Meeting:
    """An extra (or an ad-hoc series') meeting at a given time."""
    _check_run(user, series)
    now = now or timezone.now()
    _require(starts_at > now, _("Choose a time in the future."))
    _require(starts_at < now + dt.timedelta(days=MAX_DEADLINE_DAYS), _("Choose a time within a year."))
    with transaction.atomic():
        meeting = Meeting.objects.create(
            series=series, area=series.area, title=(title or "").strip()[:120] or _title(
                series, timezone.localtime(starts_at).date()),
            starts_at=starts_at, ends_at=starts_at + dt.timedelta(minutes=series.duration_minutes),
            place=(place or "").strip()[:200] or series.place)
        Attendance.objects.bulk_create([Attendance(meeting=meeting, person_id=p, invited=True)
                                        for p in series.members.values_list("pk", flat=True)])
    return meeting


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    _require(bool(reason), _("Please give a reason; the attendees will be told."))
    _require(len(reason) <= 200, _("Please keep the reason under 200 characters."))
    return reason


@transaction.atomic
def move_meeting(user, meeting: Meeting, *, starts_at: dt.datetime, reason: str,
                 now: dt.datetime | None = None) -> Meeting:
    _check_run(user, meeting.series)
    now = now or timezone.now()
    meeting = Meeting.objects.select_for_update().select_related("series").get(pk=meeting.pk)
    _require(meeting.status == MeetingStatus.SCHEDULED, _("Only a scheduled meeting can be moved."))
    reason = _reason(reason)
    _require(starts_at > now, _("Choose a time in the future."))
    _require(starts_at < now + dt.timedelta(days=MAX_DEADLINE_DAYS), _("Choose a time within a year."))
    length = meeting.ends_at - meeting.starts_at
    meeting.starts_at, meeting.ends_at, meeting.moved_reason = starts_at, starts_at + length, reason
    meeting.save(update_fields=["starts_at", "ends_at", "moved_reason"])
    local = timezone.localtime(starts_at)
    notify(_attendee_users(meeting), _("%(meeting)s is moved to %(when)s: %(reason)s") % {
        "meeting": meeting.series.name, "when": f"{local:%Y-%m-%d %H:%M}", "reason": reason})
    return meeting


def next_meeting(series: Series, after: Meeting | None = None, *, now: dt.datetime | None = None) -> Meeting | None:
    """The series' next scheduled meeting (after ``after``, or from now)."""
    qs = series.meetings.filter(status=MeetingStatus.SCHEDULED)
    if after is not None:
        qs = qs.exclude(pk=after.pk).filter(starts_at__gt=after.starts_at)
    else:
        qs = qs.filter(ends_at__gt=now or timezone.now())
    return qs.order_by("starts_at", "pk").first()


def _next_or_generate(series: Series, after: Meeting | None) -> Meeting | None:
    found = next_meeting(series, after)
    if found is None and series.recurrence != Recurrence.AD_HOC:
        generate(series)
        found = next_meeting(series, after)
    return found


def _append_position(meeting: Meeting) -> int:
    return (meeting.items.aggregate(m=Max("position"))["m"] or 0) + 1


@transaction.atomic
def cancel_meeting(user, meeting: Meeting, *, reason: str) -> Meeting:
    """Cancel with a reason; the attendees are told, and open items move to the next meeting."""
    _check_run(user, meeting.series)
    meeting = Meeting.objects.select_for_update().select_related("series").get(pk=meeting.pk)
    _require(meeting.status == MeetingStatus.SCHEDULED, _("Only a scheduled meeting can be cancelled."))
    reason = _reason(reason)
    meeting.status, meeting.cancelled_reason = MeetingStatus.CANCELLED, reason
    meeting.save(update_fields=["status", "cancelled_reason"])
    open_items = list(meeting.items.filter(outcome=""))
    target = _next_or_generate(meeting.series, meeting) if open_items else None
    if target is not None:
        position = _append_position(target)
        for offset, item in enumerate(open_items):
            item.meeting, item.position = target, position + offset
            item.save(update_fields=["meeting", "position"])
            _audit(item, "moved", user, reason, from_meeting=meeting.pk, to_meeting=target.pk)
    notify(_attendee_users(meeting), _("%(meeting)s is cancelled: %(reason)s") % {
        "meeting": meeting.title, "reason": reason})
    return meeting


# --- the agenda -----------------------------------------------------------------------------------------------

def _text(value: str, limit: int, message: str) -> str:
    value = (value or "").strip()
    _require(len(value) <= limit, message)
    return value


def _check_open_agenda(meeting: Meeting) -> None:
    _require(meeting.status == MeetingStatus.SCHEDULED, _("This meeting no longer takes topics."))
    _require(meeting.items.count() < MAX_ITEMS_PER_MEETING, _("This meeting's agenda is full."))


def _topic(meeting: Meeting, title: str, description: str, area: Area | None) -> tuple[str, str]:
    """A new topic's checks (the agenda open, a title, short enough, a place within the meeting's area): the
    cleaned title and details."""
    _check_open_agenda(meeting)
    title = _text(title, 100, _("Please keep the topic under 100 characters."))
    _require(bool(title), _("Please say what the topic is."))
    description = _text(description, 2000, _("Please keep the details under 2000 characters."))
    if area is not None:
        _require(area.code.startswith(meeting.area.code), _("This place is not within the meeting's area."))
    return title, description


@transaction.atomic
def propose_topic(user, meeting: Meeting, *, title: str, description: str = "",
                  area: Area | None = None) -> AgendaItem:
    """A topic raised by a resident, a rider, a building head or a grid worker, from a phone."""
    if not may_propose(user, meeting):
        raise PermissionDenied(_("You cannot propose topics for this meeting."))
    person: Person = _given(getattr(user, "person", None), _("Only a registered person can propose a topic."))
    title, description = _topic(meeting, title, description, area)
    if area is None and person.area.code.startswith(meeting.area.code):
        area = person.area
    item = AgendaItem.objects.create(
        meeting=meeting, position=_append_position(meeting), title=title, description=description,
        source=ItemSource.PROPOSAL, raised_by=person, raised_by_user=user, area=area)
    _audit(item, "proposed", user)
    return item


@transaction.atomic
def add_item(user, meeting: Meeting, *, title: str, description: str = "", area: Area | None = None,
             category: Category | None = None, raised_by: Person | None = None) -> AgendaItem:
    """A free item put on the agenda by the staff."""
    _check_run(user, meeting.series)
    title, description = _topic(meeting, title, description, area)
    item = AgendaItem.objects.create(
        meeting=meeting, position=_append_position(meeting), title=title, description=description,
        source=ItemSource.FREE, area=area, category=category, raised_by=raised_by,
        raised_by_user=getattr(raised_by, "user", None) if raised_by is not None else None)
    _audit(item, "added", user)
    return item


@transaction.atomic
def promote_case(user, meeting: Meeting, case: Case) -> AgendaItem:
    """An open case on the agenda: the item is tied to the case from the start."""
    _check_run(user, meeting.series)
    _check_open_agenda(meeting)
    _require(scoped(Case.objects.filter(pk=case.pk), user).exists(), _("No such case in your area."))
    _require(case.status in OPEN_STATUSES, _("This case is no longer open."))
    already = AgendaItem.objects.filter(case=case, outcome="", meeting__status=MeetingStatus.SCHEDULED).first()
    _require(already is None, _("This case is already on the agenda of %(meeting)s.") % {
        "meeting": already.meeting.title if already else ""})
    reporter = case.reporter
    item = AgendaItem.objects.create(
        meeting=meeting, position=_append_position(meeting),
        title=f"{case.category.name}：{case.description}"[:100], description=case.description[:2000],
        source=ItemSource.CASE, case=case, area=case.area, category=case.category,
        raised_by=getattr(reporter, "person", None) if reporter else None, raised_by_user=reporter)
    _audit(item, "promoted", user, case=case.number)
    return item


def open_cases_for(user, meeting: Meeting, limit: int = 20) -> list[Case]:
    """Open cases under the meeting's unit, in the user's scope, not yet on a coming agenda: oldest first."""
    low, high = code_range(meeting.area.code)
    on_agenda = AgendaItem.objects.filter(case__isnull=False, outcome="",
                                          meeting__status=MeetingStatus.SCHEDULED).values("case_id")
    return list(scoped(Case.objects.filter(status__in=OPEN_STATUSES, area__code__gte=low, area__code__lt=high),
                       user).exclude(pk__in=on_agenda).select_related("category", "area")
                .order_by("created_at", "pk")[:limit])


@transaction.atomic
def move_item(user, item: AgendaItem, direction: str) -> None:
    """One place up or down the agenda."""
    _check_run(user, item.meeting.series)
    _require(direction in ("up", "down"), _("Unknown direction."))
    siblings = list(item.meeting.items.select_for_update().order_by("position", "pk"))
    index = next(i for i, s in enumerate(siblings) if s.pk == item.pk)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(siblings):
        return
    siblings[index], siblings[other] = siblings[other], siblings[index]
    for position, row in enumerate(siblings, start=1):
        if row.position != position:
            row.position = position
            row.save(update_fields=["position"])


# --- attendance -----------------------------------------------------------------------------------------------

def _award(attendance: Attendance, user=None) -> None:
    """Points for attending (once per attendance; a refusal of the ledger does not undo the sign-in)."""
    try:
        with transaction.atomic():
            award_meeting(attendance, user=user)
    except ValidationError:
        pass


def check_sign_in_window(meeting: Meeting, at: dt.datetime) -> None:
    _require(meeting.status != MeetingStatus.CANCELLED, _("This meeting has been cancelled."))
    _require(at >= meeting.starts_at - SIGN_IN_MARGIN, _("Sign-in opens 30 minutes before the meeting starts."))
    _require(at <= meeting.ends_at + SIGN_IN_MARGIN, _("Sign-in closed 30 minutes after the meeting ended."))


@transaction.atomic
def sign_in(meeting: Meeting, person: Person, code: str, *, now: dt.datetime | None = None) -> Attendance:
    """Sign in on a phone with the code the meeting's screen shows (the rotating code of activities)."""
    now = now or timezone.now()
    check_sign_in_window(meeting, now)
    _require(code_is_valid(meeting, code, now), _("The code is wrong or has expired; enter the code shown now."))
    attendance, _created = Attendance.objects.select_for_update().get_or_create(meeting=meeting, person=person)
    _require(attendance.signed_in_at is None, _("You have already signed in."))
    attendance.signed_in_at = now
    attendance.save(update_fields=["signed_in_at"])
    _award(attendance)
    return attendance


@transaction.atomic
def mark_present(user, meeting: Meeting, person: Person, *, now: dt.datetime | None = None) -> Attendance:
    """The staff sign in someone without a phone."""
    _check_run(user, meeting.series)
    now = now or timezone.now()
    check_sign_in_window(meeting, now)
    attendance, _created = Attendance.objects.select_for_update().get_or_create(meeting=meeting, person=person)
    _require(attendance.signed_in_at is None, _("%(name)s has already signed in.") % {"name": person.name})
    attendance.signed_in_at, attendance.signed_in_by = now, user
    attendance.save(update_fields=["signed_in_at", "signed_in_by"])
    _award(attendance, user)
    return attendance


def invite(user, meeting: Meeting, person: Person) -> Attendance:
    _check_run(user, meeting.series)
    _require(meeting.status == MeetingStatus.SCHEDULED, _("Only a scheduled meeting takes invitations."))
    attendance, created = Attendance.objects.get_or_create(meeting=meeting, person=person,
                                                           defaults={"invited": True})
    if not created and not attendance.invited:
        attendance.invited = True
        attendance.save(update_fields=["invited"])
    local = timezone.localtime(meeting.starts_at)
    notify(_users_of([person.pk]), _("You are invited to %(meeting)s, %(when)s at %(place)s.") % {
        "meeting": meeting.series.name, "when": f"{local:%Y-%m-%d %H:%M}", "place": meeting.place})
    return attendance


def present_count(meeting: Meeting) -> int:
    return meeting.attendances.filter(signed_in_at__isnull=False).count()


# --- minutes: one outcome per item -------------------------------------------------------------------------------

def at_meeting(meeting: Meeting) -> AtMeeting:
    """How the case loop knows the meeting a step is taken at."""
    return AtMeeting(pk=meeting.pk, title=meeting.title, area_code=meeting.area.code)


def _loop(case: Case, action: str, user, **params) -> Case:
    """One step of the case loop; a refusal becomes the meeting's refusal (and rolls everything back)."""
    try:
        return transition(case, action, user, **params).case
    except PermissionDenied as exc:
        raise MeetingError(_("The case loop refused this step: %(reason)s") % {"reason": exc}) from None
    except CaseError as exc:
        raise MeetingError(exc.messages) from None


def handler_departments(meeting: Meeting) -> QuerySet:
    """Departments a meeting can hand a case to: those of its district and street(s)."""
    low, high = code_range(meeting.area.code)
    return Department.objects.filter(Q(area__code__in=ancestor_codes(meeting.area.code))
                                     | Q(area__code__gte=low, area__code__lt=high)).order_by("kind", "name")


def escalation_targets(item: AgendaItem) -> QuerySet:
    """Higher series: active, hosted by the meeting's unit or one above it, other than this series."""
    meeting = item.meeting
    return (Series.objects.filter(active=True, area__code__in=ancestor_codes(meeting.area.code))
            .exclude(pk=meeting.series_id).select_related("area").order_by("-area__code", "name"))


def _check_deadline(deadline: dt.date | None) -> dt.date:
    deadline = _given(deadline, _("Give the deadline for the handling unit."))
    today = timezone.localdate()
    _require(deadline >= today, _("The deadline cannot be in the past."))
    _require(deadline <= today + dt.timedelta(days=MAX_DEADLINE_DAYS), _("The deadline must be within a year."))
    return deadline


def _assign(user, item: AgendaItem, *, level: str, department: Department | None, category: Category | None,
            area: Area | None) -> Case:
    meeting = item.meeting
    _require(level in HandlerLevel.values, _("Choose who handles it."))
    if level == HandlerLevel.DEPARTMENT:
        _require(department is not None and handler_departments(meeting).filter(pk=department.pk).exists(),
                 _("Choose the department that handles it."))
    case = item.case
    if case is None:
        category = _given(category or item.category, _("Choose the category of the problem."))
        area = area or item.area or meeting.area
        _require(area.code.startswith(meeting.area.code), _("This place is not within the meeting's area."))
        try:
            case = file_case(category=category, channel=Channel.MEETING,
                             description=(f"{item.title}\n{item.description}".strip())[:2000],
                             reporter=item.raised_by_user, area=area, channel_ref=meeting.series.name[:100])
        except CaseError as exc:
            raise MeetingError(exc.messages) from None
        item.case, item.category, item.area = case, category, area
    _require(case.status not in (Status.CLOSED, Status.REJECTED), _("This case is already closed."))
    if case.status == Status.REPORTED:
        case = _loop(case, "accept", user, note=_("Accepted at %(meeting)s") % {"meeting": meeting.title})
    if case.status == Status.ACCEPTED:
        case = _loop(case, "dispatch", user, level=level, unit=department,
                     note=_("Assigned at %(meeting)s") % {"meeting": meeting.title})
    return case


def _solve(user, item: AgendaItem, note: str, photo) -> None:
    """Solved on the spot: a linked open case is closed through the loop's ``close_at_meeting`` step, with the
    note (and the photo, if one is taken); the host verifies it, so the host must not be its resolver."""
    case = item.case
    if case is None or case.status in (Status.CLOSED, Status.REJECTED):
        return
    where = at_meeting(item.meeting)
    if Actor.MEETING_HOST not in actors_for(user, case, where):
        raise MeetingError(_("This case cannot be closed at this meeting: it lies outside the meeting's unit, or "
                             "you resolved it yourself and someone else must verify it."))
    photos = []
    if photo is not None:
        from linli.cases.models import CasePhoto
        from linli.cases.photos import PhotoError, save_photo

        try:
            photos = [save_photo(case, photo, kind=CasePhoto.Kind.RESULT, user=user)]
        except PhotoError as exc:
            raise MeetingError(exc.messages) from None
    _loop(case, "close_at_meeting", user, note=note, photos=photos, meeting=where)


def _carry(item: AgendaItem, target: Meeting, source: str, user) -> AgendaItem:
    carried = AgendaItem.objects.create(
        meeting=target, position=_append_position(target), title=item.title, description=item.description,
        source=source, raised_by=item.raised_by, raised_by_user=item.raised_by_user, area=item.area,
        category=item.category, case=item.case, carried_from=item)
    _audit(carried, source, user, from_item=item.pk, from_meeting=item.meeting_id)
    return carried


def _check_minutes_open(meeting: Meeting, now: dt.datetime) -> None:
    _require(meeting.status == MeetingStatus.SCHEDULED, _("The minutes of this meeting are closed."))
    _require(now >= meeting.starts_at - SIGN_IN_MARGIN, _("The meeting has not started yet."))


@transaction.atomic
def record_outcome(user, item: AgendaItem, *, outcome: str, summary: str = "", note: str = "",
                   deadline: dt.date | None = None, level: str = "", department: Department | None = None,
                   category: Category | None = None, area: Area | None = None, target: str = "",
                   photo=None, now: dt.datetime | None = None) -> AgendaItem:
    """Record the item's one outcome, with its effect on the case loop.

    - solved: what was done (``note``); a linked open case is closed at the meeting with that note (the
      loop's ``close_at_meeting``: the host verifies, so must not be the case's resolver; a photo is optional);
    - assigned: a case is filed (channel ``meeting``) or the linked one is taken, and dispatched to the
      handler (``level``, ``department``) with the meeting's ``deadline``;
    - escalated: ``target`` is ``series:<id>`` (a higher series: the item goes onto its next meeting, with
      its case) or ``loop`` (the linked case goes one level up the loop);
    - deferred: the item goes onto the series' next meeting;
    - declined: ``note`` is the reason, sent to whoever raised it.
    """
    now = now or timezone.now()
    _check_run(user, item.meeting.series)
    item = AgendaItem.objects.select_for_update(of=("self",)).select_related(
        "meeting__series", "meeting__area", "case", "area", "category").get(pk=item.pk)
    meeting = item.meeting
    _check_minutes_open(meeting, now)
    _require(not item.outcome, _("This item already has its outcome; minutes are never rewritten."))
    _require(outcome in Outcome.values, _("Choose the outcome."))
    summary = _text(summary, 2000, _("Please keep the summary under 2000 characters."))
    note = _text(note, 2000, _("Please keep the note under 2000 characters."))
    if item.case_id:
        item.case = Case.objects.select_related("area", "category").get(pk=item.case_id)
    data: dict = {"outcome": outcome}
    carried = None
    if outcome == Outcome.SOLVED:
        _require(bool(note), _("Say what was done."))
        _solve(user, item, note, photo)
    elif outcome == Outcome.ASSIGNED:
        item.deadline = _check_deadline(deadline)
        case = _assign(user, item, level=level, department=department, category=category, area=area)
        # The handler the case has now (a linked case already being handled keeps its own).
        item.case, item.handler_level, item.handler_department = case, case.level, case.handler_department
        data.update(case=case.number, level=level, deadline=item.deadline.isoformat())
    elif outcome == Outcome.ESCALATED:
        if target == "loop":
            handled = item.case
            if handled is None or handled.status not in HANDLING:
                raise MeetingError(_("Only an item whose case is being handled can go up the case loop; assign it "
                                     "first, or escalate it to a higher series."))
            handled = _loop(handled, "escalate", user, note=note or _("Escalated at %(meeting)s") % {
                "meeting": meeting.title})
            item.case, item.handler_level = handled, handled.level
            item.handler_department = handled.handler_department
            data.update(case=handled.number, level=handled.level)
        else:
            series_id = target.removeprefix("series:")
            higher: Series = _given(escalation_targets(item).filter(pk=int(series_id)).first()
                                    if series_id.isdigit() else None, _("Choose the higher series or the case loop."))
            next_one = _given(_next_or_generate(higher, None), _(
                "%(series)s has no coming meeting; ask its staff to call one.") % {"series": higher.name})
            carried = _carry(item, next_one, ItemSource.ESCALATED, user)
            data.update(series=higher.pk, meeting=next_one.pk)
        if deadline is not None:
            item.deadline = _check_deadline(deadline)
    elif outcome == Outcome.DEFERRED:
        next_one = _given(_next_or_generate(meeting.series, meeting),
                          _("No next meeting is scheduled; call one first."))
        carried = _carry(item, next_one, ItemSource.DEFERRED, user)
        data.update(meeting=next_one.pk)
    elif outcome == Outcome.DECLINED:
        _require(bool(note), _("Give the reason; it is sent to whoever raised the topic."))
    item.outcome, item.summary, item.outcome_note = outcome, summary, note
    item.recorded_by, item.recorded_at = user, now
    item.save()
    _audit(item, "outcome", user, note, **data)
    _tell_proposer(item, carried)
    return item


def _tell_proposer(item: AgendaItem, carried: AgendaItem | None) -> None:
    if not item.raised_by_user_id:
        return
    meeting = item.meeting
    values = {"meeting": meeting.series.name, "topic": item.title, "note": item.outcome_note}
    if item.outcome == Outcome.SOLVED:
        text = _("%(meeting)s solved your topic “%(topic)s”: %(note)s") % values
    elif item.outcome == Outcome.ASSIGNED:
        assert item.case is not None  # an assignment always files or takes a case
        text = _("%(meeting)s assigned your topic “%(topic)s” as case %(number)s, due %(deadline)s.") % {
            **values, "number": item.case.number, "deadline": item.deadline}
    elif item.outcome == Outcome.ESCALATED:
        where = (carried.meeting.series.name if carried is not None
                 else item.case.get_level_display() if item.case is not None else "")
        text = _("%(meeting)s escalated your topic “%(topic)s” to %(where)s.") % {**values, "where": where}
    elif item.outcome == Outcome.DEFERRED:
        assert carried is not None  # deferring always carries the item over
        text = _("%(meeting)s deferred your topic “%(topic)s” to %(when)s.") % {
            **values, "when": f"{timezone.localtime(carried.meeting.starts_at):%Y-%m-%d}"}
    else:
        text = _("%(meeting)s declined your topic “%(topic)s”: %(note)s") % values
    notify([item.raised_by_user_id], text, item.case)


@transaction.atomic
def close_minutes(user, meeting: Meeting, *, now: dt.datetime | None = None) -> Meeting:
    """The meeting is held: every item has its outcome, and the minutes are final."""
    _check_run(user, meeting.series)
    now = now or timezone.now()
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _check_minutes_open(meeting, now)
    missing = meeting.items.filter(outcome="").count()
    _require(missing == 0, _("%(n)d items have no outcome yet; every item needs one.") % {"n": missing})
    _require(not meeting.motions.filter(closed_at__isnull=True).exists(), _("Close the open votes first."))
    meeting.status, meeting.held_at = MeetingStatus.HELD, now
    meeting.save(update_fields=["status", "held_at"])
    return meeting


# --- motions and votes -----------------------------------------------------------------------------------------

def tally(*, present: int, votes_for: int, against: int, abstain: int, rule: str, quorum: int) -> str:
    """The result of a vote: no quorum when fewer members are present than the quorum, else by the rule."""
    if present < max(quorum, 1):
        return MotionResult.NO_QUORUM
    if rule == VoteRule.SIMPLE:
        passed = votes_for > against
    elif rule == VoteRule.TWO_THIRDS:
        passed = votes_for * 3 >= present * 2
    else:
        passed = votes_for * 2 > present
    return MotionResult.PASSED if passed else MotionResult.FAILED


def default_quorum(series: Series) -> int:
    if series.quorum:
        return series.quorum
    members = series.members.count()
    return members // 2 + 1 if members else 1


def voters(meeting: Meeting) -> QuerySet:
    """Who may vote: the series' members present (everyone present when the series lists no members)."""
    present = Person.objects.filter(meeting_attendances__meeting=meeting,
                                    meeting_attendances__signed_in_at__isnull=False)
    if meeting.series.members.exists():
        present = present.filter(meeting_series=meeting.series)
    return present.order_by("pk")


def put_motion(user, meeting: Meeting, *, text: str, rule: str = VoteRule.MAJORITY, quorum: int | None = None,
               item: AgendaItem | None = None, now: dt.datetime | None = None) -> Motion:
    _check_run(user, meeting.series)
    _check_minutes_open(meeting, now or timezone.now())
    text = _text(text, 300, _("Please keep the motion under 300 characters."))
    _require(bool(text), _("Write the motion to be voted on."))
    _require(rule in VoteRule.values, _("Choose how the vote is decided."))
    quorum = default_quorum(meeting.series) if quorum is None else quorum
    _require(1 <= quorum <= 10_000, _("The quorum must be between 1 and 10000."))
    _require(item is None or item.meeting_id == meeting.pk, _("That item is not on this meeting's agenda."))
    return Motion.objects.create(meeting=meeting, item=item, text=text, rule=rule, quorum=quorum, created_by=user)


@transaction.atomic
def cast_votes(user, motion: Motion, choices: dict[int, str]) -> int:
    """Record the votes of members present (person id → for/against/abstain); returns how many were recorded."""
    _check_run(user, motion.meeting.series)
    motion = Motion.objects.select_for_update().select_related("meeting__series").get(pk=motion.pk)
    _require(motion.closed_at is None, _("This vote is closed."))
    allowed = set(voters(motion.meeting).values_list("pk", flat=True))
    own = set(motion.votes.filter(own=True).values_list("person_id", flat=True))
    for person_id, choice in choices.items():
        _require(choice in VoteChoice.values, _("A vote is for, against or abstain."))
        _require(person_id in allowed, _("Only members present can vote."))
        _require(person_id not in own, _("A member who voted on their own phone keeps that vote."))
    for person_id, choice in choices.items():
        Vote.objects.update_or_create(motion=motion, person_id=person_id, defaults={"choice": choice})
    return len(choices)


def is_voter(user, meeting: Meeting) -> bool:
    """Whether ``user`` is one of the members present who vote at ``meeting``."""
    person_id = getattr(user, "person_id", None)
    return bool(person_id) and voters(meeting).filter(pk=person_id).exists()


@transaction.atomic
def vote_own(user, motion: Motion, choice: str) -> Vote:
    """A member present votes on their own phone: for, against or abstain, once (the vote is final)."""
    motion = Motion.objects.select_for_update().select_related("meeting__series").get(pk=motion.pk)
    _require(motion.closed_at is None, _("This vote is closed."))
    _require(is_voter(user, motion.meeting), _("Only members signed in at the meeting can vote; sign in first."))
    _require(choice in VoteChoice.values, _("A vote is for, against or abstain."))
    _require(not motion.votes.filter(person_id=user.person_id).exists(), _("You have already voted."))
    return Vote.objects.create(motion=motion, person_id=user.person_id, choice=choice, own=True)


def vote_counts(motion: Motion) -> dict[str, int]:
    """The count so far, for the host: each choice, how many voted, and how many members present may vote."""
    counts = {c: 0 for c in VoteChoice.values}
    for choice in motion.votes.values_list("choice", flat=True):
        counts[choice] += 1
    return {**counts, "voted": sum(counts.values()), "present": voters(motion.meeting).count()}


@transaction.atomic
def close_motion(user, motion: Motion, *, now: dt.datetime | None = None) -> Motion:
    _check_run(user, motion.meeting.series)
    motion = Motion.objects.select_for_update().select_related("meeting__series").get(pk=motion.pk)
    _require(motion.closed_at is None, _("This vote is closed."))
    counts = vote_counts(motion)
    motion.present = counts["present"]
    motion.votes_for, motion.votes_against, motion.abstentions = (
        counts[VoteChoice.FOR], counts[VoteChoice.AGAINST], counts[VoteChoice.ABSTAIN])
    motion.result = tally(present=motion.present, votes_for=motion.votes_for, against=motion.votes_against,
                          abstain=motion.abstentions, rule=motion.rule, quorum=motion.quorum)
    motion.closed_at = now or timezone.now()
    motion.save()
    return motion


# --- the personal calendar link ------------------------------------------------------------------------------------

def calendar_token(user) -> CalendarToken:
    token = CalendarToken.objects.filter(user=user, revoked_at__isnull=True).order_by("-pk").first()
    if token is None:
        try:
            with transaction.atomic():
                token = CalendarToken.objects.create(user=user)
        except IntegrityError:  # a token collision: 160 random bits; try once more
            token = CalendarToken.objects.create(user=user)
    return token


@transaction.atomic
def revoke_calendar_token(user) -> CalendarToken:
    """Kill the old secret URL and make a new one."""
    CalendarToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    return CalendarToken.objects.create(user=user)


def user_calendar_meetings(user) -> QuerySet:
    """What a user's personal feed holds: meetings they are invited to, of series they belong to or run."""
    scope = scope_for(user)
    if scope.everything:
        return Meeting.objects.all()
    q = Q(pk__in=[])
    if user.person_id:
        q |= Q(attendances__person_id=user.person_id) | Q(series__members=user.person_id)
    if scope.department_ids:
        q |= Q(series__departments__in=scope.department_ids)
    if scope.is_staff or scope.roles & roles.GRID_ROLES:
        q |= scope.area_q("area__code")
    return Meeting.objects.filter(q).distinct()
