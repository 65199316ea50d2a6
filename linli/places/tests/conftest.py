"""Fixtures for the places tests: GeoJSON helpers and a bigger tree for query-count tests."""

from __future__ import annotations

import datetime as dt

import pytest

from linli.conftest import square
from linli.people.models import RoleAssignment
from linli.places.models import Area, AreaLevel, Building, BuildingUnit, Household, PartnerUnit, PartyOrg

METRE_LAT = 1 / 111_195  # degrees of latitude per metre


def feature(code: str | None, name: str | None = "新河街网格", geometry: dict | None = None, **props) -> dict:
    properties = {k: v for k, v in {"code": code, "name": name}.items() if v is not None}
    properties.update(props)
    return {"type": "Feature", "properties": properties,
            "geometry": geometry if geometry is not None else square(106.510, 29.400)}


def collection(*features: dict) -> dict:
    return {"type": "FeatureCollection", "features": list(features)}


@pytest.fixture
def grow(tree, make_person):
    """Add ``n`` grids (each with buildings, units, households, people, a role and a party branch) to
    community A1; returns the function so a test can grow the data and compare query counts."""
    counter = iter(range(100, 999))

    def add(n: int) -> None:
        for _ in range(n):
            seq = next(counter)
            grid = Area.objects.create(level=AreaLevel.GRID, code=f"500113001001{seq:03d}", name=f"网格{seq}",
                                       parent=tree.comm_a1, boundary=square(106.52 + seq * 0.003, 29.41))
            branch = PartyOrg.objects.create(kind="grid_branch", name=f"网格{seq}党支部", area=grid)
            for b in range(2):
                building = Building.objects.create(grid=grid, name=f"{b + 1}栋", lat=29.411, lng=106.52 + seq * 0.003)
                PartyOrg.objects.create(kind="building_group", name=f"{seq}-{b}党小组", area=grid,
                                        building=building, parent=branch)
                unit = BuildingUnit.objects.create(building=building, number="1")
                for door in ("101", "102"):
                    home = Household.objects.create(unit=unit, door=door)
                    make_person(grid, household=home)
            worker = make_person(grid)
            RoleAssignment.objects.create(person=worker, role="grid_worker", area=grid, starts_on=dt.date(2021, 1, 1))
            PartnerUnit.objects.create(kind="sponsor_shop", name=f"小店{seq}", area=grid)

    return add
