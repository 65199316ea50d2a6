"""The dashboard pages: scope (404 outside the unit), the numbers on the page, the list behind each figure filtered
the same way and never beyond the user's scope, bad periods, empty states, query budgets, the public page."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from linli.cases.models import Case
from linli.conftest import PASSWORD
from linli.core.nav import NavContext, sections
from linli.core.scope import scope_for
from linli.reports import nav  # noqa: F401 - registers the contributor
from linli.reports.models import Kpi, Target

from .conftest import END, OCTOBER, START, numbers


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def dash(area, **params):
    return reverse("reports:dashboard", args=[area.code]), {**OCTOBER, **params}


def test_a_user_outside_the_unit_gets_404(client, tree, users, october):
    login(client, users.staff_b)
    for name in ("dashboard", "cases", "monthly"):
        assert client.get(reverse(f"reports:{name}", args=[tree.comm_a1.code]), OCTOBER).status_code == 404
        assert client.get(reverse(f"reports:{name}", args=[tree.street_a.code])).status_code == 404
    assert client.get(reverse("reports:dashboard", args=[tree.comm_b1.code])).status_code == 200
    login(client, users.grid)  # a grid worker: their grid, not its community nor the next grid
    assert client.get(reverse("reports:dashboard", args=[tree.g1.code])).status_code == 200
    assert client.get(reverse("reports:dashboard", args=[tree.g2.code])).status_code == 404
    assert client.get(reverse("reports:dashboard", args=[tree.comm_a1.code])).status_code == 404
    for who in ("resident", "volunteer"):
        login(client, getattr(users, who))
        assert client.get(reverse("reports:index")).status_code == 404
        assert client.get(reverse("reports:dashboard", args=[tree.g1.code])).status_code == 404
    login(client, users.dept)
    assert client.get(reverse("reports:department_dashboard", args=[tree.dept.pk])).status_code == 200
    assert client.get(reverse("reports:dashboard", args=[tree.g1.code])).status_code == 404
    for name in ("department_cases", "department_monthly", "department_monthly_xlsx"):
        assert client.get(reverse(f"reports:{name}", args=[tree.dept.pk])).status_code == 200
    login(client, users.staff)
    assert client.get(reverse("reports:department_dashboard", args=[tree.dept.pk])).status_code == 404
    for name in ("department_cases", "department_monthly", "department_monthly_xlsx"):  # another unit's department
        assert client.get(reverse(f"reports:{name}", args=[tree.dept.pk])).status_code == 404
    assert client.get(reverse("reports:dashboard", args=["500113001009"])).status_code == 404  # no such unit
    client.logout()
    assert client.get(reverse("reports:dashboard", args=[tree.g1.code])).status_code == 302


def test_dashboard_shows_the_figures_and_their_targets(client, tree, users, october):
    Target.objects.create(area=tree.street_a, kpi=Kpi.ON_TIME, percent=40)
    login(client, users.street)
    url, params = dash(tree.comm_a1)
    html = client.get(url, params).content.decode()
    assert re.search(r'id="t-received">6<', html) and re.search(r'id="t-closed">3<', html)
    assert re.search(r'id="t-overdue">1<', html)
    assert re.search(r'id="kpi-on_time" class="" ?|id="kpi-on_time"', html)
    assert '<tr class="met" id="kpi-on_time">' in html  # 50 % against the street's target of 40 %
    assert '<tr class="missed" id="kpi-closure">' in html  # 75 % against the default 90 %
    assert html.count("<svg") >= 8 and "<rect" in html and 'class="visually-hidden"' in html
    assert "style=" not in html.split("<main", 1)[1]
    # the previous period is compared: September holds one case
    assert "2026-08-31 – 2026-09-30" in html
    # the empty parts show an empty state, not an error
    assert "No meetings recorded for this unit yet." in html or "还没有" in html


def test_the_league_table_links_to_the_units_one_level_down(client, tree, users, october):
    login(client, users.street)
    url, params = dash(tree.street_a)
    html = client.get(url, params).content.decode()
    assert reverse("reports:dashboard", args=[tree.comm_a1.code]) in html
    url, params = dash(tree.comm_a1)
    html = client.get(url, params).content.decode()
    assert "一网格" in html and "二网格" in html and "乙一社区" not in html
    assert reverse("reports:dashboard", args=[tree.street_a.code]) in html  # one level up


def test_the_list_behind_a_figure_is_filtered_the_same_way(client, tree, users, october):
    login(client, users.staff)
    base = reverse("reports:cases", args=[tree.comm_a1.code])
    html = client.get(base, OCTOBER).content.decode()
    assert numbers(html) == {1, 2, 3, 4, 5, 6}
    assert numbers(client.get(base, {**OCTOBER, "closed": "1"}).content.decode()) == {1, 2, 3}
    assert numbers(client.get(base, {**OCTOBER, "overdue": "1"}).content.decode()) == {4}
    assert numbers(client.get(base, {**OCTOBER, "status": "rejected"}).content.decode()) == {5}
    assert numbers(client.get(base, {**OCTOBER, "channel": "hotline"}).content.decode()) == set()
    # the links on the dashboard lead there with the same period
    html = client.get(reverse("reports:dashboard", args=[tree.comm_a1.code]), OCTOBER).content.decode()
    assert "cases/?period=custom&amp;from=2026-10-01&amp;to=2026-10-31&amp;overdue=1" in html
    # a grid worker sees only the grid's rows, never the sibling grid's (N3, N4 are in g2)
    login(client, users.grid)
    html = client.get(reverse("reports:cases", args=[tree.g1.code]), OCTOBER).content.decode()
    assert numbers(html) == {1, 2, 5, 6}


def test_the_cases_list_pages_by_key(client, tree, users, october):
    login(client, users.staff)
    from linli.reports import services

    services.CASES_PAGE, old = 4, services.CASES_PAGE
    try:
        html = client.get(reverse("reports:cases", args=[tree.comm_a1.code]), OCTOBER).content.decode()
        first = numbers(html)
        after = re.search(r'after=(\d+)"', html).group(1)
        html2 = client.get(reverse("reports:cases", args=[tree.comm_a1.code]), {**OCTOBER, "after": after}
                           ).content.decode()
        assert first | numbers(html2) == set(range(1, 7)) and len(first) == 4
    finally:
        services.CASES_PAGE = old


@pytest.mark.parametrize("params, error", [
    ({"period": "custom", "from": "2026-10-31", "to": "2026-10-01"}, "The first day must not come after"),
    ({"period": "custom", "from": "bad", "to": "2026-10-01"}, "YYYY-MM-DD"),
    ({"period": "custom", "from": "1990-01-01", "to": "2026-10-01"}, "between 2000"),
    ({"period": "custom", "from": "2020-01-01", "to": "2026-10-01"}, "three years"),
    ({"period": "custom"}, "both a first and a last day"),
    ({"period": "<script>alert(1)</script>"}, "Choose one of the periods"),
])
def test_bad_periods_get_a_clear_error(client, tree, users, params, error, settings):
    settings.LANGUAGE_CODE = "en"
    login(client, users.staff)
    response = client.get(reverse("reports:dashboard", args=[tree.comm_a1.code]), params,
                          HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert response.status_code == 200 and error in html and "<script>alert" not in html


def test_bad_periods_in_chinese(client, tree, users):
    login(client, users.staff)
    html = client.get(reverse("reports:dashboard", args=[tree.comm_a1.code]),
                      {"period": "custom", "from": "2026-10-31", "to": "2026-10-01"},
                      HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "第一天不能晚于最后一天" in html


def test_empty_unit_shows_empty_states(client, tree, users):
    login(client, users.staff_b)
    html = client.get(reverse("reports:dashboard", args=[tree.comm_b1.code]),
                      HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for text in ("No cases in this period.", "No meetings recorded", "No volunteer service",
                 "No visits or errands", "No self-management fund"):
        assert text in html


def test_index_redirects_to_the_only_unit_and_lists_several(client, tree, users):
    login(client, users.staff)
    response = client.get(reverse("reports:index"))
    assert response.status_code == 302 and response.url == reverse("reports:dashboard", args=[tree.comm_a1.code])


def test_monthly_report_page(client, tree, users, october):
    login(client, users.staff)
    url = reverse("reports:monthly", args=[tree.comm_a1.code])
    html = client.get(url, {"month": "2026-10"}).content.decode()
    assert re.search(r'id="t-received">6<', html) and "2026-10" in html and "<svg" in html
    assert client.get(url, {"month": "2026-13"}).status_code == 200


def test_public_page_has_aggregates_only(client, tree, october):
    Case.objects.filter(number="202610000001").update(caller_name="张三", callback_phone="13800001111",
                                                      address="幸福路1号")
    response = client.get(reverse("reports:public", args=[tree.street_a.code]))
    html = response.content.decode()
    assert response.status_code == 200
    for secret in ("张三", "13800001111", "幸福路1号", "202610000001", "一网格"):
        assert secret not in html
    assert client.get(reverse("reports:public", args=[tree.comm_a1.code])).status_code == 404


def test_nav_offers_figures_to_staff_only(tree, users):
    def keys(user):
        return {s.key for s in sections(NavContext(scope_for(user)))}

    assert "reports" in keys(users.staff) and "reports" in keys(users.dept)
    assert "reports" not in keys(users.resident) and "reports" not in keys(users.volunteer)


@pytest.mark.parametrize("unit", ["street_a", "comm_a1", "g1"])
def test_dashboard_page_query_budget(client, tree, users, october, unit, django_assert_max_num_queries):
    login(client, users.street)
    url, params = dash(getattr(tree, unit))
    with django_assert_max_num_queries(30):
        assert client.get(url, params).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("reports:cases", args=[getattr(tree, unit).code]), params).status_code == 200



def test_public_page_is_cached_and_links_the_case_map(client, tree, october, django_assert_max_num_queries):
    url = reverse("reports:public", args=[tree.street_a.code])

    def page():
        html = client.get(url).content.decode()
        return html[html.index("<h1"):html.index("</main>")]

    first = page()
    assert f"{reverse('cases:public_map')}?street={tree.street_a.pk}" in first
    Case.objects.filter(number="202610000001").update(created_at=dt.datetime(2026, 8, 15, tzinfo=dt.UTC))
    with django_assert_max_num_queries(2):  # the street, then the figures from the cache
        assert page() == first
    cache.clear()
    assert page() != first


def _more_cases(tree, n: int) -> None:
    """``n`` more October cases over every leaf category, channel and grid of street A (copies of a fixed case)."""
    from linli.cases.models import Category, Channel
    from linli.reports import rollup

    base = Case.objects.filter(area=tree.g1, created_at__gte=START, created_at__lt=END).order_by("id").first()
    leaves = list(Category.objects.filter(parent__isnull=False))
    channels = [c for c, _label in Channel.choices]
    copies = []
    for i in range(n):
        base.pk, base.id = None, None
        base.number, base.client_token = f"2026109{i:05d}", None
        base.category, base.channel = leaves[i % len(leaves)], channels[i % len(channels)]
        base.area = (tree.g1, tree.g2)[i % 2]
        copies.append(Case(**{f.attname: getattr(base, f.attname) for f in Case._meta.concrete_fields}))
    Case.objects.bulk_create(copies)
    Case.objects.filter(number__startswith="2026109").update(created_at=base.created_at)  # not auto_now_add's
    rollup.rebuild()
    cache.clear()


@pytest.mark.parametrize("unit", ["street_a", "comm_a1"])
def test_dashboard_and_case_list_queries_do_not_grow_with_the_cases(client, tree, users, october, unit,
                                                                    django_assert_max_num_queries):
    """The fixed cases, then 30 more over every category, channel and grid: the same queries (no N+1 in the
    league table, the categories or the list), and the page counts the new cases."""
    login(client, users.street)
    area = getattr(tree, unit)
    url, params = dash(area)
    cases_url = reverse("reports:cases", args=[area.code])
    with django_assert_max_num_queries(32) as few:
        before = client.get(url, params).context["d"].cases.kpis.received
    with django_assert_max_num_queries(12) as few_list:
        assert client.get(cases_url, params).status_code == 200
    _more_cases(tree, 30)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url, params).context["d"].cases.kpis.received == before + 30
    with django_assert_max_num_queries(len(few_list.captured_queries)):
        assert client.get(cases_url, params).status_code == 200
