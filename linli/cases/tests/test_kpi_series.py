"""``case_kpis_series`` (one grouped query for a run of months) against the per-call computation it replaces."""

import datetime as dt
import random

import pytest
from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q

from linli.cases.kpis import CaseKpis, case_kpis, case_kpis_periods, case_kpis_series, cases_of, kpi_scope_q
from linli.cases.models import OPEN_STATUSES, Case, Rating, Status

from .kpi_fixtures import SH

NOW = dt.datetime(2026, 11, 15, 9, 30, tzinfo=SH)  # inside November: that month's "due" is cut at now
UNITS = ["district", "street_a", "street_b", "comm_a1", "comm_b1", "g1", "g2", "h1", "dept"]


def reference_kpis(unit, start, end, now) -> CaseKpis:
    """``case_kpis`` as it was computed before the series: two queries per call, over ``cases_of``."""
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


def month_bounds(first: dt.date) -> tuple[dt.datetime, dt.datetime]:
    after = dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return dt.datetime.combine(first, dt.time(), SH), dt.datetime.combine(after, dt.time(), SH)


@pytest.fixture
def seeded(categories, tree):
    """300 cases over Jul 2026 – Feb 2027 in every grid, in every state, some exactly on a month's first
    instant or its last microsecond, deadlines either side of their month's end and of now; a third handled
    by the department."""
    rng = random.Random(15)
    grids = [tree.g1, tree.g2, tree.h1]
    edges = [dt.datetime(2026, m, 1, tzinfo=SH) for m in range(7, 13)] + [dt.datetime(2027, m, 1, tzinfo=SH)
                                                                          for m in (1, 2, 3)]
    rows = []
    for n in range(300):
        grid = grids[n % 3]
        if n % 10 == 0:
            created = rng.choice(edges[1:-1])  # the first instant of a month
        elif n % 10 == 1:
            created = rng.choice(edges[1:-1]) - dt.timedelta(microseconds=1)  # the last of the one before
        else:
            created = edges[0] + dt.timedelta(seconds=rng.randrange(int((edges[-1] - edges[0]).total_seconds())))
        status = rng.choice(list(Status))
        accepted = created + dt.timedelta(hours=rng.choice([1, 5, 30])) if status != Status.REPORTED else None
        closed = created + dt.timedelta(hours=rng.randrange(1, 900)) if status == Status.CLOSED else None
        rows.append(Case(
            number=f"S{n}", category=categories.manhole, channel="h5", description="x", area=grid,
            street=grid.parent.parent, level="department" if n % 3 == 2 else "grid",
            handler_area=None if n % 3 == 2 else grid, handler_department=tree.dept if n % 3 == 2 else None,
            status=status, accept_due=created + dt.timedelta(hours=4) if n % 7 else None,
            resolve_due=created + dt.timedelta(days=rng.choice([1, 5, 20, 40])) if n % 11 else None,
            accepted_at=accepted, closed_at=closed, overdue=rng.random() < 0.3,
            rating=rng.choice(["", "", Rating.SATISFIED, Rating.BASICALLY, Rating.DISSATISFIED])
            if status == Status.CLOSED else ""))
    Case.objects.bulk_create(rows)
    for case in rows:  # auto_now_add: set the report time after the insert
        Case.objects.filter(number=case.number).update(created_at=case.created_at)
    assert Case.objects.count() == 300


@pytest.mark.parametrize("unit", UNITS)
def test_series_equals_case_kpis_month_by_month(seeded, tree, unit):
    area = getattr(tree, unit)
    series = case_kpis_series(area, dt.date(2026, 6, 1), dt.date(2027, 4, 1), now=NOW)
    assert list(series) == [dt.date(2026, m, 1) for m in range(6, 13)] + [dt.date(2027, m, 1) for m in (1, 2, 3)]
    for month, kpis in series.items():
        start, end = month_bounds(month)
        assert kpis == reference_kpis(area, start, end, NOW), month
        assert kpis == case_kpis(area, start, end, now=NOW), month
    assert sum(k.received for k in series.values()) == cases_of(area).count()


@pytest.mark.parametrize("unit", UNITS)
def test_case_kpis_of_any_period_equals_the_per_call_computation(seeded, tree, unit):
    area = getattr(tree, unit)
    for start, end in [(dt.datetime(2026, 8, 17, 13, tzinfo=SH), dt.datetime(2026, 12, 1, tzinfo=SH)),
                       (dt.datetime(2026, 11, 1, tzinfo=SH), dt.datetime(2026, 11, 16, tzinfo=SH))]:
        assert case_kpis(area, start, end, now=NOW) == reference_kpis(area, start, end, NOW)


@pytest.mark.parametrize("unit", UNITS)
def test_kpi_scope_is_cases_of(seeded, tree, unit):
    area = getattr(tree, unit)
    ids = set(Case.objects.filter(kpi_scope_q(area)).values_list("id", flat=True))
    assert ids and ids == set(cases_of(area).values_list("id", flat=True))


def test_a_streets_figures_never_count_another_streets_cases(seeded, tree):
    a = case_kpis_series(tree.street_a, dt.date(2026, 7, 1), dt.date(2027, 3, 1), now=NOW)
    b = case_kpis_series(tree.street_b, dt.date(2026, 7, 1), dt.date(2027, 3, 1), now=NOW)
    in_a = Case.objects.filter(area__in=[tree.g1, tree.g2]).count()
    assert sum(k.received for k in a.values()) == in_a == 200
    assert sum(k.received for k in b.values()) == 100
    Case.objects.filter(area=tree.h1).update(status=Status.IN_PROGRESS, resolve_due=NOW - dt.timedelta(days=1))
    before = case_kpis_series(tree.street_a, dt.date(2026, 7, 1), dt.date(2027, 3, 1), now=NOW)
    assert before == a  # street B's cases changed: street A's figures did not
    assert case_kpis(tree.street_b, *month_bounds(dt.date(2026, 7, 1)), now=NOW).overdue_now == 100


def test_a_year_of_months_is_two_queries(seeded, tree, django_assert_num_queries):
    with django_assert_num_queries(2):
        series = case_kpis_series(tree.street_a, dt.date(2026, 1, 1), dt.date(2027, 1, 1), now=NOW)
    assert len(series) == 12 and series[dt.date(2026, 1, 1)].received == 0


def test_periods_must_follow_each_other(tree):
    a, b, c = (dt.datetime(2026, m, 1, tzinfo=SH) for m in (1, 2, 3))
    with pytest.raises(ValueError):
        case_kpis_periods(tree.street_a, [(a, b), (a, c)])
    with pytest.raises(ValueError):
        case_kpis_periods(tree.street_a, [(b, a)])
    assert case_kpis_periods(tree.street_a, []) == []
    assert case_kpis_series(tree.street_a, dt.date(2026, 3, 1), dt.date(2026, 3, 1)) == {}
