"""The dashboard's figures for one unit and period, composed from the apps that own them.

Each app owns its figure and reports only composes: the case KPIs are ``cases.kpis.case_kpis`` (on
``cases.kpis.cases_of``), the cases over time, by category and channel are read from the daily rollup
(``rollup``), meetings and outcomes ``meetings.accountability.figures_by_series``, visit rates
``care.services.plans.monthly_rates``.  Where an app's figure is counted for a whole scheme or one user's
scope rather than for a unit and a period (the points flows of ``points.figures``, the errand counts of
``care.services.figures``, a fund's ``funds.services.balance``), the same definition is applied here to the
unit's rows in one aggregate query; the definitions are quoted beside each part.  A unit is limited with the
apps' own ``scope_q`` over a one-area ``Scope`` (the area and everything under it).

Every part is a fixed number of aggregate queries whatever the size of the tables; a part whose app has no
rows for the unit comes back ``None`` and the page shows an empty state.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, Substr
from django.utils import timezone

from linli.care.models import Errand, Visit, VisitDue
from linli.care.services import plans
from linli.cases.kpis import CaseKpis, case_kpis_periods, cases_of, kpi_counts
from linli.cases.models import OPEN_STATUSES, Channel, Status
from linli.core.scope import Scope
from linli.funds.models import Entry, Fund
from linli.meetings import accountability
from linli.meetings.models import Series
from linli.places.models import Area, AreaLevel, Department
from linli.points import figures as points_figures
from linli.volunteering.models import ServiceRecord

from . import rollup
from .models import DEFAULT_TARGETS, Kpi, Target
from .periods import Period

Unit = Area | Department

KPI_FIELDS = {Kpi.RESPONSE: "response_rate", Kpi.RESOLUTION: "resolution_rate",
              Kpi.SATISFACTION: "satisfaction_rate", Kpi.CLOSURE: "closure_rate", Kpi.ON_TIME: "on_time_rate"}


def in_unit(qs: QuerySet, unit: Area) -> QuerySet:
    """``qs`` limited to the unit by the model's own scope rule (an area scope without a person)."""
    return qs.filter(qs.model.scope_q(Scope(area_codes=(unit.code,))))


def _change(now: float | int | None, before: float | int | None) -> float | None:
    if now is None or before is None:
        return None
    return round(now - before, 1)


# --- targets ------------------------------------------------------------------------------------------------

def targets_for(unit: Unit) -> dict[str, int]:
    """The unit's target per KPI: its own, else the nearest ancestor's, else the default (one query)."""
    if isinstance(unit, Department):
        rows = list(Target.objects.filter(department=unit).values_list("kpi", "percent", "area__code"))
    else:
        prefixes = [unit.code[:n] for n in (6, 9, 12, 15) if n <= len(unit.code)]
        rows = list(Target.objects.filter(area__code__in=prefixes).values_list("kpi", "percent", "area__code"))
    result = dict(DEFAULT_TARGETS)
    for kpi, percent, _code in sorted(rows, key=lambda r: len(r[2] or "")):  # the nearest (longest code) wins
        result[kpi] = percent
    return result


# --- cases --------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class KpiRow:
    kpi: str
    label: str
    value: float | None
    previous: float | None
    target: int
    part: int
    whole: int

    @property
    def change(self) -> float | None:
        return _change(self.value, self.previous)

    @property
    def met(self) -> bool | None:
        return None if self.value is None else self.value >= self.target


def kpi_rows(now: CaseKpis, before: CaseKpis, targets: dict[str, int]) -> list[KpiRow]:
    parts = {Kpi.RESPONSE: (now.accepted_in_time, now.received), Kpi.RESOLUTION: (now.closed, now.received),
             Kpi.SATISFACTION: (now.satisfied, now.rated), Kpi.CLOSURE: (now.closed, now.due),
             Kpi.ON_TIME: (now.closed_on_time, now.due)}
    return [KpiRow(kpi, str(Kpi(kpi).label), getattr(now, name), getattr(before, name), targets[kpi], *parts[kpi])
            for kpi, name in KPI_FIELDS.items()]


@dataclass(frozen=True)
class Bucket:
    day: dt.date
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class CasesPart:
    kpis: CaseKpis
    previous: CaseKpis
    rows: list[KpiRow]
    timeline: list[Bucket]
    by_status: list[tuple[str, str, int]]
    by_category: list[tuple[int, str, int]]
    by_channel: list[tuple[str, str, int]]


STATUS_ORDER = [s.value for s in Status]


def _buckets(period: Period) -> list[dt.date]:
    if period.by_month:
        return period.months()
    return [period.start + dt.timedelta(days=i) for i in range(period.days)]


def cases_part(unit: Unit, period: Period, targets: dict[str, int], now: dt.datetime) -> CasesPart | None:
    """The rates from ``cases.kpis``; the cases over time, by state, category and channel from the daily
    rollup (``rollup.rows_of``: the same cases, counted by day, so three grouped queries at any size)."""
    # The period and the one before it (which ends where it starts): one grouped query and one count.
    previous, kpis = case_kpis_periods(unit, [period.previous.bounds(), period.bounds()], now)
    if not kpis.received and not kpis.overdue_now:
        return None
    received = rollup.rows_of(unit).filter(day__gte=period.start, day__lt=period.end).order_by()
    total = Sum("cases")
    counts: dict[dt.date, dict[str, int]] = {}
    status_totals: dict[str, int] = {}
    # Grouped by day in the database (at most days × states rows whatever the cases), folded into months
    # here: TruncMonth is a Python function called per row on SQLite, most of a year's dashboard.
    for row in received.values("day", "status").annotate(n=total).filter(n__gt=0):
        day = row["day"].replace(day=1) if period.by_month else row["day"]
        bucket = counts.setdefault(day, {})
        bucket[row["status"]] = bucket.get(row["status"], 0) + row["n"]
        status_totals[row["status"]] = status_totals.get(row["status"], 0) + row["n"]
    labels = dict(Status.choices)
    timeline = [Bucket(day, counts.get(day, {})) for day in _buckets(period)]
    by_category = [(r["category_id"], r["category__name"], r["n"]) for r in
                   received.values("category_id", "category__name").annotate(n=total).filter(n__gt=0)
                   .order_by("-n", "category__name")]
    channels = dict(Channel.choices)
    by_channel = [(r["channel"], str(channels.get(r["channel"], r["channel"])), r["n"]) for r in
                  received.values("channel").annotate(n=total).filter(n__gt=0).order_by("-n", "channel")]
    by_status = [(s, str(labels[s]), status_totals[s]) for s in STATUS_ORDER if status_totals.get(s)]
    return CasesPart(kpis, previous, kpi_rows(kpis, previous, targets), timeline, by_status, by_category,
                     by_channel)


# --- league table: the units one level down ----------------------------------------------------------------

CHILD_LENGTH: dict[str, int] = {AreaLevel.DISTRICT: 9, AreaLevel.STREET: 12, AreaLevel.COMMUNITY: 15}


@dataclass
class LeagueRow:
    area: Area
    kpis: CaseKpis

    @property
    def rank_key(self) -> tuple:
        return (-(self.kpis.on_time_rate or -1), -(self.kpis.satisfaction_rate or -1), self.area.code)


def league(unit: Unit, period: Period, now: dt.datetime) -> list[LeagueRow]:
    """``case_kpis`` of every unit one level down, in two grouped queries instead of two per unit.

    The aggregates are those of ``cases.kpis.case_kpis`` grouped by the child's code (a prefix of the
    case's area code); ``test_league_equals_case_kpis`` holds them equal unit by unit."""
    if not isinstance(unit, Area) or unit.level not in CHILD_LENGTH:
        return []
    children = list(Area.objects.filter(parent=unit).order_by("code"))
    if not children:
        return []
    start, end = period.bounds()
    cut = min(end, now)
    length = CHILD_LENGTH[unit.level]
    base = cases_of(unit).annotate(child=Substr("area__code", 1, length))
    rows = {r.pop("child"): r for r in base.filter(created_at__gte=start, created_at__lt=end).values("child").annotate(
        **kpi_counts(cut),
    ).order_by()}
    overdue = dict(base.filter(status__in=OPEN_STATUSES, resolve_due__lt=now)
                   .exclude(status__in=[Status.RESOLVED, Status.VERIFIED])
                   .values("child").annotate(n=Count("id")).values_list("child", "n").order_by())
    empty = dict.fromkeys(("received", "accepted", "accepted_in_time", "closed", "closed_on_time", "due", "rated",
                           "satisfied"), 0)
    table = [LeagueRow(a, CaseKpis(**rows.get(a.code, empty), overdue_now=overdue.get(a.code, 0),
                                   avg_hours_to_close=None)) for a in children]
    return sorted(table, key=lambda r: r.rank_key)


# --- meetings -------------------------------------------------------------------------------------------------

@dataclass
class MeetingsPart:
    now: accountability.Figures
    previous: accountability.Figures


def _sum(figures: list[accountability.Figures]) -> accountability.Figures:
    names = [f for f in accountability.Figures.__dataclass_fields__]
    return accountability.Figures(**{n: sum(getattr(f, n) for f in figures) for n in names})


def meetings_part(unit: Unit, period: Period) -> MeetingsPart | None:
    if not isinstance(unit, Area):
        return None
    ids = list(in_unit(Series.objects.all(), unit).values_list("id", flat=True))
    if not ids:
        return None
    prev = period.previous
    now = _sum(list(accountability.figures_by_series(ids, period.start, period.last_day).values()))
    before = _sum(list(accountability.figures_by_series(ids, prev.start, prev.last_day).values()))
    return MeetingsPart(now, before)


# --- volunteering and points ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Service:
    records: int = 0
    volunteers: int = 0
    minutes: int = 0

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 1)


@dataclass(frozen=True)
class Points:
    issued: int = 0
    redeemed: int = 0


@dataclass
class VolunteeringPart:
    service: Service
    previous: Service
    points: Points
    points_previous: Points


def _service(unit: Area, period: Period) -> Service:
    """Confirmed service records hosted in the unit that started in the period."""
    start, end = period.bounds()
    agg = in_unit(ServiceRecord.objects.all(), unit).filter(
        status=ServiceRecord.Status.CONFIRMED, started_at__gte=start, started_at__lt=end).aggregate(
        records=Count("id"), volunteers=Count("volunteer_id", distinct=True), minutes=Coalesce(Sum("minutes"), 0))
    return Service(**agg)


def _points(unit: Area, period: Period) -> Points:
    """``points.figures.flows``: issued and redeemed by the schemes the unit hosts, in the period."""
    f = points_figures.flows(unit.code, *period.bounds())
    return Points(issued=f.issued, redeemed=f.redeemed)


def volunteering_part(unit: Unit, period: Period) -> VolunteeringPart | None:
    if not isinstance(unit, Area):
        return None
    part = VolunteeringPart(_service(unit, period), _service(unit, period.previous), _points(unit, period),
                            _points(unit, period.previous))
    if part.service == Service() and part.previous == Service() and part.points == Points() \
            and part.points_previous == Points():
        return None
    return part


# --- care: visits and errands -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Care:
    visits: int = 0
    due: int = 0
    met: int = 0
    errands: int = 0
    errands_done: int = 0

    @property
    def visit_rate(self) -> int | None:
        return plans.Rate("", self.due, self.met).percent


@dataclass
class CarePart:
    now: Care
    previous: Care
    monthly: list[plans.Rate] = field(default_factory=list)


def _care(unit: Area, period: Period, now: dt.datetime) -> tuple[Care, list[plans.Rate]]:
    start, end = period.bounds()
    months = period.months()
    rates = plans.monthly_rates(in_unit(VisitDue.objects.all(), unit), months[-1], len(months), now)
    visits = in_unit(Visit.objects.all(), unit).filter(started_at__gte=start, started_at__lt=end).count()
    done_q = Q(status__in=[Errand.Status.DONE, Errand.Status.CONFIRMED], done_at__gte=start, done_at__lt=end)
    errands = in_unit(Errand.objects.all(), unit).filter(
        Q(created_at__gte=start, created_at__lt=end) | done_q).aggregate(
        logged=Count("id", filter=Q(created_at__gte=start, created_at__lt=end)), done=Count("id", filter=done_q))
    return Care(visits, sum(r.due for r in rates), sum(r.met for r in rates), errands["logged"],
                errands["done"]), rates


def care_part(unit: Unit, period: Period, now: dt.datetime) -> CarePart | None:
    if not isinstance(unit, Area):
        return None
    current, monthly = _care(unit, period, now)
    previous, _rates = _care(unit, period.previous, now)
    if current == Care() and previous == Care():
        return None
    return CarePart(current, previous, monthly)


# --- funds ------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class FundsPart:
    funds: int
    balance_fen: int
    previous_fen: int
    income_fen: int
    spending_fen: int


def funds_part(unit: Unit, period: Period) -> FundsPart | None:
    """``funds.services.balance`` summed over the unit's funds: the ledger entries up to the period's end,
    and those before its start; income and spending are the period's positive and negative entries."""
    if not isinstance(unit, Area):
        return None
    entries = Entry.objects.filter(fund__in=in_unit(Fund.objects.all(), unit))
    agg = entries.aggregate(
        funds=Count("fund_id", distinct=True),
        balance=Coalesce(Sum("amount_fen", filter=Q(occurred_on__lt=period.end)), 0),
        previous=Coalesce(Sum("amount_fen", filter=Q(occurred_on__lt=period.start)), 0),
        income=Coalesce(Sum("amount_fen", filter=Q(occurred_on__gte=period.start, occurred_on__lt=period.end,
                                                   amount_fen__gt=0)), 0),
        spending=Coalesce(Sum("amount_fen", filter=Q(occurred_on__gte=period.start, occurred_on__lt=period.end,
                                                     amount_fen__lt=0)), 0))
    if not agg["funds"]:
        return None
    return FundsPart(agg["funds"], agg["balance"], agg["previous"], agg["income"], -agg["spending"])


# --- the whole dashboard ------------------------------------------------------------------------------------------

@dataclass
class Dashboard:
    unit: Unit
    period: Period
    targets: dict[str, int]
    cases: CasesPart | None
    overdue_now: int
    league: list[LeagueRow]
    meetings: MeetingsPart | None
    volunteering: VolunteeringPart | None
    care: CarePart | None
    funds: FundsPart | None

    @property
    def department(self) -> bool:
        return isinstance(self.unit, Department)


def dashboard(unit: Unit, period: Period, now: dt.datetime | None = None) -> Dashboard:
    now = now or timezone.now()
    targets = targets_for(unit)
    cases = cases_part(unit, period, targets, now)
    return Dashboard(unit=unit, period=period, targets=targets, cases=cases,
                     overdue_now=cases.kpis.overdue_now if cases else 0, league=league(unit, period, now),
                     meetings=meetings_part(unit, period), volunteering=volunteering_part(unit, period),
                     care=care_part(unit, period, now), funds=funds_part(unit, period))
