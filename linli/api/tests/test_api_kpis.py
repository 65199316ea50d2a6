"""/api/kpis: the figures of linli.cases.kpis for a unit in the caller's scope."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from linli.cases.kpis import case_kpis
from linli.cases.models import Case
from linli.cases.tests.kpi_fixtures import SH, fixed_kpi_cases, t  # noqa: F401 - the "fixed" fixture
from linli.conftest import PASSWORD

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


RATES = {"response": "response_rate", "resolution": "resolution_rate", "satisfaction": "satisfaction_rate",
         "closure": "closure_rate", "on_time": "on_time_rate"}


def _shown(rate) -> str:
    return "—" if rate is None else f"{rate}%"


def test_the_staff_dashboard_and_the_public_page_show_the_api_s_figures(fixed, actors, api_as, tree, client,
                                                                        monkeypatch):
    """The five rates of a unit and a period read the same on the dashboard, the public street page and the API."""
    k = api_as(actors.street).get("/kpis", {"unit": tree.street_a.code, **OCTOBER}).json()
    assert k["received"] == 6
    assert client.login(username=actors.street.username, password=PASSWORD)
    html = client.get(reverse("reports:dashboard", args=[tree.street_a.code]),
                      {"period": "custom", "from": "2026-10-01", "to": "2026-10-31"}).content.decode()
    assert re.search(rf'id="t-received">{k["received"]}<', html)
    for kpi, name in RATES.items():
        row = re.search(rf'id="kpi-{kpi}">\s*<th scope="row">[^<]*</th>\s*<td class="num">([^<]*)</td>', html)
        assert row and row.group(1) == _shown(k[name]), kpi
    client.logout()
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **kw: dt.date(2026, 11, 15))
    public = client.get(reverse("reports:public", args=[tree.street_a.code])).content.decode()
    row = re.search(r'<th scope="row">2026-10</th><td class="num">(\d+)</td>((?:<td class="num">[^<]*</td>){5})',
                    public)
    assert row and int(row.group(1)) == k["received"]
    assert re.findall(r'<td class="num">([^<]*)</td>', row.group(2)) == [_shown(k[n]) for n in RATES.values()]
