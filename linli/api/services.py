"""What the JSON API does, as plain functions: which cases a user sees, pages, filing, actions, figures.

Routers only parse and answer.  Every case read starts from ``visible_cases`` (the one scope filter,
plus the user's own reports), so a case outside the scope is simply not found (404).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.cases.forms import MAX_DESCRIPTION, MAX_STAFF_DESCRIPTION, validate_callback_phone
from linli.cases.kpis import case_kpis
from linli.cases.models import Case, CasePhoto, Category, Channel, HandlerLevel
from linli.cases.permissions import actors_for, available_actions, can_rate, can_take_intake, intake_area_codes
from linli.cases.photos import discard_files, save_photo
from linli.cases.presentation import STAFF_ACTORS, event_label, reporter_of, who
from linli.cases.services import submit_report, transition
from linli.cases.workflow import RATEABLE, TRANSITIONS
from linli.core.scope import scope_for, scoped
from linli.places.geo import InvalidCoordinates, check_lat_lng, locate
from linli.places.models import Area, AreaLevel, Department, code_range
from linli.places.services import export_grids

MAX_LIMIT = 100
DEFAULT_LIMIT = 20
SUMMARY_CHARS = 200
MAX_ACTION_PHOTOS = 3
AREA_CODE_RE = re.compile(r"^[0-9]{6,15}$")
EARLIEST_YEAR, LATEST_YEAR = 1970, 2100


def bad_request(message: str) -> ValidationError:
    return ValidationError(message)


# --- which cases -------------------------------------------------------------------------------

def visible_cases(user) -> QuerySet:
    """Cases in the user's scope, and the user's own reports."""
    base = Case.objects.all()
    return scoped(base, user) | base.filter(reporter_id=user.pk)


def _summary_qs(qs: QuerySet) -> QuerySet:
    return qs.select_related("category__parent", "area", "handler_area", "handler_department")


def filed_case(case: Case) -> Case:
    """A case the caller has just filed, with what the detail shows (hotline duty may file cases it
    cannot browse afterwards, so this is not limited by scope)."""
    return _summary_qs(Case.objects.filter(pk=case.pk)).select_related("reporter__person").get()


def get_case(user, number: str) -> Case:
    if len(number) > 24:
        raise Http404
    case = _summary_qs(visible_cases(user)).select_related("reporter__person").filter(number=number).first()
    if case is None:
        raise Http404
    return case


# --- filters and cursor pages ------------------------------------------------------------------

@dataclass(frozen=True)
class CaseFilters:
    status: str | None = None
    category: str | None = None
    area: str | None = None
    overdue: bool | None = None
    supervised: bool | None = None
    created_after: dt.datetime | None = None
    created_before: dt.datetime | None = None
    mine: bool = False


def _aware(value: dt.datetime | None, name: str) -> dt.datetime | None:
    if value is None:
        return None
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise bad_request(_("%(name)s must lie between %(a)d and %(b)d.")
                          % {"name": name, "a": EARLIEST_YEAR, "b": LATEST_YEAR})
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def check_area_code(code: str) -> str:
    code = code.strip()
    if not AREA_CODE_RE.match(code):
        raise bad_request(_("An area code is 6 to 15 digits."))
    return code


def filter_cases(qs: QuerySet, filters: CaseFilters, user) -> QuerySet:
    """Apply the list filters (each backed by an index on ``Case``)."""
    if filters.mine:
        qs = qs.filter(reporter_id=user.pk)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.category:
        ids = Category.objects.filter(Q(code=filters.category) | Q(parent__code=filters.category)).values("id")
        qs = qs.filter(category_id__in=ids)
    if filters.area:
        low, high = code_range(check_area_code(filters.area))
        qs = qs.filter(area__code__gte=low, area__code__lt=high)
    if filters.overdue is not None:
        qs = qs.filter(overdue=filters.overdue)
    if filters.supervised is not None:
        qs = qs.filter(supervised=filters.supervised)
    after = _aware(filters.created_after, "created_after")
    before = _aware(filters.created_before, "created_before")
    if after:
        qs = qs.filter(created_at__gte=after)
    if before:
        qs = qs.filter(created_at__lt=before)
    return qs


def encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"c{last_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    """The id a cursor points after; 400 for anything this API did not hand out."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raw = ""
    if len(raw) < 2 or raw[0] != "c" or not raw[1:].isdigit() or len(raw) > 20:
        raise bad_request(_("This cursor is not valid; start again without it."))
    return int(raw[1:])


def case_page(user, filters: CaseFilters, cursor: str | None = None,
              limit: int = DEFAULT_LIMIT) -> tuple[list[Case], str | None]:
    """One page of the visible cases, newest first: keyset on id (no OFFSET), one query."""
    limit = max(1, min(limit, MAX_LIMIT))
    qs = filter_cases(visible_cases(user), filters, user)
    if cursor:
        qs = qs.filter(pk__lt=decode_cursor(cursor))
    rows = list(_summary_qs(qs).order_by("-id")[:limit + 1])
    page = rows[:limit]
    return page, (encode_cursor(page[-1].pk) if len(rows) > limit else None)


# --- presenting cases --------------------------------------------------------------------------

def _local(value: dt.datetime | None) -> dt.datetime | None:
    return timezone.localtime(value) if value else None


def _code_name(obj) -> dict | None:
    return {"code": obj.code, "name": obj.name} if obj is not None else None


def case_summary(case: Case, *, full_text: bool = False) -> dict:
    handler = case.handler_department or case.handler_area
    text = case.description if full_text or len(case.description) <= SUMMARY_CHARS else (
        case.description[:SUMMARY_CHARS - 1] + "…")
    return {
        "number": case.number,
        "status": case.status,
        "status_label": case.get_status_display(),
        "category": {"code": case.category.code, "name": case.category.name,
                     "group": case.category.parent.name if case.category.parent else None},
        "channel": case.channel,
        "channel_label": case.get_channel_display(),
        "area": _code_name(case.area),
        "level": case.level,
        "level_label": case.get_level_display(),
        "handler": handler.name if handler is not None else None,
        "description": text,
        "created_at": _local(case.created_at),
        "accept_due": _local(case.accept_due),
        "resolve_due": _local(case.resolve_due),
        "overdue": case.overdue,
        "supervised": case.supervised,
        "escalated": case.escalated,
        "rating": case.rating or None,
    }


def case_detail(case: Case, user, photo_url: Callable[[CasePhoto, bool], str]) -> dict:
    """Everything the detail shows, in a fixed number of queries."""
    actors = actors_for(user, case)
    show_people = bool(actors & STAFF_ACTORS)
    events = list(case.events.select_related("actor__person").order_by("at", "id"))
    photos = [p for p in case.photos.order_by("id") if show_people or not p.hidden]
    reporter = reporter_of(case, user, show_people)
    return {
        **case_summary(case, full_text=True),
        "address": case.address,
        "lat": case.lat,
        "lng": case.lng,
        "handler_area": _code_name(case.handler_area),
        "handler_department": _code_name(case.handler_department),
        "accepted_at": _local(case.accepted_at),
        "resolved_at": _local(case.resolved_at),
        "closed_at": _local(case.closed_at),
        "supporters": case.supporters,
        "reporter": reporter,
        "events": [{
            "at": _local(e.at), "action": e.action, "label": event_label(e.action),
            "who": who(e, case, user, show_people), "note": e.note,
            "from_status": e.from_status or None, "to_status": e.to_status,
        } for e in events],
        "photos": [{"uuid": str(p.uuid), "kind": p.kind, "url": photo_url(p, False),
                    "thumbnail_url": photo_url(p, True)} for p in photos],
        "actions": [{"action": t.action, "label": str(t.label), "needs_note": t.needs_note,
                     "needs_photo": t.needs_photo} for t in available_actions(user, case)],
    }


def case_photo(case: Case, user, photo_uuid: str) -> CasePhoto:
    """A photo of a visible case; hidden photos only for staff acting on the case."""
    import uuid

    try:
        key = uuid.UUID(photo_uuid)
    except ValueError:
        raise Http404 from None
    photo = CasePhoto.objects.filter(case=case, uuid=key).first()
    if photo is None or (photo.hidden and not actors_for(user, case) & STAFF_ACTORS):
        raise Http404
    return photo


# --- filing ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class NewCase:
    category: str
    description: str = ""
    lat: float | None = None
    lng: float | None = None
    area: str | None = None
    address: str = ""
    client_token: str | None = None
    channel: str = Channel.H5
    caller_name: str = ""
    callback_phone: str = ""
    channel_ref: str = ""


def _location(lat: float | None, lng: float | None) -> tuple[float, float] | None:
    if lat is None and lng is None:
        return None
    if lat is None or lng is None:
        raise bad_request(_("Give both lat and lng, or neither."))
    try:
        return check_lat_lng(lat, lng)
    except InvalidCoordinates as exc:
        raise bad_request(str(exc)) from None


def create_case(user, data: NewCase) -> tuple[Case, bool]:
    """File a report through the intake rules; ``(case, created)``.  Raises ``ValidationError`` or
    ``PermissionDenied`` (nothing stored)."""
    token = f"api:{user.pk}:{data.client_token}" if data.client_token else None
    if token and (existing := Case.objects.filter(client_token=token).first()):
        return existing, False
    category = Category.objects.filter(code=data.category.strip(), active=True, parent__isnull=False).first()
    if category is None:
        raise bad_request(_("Unknown category: use a code from /api/categories (a second-level one)."))
    staff_channel = data.channel != Channel.H5
    allowed_codes = None
    if staff_channel:
        if not can_take_intake(user):
            raise PermissionDenied(_("Only staff may log hotline, WeChat, opinion and patrol cases."))
        allowed_codes = intake_area_codes(user)
    description = data.description.strip()
    limit = MAX_STAFF_DESCRIPTION if staff_channel else MAX_DESCRIPTION
    if len(description) > limit:
        raise bad_request(_("Please keep the description under %(limit_value)d characters.")
                          % {"limit_value": limit})
    phone = ""
    if data.channel == Channel.HOTLINE:
        if not data.caller_name.strip():
            raise bad_request(_("A hotline case needs the caller's name."))
        if not data.callback_phone.strip():
            raise bad_request(_("A hotline case needs a callback number."))
    if data.callback_phone.strip():
        phone = validate_callback_phone(data.callback_phone.strip())
    location = _location(data.lat, data.lng)
    area = None
    if data.area and location is None:
        code = check_area_code(data.area)
        area = Area.objects.filter(code=code, level__in=[AreaLevel.GRID, AreaLevel.COMMUNITY]).first()
        if area is None:
            raise bad_request(_("No grid or community has the code %(code)s.") % {"code": code})
    if location is None and area is None:
        raise bad_request(_("Say where the problem is: lat and lng, or the code of a grid or community."))
    return submit_report(
        user=user, category=category, description=description, location=location, client_token=token,
        location_source="typed" if location else "", channel=data.channel, area=area,
        allowed_codes=allowed_codes, caller_name=data.caller_name.strip() if staff_channel else "",
        callback_phone=phone if staff_channel else "", channel_ref=data.channel_ref.strip() if staff_channel else "",
        address=data.address.strip())


# --- actions -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class ActionInput:
    note: str = ""
    reason: str | None = None
    duplicate_of: str | None = None
    level: str | None = None
    unit: str | None = None
    rating: str | None = None


def _unit_params(case: Case, action: str, data: ActionInput) -> dict:
    """``level``/``unit`` for dispatch and escalate: an area code must be one of the case's own units."""
    params: dict = {}
    unit = (data.unit or "").strip()
    level = data.level
    if unit and not AREA_CODE_RE.match(unit):
        department = Department.objects.filter(code=unit).first()
        if department is None:
            raise bad_request(_("No department has the code %(code)s.") % {"code": unit[:40]})
        if level not in (None, HandlerLevel.DEPARTMENT):
            raise bad_request(_("A department handles cases at the department level."))
        params["unit"], level = department, HandlerLevel.DEPARTMENT
    elif unit:
        area = Area.objects.filter(code=unit, level__in=[AreaLevel.GRID, AreaLevel.COMMUNITY,
                                                         AreaLevel.STREET]).first()
        if area is None or not case.area.code.startswith(area.code):
            raise bad_request(_("That unit does not cover the place of this case."))
        if level not in (None, area.level):
            raise bad_request(_("The unit and the level do not match."))
        level = area.level
    if action == "dispatch":
        params["level"] = level
    elif action == "escalate" and level not in (None, HandlerLevel.DEPARTMENT) and "unit" not in params:
        raise bad_request(_("A case is escalated to the next level; only a department may be named."))
    return params


def act(case: Case, user, action: str, data: ActionInput, uploads: Sequence = ()) -> Case:
    """Take one action of the state machine; a refusal raises and changes nothing (photos included)."""
    if action not in TRANSITIONS:
        raise bad_request(_("Unknown action."))
    params: dict = {}
    if action == "reject":
        params["reason"] = data.reason or "invalid"
        if params["reason"] == "duplicate":
            number = (data.duplicate_of or "").strip()
            original = visible_cases(user).filter(number=number).first() if number else None
            if original is None:
                raise bad_request(_("Name the case this one duplicates (a case number in your area)."))
            params["duplicate_of"] = original
    elif action in ("dispatch", "escalate"):
        params.update(_unit_params(case, action, data))
    elif action == "rate":
        if case.status in RATEABLE and case.reporter_id == user.pk and not can_rate(case):
            raise bad_request(_("This case has already been rated."))
        params["rating"] = data.rating
    if len(uploads) > MAX_ACTION_PHOTOS:
        raise bad_request(_("Send at most %(n)d photos.") % {"n": MAX_ACTION_PHOTOS})
    if uploads and action != "resolve":
        raise bad_request(_("Photos go with the resolve action only."))
    saved: list[CasePhoto] = []
    try:
        with transaction.atomic():
            allowed = {t.action for t in available_actions(user, case)}
            if action == "resolve" and action in allowed and data.note.strip():
                saved = [save_photo(case, upload, kind=CasePhoto.Kind.RESULT, user=user) for upload in uploads]
            transition(case, action, user, note=data.note, photos=saved, **params)
    except Exception:
        discard_files(saved)  # the rows were rolled back; drop the files too
        raise
    return get_case(user, case.number)


# --- categories, grids, locate -------------------------------------------------------------------

def category_suggestions(text: str) -> list[dict]:
    """The catalogue categories suggested for a free text, best first, at most 5 (computed locally)."""
    from linli.cases.suggest import suggest

    return [{"code": s.code, "name": s.name, "score": s.score} for s in suggest(text)]


def category_tree() -> list[dict]:
    """Active top-level categories with their active children (two queries)."""
    leaves = Prefetch("children", queryset=Category.objects.filter(active=True).select_related("department")
                      .order_by("order", "code"), to_attr="active_children")
    groups = Category.objects.filter(parent__isnull=True, active=True).prefetch_related(leaves).order_by(
        "order", "code")
    return [{
        "code": g.code, "name": g.name, "kind": g.kind,
        "children": [{
            "code": c.code, "name": c.name, "description": c.description, "kind": c.kind,
            "handler_level": c.handler_level, "department": _code_name(c.department),
            "accept_hours": c.accept_hours, "resolve_days": c.resolve_days,
        } for c in g.active_children],
    } for g in groups]


def grid_collection(area: str | None = None) -> dict:
    """Every grid (or those under ``area``) as GeoJSON.  Boundaries are not personal data: any
    signed-in user may read them (residents need them to report)."""
    qs = Area.objects.all()
    if area:
        qs = qs.under(check_area_code(area))
    return export_grids(qs)


def locate_point(lat: str, lng: str) -> dict | None:
    from linli.places.geo import parse_lat_lng

    try:
        point = parse_lat_lng(lat, lng)
    except InvalidCoordinates as exc:
        raise bad_request(str(exc)) from None
    grid = locate(*point)
    if grid is None:
        return None
    community = (Area.objects.select_related("parent").filter(pk=grid.parent_id).first()
                 if grid.parent_id is not None else None)
    street = community.parent if community else None
    return {"code": grid.code, "name": grid.name, "community": _code_name(community), "street": _code_name(street)}


# --- KPIs ----------------------------------------------------------------------------------------

def kpi_unit(user, unit: str) -> Area | Department:
    """The area (code) or department (``dept:code``) whose figures the user asks for; 404 outside scope."""
    scope = scope_for(user)
    unit = unit.strip()
    if unit.startswith("dept:"):
        department = Department.objects.filter(code=unit[5:]).first()
        if department is None or not (scope.everything or department.pk in scope.department_ids):
            raise Http404
        return department
    if not AREA_CODE_RE.match(unit):
        raise bad_request(_("unit is an area code (digits) or dept:<department code>."))
    area = Area.objects.filter(code=unit).first()
    if area is None or not (scope.everything or (scope.area_codes and scope.covers_code(area.code))):
        raise Http404
    return area


def kpis(user, unit: str, start: dt.date | None, end: dt.date | None) -> dict:
    """The ``CaseKpis`` of a unit for the days ``start``..``end`` (inclusive; default: this month so far)."""
    target = kpi_unit(user, unit)
    today = timezone.localdate()
    end = end or today
    start = start or end.replace(day=1)
    for name, value in (("start", start), ("end", end)):
        if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
            raise bad_request(_("%(name)s must lie between %(a)d and %(b)d.")
                              % {"name": name, "a": EARLIEST_YEAR, "b": LATEST_YEAR})
    if start > end:
        raise bad_request(_("start is after end."))
    start_at = timezone.make_aware(dt.datetime.combine(start, dt.time()))
    end_at = timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time()))
    figures = case_kpis(target, start_at, end_at)
    kind = "department" if isinstance(target, Department) else "area"
    return {
        "unit": {"kind": kind, "code": target.code, "name": target.name},
        "start": start, "end": end,
        **{name: getattr(figures, name) for name in (
            "received", "accepted", "accepted_in_time", "closed", "closed_on_time", "due", "rated", "satisfied",
            "overdue_now", "avg_hours_to_close", "response_rate", "resolution_rate", "satisfaction_rate",
            "closure_rate", "on_time_rate")},
    }
