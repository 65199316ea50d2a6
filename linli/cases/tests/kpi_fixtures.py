"""Fixed case data for the KPI definitions, shared by the service tests and the API tests."""

import datetime as dt
import zoneinfo

import pytest

from linli.cases.models import Case, Status

SH = zoneinfo.ZoneInfo("Asia/Shanghai")


def t(day, hour=10):
    return dt.datetime(2026, 10, day, hour, tzinfo=SH)


@pytest.fixture(name="fixed")
def fixed_kpi_cases(categories, tree):
    """Six cases in community A1 in October, one in another street, one in September."""
    make_fixed_cases(categories, tree)


def make_fixed_cases(categories, tree) -> None:
    """The cases of the ``fixed`` fixture, written straight to the table (for fixtures that build on them)."""

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
         accept_due=t(30, 12), resolve_due=dt.datetime(2099, 12, 1, tzinfo=SH))
    make(tree.h1, 7, created_at=t(1), status=Status.CLOSED, closed_at=t(2), **due)  # other street
    make(tree.g1, 8, created_at=dt.datetime(2026, 9, 1, tzinfo=SH), status=Status.REPORTED)  # before period
