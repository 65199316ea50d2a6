import datetime as dt

from linli.cases.kpis import case_kpis
from linli.cases.models import Case

from .kpi_fixtures import SH, fixed_kpi_cases  # noqa: F401 - the "fixed" fixture

START, END = dt.datetime(2026, 10, 1, tzinfo=SH), dt.datetime(2026, 11, 1, tzinfo=SH)
NOW = dt.datetime(2026, 11, 15, tzinfo=SH)


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
