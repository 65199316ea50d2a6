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

Every figure is one aggregate query over indexed columns; nothing is loaded row by row.  An area's figures
are read through the case's street, the leading column of the index ``case_street_kpis`` (street, reported at,
then every column the figures read), so the cases of a street and a period are one range of that index and
never another street's.  ``case_kpis_series`` gives a run of months in one grouped query (plus the overdue
count) where twelve calls of ``case_kpis`` took 24.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q, QuerySet, Value, When
from django.utils import timezone

from linli.places.models import LEVEL_LENGTH, Area, AreaLevel, Department, code_range

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


def kpi_scope_q(unit: Area | Department) -> Q:
    """The cases of ``cases_of(unit)`` reached through the case's street (``Case.street`` is the street above
    its area, set once at intake): a street by its id, the district by its streets' codes, a community or grid
    by its street and then its own code.  ``test_kpi_scope_is_cases_of`` holds the two covers equal."""
    if isinstance(unit, Department):
        return unit_q(unit)
    if unit.level == AreaLevel.STREET:
        return Q(street=unit)
    street_length = LEVEL_LENGTH[AreaLevel.STREET]
    if len(unit.code) < street_length:
        low, high = code_range(unit.code)
        return Q(street__code__gte=low, street__code__lt=high)
    return Q(street__code=unit.code[:street_length]) & unit_q(unit)


def kpi_counts(cut: Any) -> dict[str, Count]:
    """The counts behind the five rates, as aggregates over cases; ``cut`` (a time or an expression) is when an
    open case's deadline counts as due."""
    closed = Q(status=Status.CLOSED)
    return dict(
        received=Count("id"),
        accepted=Count("id", filter=Q(accepted_at__isnull=False)),
        accepted_in_time=Count("id", filter=Q(accepted_at__isnull=False, accepted_at__lte=F("accept_due"))),
        closed=Count("id", filter=closed),
        closed_on_time=Count("id", filter=closed & Q(overdue=False)),
        due=Count("id", filter=closed | Q(resolve_due__lte=cut)),
        rated=Count("id", filter=~Q(rating="")),
        satisfied=Count("id", filter=Q(rating__in=[Rating.SATISFIED, Rating.BASICALLY])),
    )


def _overdue_now(unit: Area | Department, now: dt.datetime) -> int:
    return Case.objects.filter(kpi_scope_q(unit), status__in=OPEN_STATUSES, resolve_due__lt=now).exclude(
        status__in=[Status.RESOLVED, Status.VERIFIED]).count()


def case_kpis_periods(unit: Area | Department, bounds: list[tuple[dt.datetime, dt.datetime]],
                      now: dt.datetime | None = None) -> list[CaseKpis]:
    """``case_kpis`` of each of the consecutive periods ``bounds`` (each one's end the next one's start), in
    one query grouped by the period a case was reported in, plus one count of the cases overdue now."""
    if not bounds:
        return []
    if any(a[1] != b[0] for a, b in zip(bounds, bounds[1:], strict=False)) or any(s >= e for s, e in bounds):
        raise ValueError("the periods must be consecutive and not empty")
    now = now or timezone.now()
    period = models.Case(*[When(created_at__lt=end, then=Value(i)) for i, (_s, end) in enumerate(bounds)],
                         default=Value(len(bounds)), output_field=models.IntegerField())
    cut = models.Case(*[When(created_at__lt=end, then=Value(min(end, now))) for _s, end in bounds],
                      output_field=models.DateTimeField())
    closed = Q(status=Status.CLOSED)
    grouped: Any = Case.objects.filter(
        kpi_scope_q(unit), created_at__gte=bounds[0][0], created_at__lt=bounds[-1][1]).annotate(
        period=period).values("period").annotate(
        **kpi_counts(cut),
        avg_close=Avg(ExpressionWrapper(F("closed_at") - F("created_at"), output_field=DurationField()),
                      filter=closed),
    ).order_by()
    rows: dict[int, dict[str, Any]] = {r.pop("period"): r for r in grouped}
    overdue_now = _overdue_now(unit, now)
    empty = dict.fromkeys(kpi_counts(now), 0)
    out = []
    for i in range(len(bounds)):
        agg = dict(rows.get(i, empty))
        avg = agg.pop("avg_close", None)
        out.append(CaseKpis(**agg, overdue_now=overdue_now,
                            avg_hours_to_close=round(avg.total_seconds() / 3600, 1) if avg is not None else None))
    return out


def month_starts(start: dt.date, end: dt.date) -> list[dt.date]:
    """First days of the months from ``start``'s to the one before ``end``'s (``end`` exclusive)."""
    out, day = [], start.replace(day=1)
    while day < end:
        out.append(day)
        day = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return out


def case_kpis_series(unit: Area | Department, start: dt.date, end: dt.date,
                     now: dt.datetime | None = None) -> dict[dt.date, CaseKpis]:
    """``case_kpis`` of every month from ``start``'s up to (not including) ``end``, keyed by the month's first
    day, months in the default time zone like the reports' periods: one grouped query and one count."""
    tz = timezone.get_default_timezone()
    months = month_starts(start, end)
    if not months:
        return {}
    edges = [dt.datetime.combine(m, dt.time(), tz) for m in months]
    after = months[-1]
    edges.append(dt.datetime.combine(dt.date(after.year + after.month // 12, after.month % 12 + 1, 1), dt.time(), tz))
    return dict(zip(months, case_kpis_periods(unit, list(zip(edges, edges[1:], strict=False)), now), strict=True))


def case_kpis(unit: Area | Department, start: dt.datetime, end: dt.datetime,
              now: dt.datetime | None = None) -> CaseKpis:
    """The figures of the cases reported in ``[start, end)`` (see the table above)."""
    return case_kpis_periods(unit, [(start, end)], now)[0]
