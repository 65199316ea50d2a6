"""An estate fund over grid G1 (two buildings, four homes each) and the people around it."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from linli.core import roles
from linli.funds.access import access_for
from linli.funds.models import Fund
from linli.funds.services import set_rate
from linli.people.models import RoleAssignment
from linli.places.models import Building, BuildingUnit, Household

START = dt.date(2024, 1, 1)


def homes(building: Building, n: int = 4) -> list[Household]:
    unit = BuildingUnit.objects.create(building=building, number="1")
    return [Household.objects.create(unit=unit, door=f"{101 + i}") for i in range(n)]


@pytest.fixture
def estate(tree, make_user):
    b1 = Building.objects.create(grid=tree.g1, name="1栋")
    b2 = Building.objects.create(grid=tree.g1, name="2栋")
    h1, h2 = homes(b1), homes(b2)
    fund = Fund.objects.create(name="新河街自治管理服务费", area=tree.g1, purpose="2名保洁员", starts_on=START)
    staff = make_user("staff", roles.COMMUNITY_STAFF, tree.comm_a1)
    grid = make_user("gridman", roles.GRID_WORKER, tree.g1)
    guardian = make_user("guardian", home=tree.g1)
    RoleAssignment.objects.create(person=guardian.person, role=roles.BUILDING_GUARDIAN, area=tree.g1, building=b1,
                                  starts_on=dt.date(2020, 1, 1))
    chair = make_user("chair", roles.COUNCIL_CHAIR, tree.g1)
    resident = make_user("resident", home=tree.g1)
    resident.person.household = h2[0]
    resident.person.save()
    outsider = make_user("outsider", home=tree.h1)
    other_staff = make_user("other-staff", roles.COMMUNITY_STAFF, tree.comm_b1)
    other_fund = Fund.objects.create(name="乙街道基金", area=tree.h1, starts_on=START)
    set_rate(fund, amount_fen=1000, starts_on=START, by=staff, today=START)
    return SimpleNamespace(fund=fund, b1=b1, b2=b2, h1=h1, h2=h2, staff=staff, grid=grid, guardian=guardian,
                           chair=chair, resident=resident, outsider=outsider, other_staff=other_staff,
                           other_fund=other_fund, tree=tree)


@pytest.fixture
def access():
    def get(user, fund):
        for attr in ("_linli_scope", "_linli_fund_roles"):
            if hasattr(user, attr):
                delattr(user, attr)
        return access_for(user, fund)

    return get
