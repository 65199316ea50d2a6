"""Fixtures for the people pages: people of every kind in the small tree, and users by role."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from linli.people.models import PartyRecord, RoleAssignment, WorkerProfile


@pytest.fixture
def staff(tree, make_user):
    """One user per role, each in the small tree of ``linli.conftest.tree``."""
    return SimpleNamespace(
        grid=make_user("grid-g1", "grid_worker", tree.g1),
        grid_h1=make_user("grid-h1", "grid_worker", tree.h1),
        community=make_user("community-a1", "community_staff", tree.comm_a1),
        street=make_user("street-a", "street_staff", tree.street_a),
        street_b=make_user("street-b", "street_staff", tree.street_b),
        district=make_user("district", "district_admin", tree.district),
        volunteer=make_user("volunteer", "volunteer", tree.g1),
        handler=make_user("handler", "department_handler", department=tree.dept),
    )


@pytest.fixture
def login(client):
    def do(user):
        client.force_login(user)
        return client

    return do


@pytest.fixture
def rider(tree, make_person):
    person = make_person(tree.g1, name="骑手小王", birth_date=dt.date(1995, 5, 1), gender="M")
    WorkerProfile.objects.create(person=person, occupation="food_delivery", platform="美团", employer="某站点")
    PartyRecord.objects.create(person=person, stage="activist", applied_on=dt.date(2023, 1, 1),
                               activist_on=dt.date(2023, 7, 1))
    RoleAssignment.objects.create(person=person, role="volunteer", area=tree.g1, starts_on=dt.date(2024, 1, 1))
    return person
