"""Read-side queries of the cases desk: handler inbox, dispatcher board, public transparency list.

Every function starts from ``linli.core.scope.scoped`` (or, for the public page, from the cases that
are not hidden), returns bounded querysets with their joins selected, and paginates by key: a page is
"the rows after this cursor", never an OFFSET.  The inbox and board filters are backed by the
indexes declared on ``Case`` (area/status, category/created, ``overdue``, ``supervised``).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import (
    Count,
    DateTimeField,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from linli.core import roles
from linli.core.models import User, UserLike
from linli.core.scope import Scope, scope_for, scoped
from linli.places.geo import distance_m
from linli.places.models import code_range

from .models import Case, CaseEvent, CasePhoto, Category, HandlerLevel, Status
from .permissions import VERIFY_ROLES
from .presentation import event_label
from .services import duplicate_ref, nearby_duplicates
from .worktime import WorkCalendar

HANDLER_ROLES = {roles.GRID_WORKER, roles.PART_TIME_GRID_MEMBER, roles.COMMUNITY_STAFF, roles.STREET_STAFF,
                 roles.DISTRICT_ADMIN}
VERIFIER_ROLES = VERIFY_ROLES | {roles.STREET_STAFF, roles.DISTRICT_ADMIN}
DISPATCHER_ROLES = {roles.COMMUNITY_STAFF, roles.STREET_STAFF, roles.DISTRICT_ADMIN}
HANDLING_STATUSES = (Status.DISPATCHED, Status.IN_PROGRESS)
OPEN = (Status.REPORTED, Status.ACCEPTED, Status.DISPATCHED, Status.IN_PROGRESS, Status.RESOLVED, Status.VERIFIED)

INBOX_PAGE = 20
BOARD_PAGE = 30
PUBLIC_PAGE = 30
GEOJSON_DAYS = 90
GEOJSON_MAX = 1000
GEOJSON_DECIMALS = 4  # 0.0001° ≈ 11 m of latitude
BULK_MAX = 100

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_FAR_FUTURE = dt.datetime(9999, 1, 1, tzinfo=dt.UTC)


# --- small helpers -----------------------------------------------------------------------------

def parse_int(value: str | None) -> int | None:
    """A positive integer from a query string, else None (never an exception)."""
    try:
        number = int(value or "")
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**62 else None


def _covered(scope: Scope, code_field: str, roles: set[str]) -> Q:
    """Rows under the scope's areas, if the user holds one of ``roles`` (mirrors ``permissions._covers``).

    No such role gives a condition that matches nothing yet compiles (``pk IS NULL``): ``pk__in=[]`` would make
    Django drop a whole aggregate whose ``Count(filter=...)`` uses it (the department inbox counted 0 of all)."""
    if scope.everything:
        return Q()
    if not scope.roles & roles:
        return Q(pk__isnull=True)
    return scope.area_q(code_field)


def _under(code: str, field_name: str = "area__code") -> Q:
    low, high = code_range(code)
    return Q(**{f"{field_name}__gte": low, f"{field_name}__lt": high})


# --- deadlines -----------------------------------------------------------------------------------

def current_due(case: Case) -> dt.datetime | None:
    """The deadline that runs now: accepting a new case, or resolving a dispatched one."""
    if case.status == Status.REPORTED:
        return case.accept_due
    if case.status in HANDLING_STATUSES:
        return case.resolve_due
    return None


@dataclass(frozen=True)
class Deadline:
    due: dt.datetime
    overdue: bool
    text: str


def describe_deadline(due: dt.datetime | None, now: dt.datetime | None = None,
                      calendar: WorkCalendar | None = None) -> Deadline | None:
    """A human deadline: "3 working days left", "5 working hours left", "2 days overdue"."""
    if due is None:
        return None
    now = now or timezone.now()
    if due <= now:
        late = now - due
        if late < dt.timedelta(days=1):
            hours = max(1, math.ceil(late.total_seconds() / 3600))
            text = ngettext("%(n)d hour overdue", "%(n)d hours overdue", hours) % {"n": hours}
        else:
            days = late.days
            text = ngettext("%(n)d day overdue", "%(n)d days overdue", days) % {"n": days}
        return Deadline(due, True, text)
    calendar = calendar or WorkCalendar()
    left = calendar.working_hours_between(now, due)
    start, end = calendar.start, calendar.end
    day_hours = (dt.datetime.combine(dt.date.min, end) - dt.datetime.combine(dt.date.min, start)).seconds / 3600
    if left < day_hours:
        n = max(1, math.ceil(left))
        text = ngettext("%(n)d working hour left", "%(n)d working hours left", n) % {"n": n}
    else:
        n = math.floor(left / day_hours)
        text = ngettext("%(n)d working day left", "%(n)d working days left", n) % {"n": n}
    return Deadline(due, False, text)


def attach_deadlines(cases: Iterable[Case]) -> None:
    """Set ``case.deadline`` (a ``Deadline`` or None) on each case, with one working calendar."""
    calendar = None
    now = timezone.now()
    for case in cases:
        due = current_due(case)
        if due is not None and calendar is None and due > now:
            calendar = WorkCalendar()
        case.deadline = describe_deadline(due, now, calendar)  # type: ignore[attr-defined]  # for the templates


# --- keyset pagination ---------------------------------------------------------------------------

@dataclass
class Page:
    rows: list
    next_cursor: str | None = None
    extra: dict = field(default_factory=dict)


def _after(fields: Sequence[tuple[str, bool]], values: Sequence) -> Q:
    """Rows strictly after ``values`` in the order ``fields`` ((name, descending) pairs)."""
    q = Q(pk__in=[])
    for i, (name, descending) in enumerate(fields):
        step = Q(**{f"{name}__{'lt' if descending else 'gt'}": values[i]})
        for j in range(i):
            step &= Q(**{fields[j][0]: values[j]})
        q |= step
    return q


def _order(fields: Sequence[tuple[str, bool]]) -> list[str]:
    return [f"-{name}" if descending else name for name, descending in fields]


# --- handler inbox -------------------------------------------------------------------------------

INBOX_TABS = ("handle", "verify")
INBOX_ORDER = (("overdue", True), ("supervised", True), ("due_key", False), ("id", False))


@dataclass(frozen=True)
class InboxFilters:
    tab: str = "handle"
    status: str = ""
    category: int | None = None
    overdue: bool = False
    supervised: bool = False

    @classmethod
    def from_query(cls, params: Mapping[str, str]) -> InboxFilters:
        tab = params.get("tab", "handle")
        status = params.get("status", "")
        return cls(
            tab=tab if tab in INBOX_TABS else "handle",
            status=status if status in (*HANDLING_STATUSES, Status.RESOLVED) else "",
            category=parse_int(params.get("category")),
            overdue=params.get("overdue") == "1",
            supervised=params.get("supervised") == "1",
        )


def _inbox_base(user: UserLike) -> tuple[QuerySet, Q, Q]:
    """The user's actionable cases, with the handler and verifier conditions."""
    scope = scope_for(user)
    if scope.everything:
        department_q = Q(level=HandlerLevel.DEPARTMENT)
    else:
        department_q = Q(level=HandlerLevel.DEPARTMENT, handler_department_id__in=scope.department_ids)
    area_q = ~Q(level=HandlerLevel.DEPARTMENT) & Q(handler_area__isnull=False) & _covered(
        scope, "handler_area__code", HANDLER_ROLES)
    handle_q = Q(status__in=HANDLING_STATUSES) & (department_q | area_q)
    last_resolver = Subquery(CaseEvent.objects.filter(case=OuterRef("pk"), action="resolve")
                             .order_by("-id").values("actor_id")[:1])
    verify_q = (Q(status=Status.RESOLVED) & _covered(scope, "area__code", VERIFIER_ROLES)
                & (Q(last_resolver__isnull=True) | ~Q(last_resolver=user.pk)))
    qs = (scoped(Case.objects.all(), user)
          .annotate(last_resolver=last_resolver,
                    due_key=Coalesce("resolve_due", Value(_FAR_FUTURE, output_field=DateTimeField()))))
    return qs, handle_q, verify_q


def inbox_counts(user: UserLike) -> dict[str, int]:
    """How many cases each inbox tab holds, and how many of them are overdue/supervised (one query)."""
    qs, handle_q, verify_q = _inbox_base(user)
    return qs.filter(handle_q | verify_q).aggregate(
        handle=Count("pk", filter=handle_q), verify=Count("pk", filter=verify_q),
        overdue=Count("pk", filter=Q(overdue=True)), supervised=Count("pk", filter=Q(supervised=True)),
    )


def _encode(values: Sequence) -> str:
    parts = []
    for v in values:
        if isinstance(v, dt.datetime):
            v = (v - _EPOCH) // dt.timedelta(microseconds=1)
        parts.append(str(int(v)))
    return "_".join(parts)


def _decode_inbox(cursor: str | None) -> list | None:
    try:
        overdue, supervised, due_us, pk = (int(p) for p in (cursor or "").split("_"))
        due = _EPOCH + dt.timedelta(microseconds=due_us)
    except (ValueError, OverflowError):
        return None
    return [bool(overdue), bool(supervised), due, pk]


def inbox_page(user: UserLike, filters: InboxFilters, after: str | None = None, size: int = INBOX_PAGE) -> Page:
    """One page of the inbox tab, most urgent first: overdue, supervised, then the nearest deadline."""
    qs, handle_q, verify_q = _inbox_base(user)
    qs = qs.filter(handle_q if filters.tab == "handle" else verify_q)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.category:
        qs = qs.filter(category_id=filters.category)
    if filters.overdue:
        qs = qs.filter(overdue=True)
    if filters.supervised:
        qs = qs.filter(supervised=True)
    cursor = _decode_inbox(after)
    if cursor is not None:
        qs = qs.filter(_after(INBOX_ORDER, cursor))
    rows = list(qs.select_related("category", "area", "handler_area", "handler_department")
                .order_by(*_order(INBOX_ORDER))[:size + 1])
    page = Page(rows[:size])
    if len(rows) > size:
        last = page.rows[-1]
        page.next_cursor = _encode([last.overdue, last.supervised, last.due_key, last.pk])
    attach_deadlines(page.rows)
    return page


# --- dispatcher board ----------------------------------------------------------------------------

BOARD_TABS = ("new", "unassigned", "overdue", "escalated", "supervised")
_BOARD_Q = {
    "new": Q(status=Status.REPORTED),
    "unassigned": Q(status=Status.ACCEPTED),
    "overdue": Q(overdue=True, status__in=OPEN),
    "escalated": Q(escalated=True, status__in=OPEN),
    "supervised": Q(supervised=True, status__in=OPEN),
}


def is_dispatcher(user: UserLike) -> bool:
    scope = scope_for(user)
    return scope.everything or bool(scope.roles & DISPATCHER_ROLES)


def _board_base(user: UserLike) -> QuerySet:
    scope = scope_for(user)
    return scoped(Case.objects.all(), user).filter(_covered(scope, "area__code", DISPATCHER_ROLES))


def board_counts(user: UserLike) -> dict[str, int]:
    qs = _board_base(user).filter(Q(status__in=[Status.REPORTED, Status.ACCEPTED]) | Q(
        status__in=OPEN) & (Q(overdue=True) | Q(escalated=True) | Q(supervised=True)))
    return qs.aggregate(**{tab: Count("pk", filter=q) for tab, q in _BOARD_Q.items()})


def board_page(user: UserLike, tab: str, after: int | None = None, size: int = BOARD_PAGE) -> Page:
    """One page of a board tab, oldest first (the longest-waiting case on top)."""
    qs = _board_base(user).filter(_BOARD_Q.get(tab, _BOARD_Q["new"]))
    if after:
        qs = qs.filter(pk__gt=after)
    rows = list(qs.select_related("category", "area", "handler_area", "handler_department")
                .order_by("id")[:size + 1])
    page = Page(rows[:size])
    if len(rows) > size:
        page.next_cursor = str(page.rows[-1].pk)
    attach_deadlines(page.rows)
    return page


def duplicates_for(cases: Sequence[Case], user: UserLike) -> dict[int, list[Case]]:
    """``services.suspected_duplicates`` for a whole page of cases in one query, limited to the user's scope.

    Same rule: open cases of the same category within ``LINLI_DUPLICATE_METRES`` reported in the last
    ``LINLI_DUPLICATE_DAYS``, not themselves marked as duplicates.
    """
    located = [(c, c.lat, c.lng) for c in cases if c.lat is not None and c.lng is not None]
    if not located:
        return {}
    metres = settings.LINLI_DUPLICATE_METRES
    boxes = Q(pk__in=[])
    for c, lat, lng in located:
        dlat = metres / 111_000
        dlng = metres / (111_000 * max(math.cos(math.radians(lat)), 0.01))
        boxes |= Q(category_id=c.category_id, lat__range=(lat - dlat, lat + dlat),
                   lng__range=(lng - dlng, lng + dlng))
    since = timezone.now() - dt.timedelta(days=settings.LINLI_DUPLICATE_DAYS)
    # "not a duplicate" as an expression: nearly every case matches it, and as a plain IS NULL SQLite's planner
    # took its index and read the whole table; this way it searches each box by category and date instead.
    candidates = list(scoped(Case.objects.all(), user)
                      .alias(duplicate_mark=Coalesce("duplicate_of_id", 0))
                      .filter(boxes, created_at__gte=since, duplicate_mark=0)
                      .exclude(status__in=[Status.REJECTED, Status.CLOSED])
                      .only("id", "number", "category_id", "lat", "lng", "status", "created_at")
                      .order_by("id")[:500])
    found: dict[int, list[Case]] = {}
    for c, lat, lng in located:
        found[c.pk] = [d for d in candidates if d.pk != c.pk and d.category_id == c.category_id
                       and d.lat is not None and d.lng is not None and distance_m(lat, lng, d.lat, d.lng) <= metres]
    return found


# --- public transparency -------------------------------------------------------------------------

@dataclass(frozen=True)
class PublicFilters:
    street: int | None = None
    community: int | None = None
    status: str = ""
    category: int | None = None

    @classmethod
    def from_query(cls, params: Mapping[str, str]) -> PublicFilters:
        status = params.get("status", "")
        return cls(street=parse_int(params.get("street")), community=parse_int(params.get("community")),
                   status=status if status in Status.values else "", category=parse_int(params.get("category")))


def _public_base(filters: PublicFilters, areas: dict[int, str]) -> QuerySet:
    """Cases the public may see (not hidden), filtered; ``areas`` maps area ids to codes."""
    qs = Case.objects.filter(public_hidden=False)
    if filters.street:
        qs = qs.filter(street_id=filters.street)
    if filters.community:
        code = areas.get(filters.community)
        qs = qs.filter(_under(code)) if code else qs.none()
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.category:
        qs = qs.filter(category_id=filters.category)
    return qs


def public_photos() -> Prefetch:
    """Only photos staff approved for the public and did not hide."""
    return Prefetch("photos", to_attr="public_photos",
                    queryset=CasePhoto.objects.filter(public_approved=True, hidden=False)
                    .only("id", "uuid", "case_id", "kind", "thumbnail"))


def public_page(filters: PublicFilters, areas: dict[int, str], after: int | None = None,
                size: int = PUBLIC_PAGE) -> Page:
    """Newest first; only public fields are loaded (``only``), never the reporter or the description."""
    qs = _public_base(filters, areas)
    if after:
        qs = qs.filter(pk__lt=after)
    rows = list(qs.select_related("category", "area", "street")
                .only("id", "number", "status", "created_at", "closed_at", "category", "category__name",
                      "area", "area__name", "street", "street__name")
                .prefetch_related(public_photos()).order_by("-id")[:size + 1])
    page = Page(rows[:size])
    if len(rows) > size:
        page.next_cursor = str(page.rows[-1].pk)
    return page


def public_geojson(filters: PublicFilters, areas: dict[int, str]) -> dict:
    """The public map's points: last 90 days, at most 1000, coordinates rounded to about 10 m."""
    since = timezone.now() - dt.timedelta(days=GEOJSON_DAYS)
    rows = (_public_base(filters, areas).filter(created_at__gte=since, lat__isnull=False, lng__isnull=False)
            .order_by("-id")
            .values("number", "status", "created_at", "closed_at", "lat", "lng",
                    category_name=F("category__name"), grid_name=F("area__name"))[:GEOJSON_MAX])
    labels = dict(Status.choices)
    features = []
    for r in rows:
        features.append({
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [round(r["lng"], GEOJSON_DECIMALS),
                                                          round(r["lat"], GEOJSON_DECIMALS)]},
            "properties": {
                "number": r["number"], "category": r["category_name"], "grid": r["grid_name"],
                "status": r["status"], "status_label": str(labels.get(r["status"], r["status"])),
                "reported": timezone.localdate(r["created_at"]).isoformat(),
                "closed": timezone.localdate(r["closed_at"]).isoformat() if r["closed_at"] else None,
            },
        })
    return {"type": "FeatureCollection", "features": features,
            "properties": {"days": GEOJSON_DAYS, "limit": GEOJSON_MAX, "truncated": len(features) >= GEOJSON_MAX,
                           "note": _("Locations are rounded to about 10 metres.")}}


# --- The reporter's side ----------------------------------------------------------------------------

@dataclass(frozen=True)
class DuplicateHint:
    """What a reporter is shown of a suspected duplicate, and nothing more: no number, no description, no
    reporter, no date; ``ref`` names the case for "me too" without telling its number."""

    ref: str
    category_id: int
    category: str
    status: str
    metres: int


def duplicate_hints(category: Category | None, location: tuple[float, float] | None) -> list[DuplicateHint]:
    """The suspected duplicates of a report being written, as the reporter may see them (distance to 10 m)."""
    if category is None or location is None:
        return []
    return [DuplicateHint(ref=duplicate_ref(c), category_id=c.category_id, category=c.category.name,
                          status=str(c.get_status_display()),
                          metres=int(round(distance_m(location[0], location[1], c.lat, c.lng), -1)))
            for c in nearby_duplicates(category, location) if c.lat is not None and c.lng is not None]


def my_cases(user: User) -> QuerySet[Case]:
    """The user's own reports, newest first, with what the list shows (no per-row queries)."""
    photos = CasePhoto.objects.filter(kind=CasePhoto.Kind.REPORT, hidden=False).order_by("id")
    return (Case.objects.filter(reporter=user).select_related("category", "category__parent", "area")
            .prefetch_related(Prefetch("photos", queryset=photos, to_attr="report_photos")).order_by("-id"))


def my_case(user: User, number: str) -> Case:
    """One of the user's own reports with its visible photos and timeline; 404 for anyone else's."""
    photos = CasePhoto.objects.filter(hidden=False).order_by("id")
    events = CaseEvent.objects.select_related("actor").order_by("at", "id")
    case = (Case.objects.filter(reporter=user, number=number)
            .select_related("category", "category__parent", "area", "handler_area", "handler_department")
            .prefetch_related(Prefetch("photos", queryset=photos, to_attr="visible_photos"),
                              Prefetch("events", queryset=events, to_attr="timeline")).first())
    if case is None:
        raise Http404
    for event in case.timeline:
        event.label = event_label(event.action)  # type: ignore[attr-defined]  # for the template
    return case
