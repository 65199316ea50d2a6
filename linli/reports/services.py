"""Who may open which dashboard, the unit behind a URL, and the list of cases behind a figure.

Dashboards are for staff (community, street, district) and grid workers, each for the units inside their
own scope; department handlers see their department's.  Any other unit answers 404, as everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from linli.cases.kpis import cases_of
from linli.cases.models import OPEN_STATUSES, Case, Channel, Status
from linli.core import roles
from linli.core.paging import page_by_id, parse_key
from linli.core.scope import Scope, scope_for, scoped
from linli.places.models import Area, AreaLevel, Department

from .periods import Period

AREA_VIEWERS = roles.STAFF_ROLES | roles.GRID_ROLES
CASES_PAGE = 30


def may_view(scope: Scope) -> bool:
    return scope.everything or bool(scope.roles & (AREA_VIEWERS | roles.DEPARTMENT_ROLES))


def home_units(user) -> tuple[list[Area], list[Department]]:
    """The units a user's dashboards start from: the areas of the scope (the district for everything)."""
    scope = scope_for(user)
    if scope.everything:
        return list(Area.objects.filter(level=AreaLevel.DISTRICT)), list(Department.objects.order_by("name")[:50])
    areas = list(Area.objects.filter(code__in=scope.area_codes)) if scope.roles & AREA_VIEWERS else []
    departments = list(Department.objects.filter(pk__in=scope.department_ids))
    return areas, departments


def area_or_404(user, code: str) -> Area:
    scope = scope_for(user)
    if not (scope.everything or (scope.roles & AREA_VIEWERS and scope.covers_code(code))):
        raise Http404
    area = Area.objects.select_related("parent__parent__parent").filter(code=code).first()
    if area is None:
        raise Http404
    return area


def department_or_404(user, pk: int) -> Department:
    scope = scope_for(user)
    if not (scope.everything or pk in scope.department_ids):
        raise Http404
    department = Department.objects.filter(pk=pk).first()
    if department is None:
        raise Http404
    return department


# --- the cases behind a figure ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class CaseFilters:
    status: str = ""
    category: int | None = None
    channel: str = ""
    overdue: bool = False  # open and past the deadline now, whenever reported (the "overdue now" figure)
    closed: bool = False

    @classmethod
    def from_query(cls, params) -> CaseFilters:
        status, channel = params.get("status", ""), params.get("channel", "")
        return cls(status=status if status in Status.values else "",
                   category=parse_key(params.get("category")),
                   channel=channel if channel in Channel.values else "",
                   overdue=params.get("overdue") == "1", closed=params.get("closed") == "1")

    def query(self) -> dict[str, str]:
        q = {"status": self.status, "category": str(self.category or ""), "channel": self.channel,
             "overdue": "1" if self.overdue else "", "closed": "1" if self.closed else ""}
        return {k: v for k, v in q.items() if v}


def cases_behind(user, unit: Area | Department, period: Period, filters: CaseFilters) -> QuerySet:
    """The rows a case figure counts: the unit's cases (``cases_of``) reported in the period, filtered the same
    way, and limited to the user's scope once more."""
    qs = scoped(cases_of(unit), user)
    if filters.overdue:
        qs = qs.filter(status__in=OPEN_STATUSES, resolve_due__lt=timezone.now()).exclude(
            status__in=[Status.RESOLVED, Status.VERIFIED])
    else:
        start, end = period.bounds()
        qs = qs.filter(created_at__gte=start, created_at__lt=end)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.closed:
        qs = qs.filter(status=Status.CLOSED)
    if filters.category:
        qs = qs.filter(category_id=filters.category)
    if filters.channel:
        qs = qs.filter(channel=filters.channel)
    return qs


def cases_page(user, unit: Area | Department, period: Period, filters: CaseFilters,
               after: str | None) -> tuple[list[Case], int | None]:
    qs = cases_behind(user, unit, period, filters).select_related("category", "area").only(
        "id", "number", "status", "channel", "created_at", "closed_at", "overdue", "category", "category__name",
        "area", "area__name")
    return page_by_id(qs, after, CASES_PAGE)


# --- the monthly workbook ---------------------------------------------------------------------------------------

LARGE_LEVELS = (AreaLevel.DISTRICT, AreaLevel.STREET)


def is_large(unit: Area | Department) -> bool:
    """A street's or the district's workbook is made by the background worker."""
    return isinstance(unit, Area) and unit.level in LARGE_LEVELS


def unit_params(unit: Area | Department) -> dict[str, str | int]:
    return {"department": unit.pk} if isinstance(unit, Department) else {"area": unit.code}


def unit_from_params(user, params: dict) -> Area | Department:
    """The unit a job was made for, if it is still in ``user``'s scope (else 404)."""
    if params.get("department"):
        return department_or_404(user, int(params["department"]))
    return area_or_404(user, str(params.get("area", "")))


def report_filename(unit: Area | Department, period: Period) -> str:
    return f"{unit.name}月报{period.start:%Y-%m}.xlsx"
