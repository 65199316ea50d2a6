"""Every state change of a case goes through one function here (views, API, tasks and tests alike).

Filing: every channel ends in ``file_case``.  The phone page (随手拍), anonymous reports where a street
allows them, and staff intake of hotline calls, WeChat-group messages, opinion drives and grid patrols
go through ``submit_report``, which checks the limits and the photos, finds the place, files the case
and stores the photos, in one transaction.  A retried submit carrying the same client token returns the
first case.
"""

from __future__ import annotations

import datetime as dt
import enum
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from linli.core.models import User, UserLike
from linli.places.geo import InvalidCoordinates, distance_m, locate
from linli.places.models import Area, AreaLevel, Department

from . import limits, workflow
from .hooks import FROM_DEPARTMENT, after_step
from .limits import IntakeError
from .models import (
    ESCALATION_ORDER,
    Case,
    CaseCounter,
    CaseEvent,
    CasePhoto,
    Category,
    Channel,
    HandlerLevel,
    Rating,
    Status,
)
from .notify import after_commit
from .permissions import actors_for, anonymous_allowed
from .photos import (
    MAX_REPORT_PHOTOS,
    CheckedImage,
    ProbedImage,
    discard_files,
    finish_image,
    probe_upload,
    save_photo,
)
from .workflow import TRANSITIONS, Actor, AtMeeting
from .worktime import WorkCalendar


class CaseError(ValidationError):
    """A refused action, with a message for the user."""


@dataclass(frozen=True)
class Route:
    level: str
    area: Area | None
    department: Department | None


def route(category: Category, area: Area) -> Route:
    """Where a new case goes by its category: the grid's workers, the community, the street or a department."""
    level = category.handler_level
    if level == HandlerLevel.DEPARTMENT:
        return Route(level, None, category.department)
    target = area.ancestor({"grid": AreaLevel.GRID, "community": AreaLevel.COMMUNITY,
                             "street": AreaLevel.STREET}[level])
    if target is None:  # a case filed on a community has no grid: the community handles it
        target = area
        level = area.level
    return Route(level, target, None)


def next_level(case: Case) -> str | None:
    index = ESCALATION_ORDER.index(case.level)
    return ESCALATION_ORDER[index + 1] if index + 1 < len(ESCALATION_ORDER) else None


def _counter_sql() -> str:
    q = connection.ops.quote_name
    table, key, last = q(CaseCounter._meta.db_table), q("key"), q("last")
    return (f"INSERT INTO {table} ({key}, {last}) VALUES (%s, 1) "  # noqa: S608 - fixed names
            f"ON CONFLICT ({key}) DO UPDATE SET {last} = {table}.{last} + 1 RETURNING {last}")


def _next_number(street: Area, day: dt.date) -> str:
    """The street's next number of a day: one upsert (SQLite 3.35+, PostgreSQL), not a read and two writes."""
    key = f"{street.code}{day:%Y%m%d}"
    with connection.cursor() as cursor:
        cursor.execute(_counter_sql(), [key])
        (last,) = cursor.fetchone()
    return f"{key}{last:04d}"


def suspected_duplicates(category: Category, lat: float | None, lng: float | None,
                         exclude: int | None = None) -> list[Case]:
    """Open cases of the same category within ``LINLI_DUPLICATE_METRES`` in the last ``LINLI_DUPLICATE_DAYS``."""
    if lat is None or lng is None:
        return []
    metres = settings.LINLI_DUPLICATE_METRES
    since = timezone.now() - dt.timedelta(days=settings.LINLI_DUPLICATE_DAYS)
    dlat = metres / 111_000
    dlng = metres / (111_000 * max(math.cos(math.radians(lat)), 0.01))
    candidates = (Case.objects.filter(category=category, created_at__gte=since,
                                      lat__range=(lat - dlat, lat + dlat), lng__range=(lng - dlng, lng + dlng),
                                      duplicate_of__isnull=True)
                  .exclude(status__in=[Status.REJECTED, Status.CLOSED]))
    if exclude is not None:
        candidates = candidates.exclude(pk=exclude)
    return [c for c in candidates.select_related("category", "area")[:50]
            if c.lat is not None and c.lng is not None and distance_m(lat, lng, c.lat, c.lng) <= metres]


class _Default(enum.Enum):
    REPORTER = enum.auto()  # file_case's default actor: the reporter


@transaction.atomic
def file_case(*, category: Category, channel: str, description: str, reporter: User | None = None,
              lat: float | None = None, lng: float | None = None, area: Area | None = None,
              address: str = "", client_token: str | None = None, caller_name: str = "",
              callback_phone: str = "", channel_ref: str = "",
              actor: User | None | Literal[_Default.REPORTER] = _Default.REPORTER,
              event_data: dict[str, Any] | None = None, reported_at: dt.datetime | None = None,
              token_is_new: bool = False) -> Case:
    """Record a report from any channel, locate it, number it, route it and start its deadlines, and
    tell its handlers (messages and group robots) once the transaction commits.

    ``actor`` is who entered it (the reporter unless staff took it down; ``None`` for an anonymous or
    machine report) and ``event_data`` what the filing event records besides the channel.  A retried
    submit with the same ``client_token`` returns the case the first one created and tells nobody again.
    ``reported_at`` is when the report was made if it is entered afterwards (from a meeting's minutes or a
    paper ledger): the number, the first deadline and the filing event take that time.
    ``token_is_new``: the caller has just made ``client_token`` up (a fresh UUID), so no case can hold it
    yet: neither the look-up nor the savepoint for a concurrent retry is needed.
    ``prepare_case`` and ``store_case`` are the two halves, for a caller that keeps the reads (checks,
    locating, routing, deadlines) out of its write transaction.
    """
    if reported_at is not None and reported_at > timezone.now():
        raise CaseError(_("A report cannot be dated in the future."))
    if client_token and not token_is_new:
        existing = Case.objects.filter(client_token=client_token).first()
        if existing is not None:
            return existing
    return store_case(prepare_case(
        category=category, channel=channel, description=description, reporter=reporter, lat=lat, lng=lng,
        area=area, address=address, client_token=client_token, caller_name=caller_name,
        callback_phone=callback_phone, channel_ref=channel_ref, actor=actor, event_data=event_data,
        reported_at=reported_at, token_is_new=token_is_new))


@dataclass
class PreparedCase:
    """A checked, located and routed report, not stored yet: ``store_case`` numbers and writes it."""

    case: Case
    street: Area
    at: dt.datetime
    actor: User | None
    event_data: dict[str, Any]
    backdated: bool
    savepoint: bool


def prepare_case(*, category: Category, channel: str, description: str, reporter: User | None = None,
                 lat: float | None = None, lng: float | None = None, area: Area | None = None,
                 address: str = "", client_token: str | None = None, caller_name: str = "",
                 callback_phone: str = "", channel_ref: str = "",
                 actor: User | None | Literal[_Default.REPORTER] = _Default.REPORTER,
                 event_data: dict[str, Any] | None = None, reported_at: dt.datetime | None = None,
                 token_is_new: bool = False) -> PreparedCase:
    """What ``file_case`` does before it writes (reads only; ``CaseError`` for a report it refuses)."""
    now = timezone.now()
    if reported_at is not None and reported_at > now:
        raise CaseError(_("A report cannot be dated in the future."))
    if channel not in Channel.values:
        raise CaseError(_("Unknown channel."))
    if not category.active or category.parent_id is None:
        raise CaseError(_("Choose a specific, active category."))
    if lat is not None and lng is not None:
        grid = locate(lat, lng)
        if grid is not None:
            area = grid
    if area is None:
        raise CaseError(_("This place is outside every grid we serve; pick the place on the map."))
    street = area.ancestor(AreaLevel.STREET)
    if street is None:
        raise CaseError(_("This place is outside every grid we serve; pick the place on the map."))
    target = route(category, area)
    now = reported_at or now
    case = Case(
        category=category, channel=channel, channel_ref=channel_ref,
        description=description, lat=lat, lng=lng, address=address, area=area, street=street,
        level=target.level, handler_area=target.area, handler_department=target.department,
        reporter=reporter, caller_name=caller_name, callback_phone=callback_phone,
        client_token=client_token or None,
        accept_due=WorkCalendar().add_hours(now, category.accept_hours),
    )
    return PreparedCase(case, street, now, reporter if actor is _Default.REPORTER else actor,
                        {"channel": channel, **(event_data or {})}, reported_at is not None,
                        bool(client_token) and not token_is_new)


def store_case(prepared: PreparedCase) -> Case:
    """Number and write a ``prepare_case`` report (its row, its filing event) and tell its handlers after
    commit: the writes only, for the caller's (short) write transaction."""
    case, now = prepared.case, prepared.at
    case.number = _next_number(prepared.street, timezone.localdate(now))
    try:
        with transaction.atomic(savepoint=prepared.savepoint):
            case.save()
    except IntegrityError:
        if case.client_token and (existing := Case.objects.filter(client_token=case.client_token).first()):
            return existing
        raise
    event = CaseEvent.objects.create(case=case, action="report", to_status=Status.REPORTED,
                                     actor=prepared.actor, data=prepared.event_data)
    if prepared.backdated:  # both times are stamped on save: set them to the report's own
        Case.objects.filter(pk=case.pk).update(created_at=now)
        CaseEvent.objects.filter(pk=event.pk).update(at=now)
        case.created_at = event.at = now
    after_step(case, event)
    after_commit(event)
    return case


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise CaseError(message)


@transaction.atomic
def transition(case: Case, action: str, user: User | None = None, *, note: str = "",
               photos: Sequence[CasePhoto] = (), system: bool = False, meeting: AtMeeting | None = None,
               **params: Any) -> CaseEvent:
    """Apply one action of the state machine, or refuse it with a clear message.

    ``user`` must be one of the action's actors for this case (``system=True`` is the worker); a step
    taken at a ``meeting`` names it in the event's note and data (and makes its host an actor).
    """
    step = TRANSITIONS.get(action)
    if step is None:
        raise CaseError(_("Unknown action."))
    case = (Case.objects.select_for_update(of=("self",)).select_related("area", "handler_area", "category")
            .get(pk=case.pk))
    _require(case.status in step.sources, _("A case that is “%(status)s” cannot be “%(action)s”.") % {
        "status": case.get_status_display(), "action": step.label})
    if system:
        _require(Actor.SYSTEM in step.actors, _("The system cannot take this action."))
    elif user is None or not actors_for(user, case, meeting) & set(step.actors):
        raise PermissionDenied(_("You may not %(action)s this case.") % {"action": step.label})
    note = (note or "").strip()
    _require(not step.needs_note or bool(note), _("Please write a note or reason."))
    _require(not step.needs_photo or bool(photos), _("Please add a photo of the result."))

    now = timezone.now()
    before, department_before = case.status, case.handler_department_id
    data: dict[str, Any] = {}
    rating = None
    # What the table cannot know: the parameters of a step, checked here; the rest is workflow.apply.
    if action == "reject":
        reason = params.get("reason", "invalid")
        _require(reason in ("invalid", "duplicate"), _("Unknown reason."))
        data["reason"] = reason
        if reason == "duplicate":
            original: Case | None = params.get("duplicate_of")
            if original is None or original.pk == case.pk:
                raise CaseError(_("Name the case this one duplicates."))
            case.duplicate_of = original
            Case.objects.filter(pk=original.pk).update(supporters=F("supporters") + 1)
    elif action == "dispatch":
        level = params.get("level") or route(case.category, case.area).level
        target = _dispatch_target(case, level, params.get("unit"))
        case.level, case.handler_area, case.handler_department = target.level, target.area, target.department
        data["level"] = case.level
    elif action == "escalate":
        level = next_level(case)
        if level is None:
            raise CaseError(_("A district department is the highest level; it cannot be escalated."))
        target = _dispatch_target(case, level, params.get("unit"))
        case.level, case.handler_area, case.handler_department = target.level, target.area, target.department
        data.update(level=level, previous_due=case.resolve_due.isoformat() if case.resolve_due else None)
    elif action == "rate":
        rating = params.get("rating")
        _require(rating in Rating.values, _("Choose satisfied, basically satisfied or dissatisfied."))
        data["rating"] = rating
    elif action == "supervise":
        _require(not case.supervised, _("This case is already under supervision."))
    if meeting is not None:
        data.update(meeting=meeting.pk, meeting_title=meeting.title)
        note = _("At %(meeting)s: %(note)s") % {"meeting": meeting.title, "note": note}
    workflow.apply(case, step, now, WorkCalendar(), rating=rating)
    if case.handler_department_id != department_before:  # the history keeps who handled it before
        data[FROM_DEPARTMENT] = department_before
    case.save()
    event = CaseEvent.objects.create(case=case, action=action, from_status=before, to_status=case.status,
                                     actor=None if system else user, note=note, data=data)
    for photo in photos:
        photo.event = event
        photo.save(update_fields=["event"])
    after_step(case, event)
    after_commit(event)
    return event


def _dispatch_target(case: Case, level: str, unit: Department | None) -> Route:
    if level == HandlerLevel.DEPARTMENT:
        department = unit if isinstance(unit, Department) else case.category.department
        _require(department is not None, _("Choose the department that should handle this case."))
        return Route(level, None, department)
    _require(level in (HandlerLevel.GRID, HandlerLevel.COMMUNITY, HandlerLevel.STREET), _("Unknown level."))
    target = case.area.ancestor(level)
    _require(target is not None, _("This case has no unit at that level."))
    return Route(level, target, None)


def support(case: Case, user: User | None) -> Case:
    """A reporter's "me too" on an existing case instead of a new report."""
    Case.objects.filter(pk=case.pk).update(supporters=F("supporters") + 1)
    CaseEvent.objects.create(case=case, action="support", from_status=case.status, to_status=case.status,
                             actor=user)
    case.refresh_from_db()
    return case


# --- Filing a report from the intake channels ----------------------------------------------------------

@dataclass(frozen=True)
class Located:
    lat: float | None
    lng: float | None
    area: Area
    source: str


def check_photos(uploads: Iterable[UploadedFile] | None) -> list[ProbedImage]:
    """The uploads' headers (type, pixel count, EXIF position), checked before anything is decoded."""
    uploads = list(uploads or [])
    if len(uploads) > MAX_REPORT_PHOTOS:
        raise IntakeError(_("A report takes at most %(n)d photos.") % {"n": MAX_REPORT_PHOTOS})
    return [probe_upload(upload) for upload in uploads]


def find_place(location: tuple[float, float] | None, photos: list[ProbedImage] | list[CheckedImage], *,
               source: str = "",
               area: Area | None = None) -> Located:
    """The reported point (given, else the first photo's EXIF GPS) and its grid, else the chosen area."""
    if location is None:
        first_gps = next((p.gps for p in photos if p.gps), None)
        if first_gps is not None:
            location, source = first_gps, "photo"
    if location is not None:
        try:
            grid = locate(*location)
        except InvalidCoordinates as exc:
            raise IntakeError(str(exc)) from None
        if grid is None:
            raise IntakeError(_("This location is outside our service area."))
        return Located(location[0], location[1], grid, source or "typed")
    if area is not None:
        return Located(None, None, area, "area")
    raise IntakeError(_("We need to know where the problem is: allow location, use a photo taken there, "
                        "or tap the map."))


def existing_case(client_token: str | None, user: UserLike) -> Case | None:
    """The case an earlier submit with this token created (only the same reporter's)."""
    if not client_token:
        return None
    case = Case.objects.filter(client_token=client_token).first()
    if case is None:
        return None
    if case.reporter_id != (user.pk if user.is_authenticated else None):
        raise IntakeError(_("The form is out of date; reload the page."))
    return case


def submit_report(*, user: UserLike, category: Category, description: str, location: tuple[float, float] | None,
                  uploads: Iterable[UploadedFile] = (), client_token: str | None = None, location_source: str = "",
                  channel: str = Channel.H5, area: Area | None = None, allowed_codes: tuple[str, ...] | None = None,
                  anonymous_ip: str | None = None, caller_name: str = "", callback_phone: str = "",
                  channel_ref: str = "", address: str = "") -> tuple[Case, bool]:
    """File one report with its photos; returns ``(case, created)``.

    ``anonymous_ip`` marks an anonymous report (its street must allow them; limited per IP).
    ``allowed_codes`` limits staff intake to their units.  Raises ``IntakeError`` (nothing stored).
    """
    signed_in = user.is_authenticated
    if (case := existing_case(client_token, user)) is not None:
        return case, False
    # Cheap checks first (limits, headers, place, permissions); photos are decoded only when all pass.
    description = (description or "").strip()
    uploads = list(uploads or [])
    limited = signed_in and channel == Channel.H5
    who = limits.who(user, anonymous_ip)
    if limited:
        limits.check_user_rate(user)
    if not signed_in:
        limits.check_rate(anonymous_ip or "unknown")
    limits.check_photo_cap(who, len(uploads))
    probed = check_photos(uploads)
    if not description and not probed:
        raise IntakeError(_("Write a few words or add a photo."))
    place = find_place(location, probed, source=location_source, area=area)
    if allowed_codes is not None and not any(place.area.code.startswith(c) for c in allowed_codes):
        raise IntakeError(_("This place is outside the units you work for."))
    if not signed_in and not anonymous_allowed(place.area.ancestor(AreaLevel.STREET)):
        raise IntakeError(_("This street does not take anonymous reports; please sign in first."))
    photos = [finish_image(p) for p in probed]
    staff_channel = channel != Channel.H5
    signed_user = user if isinstance(user, User) else None
    reporter = signed_user if channel in (Channel.H5, Channel.PATROL) else None
    saved: list[CasePhoto] = []
    try:
        with transaction.atomic():
            data: dict[str, Any] = {"location": place.source}
            if staff_channel:
                data["entered_by"] = user.pk
            if not signed_in:
                data["anonymous"] = True
            case = file_case(category=category, channel=channel, description=description, reporter=reporter,
                             lat=place.lat, lng=place.lng, area=place.area, address=address,
                             client_token=client_token, caller_name=caller_name, callback_phone=callback_phone,
                             channel_ref=channel_ref, actor=signed_user, event_data=data)
            for photo in photos:
                saved.append(save_photo(case, photo, kind=CasePhoto.Kind.REPORT, user=signed_user))
    except Exception:
        discard_files(saved)  # the rows were rolled back (a full disk, say): no file without its row
        raise
    if not signed_in:
        limits.count_rate(anonymous_ip or "unknown")
    limits.count_report(user, who, len(photos), limited=limited)
    return case, True


def nearby_duplicates(category: Category | None, location: tuple[float, float] | None) -> list[Case]:
    """The suspected duplicates of a report being written (none without a category and a point)."""
    if category is None or location is None:
        return []
    return suspected_duplicates(category, *location)


def duplicate_ref(case: Case) -> str:
    """Names a suspected duplicate for "me too" without telling its number."""
    return salted_hmac("linli.cases.duplicate", str(case.pk)).hexdigest()[:24]


def me_too(*, user: UserLike, ref: str, category: Category, location: tuple[float, float] | None,
           anonymous_ip: str | None = None) -> Case:
    """Add a "me too" to a suspected duplicate of the report being written (once per user)."""
    ref = (ref or "").strip()
    case = next((c for c in nearby_duplicates(category, location)
                 if ref and constant_time_compare(duplicate_ref(c), ref)), None)
    if case is None:
        raise IntakeError(_("That case is no longer open near this place; please file your report."))
    if isinstance(user, User):
        if case.reporter_id == user.pk or CaseEvent.objects.filter(case=case, action="support", actor=user).exists():
            return case
    else:
        if not anonymous_allowed(case.street):
            raise IntakeError(_("This street does not take anonymous reports; please sign in first."))
        limits.check_rate(anonymous_ip or "unknown")
        limits.count_rate(anonymous_ip or "unknown")
    return support(case, user if isinstance(user, User) else None)
