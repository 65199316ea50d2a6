"""Case figures by unit and period, written once.

The cohort is the cases *received* (reported) in ``[start, end)`` in the unit: an area and
everything under it (by where the problem is) or a department (by who handles it now).

| figure | definition |
|---|---|
| received 受理量 | cases reported in the period |
| accepted | of those, accepted (立案) at any time |
| response rate 响应率 | accepted no later than the acceptance deadline / received |
| resolution rate 解决率 | closed as resolved (status closed, not rejected) / received |
| satisfaction 满意率 | (satisfied + basically satisfied) / rated |
| due 应结案 | received cases whose resolve deadline has passed by ``end`` (or now), or that are closed |
| closure rate 结案率 | closed / due |
| on-time closure 按期结案率 | closed and never overdue / due |
| average time to close | mean hours from report to closure, of the closed ones |
| overdue now 超期 | open cases of the unit past their deadline now (whenever reported) |

Every figure is one aggregate query over indexed columns; nothing is loaded row by row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q, QuerySet
from django.utils import timezone

from linli.places.models import Area, Department, code_range

from .models import OPEN_STATUSES, Case, Rating, Status


@dataclass(frozen=True)
class CaseKpis:
    received: int
    accepted: int
    accepted_in_time: int
    closed: int
    closed_on_time: int
    due: int
    rated: int
    satisfied: int
    overdue_now: int
    avg_hours_to_close: float | None

    @staticmethod
    def _rate(part: int, whole: int) -> float | None:
        return round(100 * part / whole, 1) if whole else None

    @property
    def response_rate(self) -> float | None:
        return self._rate(self.accepted_in_time, self.received)

    @property
    def resolution_rate(self) -> float | None:
        return self._rate(self.closed, self.received)

    @property
    def satisfaction_rate(self) -> float | None:
        return self._rate(self.satisfied, self.rated)

    @property
    def closure_rate(self) -> float | None:
        return self._rate(self.closed, self.due)

    @property
    def on_time_rate(self) -> float | None:
        return self._rate(self.closed_on_time, self.due)


def unit_q(unit: Area | Department, area: str = "area", department: str = "handler_department") -> Q:
    """What a unit covers, on any model that records a case's area and handling department (the cases
    themselves, or a rollup of them): an area and everything under it, or the department handling now."""
    if isinstance(unit, Department):
        return Q(**{department: unit})
    low, high = code_range(unit.code)
    return Q(**{f"{area}__code__gte": low, f"{area}__code__lt": high})


def cases_of(unit: Area | Department) -> QuerySet:
    return Case.objects.filter(unit_q(unit))


def case_kpis(unit: Area | Department, start: dt.datetime, end: dt.datetime,
              now: dt.datetime | None = None) -> CaseKpis:
    now = now or timezone.now()
    cut = min(end, now)
    base = cases_of(unit)
    closed = Q(status=Status.CLOSED)
    agg = base.filter(created_at__gte=start, created_at__lt=end).aggregate(
        received=Count("id"),
        accepted=Count("id", filter=Q(accepted_at__isnull=False)),
        accepted_in_time=Count("id", filter=Q(accepted_at__isnull=False, accepted_at__lte=F("accept_due"))),
        closed=Count("id", filter=closed),
        closed_on_time=Count("id", filter=closed & Q(overdue=False)),
        due=Count("id", filter=closed | Q(resolve_due__lte=cut)),
        rated=Count("id", filter=~Q(rating="")),
        satisfied=Count("id", filter=Q(rating__in=[Rating.SATISFIED, Rating.BASICALLY])),
        avg_close=Avg(ExpressionWrapper(F("closed_at") - F("created_at"), output_field=DurationField()),
                      filter=closed),
    )
    overdue_now = base.filter(status__in=OPEN_STATUSES, resolve_due__lt=now).exclude(
        status__in=[Status.RESOLVED, Status.VERIFIED]).count()
    avg = agg.pop("avg_close")
    return CaseKpis(**agg, overdue_now=overdue_now,
                    avg_hours_to_close=round(avg.total_seconds() / 3600, 1) if avg is not None else None)
