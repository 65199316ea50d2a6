import datetime as dt
import zoneinfo

import pytest

from linli.cases.kpis import case_kpis
from linli.cases.models import Case, Status

SH = zoneinfo.ZoneInfo("Asia/Shanghai")
START, END = dt.datetime(2026, 10, 1, tzinfo=SH), dt.datetime(2026, 11, 1, tzinfo=SH)
NOW = dt.datetime(2026, 11, 15, tzinfo=SH)


def t(day, hour=10):
    return dt.datetime(2026, 10, day, hour, tzinfo=SH)


@pytest.fixture
def fixed(categories, tree):
    """Six cases in community A1 in October, one in another street, one in September."""

    def make(area, n, **fields):
        case = Case.objects.create(number=f"N{n}", category=categories.manhole, channel="h5", description="x",
                                   area=area, street=area.parent.parent, level="grid", handler_area=area)
        Case.objects.filter(pk=case.pk).update(**fields)

    due = dict(accept_due=t(1, 12), resolve_due=t(6))
    # closed on time, accepted in time, satisfied
    make(tree.g1, 1, created_at=t(1), accepted_at=t(1, 11), status=Status.CLOSED, closed_at=t(3),
         rating="satisfied", **due)
    # closed late (overdue), accepted late, basically satisfied
    make(tree.g1, 2, created_at=t(1), accepted_at=t(2), status=Status.CLOSED, closed_at=t(9), overdue=True,
         rating="basically", **due)
    # closed on time, dissatisfied
    make(tree.g2, 3, created_at=t(1), accepted_at=t(1, 11), status=Status.CLOSED, closed_at=t(5),
         rating="dissatisfied", **due)
    # still in progress and past its deadline: overdue now
    make(tree.g2, 4, created_at=t(1), accepted_at=t(1, 11), status=Status.IN_PROGRESS, overdue=True, **due)
    # rejected
    make(tree.g1, 5, created_at=t(20), status=Status.REJECTED, accept_due=t(20, 12))
    # in progress, deadline after NOW: not yet due
    make(tree.g1, 6, created_at=t(30), accepted_at=t(30, 11), status=Status.IN_PROGRESS,
         accept_due=t(30, 12), resolve_due=dt.datetime(2026, 12, 1, tzinfo=SH))
    make(tree.h1, 7, created_at=t(1), status=Status.CLOSED, closed_at=t(2), **due)  # other street
    make(tree.g1, 8, created_at=dt.datetime(2026, 9, 1, tzinfo=SH), status=Status.REPORTED)  # before period


def test_kpis_of_a_community_on_fixed_data(fixed, tree):
    k = case_kpis(tree.comm_a1, START, END, now=NOW)
    assert (k.received, k.accepted, k.accepted_in_time) == (6, 5, 4)
    assert (k.closed, k.closed_on_time, k.due) == (3, 2, 4)
    assert (k.rated, k.satisfied) == (3, 2)
    assert k.response_rate == round(100 * 4 / 6, 1)
    assert k.resolution_rate == 50.0
    assert k.satisfaction_rate == round(100 * 2 / 3, 1)
    assert k.closure_rate == 75.0 and k.on_time_rate == 50.0
    assert k.avg_hours_to_close == round((48 + 192 + 96) / 3, 1)
    assert k.overdue_now == 1


def test_kpis_of_a_grid_and_of_the_district(fixed, tree):
    assert case_kpis(tree.g2, START, END, now=NOW).received == 2
    assert case_kpis(tree.district, START, END, now=NOW).received == 7


def test_kpis_with_no_cases_have_no_rates(tree):
    k = case_kpis(tree.g1, START, END, now=NOW)
    assert k.received == 0 and k.response_rate is None and k.avg_hours_to_close is None


def test_kpis_of_a_department(fixed, tree):
    Case.objects.filter(number="N4").update(level="department", handler_department=tree.dept, handler_area=None)
    k = case_kpis(tree.dept, START, END, now=NOW)
    assert k.received == 1 and k.overdue_now == 1
