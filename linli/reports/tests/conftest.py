"""Reports fixtures: the cases app's fixed KPI cases (October 2026 in community A1), users around them."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.core.cache import cache

from linli.cases.tests.kpi_fixtures import SH, make_fixed_cases
from linli.core import roles
from linli.reports import rollup

OCTOBER = {"period": "custom", "from": "2026-10-01", "to": "2026-10-31"}
START, END = dt.datetime(2026, 10, 1, tzinfo=SH), dt.datetime(2026, 11, 1, tzinfo=SH)
NOW = dt.datetime(2026, 11, 15, tzinfo=SH)


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def fixed(categories, tree):
    """The cases app's fixed KPI cases (written around the services, so the rollup is rebuilt after them)."""
    make_fixed_cases(categories, tree)
    rollup.rebuild()


@pytest.fixture
def users(tree, make_user):
    return SimpleNamespace(
        street=make_user("street-a", roles.STREET_STAFF, tree.street_a),
        staff=make_user("staff-a1", roles.COMMUNITY_STAFF, tree.comm_a1),
        staff_b=make_user("staff-b1", roles.COMMUNITY_STAFF, tree.comm_b1),
        grid=make_user("grid-g1", roles.GRID_WORKER, tree.g1),
        dept=make_user("dept-1", roles.DEPARTMENT_HANDLER, department=tree.dept),
        resident=make_user("resident", home=tree.g1),
        volunteer=make_user("volunteer", roles.VOLUNTEER, tree.comm_a1),
    )


@pytest.fixture
def october(fixed):
    """The fixed cases with numbers the case pages accept: N1 → 202610000001 and so on."""
    from linli.cases.models import Case

    for case in Case.objects.all():
        Case.objects.filter(pk=case.pk).update(number=f"2026100000{int(case.number[1:]):02d}")


def numbers(html: str) -> set[int]:
    """The fixed cases (by their N-number) listed on a page."""
    import re

    return {int(n) for n in re.findall(r">2026100000(\d\d)<", html)}
