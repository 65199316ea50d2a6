"""/api/kpis: the figures of linli.cases.kpis for a unit in the caller's scope."""

import datetime as dt

import pytest

from linli.cases.kpis import case_kpis
from linli.cases.models import Case
from linli.cases.tests.kpi_fixtures import SH, fixed_kpi_cases, t  # noqa: F401 - the "fixed" fixture

OCTOBER = {"start": "2026-10-01", "end": "2026-10-31"}


def test_kpis_of_a_community_match_the_definitions(fixed, actors, api_as, tree):
    response = api_as(actors.community).get("/kpis", {"unit": tree.comm_a1.code, **OCTOBER})
    assert response.status_code == 200, response.content
    k = response.json()
    assert k["unit"] == {"kind": "area", "code": tree.comm_a1.code, "name": "甲一社区"}
    assert (k["start"], k["end"]) == ("2026-10-01", "2026-10-31")
    assert (k["received"], k["accepted"], k["accepted_in_time"]) == (6, 5, 4)
    assert (k["closed"], k["closed_on_time"], k["due"]) == (3, 2, 4)
    assert (k["rated"], k["satisfied"], k["overdue_now"]) == (3, 2, 1)
    assert k["response_rate"] == round(100 * 4 / 6, 1) and k["resolution_rate"] == 50.0
    assert k["satisfaction_rate"] == round(100 * 2 / 3, 1)
    assert k["closure_rate"] == 75.0 and k["on_time_rate"] == 50.0
    assert k["avg_hours_to_close"] == round((48 + 192 + 96) / 3, 1)
    direct = case_kpis(tree.comm_a1, dt.datetime(2026, 10, 1, tzinfo=SH), dt.datetime(2026, 11, 1, tzinfo=SH))
    assert k["received"] == direct.received and k["on_time_rate"] == direct.on_time_rate


def test_kpis_of_a_department(fixed, actors, api_as, tree):
    Case.objects.filter(number="N4").update(level="department", handler_department=tree.dept, handler_area=None)
    k = api_as(actors.dept).get("/kpis", {"unit": "dept:chengguan", **OCTOBER}).json()
    assert k["unit"]["kind"] == "department" and k["received"] == 1 and k["overdue_now"] == 1


def test_kpis_with_nothing_received_have_null_rates(actors, api_as, tree, categories):
    k = api_as(actors.worker).get("/kpis", {"unit": tree.g1.code, **OCTOBER}).json()
    assert k["received"] == 0 and k["response_rate"] is None and k["avg_hours_to_close"] is None


@pytest.mark.parametrize("who,unit", [
    ("other_street", "500113001001"),   # community of street A seen from street B
    ("worker", "500113001001"),         # a grid worker asking for the whole community
    ("worker", "500113002"),
    ("reporter", "500113001001001"),    # a resident has no unit
    ("community", "dept:chengguan"),
    ("street", "dept:nope"),
    ("street", "999999999"),
])
def test_a_unit_outside_the_scope_is_404(fixed, actors, api_as, who, unit):
    response = api_as(getattr(actors, who)).get("/kpis", {"unit": unit, **OCTOBER})
    assert response.status_code == 404


@pytest.mark.parametrize("params,status", [
    ({"unit": "street-a"}, 400),
    ({"unit": "500113001", "start": "2026-11-01", "end": "2026-10-01"}, 400),
    ({"unit": "500113001", "start": "1900-01-01"}, 400),
    ({"unit": "500113001", "end": "9999-12-31"}, 400),
    ({"unit": "500113001", "start": "October"}, 422),
    ({}, 422),
])
def test_bad_kpi_parameters_are_refused_in_chinese(actors, api_as, params, status, tree):
    response = api_as(actors.street).get("/kpis", params)
    assert response.status_code == status
    assert any("\u4e00" <= ch <= "\u9fff" for ch in response.json()["detail"])


def test_kpis_default_to_this_month(actors, api_as, tree, categories):
    k = api_as(actors.street).get("/kpis", {"unit": tree.street_a.code}).json()
    assert k["start"].endswith("-01") and k["end"] >= k["start"]
