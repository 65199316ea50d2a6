from types import SimpleNamespace

import pytest

from linli.cases.models import Category, CategoryKind, HandlerLevel


@pytest.fixture
def categories(tree):
    parent = Category.objects.create(kind=CategoryKind.COMPONENT, code="public-facilities", name="公用设施")
    manhole = Category.objects.create(parent=parent, kind=CategoryKind.COMPONENT, code="manhole-cover",
                                      name="井盖", handler_level=HandlerLevel.GRID, accept_hours=2, resolve_days=3)
    wall = Category.objects.create(parent=parent, kind=CategoryKind.COMPONENT, code="outer-wall",
                                   name="外墙隐患", handler_level=HandlerLevel.DEPARTMENT, department=tree.dept)
    wiring = Category.objects.create(parent=parent, kind=CategoryKind.EVENT, code="tangled-wiring",
                                     name="飞线", handler_level=HandlerLevel.COMMUNITY)
    return SimpleNamespace(parent=parent, manhole=manhole, wall=wall, wiring=wiring)


@pytest.fixture
def actors(tree, make_user):
    """Users around grid g1 of community A1, and outsiders."""
    return SimpleNamespace(
        reporter=make_user("rider", home=tree.g1),
        worker=make_user("worker", "grid_worker", tree.g1),
        worker2=make_user("worker2", "grid_worker", tree.g1),
        other_worker=make_user("other", "grid_worker", tree.g2),
        community=make_user("community", "community_staff", tree.comm_a1),
        street=make_user("street", "street_staff", tree.street_a),
        other_street=make_user("streetb", "street_staff", tree.street_b),
        dept=make_user("dept", "department_handler", department=tree.dept),
    )
