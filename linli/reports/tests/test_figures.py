"""Dashboard figures computed on fixed data and compared with counts made by hand; the league table equals the
cases app's own KPIs unit by unit; targets fall back to the nearest ancestor; empty parts come back None."""

from __future__ import annotations

import datetime as dt

import pytest

from linli.cases.kpis import case_kpis
from linli.cases.models import Case
from linli.funds.models import Entry, Fund
from linli.meetings import accountability
from linli.meetings.models import AgendaItem, Meeting, MeetingKind, MeetingStatus, Outcome, Series
from linli.points import ledger
from linli.points.models import AccountKind, Scheme
from linli.reports import figures
from linli.reports.models import DEFAULT_TARGETS, Kpi, Target
from linli.reports.periods import Period, month_period, period_of
from linli.volunteering.models import ServiceRecord

from .conftest import END, NOW, SH, START

OCT = Period("custom", dt.date(2026, 10, 1), dt.date(2026, 11, 1))


def test_cases_part_on_fixed_data(fixed, tree):
    d = figures.dashboard(tree.comm_a1, OCT, now=NOW)
    c = d.cases
    assert c is not None
    assert (c.kpis.received, c.kpis.closed, c.kpis.due) == (6, 3, 4)
    # by hand: October has 31 days, cases on the 1st (4), the 20th (1) and the 30th (1)
    assert len(c.timeline) == 31 and sum(b.total for b in c.timeline) == 6
    assert c.timeline[0].counts == {"closed": 3, "in_progress": 1}
    assert c.timeline[19].counts == {"rejected": 1} and c.timeline[29].counts == {"in_progress": 1}
    assert [(s, n) for s, _l, n in c.by_status] == [("rejected", 1), ("in_progress", 2), ("closed", 3)]
    assert [(name, n) for _i, name, n in c.by_category] == [("井盖", 6)]
    assert [(code, n) for code, _l, n in c.by_channel] == [("h5", 6)]
    rows = {r.kpi: r for r in c.rows}
    assert rows[Kpi.RESPONSE].value == round(100 * 4 / 6, 1) and (rows[Kpi.RESPONSE].part,
                                                                  rows[Kpi.RESPONSE].whole) == (4, 6)
    assert rows[Kpi.CLOSURE].value == 75.0 and rows[Kpi.ON_TIME].value == 50.0
    assert rows[Kpi.ON_TIME].target == DEFAULT_TARGETS[Kpi.ON_TIME] and rows[Kpi.ON_TIME].met is False
    # the previous period of a custom range is as long and just before: September holds N8 only
    assert c.previous.received == 1 and rows[Kpi.RESPONSE].previous == 0.0
    assert d.overdue_now == 1


def test_periods():
    today = dt.date(2026, 8, 17)
    assert period_of("this_month", today) == Period("this_month", dt.date(2026, 8, 1), dt.date(2026, 9, 1))
    assert period_of("last_month", today).start == dt.date(2026, 7, 1)
    q = period_of("this_quarter", today)
    assert (q.start, q.end, q.previous.start) == (dt.date(2026, 7, 1), dt.date(2026, 10, 1), dt.date(2026, 4, 1))
    y = period_of("this_year", today)
    assert (y.start, y.end, y.previous.start, y.by_month) == (dt.date(2026, 1, 1), dt.date(2027, 1, 1),
                                                              dt.date(2025, 1, 1), True)
    assert month_period(dt.date(2026, 1, 20)).previous == Period("month", dt.date(2025, 12, 1), dt.date(2026, 1, 1))
    assert len(y.months()) == 12


def test_timeline_by_month_for_a_year(fixed, tree):
    year = Period("this_year", dt.date(2026, 1, 1), dt.date(2027, 1, 1))
    c = figures.cases_part(tree.comm_a1, year, DEFAULT_TARGETS, NOW)
    assert [b.total for b in c.timeline] == [0] * 8 + [1, 6, 0, 0]


def test_league_equals_case_kpis(fixed, tree):
    for unit in (tree.district, tree.street_a, tree.comm_a1):
        rows = figures.league(unit, OCT, NOW)
        assert {r.area.pk for r in rows} == set(tree.district.__class__.objects.filter(parent=unit)
                                                 .values_list("pk", flat=True))
        for row in rows:
            own = case_kpis(row.area, START, END, NOW)
            for name in ("received", "accepted", "accepted_in_time", "closed", "closed_on_time", "due", "rated",
                         "satisfied", "overdue_now"):
                assert getattr(row.kpis, name) == getattr(own, name), (row.area.name, name)
    grids = figures.league(tree.comm_a1, OCT, NOW)
    assert [r.area for r in grids] == [tree.g1, tree.g2]  # g1 closes on time 1 of 2 due, g2 1 of 2: by code
    assert figures.league(tree.g1, OCT, NOW) == [] and figures.league(tree.dept, OCT, NOW) == []


def test_targets_fall_back_to_the_nearest_ancestor(tree):
    Target.objects.create(area=tree.street_a, kpi=Kpi.RESPONSE, percent=80)
    Target.objects.create(area=tree.comm_a1, kpi=Kpi.RESPONSE, percent=70)
    Target.objects.create(department=tree.dept, kpi=Kpi.SATISFACTION, percent=60)
    assert figures.targets_for(tree.g1)[Kpi.RESPONSE] == 70
    assert figures.targets_for(tree.comm_a1)[Kpi.RESPONSE] == 70
    assert figures.targets_for(tree.street_a)[Kpi.RESPONSE] == 80
    assert figures.targets_for(tree.street_b)[Kpi.RESPONSE] == DEFAULT_TARGETS[Kpi.RESPONSE]
    assert figures.targets_for(tree.dept)[Kpi.SATISFACTION] == 60
    assert figures.targets_for(tree.g1)[Kpi.SATISFACTION] == DEFAULT_TARGETS[Kpi.SATISFACTION]


def test_parts_without_data_are_none(tree):
    d = figures.dashboard(tree.comm_a1, OCT, now=NOW)
    assert (d.cases, d.meetings, d.volunteering, d.care, d.funds, d.overdue_now) == (None, None, None, None, None, 0)
    dep = figures.dashboard(tree.dept, OCT, now=NOW)
    assert dep.department and dep.meetings is None and dep.funds is None


def test_department_dashboard_counts_the_department_cases(fixed, tree):
    Case.objects.filter(number__in=["N3", "N4"]).update(level="department", handler_department=tree.dept)
    d = figures.dashboard(tree.dept, OCT, now=NOW)
    assert d.cases.kpis.received == 2 and d.overdue_now == 1


def test_meetings_part_is_the_sum_of_the_series_figures(tree, users):
    kind = MeetingKind.objects.create(code="fengsi", name="逢四说事")
    figures_before = figures.meetings_part(tree.comm_a1, OCT)
    assert figures_before is None
    series = [Series.objects.create(kind=kind, name=f"说事{i}", area=area, place="活动室",
                             start_time=dt.time(9, 0), day_of_month=4)
              for i, area in enumerate([tree.comm_a1, tree.g1, tree.comm_b1])]
    for i, s in enumerate(series):
        m = Meeting.objects.create(series=s, area=s.area, starts_at=dt.datetime(2026, 10, 4 + i, 9, tzinfo=SH),
                                   ends_at=dt.datetime(2026, 10, 4 + i, 11, tzinfo=SH), status=MeetingStatus.HELD)
        AgendaItem.objects.create(meeting=m, title="路灯", outcome=Outcome.SOLVED)
        AgendaItem.objects.create(meeting=m, title="占道", outcome=Outcome.DEFERRED)
    part = figures.meetings_part(tree.comm_a1, OCT)
    a, b = (accountability.figures(s, dt.date(2026, 10, 1), dt.date(2026, 10, 31)) for s in series[:2])
    assert part.now.held == a.held + b.held == 2
    assert part.now.on_the_spot == 2 and part.now.deferred == 2 and part.now.solved == 2
    assert part.previous.held == 0
    assert figures.meetings_part(tree.street_a, OCT).now.held == 2  # street B's series is not under street A


def test_volunteering_points_care_and_funds_parts(tree, users, make_person):
    volunteer = make_person(tree.g1, "志愿者")
    for day, minutes, status in ((3, 90, "confirmed"), (5, 30, "confirmed"), (6, 60, "pending")):
        ServiceRecord.objects.create(volunteer=volunteer, area=tree.comm_a1, content="清扫", place="小区",
                                     started_at=dt.datetime(2026, 10, day, 9, tzinfo=SH),
                                     ended_at=dt.datetime(2026, 10, day, 11, tzinfo=SH), minutes=minutes,
                                     computed_minutes=minutes,
                                     organiser_name="社区", status=status)
    scheme = Scheme.objects.create(code="pioneer", name="先锋骑士", area=tree.street_a)
    other = Scheme.objects.create(code="other", name="别处", area=tree.street_b)
    person = make_person(tree.g1, "骑手")
    ledger.earn(scheme, person, 30, key="k1", source="manual")
    ledger.earn(scheme, person, 12, key="k2", source="manual")
    ledger.earn(other, person, 99, key="k3", source="manual")
    ledger.transfer(ledger.person_account(person), ledger.system_account(scheme, AccountKind.REDEMPTION), 20,
                    key="k4", source="redemption")
    from django.utils import timezone

    today = timezone.localdate()
    this_month = month_period(today)
    v = figures.volunteering_part(tree.comm_a1, OCT)
    assert (v.service.records, v.service.volunteers, v.service.minutes, v.service.hours) == (2, 1, 120, 2.0)
    points = figures.volunteering_part(tree.street_a, this_month).points
    assert (points.issued, points.redeemed) == (42, 20)  # the other street's 99 are not counted
    fund = Fund.objects.create(name="新河街自治金", area=tree.g1, starts_on=dt.date(2026, 1, 1))
    for amount, on in ((50_000, dt.date(2026, 9, 3)), (38_000, dt.date(2026, 10, 4)), (-12_000, dt.date(2026, 10, 9))):
        Entry.objects.create(fund=fund, kind="fee" if amount > 0 else "spending", amount_fen=amount, occurred_on=on,
                             recorded_by=users.staff)
    f = figures.funds_part(tree.comm_a1, OCT)
    assert (f.funds, f.balance_fen, f.previous_fen, f.income_fen, f.spending_fen) == (1, 76_000, 50_000, 38_000,
                                                                                      12_000)
    assert figures.funds_part(tree.comm_b1, OCT) is None


@pytest.mark.parametrize("unit", ["district", "street_a", "comm_a1", "g1"])
def test_dashboard_queries_do_not_grow_with_the_data(fixed, tree, unit, django_assert_max_num_queries):
    with django_assert_max_num_queries(24):
        figures.dashboard(getattr(tree, unit), OCT, now=NOW)
